import type { Order, OrderStatus, PaymentMethod, PayResult } from '@tremolo/protocol';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { pgErrorCode, UNIQUE_VIOLATION } from '../../platform/db/client.ts';
import { groupBy } from './catalog.ts';
import type { Checkout } from './checkout.ts';
import { requestHash } from './checkout.ts';
import type { ShopContext } from './context.ts';
import { orderDto, paymentDto } from './dto.ts';
import { paymentAction, transition, type Actor, type OrderAction } from './order-state.ts';
import { ProviderRejected, type PaymentProvider } from './payments/provider.ts';
import { ShopRepo, type OrderRow, type PaymentRow } from './repo.ts';

/** The provider's decline code in words: the message is shown to the buyer as it is, so no raw code. */
function declineSentence(reason: string): string {
  switch (reason) {
    case 'insufficient_funds':
      return 'The card has insufficient funds';
    case 'expired_card':
      return 'The card has expired';
    case 'authentication_failed':
      return 'The card could not be verified';
    default:
      return 'The card was declined';
  }
}

type StoredPay = { ok: PayResult } | { error: { code: 'payment_declined'; message: string } };

export interface ActionInput {
  reason?: string | undefined;
  carrier?: string;
  trackingNumber?: string;
  restock?: boolean;
}

/**
 * Orders after checkout: the state machine's transitions with their compensations, payment
 * (authorize → mark paid → capture, or void when the order can no longer be completed),
 * provider webhooks, and the sweeper that expires unpaid orders and reconciles money.
 */
