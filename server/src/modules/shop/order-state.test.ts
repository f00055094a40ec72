import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderStatus } from '@tremolo/protocol';
import { ALL_ACTIONS, paymentAction, transition, type Actor } from './order-state.ts';

const STATUSES: OrderStatus[] = ['pending_payment', 'paid', 'shipped', 'delivered', 'cancelled', 'refund_requested', 'refunded'];

describe('order state machine', () => {
  test('the happy path', () => {
    const path: [OrderStatus, Parameters<typeof transition>[1], Actor, OrderStatus | 'previous'][] = [
      ['pending_payment', 'pay', 'system', 'paid'],
      ['paid', 'ship', 'seller', 'shipped'],
      ['shipped', 'confirm_receipt', 'buyer', 'delivered'],
      ['delivered', 'request_refund', 'buyer', 'refund_requested'],
      ['refund_requested', 'refund', 'seller', 'refunded'],
    ];
    for (const [from, action, actor, to] of path) {
      const r = transition(from, action, actor);
      assert.ok(r.ok, `${from} --${action}--> ${to}`);
      assert.equal(r.transition.to, to);
    }
  });

  test('compensations: expiry and cancellation release stock and coupon; cancelling a paid order returns money', () => {
    const exp = transition('pending_payment', 'expire', 'system');
    assert.ok(exp.ok);
    assert.deepEqual(exp.transition.effects.sort(), ['release_coupon', 'release_stock']);
    const cancelUnpaid = transition('pending_payment', 'cancel', 'buyer');
    assert.ok(cancelUnpaid.ok && !cancelUnpaid.transition.effects.includes('return_payment'));
    const cancelPaid = transition('paid', 'cancel', 'seller');
    assert.ok(cancelPaid.ok && cancelPaid.transition.effects.includes('return_payment'));
    const refund = transition('refund_requested', 'refund', 'seller');
    assert.ok(refund.ok);
    assert.deepEqual(refund.transition.effects.sort(), ['restock_if_returned', 'return_payment']);
    const pay = transition('pending_payment', 'pay', 'system');
    assert.ok(pay.ok && pay.transition.effects.includes('use_coupon'));
  });

  test('shipped orders cannot be cancelled; terminal states accept nothing', () => {
    const r = transition('shipped', 'cancel', 'buyer');
    assert.ok(!r.ok && r.why === 'state');
    for (const terminal of ['cancelled', 'refunded'] as const) {
      for (const action of ALL_ACTIONS) {
        for (const actor of ['buyer', 'seller', 'system'] as const)
          assert.equal(transition(terminal, action, actor).ok, false, `${terminal} ${action} ${actor}`);
      }
    }
  });

  test('only the right party acts', () => {
    const ship = transition('paid', 'ship', 'buyer');
    assert.ok(!ship.ok && ship.why === 'actor');
    assert.equal(transition('pending_payment', 'pay', 'buyer').ok, false, 'paid comes from the provider, not a request');
    assert.equal(transition('shipped', 'request_refund', 'seller').ok, false);
    assert.equal(transition('refund_requested', 'refund', 'buyer').ok, false);
    assert.equal(transition('shipped', 'confirm_receipt', 'seller').ok, false);
  });

  test('paying twice is impossible: pay is only defined from pending_payment', () => {
    for (const s of STATUSES.filter((s) => s !== 'pending_payment')) assert.equal(transition(s, 'pay', 'system').ok, false, s);
  });

  test('delivered: the buyer confirms receipt, or the system assumes it; nobody else, and only once shipped', () => {
    const byBuyer = transition('shipped', 'confirm_receipt', 'buyer');
    assert.ok(byBuyer.ok && byBuyer.transition.to === 'delivered' && byBuyer.transition.effects.length === 0);
    const bySystem = transition('shipped', 'deliver', 'system');
    assert.ok(bySystem.ok && bySystem.transition.to === 'delivered');
    assert.equal(transition('shipped', 'deliver', 'buyer').ok, false);
    assert.equal(transition('shipped', 'deliver', 'seller').ok, false);
    assert.equal(transition('shipped', 'confirm_receipt', 'system').ok, false);
    for (const s of STATUSES.filter((s) => s !== 'shipped')) {
      assert.equal(transition(s, 'deliver', 'system').ok, false, `deliver from ${s}`);
      assert.equal(transition(s, 'confirm_receipt', 'buyer').ok, false, `confirm_receipt from ${s}`);
    }
    assert.ok(transition('delivered', 'request_refund', 'buyer').ok, 'a delivered order can still ask for a refund');
    assert.equal(paymentAction('delivered', 'authorized'), 'capture', 'delivered keeps the money');
  });

  test('reject_refund returns to the status before the request', () => {
    const r = transition('refund_requested', 'reject_refund', 'seller');
    assert.ok(r.ok && r.transition.to === 'previous');
  });

  test('the reconciler captures what is kept and returns what is not', () => {
    assert.equal(paymentAction('paid', 'authorized'), 'capture');
    assert.equal(paymentAction('shipped', 'authorized'), 'capture');
    assert.equal(paymentAction('cancelled', 'authorized'), 'void');
    assert.equal(paymentAction('cancelled', 'captured'), 'refund');
    assert.equal(paymentAction('refunded', 'captured'), 'refund');
    assert.equal(paymentAction('paid', 'captured'), null);
    assert.equal(paymentAction('refunded', 'refunded'), null);
    assert.equal(paymentAction('pending_payment', 'processing'), null);
  });
});
