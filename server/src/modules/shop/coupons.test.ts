import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { couponWindowProblem, evaluateCoupon, pickBest, type CouponRule } from './coupons.ts';

const now = new Date('2026-06-01T12:00:00Z');
const rule = (over: Partial<CouponRule> = {}): CouponRule => ({
  currency: 'CNY',
  discount: { kind: 'amount', amountOff: 500 },
  minSpend: 0,
  startsAt: new Date('2026-05-01T00:00:00Z'),
  endsAt: new Date('2026-07-01T00:00:00Z'),
  stoppedAt: null,
  scope: { kind: 'shop' },
  ...over,
});
const lines = [
  { variantId: 'a', productId: 'p1', unitPrice: 3000, quantity: 1 },
  { variantId: 'b', productId: 'p2', unitPrice: 1000, quantity: 2 },
];

describe('coupons', () => {
  test('amount off, capped at the eligible subtotal', () => {
    assert.deepEqual(evaluateCoupon(rule(), lines, 'CNY', now), { applicable: true, discount: 500, reason: null });
    const big = evaluateCoupon(
      rule({ discount: { kind: 'amount', amountOff: 999_999 }, scope: { kind: 'product', productId: 'p2' } }),
      lines,
      'CNY',
      now,
    );
    assert.equal(big.discount, 2000, 'only the p2 lines are eligible');
  });

  test('percent off rounds down to whole minor units', () => {
    const r = evaluateCoupon(
      rule({ discount: { kind: 'percent', percentOff: 15 } }),
      [{ variantId: 'a', productId: 'p1', unitPrice: 333, quantity: 1 }],
      'CNY',
      now,
    );
    assert.equal(r.discount, 49, '15% of 333 = 49.95 → 49');
  });

  test('minimum spend counts only eligible lines', () => {
    const r = evaluateCoupon(rule({ minSpend: 2500, scope: { kind: 'product', productId: 'p2' } }), lines, 'CNY', now);
    assert.equal(r.applicable, false);
    assert.match(r.reason!, /Spend 500 more/);
    assert.equal(evaluateCoupon(rule({ minSpend: 5000 }), lines, 'CNY', now).applicable, true);
  });

  test('window, stop, currency and scope problems are explained', () => {
    assert.equal(evaluateCoupon(rule({ startsAt: new Date('2026-06-02T00:00:00Z') }), lines, 'CNY', now).reason, 'Not valid yet');
    assert.equal(evaluateCoupon(rule({ endsAt: now }), lines, 'CNY', now).reason, 'Expired');
    assert.equal(
      evaluateCoupon(rule({ stoppedAt: new Date('2026-05-20T00:00:00Z') }), lines, 'CNY', now).reason,
      'The seller stopped this coupon',
    );
    assert.equal(evaluateCoupon(rule(), lines, 'USD', now).reason, 'For another currency');
    assert.equal(evaluateCoupon(rule({ scope: { kind: 'product', productId: 'p9' } }), lines, 'CNY', now).reason, 'For another product');
    assert.equal(couponWindowProblem(rule(), now), null);
  });

  test('the best coupon is the biggest discount; ties go to the one expiring first', () => {
    const c = (claimId: string, discount: number, endsAt: string, applicable = true) => ({
      claimId,
      endsAt: new Date(endsAt),
      evaluation: { applicable, discount, reason: applicable ? null : 'no' },
    });
    assert.equal(pickBest([c('a', 300, '2026-07-01'), c('b', 500, '2026-08-01'), c('c', 900, '2026-07-01', false)])?.claimId, 'b');
    assert.equal(pickBest([c('a', 500, '2026-08-01'), c('b', 500, '2026-07-01')])?.claimId, 'b');
    assert.equal(pickBest([c('a', 500, '2026-08-01', false)]), null);
    assert.equal(pickBest([]), null);
  });
});