export class Orders {
  /** One reconcile per payment at a time in this process; the provider's idempotency keys cover other nodes. */
  private readonly reconciling = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: ShopContext,
    private readonly checkout: Checkout,
  ) {}

  private get repo() {
    return this.ctx.repo;
  }

  private provider(name: string): PaymentProvider {
    const p = this.ctx.providers.get(name);
    if (!p) throw new Error(`no payment provider ${name}`);
    return p;
  }

  private get defaultProvider(): PaymentProvider {
    return this.ctx.providers.values().next().value!;
  }

  // ------------------------------------------------------------ reading

  async dtos(rows: OrderRow[]): Promise<Order[]> {
    const ids = rows.map((r) => r.id);
    const [items, events, pays, people] = await Promise.all([
      this.repo.items(ids),
      this.repo.events(ids),
      this.repo.paymentsOf(ids),
      this.ctx.accounts.summaries([...new Set(rows.flatMap((r) => [r.buyerId, r.sellerId]))]),
    ]);
    const itemsOf = groupBy(items, (i) => i.orderId);
    const eventsOf = groupBy(events, (e) => e.orderId);
    return rows.map((r) =>
      orderDto(this.ctx.storage, r, itemsOf.get(r.id) ?? [], eventsOf.get(r.id) ?? [], pays.get(r.id) ?? null, people),
    );
  }

  async dto(row: OrderRow): Promise<Order> {
    return (await this.dtos([row]))[0]!;
  }

  /** An order seen by its buyer or seller; anyone else gets not_found (ids cannot be probed). */
  async get(userId: string, id: string): Promise<Order> {
    const o = await this.repo.order(id);
    if (!o || (o.buyerId !== userId && o.sellerId !== userId)) throw notFound('Order');
    return this.dto(o);
  }

  async list(userId: string, side: 'buyer' | 'seller', status: OrderStatus | undefined, cursor: string | undefined, limit: number) {
    const rows = await this.repo.listOrders(side, userId, status, cursor, limit);
    const page = rows.slice(0, limit);
    return { items: await this.dtos(page), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  // ------------------------------------------------------------ transitions

  /**
   * Applies one state-machine action under the order's row lock, with its compensations in the
   * same transaction; money moves afterwards through the reconciler (idempotent provider calls).
   */
  async act(userId: string, orderId: string, action: OrderAction, input: ActionInput = {}): Promise<Order> {
    const result = await this.ctx.db.transaction(async (tx) => {
      const repo = new ShopRepo(tx);
      const o = await repo.orderForUpdate(orderId);
      if (!o || (o.buyerId !== userId && o.sellerId !== userId)) throw notFound('Order');
      const actor: Actor = o.buyerId === userId ? 'buyer' : 'seller';
      return this.apply(repo, o, action, actor, input);
    });
    await this.after(result);
    return this.dto(result.order);
  }

  /** The shared core of every transition; the caller holds the order's row lock. */
  private async apply(repo: ShopRepo, o: OrderRow, action: OrderAction, actor: Actor, input: ActionInput) {
    const t = transition(o.status, action, actor);
    if (!t.ok) throw new AppError(t.why === 'actor' ? 'forbidden' : 'invalid_state', t.reason);
    // A whole-order refund next to an open after-sales request would pay the same units twice.
    if ((action === 'request_refund' || action === 'refund') && (await repo.hasActiveAftersales(o.id)))
      throw new AppError('invalid_state', 'An after-sales request on this order is still open; settle it first');
    const now = this.ctx.now();
    const to: OrderStatus = t.transition.to === 'previous' ? (o.statusBeforeRefund ?? 'shipped') : t.transition.to;
    const patch: Partial<OrderRow> = { status: to };
    if (action === 'confirm') {
      if (o.confirmedAt) throw new AppError('invalid_state', 'Already confirmed');
      patch.confirmedAt = now;
    }
    if (action === 'ship') Object.assign(patch, { carrier: input.carrier, trackingNumber: input.trackingNumber, shippedAt: now });
    if (action === 'confirm_receipt' || action === 'deliver') patch.deliveredAt = now;
    if (action === 'cancel' || action === 'expire') patch.cancelReason = input.reason ?? (action === 'expire' ? 'Not paid in time' : null);
    if (action === 'request_refund') Object.assign(patch, { refundReason: input.reason ?? null, statusBeforeRefund: o.status });
    if (action === 'refund' && input.reason) patch.refundReason = input.reason;
    if (action === 'reject_refund') patch.statusBeforeRefund = null;
    if (to !== 'pending_payment') patch.paymentDueAt = null;
    const updated = await repo.updateOrder(o.id, o.status, patch);
    if (!updated) throw new AppError('conflict', 'The order changed meanwhile; reload it');
    const items = await repo.items([o.id]);
    const stock: { productId: string; flashSaleId: string | null; left: number; returned?: number }[] = [];
    const sorted = [...items].sort((a, b) => (a.variantId < b.variantId ? -1 : 1));
    for (const effect of t.transition.effects) {
      if (effect === 'release_stock') {
        for (const i of sorted) {
          if (o.flashSaleId) {
            await repo.releaseFlashHold(o.flashSaleId, o.buyerId, i.quantity);
            // Back to the sale while it runs; once it is settled the unit belongs to the variant again.
            if (await repo.returnFlash(o.flashSaleId, i.quantity)) {
              const left = await repo.flashUnitsLeft(o.flashSaleId);
              // The sale's admission token goes back once this commits (in `after`).
              stock.push({ productId: i.productId, flashSaleId: o.flashSaleId, left, returned: i.quantity });
              continue;
            }
          }
          const left = await repo.returnStock(i.variantId, i.quantity);
          if (left !== null) stock.push({ productId: i.productId, flashSaleId: null, left });
        }
      }
      if (effect === 'restock_if_returned' && input.restock) {
        for (const i of sorted) {
          const left = await repo.returnStock(i.variantId, i.quantity);
          if (left !== null) stock.push({ productId: i.productId, flashSaleId: null, left });
        }
      }
      if (effect === 'release_coupon' && o.couponClaimId) {
        if (await repo.releaseClaim(o.couponClaimId, o.id)) {
          if (o.status !== 'pending_payment') {
            const c = await repo.claim(o.couponClaimId);
            if (c) await repo.unuseCoupon(c.coupon.id);
          }
        }
      }
      if (effect === 'use_coupon' && o.couponClaimId) await repo.useClaim(o.couponClaimId, o.id);
    }
    const note =
      action === 'ship'
        ? `${input.carrier} ${input.trackingNumber}`
        : action === 'confirm'
          ? 'Seller confirmed the order'
          : action === 'deliver'
            ? `Taken as delivered ${this.ctx.options.autoDeliverDays} days after shipping`
            : action === 'refund'
              ? `${input.restock ? 'Goods returned to stock. ' : ''}${input.reason ?? ''}`.trim() || null
              : (input.reason ?? null);
    await repo.insertOrderEvent({ id: newId(), orderId: o.id, status: to, actor, note, at: now });
    return { order: updated, previous: o.status, action, actor, stock, moneyBack: t.transition.effects.includes('return_payment') };
  }

  private async after(r: {
    order: OrderRow;
    previous: OrderStatus;
    action: OrderAction;
    actor: Actor;
    stock: { productId: string; flashSaleId: string | null; left: number; returned?: number }[];
    moneyBack: boolean;
  }) {
    for (const s of r.stock) if (s.flashSaleId && s.returned) await this.checkout.flashUnitsReturned(s.flashSaleId, s.returned, s.left);
    if (r.moneyBack) {
      const p = await this.repo.livePayment(r.order.id);
      if (p) await this.reconcile(p.id);
    }
    for (const s of r.stock) {
      this.ctx.events.stock({
        kind: 'stock',
        productId: s.productId,
        flashSaleId: s.flashSaleId,
        stockLeft: s.left,
        status: s.flashSaleId ? 'live' : null,
      });
    }
    await this.publish(r.order);
    // The other side hears about changes it did not make.
    const tellSeller: OrderAction[] = ['cancel', 'request_refund', 'confirm_receipt'];
    const tellBuyer: OrderAction[] = ['ship', 'refund', 'reject_refund', 'cancel', 'expire', 'deliver'];
    if (r.actor === 'buyer' && tellSeller.includes(r.action)) await this.notify(r.order, 'seller', r.order.buyerId);
    // Nobody did it: both sides hear that the order now counts as delivered (the buyer may review it).
    if (r.action === 'deliver') await this.notify(r.order, 'seller', null);
    if (r.actor !== 'buyer' && tellBuyer.includes(r.action))
      await this.notify(r.order, 'buyer', r.actor === 'seller' ? r.order.sellerId : null);
  }

  private async notify(o: OrderRow, to: 'buyer' | 'seller', actorId: string | null): Promise<void> {
    try {
      const [item] = await this.repo.items([o.id]);
      const actor = actorId ? ((await this.ctx.accounts.summaries([actorId])).get(actorId) ?? null) : null;
      await this.ctx.notifications.notify(to === 'buyer' ? o.buyerId : o.sellerId, {
        kind: 'order',
        orderId: o.id,
        status: o.status,
        role: to,
        title: item?.title ?? '',
        actor,
      });
    } catch (err) {
      this.ctx.log.warn({ err }, 'order notification failed');
    }
  }

  /** Pushes the slim order to its buyer and seller (after-sales calls it when a refund changes the order). */
  async publish(o: OrderRow): Promise<void> {
    const [item] = await this.repo.items([o.id]);
    const p = (await this.repo.paymentsOf([o.id])).get(o.id);
    await this.ctx.events.order(o.buyerId, o.sellerId, {
      id: o.id,
      status: o.status,
      total: { amount: o.total, currency: o.currency },
      title: item?.title ?? '',
      paymentStatus: p?.status ?? null,
      updatedAt: o.updatedAt.toISOString(),
    });
  }

  // ------------------------------------------------------------ payment

  /**
   * Pays an order. The payment row (unique per provider + key, and at most one live per order)
   * is committed before the provider is called, so neither a retry nor a second tab can start
   * a second charge; the provider gets our payment id as its idempotency key.
   */
  async pay(userId: string, orderId: string, method: PaymentMethod, key: string): Promise<PayResult> {
    await this.ctx.limits.consume('pays', userId);
    const hash = requestHash({ kind: 'pay', orderId, method });
    const stored = await this.storedPay(userId, key, hash);
    if (stored) return stored;
    const provider = this.defaultProvider;
    const now = this.ctx.now();
    let payment: PaymentRow;
    try {
      payment = await this.ctx.db.transaction(async (tx) => {
        const repo = new ShopRepo(tx);
        const o = await repo.orderForUpdate(orderId);
        if (!o || o.buyerId !== userId) throw notFound('Order');
        // The same key seen again while its first call is still talking to the provider.
        if (await repo.paymentByKey(provider.name, `${userId}:${key}`))
          throw new AppError('conflict', 'A payment with this key is in progress; retry shortly');
        if (o.status !== 'pending_payment')
          throw new AppError('invalid_state', o.status === 'cancelled' ? 'This order was cancelled' : 'This order is already paid');
        if (o.paymentDueAt && o.paymentDueAt <= now) throw new AppError('invalid_state', 'The payment window has closed');
        const live = await repo.livePayment(o.id);
        if (live) throw new AppError('invalid_state', 'A payment for this order is already in progress');
        return repo.insertPayment({
          id: newId(),
          orderId: o.id,
          provider: provider.name,
          idempotencyKey: `${userId}:${key}`,
          status: 'processing',
          amount: o.total,
          currency: o.currency,
          last4: method.type === 'card' ? method.number.slice(-4) : null,
          createdAt: now,
          updatedAt: now,
        });
      });
    } catch (e) {
      if (pgErrorCode(e) === UNIQUE_VIOLATION || (e instanceof AppError && e.code === 'conflict')) {
        const again = await this.storedPay(userId, key, hash);
        if (again) return again;
        throw new AppError('conflict', 'A payment with this key is in progress; retry shortly');
      }
      throw e;
    }
    let result: Awaited<ReturnType<PaymentProvider['authorize']>>;
    try {
      result = await provider.authorize({
        amount: payment.amount,
        currency: payment.currency,
        method,
        reference: orderId,
        idempotencyKey: payment.id,
      });
    } catch (err) {
      // Unreachable provider: free the order for another try. Should the authorization have gone
      // through after all, its late webhook finds this payment failed and voids it.
      this.ctx.log.warn({ err, paymentId: payment.id }, 'payment provider did not answer');
      await this.repo.updatePayment(payment.id, 'processing', { status: 'failed', failureReason: 'provider_unreachable' });
      throw new AppError('payment_declined', 'The payment service did not answer; nothing was charged; please try again');
    }
    await this.repo.updatePayment(payment.id, 'processing', { providerRef: result.ref, last4: result.last4 ?? payment.last4 });
    let outcome: StoredPay;
    if (result.status === 'declined') {
      await this.repo.updatePayment(payment.id, 'processing', { status: 'failed', failureReason: result.reason });
      const o = await this.repo.order(orderId);
      if (o) await this.publish(o);
      outcome = { error: { code: 'payment_declined', message: `${declineSentence(result.reason)}; nothing was charged` } };
    } else {
      if (result.status === 'authorized') await this.onAuthorized(payment.id);
      const o = (await this.repo.order(orderId))!;
      const p = (await this.repo.payment(payment.id))!;
      outcome = { ok: { order: await this.dto(o), payment: paymentDto(p) } };
    }
    await this.repo
      .saveIdempotent({ userId, scope: 'pay', key, requestHash: hash, response: outcome, createdAt: now })
      .catch((e: unknown) => {
        if (pgErrorCode(e) !== UNIQUE_VIOLATION) throw e;
      });
    if ('error' in outcome) throw new AppError(outcome.error.code, outcome.error.message);
    return outcome.ok;
  }

  private async storedPay(userId: string, key: string, hash: string): Promise<PayResult | null> {
    const prior = await this.repo.idempotent(userId, 'pay', key);
    if (!prior) return null;
    if (prior.requestHash !== hash)
      throw new AppError('idempotency_mismatch', 'This idempotency key was used for a different payment; use a new key');
    const r = prior.response as StoredPay;
    if ('error' in r) throw new AppError(r.error.code, r.error.message);
    return r.ok;
  }

  /**
   * The provider holds the money. If the order can still be completed it becomes paid in the
   * same transaction; otherwise (expired or cancelled meanwhile) the authorization is voided:
   * money is never kept for an order that does not exist.
   */
  async onAuthorized(paymentId: string): Promise<void> {
    const r = await this.ctx.db.transaction(async (tx) => {
      const repo = new ShopRepo(tx);
      const p0 = await repo.payment(paymentId);
      if (!p0) return null;
      const o = await repo.orderForUpdate(p0.orderId);
      const p = await repo.payment(paymentId);
      if (!o || !p) return null;
      if (p.status === 'failed') return { late: p, paid: null };
      if (p.status !== 'processing') return null;
      await repo.updatePayment(p.id, 'processing', { status: 'authorized' });
      if (o.status !== 'pending_payment') return { late: null, paid: null };
      const done = await this.apply(repo, o, 'pay', 'system', {});
      await repo.updateOrder(o.id, 'paid', { paidAt: this.ctx.now() });
      return { late: null, paid: done };
    });
    if (!r) return;
    if (r.late?.providerRef) {
      // Authorized after we gave up on it (the order expired): release the hold at once.
      await this.provider(r.late.provider)
        .void({ ref: r.late.providerRef, idempotencyKey: `void:${r.late.id}` })
        .catch((err: unknown) => this.ctx.log.warn({ err }, 'late authorization could not be voided'));
      return;
    }
    await this.reconcile(paymentId);
    if (r.paid) {
      await this.publish(r.paid.order);
      await this.notify(r.paid.order, 'seller', r.paid.order.buyerId);
    }
  }

  async onPaymentFailed(paymentId: string, reason: string): Promise<void> {
    const o = await this.ctx.db.transaction(async (tx) => {
      const repo = new ShopRepo(tx);
      const p = await repo.payment(paymentId);
      if (!p) return null;
      const order = await repo.orderForUpdate(p.orderId);
      await repo.updatePayment(paymentId, 'processing', { status: 'failed', failureReason: reason });
      return order;
    });
    if (o) await this.publish(o);
  }

  /**
   * Makes the provider's money match the order: capture what a live order keeps, void or
   * refund what a cancelled or refunded one gives back. Every call has a deterministic
   * idempotency key (`capture:<payment>` …) and every status change is guarded, so running
   * this twice, or on two nodes at once, moves money once.
   */
  async reconcile(paymentId: string): Promise<void> {
    const running = this.reconciling.get(paymentId);
    if (running) return running;
    const run = this.reconcileOnce(paymentId).finally(() => this.reconciling.delete(paymentId));
    this.reconciling.set(paymentId, run);
    return run;
  }

  private async reconcileOnce(paymentId: string): Promise<void> {
    const p = await this.repo.payment(paymentId);
    if (!p || !p.providerRef) return;
    const o = await this.repo.order(p.orderId);
    if (!o) return;
    const action = paymentAction(o.status, p.status);
    if (!action) return;
    const provider = this.provider(p.provider);
    try {
      if (action === 'capture') {
        await provider.capture({ ref: p.providerRef, amount: p.amount, idempotencyKey: `capture:${p.id}` });
        await this.repo.updatePayment(p.id, 'authorized', { status: 'captured', capturedAt: this.ctx.now() });
      } else if (action === 'void') {
        await provider.void({ ref: p.providerRef, idempotencyKey: `void:${p.id}` });
        await this.repo.updatePayment(p.id, 'authorized', { status: 'voided' });
      } else {
        // After-sales may have given part of it back already (their keys are `refund:<payment>:<request>`).
        const left = p.amount - o.refundedAmount;
        if (left > 0) await provider.refund({ ref: p.providerRef, amount: left, idempotencyKey: `refund:${p.id}` });
        await this.repo.updatePayment(p.id, 'captured', { status: 'refunded', refundedAt: this.ctx.now() });
      }
    } catch (err) {
      // Left as it is; the sweeper tries again. A rejection means our view is stale: log it loudly.
      this.ctx.log.warn({ err, paymentId, action, rejected: err instanceof ProviderRejected }, 'payment reconcile failed');
      return;
    }
    await this.publish((await this.repo.order(o.id)) ?? o);
  }

  async webhook(
    providerName: string,
    rawBody: string,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<{ received: true }> {
    const provider = this.ctx.providers.get(providerName);
    if (!provider) throw notFound('Payment provider');
    const ev = provider.parseWebhook(rawBody, headers);
    const p = await this.repo.paymentByRef(provider.name, ev.ref);
    // Unknown yet (the webhook beat our own write of the reference): 409 makes the provider retry.
    if (!p) throw new AppError('conflict', 'Unknown payment reference');
    if (p.amount !== ev.amount || p.currency !== ev.currency) {
      this.ctx.log.error({ paymentId: p.id, event: ev }, 'webhook amount does not match the payment');
      throw new AppError('unprocessable', 'Amount or currency does not match the payment');
    }
    if (ev.type === 'payment.authorized') await this.onAuthorized(p.id);
    else await this.onPaymentFailed(p.id, ev.reason ?? 'failed');
    return { received: true };
  }

  // ------------------------------------------------------------ sweeper

  /** Cancels unpaid orders whose window passed, returning their units and coupons. */
  async expireDue(limit = 200): Promise<number> {
    const now = this.ctx.now();
    const ids = await this.repo.dueOrders(now, limit);
    let n = 0;
    for (const id of ids) {
      const r = await this.ctx.db.transaction(async (tx) => {
        const repo = new ShopRepo(tx);
        // SKIP LOCKED: another node's sweeper (or a payment in progress) has it; leave it to them.
        const o = await repo.orderForUpdate(id, true);
        if (!o || o.status !== 'pending_payment' || !o.paymentDueAt || o.paymentDueAt > now) return null;
        const live = await repo.livePayment(o.id);
        if (live?.status === 'processing') {
          const grace = o.paymentDueAt.getTime() + this.ctx.options.processingGraceSec * 1000;
          if (now.getTime() < grace) return null;
          await repo.updatePayment(live.id, 'processing', { status: 'failed', failureReason: 'expired' });
        }
        return this.apply(repo, o, 'expire', 'system', {});
      });
      if (r) {
        n++;
        await this.after(r);
      }
    }
    return n;
  }

  /**
   * Takes shipped orders as delivered once ORDER_AUTO_DELIVER_DAYS have passed since shipping
   * and the buyer has not confirmed (nor asked for a refund). Each order is a transaction of its
   * own under its row lock, skipped when another node's sweeper or a person holds it.
   */
  async deliverDue(limit = 200): Promise<number> {
    const now = this.ctx.now();
    const before = new Date(now.getTime() - this.ctx.options.autoDeliverDays * 86_400_000);
    let n = 0;
    for (const id of await this.repo.inTransitSince(before, limit)) {
      const r = await this.ctx.db.transaction(async (tx) => {
        const repo = new ShopRepo(tx);
        const o = await repo.orderForUpdate(id, true);
        if (!o || o.status !== 'shipped' || !o.shippedAt || o.shippedAt >= before) return null;
        return this.apply(repo, o, 'deliver', 'system', {});
      });
      if (r) {
        n++;
        await this.after(r);
      }
    }
    return n;
  }

  async reconcileStale(limit = 50): Promise<void> {
    const ids = await this.repo.paymentsToReconcile(new Date(this.ctx.now().getTime() - 5000), limit);
    for (const id of ids) await this.reconcile(id);
  }
}
