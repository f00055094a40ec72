import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type {
  Address,
  AddressFields,
  Attribution,
  Cart,
  CartLine,
  CheckoutBody,
  CheckoutPreview,
  CheckoutPreviewBody,
  FlashCheckoutBody,
  Order,
  Touch,
  TouchContext,
  UpdateAddressBody,
  UserSummary,
} from '@tremolo/protocol';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { lockFor, pgErrorCode, UNIQUE_VIOLATION } from '../../platform/db/client.ts';
import type { Catalog } from './catalog.ts';
import type { ShopContext } from './context.ts';
import { evaluateCoupon, pickBest, type CouponRule } from './coupons.ts';
import { addressDto, addressSnapshot, orderDto } from './dto.ts';
import { lineTotal, totals, type PriceLine } from './pricing.ts';
import { FlashGate, type FlashDef } from './flash-gate.ts';
import { MemoryFlashTokens, RedisFlashTokens } from './flash-tokens.ts';
import { ShopRepo, type AddressRow, type ClaimRow, type CouponRow, type ProductRow, type VariantRow } from './repo.ts';
import type { orderEvents, orderItems, orders } from './tables.ts';

const ATTRIBUTION_WINDOW_MS = 7 * 86_400_000;
const MAX_CART_LINES = 100;
const MAX_ADDRESSES = 20;
const SOLD_OUT = new AppError('sold_out', 'Sold out');

/** How a flash-sale attempt holding a token ended: it sold, it failed (the token goes back), or PostgreSQL had no unit. */
type FlashOutcome = 'sold' | 'failed' | 'refused';

interface Line extends PriceLine {
  variant: VariantRow;
  product: ProductRow;
}

/** sha256 of a request's meaningful parts, with keys sorted, so a reused key with other content is caught. */
export function requestHash(parts: unknown): string {
  const stable = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(stable)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, x]) => [k, stable(x)]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(stable(parts)))
    .digest('hex');
}

/**
 * Cart, addresses, pricing preview and the two checkouts (regular and flash sale).
 *
 * Both checkouts are one transaction: the idempotency record goes in first (a concurrent
 * retry with the same key waits on its primary key, then replays), units are taken with
 * guarded decrements in primary-key order, the coupon claim with a guarded state change,
 * and the order row carries a unique (buyer, key): a double order cannot exist.
 */
export class Checkout {
  private readonly gate: FlashGate;

  constructor(
    private readonly ctx: ShopContext,
    private readonly catalog: Catalog,
  ) {
    this.gate = new FlashGate(ctx, ctx.redis ? new RedisFlashTokens(ctx.redis, ctx.redisPrefix) : new MemoryFlashTokens());
  }

  private get repo() {
    return this.ctx.repo;
  }

  // ------------------------------------------------------------ addresses

  async addresses(userId: string): Promise<Address[]> {
    return (await this.repo.addresses(userId)).map(addressDto);
  }

  async addAddress(userId: string, body: z.infer<typeof AddressFields>): Promise<Address> {
    const row = await this.ctx.db.transaction(async (tx) => {
      await lockFor(tx, 'shop-addresses', userId);
      const repo = new ShopRepo(tx);
      const count = await repo.countAddresses(userId);
      if (count >= MAX_ADDRESSES) throw new AppError('limit_reached', `At most ${MAX_ADDRESSES} addresses`);
      const first = count === 0;
      if (body.isDefault) await repo.clearDefaultAddress(userId);
      return repo.insertAddress({ id: newId(), userId, ...body, isDefault: body.isDefault || first });
    });
    return addressDto(row);
  }

  async updateAddress(userId: string, id: string, body: z.infer<typeof UpdateAddressBody>): Promise<Address> {
    const row = await this.ctx.db.transaction(async (tx) => {
      const repo = new ShopRepo(tx);
      if (!(await repo.address(userId, id))) throw notFound('Address');
      if (body.isDefault) await repo.clearDefaultAddress(userId);
      return repo.updateAddress(userId, id, body);
    });
    if (!row) throw notFound('Address');
    return addressDto(row);
  }

  async deleteAddress(userId: string, id: string): Promise<void> {
    if (!(await this.repo.deleteAddress(userId, id))) throw notFound('Address');
  }

  private async mustAddress(userId: string, id: string): Promise<AddressRow> {
    const a = await this.repo.address(userId, id);
    if (!a) throw notFound('Address');
    return a;
  }

  // ------------------------------------------------------------ cart

  async setCartItem(userId: string, variantId: string, quantity: number, touch: TouchContext | undefined): Promise<Cart> {
    const [found] = await this.repo.variantsByIds([variantId]);
    if (!found || found.product.status !== 'published') throw notFound('Variant');
    const { variant, product } = found;
    if (product.sellerId === userId) throw new AppError('bad_request', 'You cannot buy from your own shop');
    if (!variant.active) throw new AppError('invalid_state', 'This option is no longer for sale');
    if (quantity > variant.stock) throw new AppError('out_of_stock', variant.stock === 0 ? 'Out of stock' : `Only ${variant.stock} left`);
    await this.ctx.db.transaction(async (tx) => {
      await lockFor(tx, 'shop-cart', userId);
      const repo = new ShopRepo(tx);
      if ((await repo.cartCount(userId)) >= MAX_CART_LINES) {
        const mine = await repo.cart(userId);
        if (!mine.some((c) => c.variantId === variantId))
          throw new AppError('limit_reached', `A cart holds at most ${MAX_CART_LINES} lines`);
      }
      await repo.setCartItem({ userId, variantId, sellerId: product.sellerId, quantity, addedAt: this.ctx.now() });
    });
    await this.repo.insertTouches([this.touchRow(userId, product, 'cart', touch ?? { surface: 'direct' })]);
    return this.cart(userId);
  }

  async removeCartItem(userId: string, variantId: string): Promise<Cart> {
    await this.repo.removeCartItems(userId, [variantId]);
    return this.cart(userId);
  }

  /** The cart, one per seller, each line re-checked against current stock. */
  async cart(userId: string): Promise<Cart> {
    const rows = await this.repo.cart(userId);
    const found = new Map((await this.repo.variantsByIds(rows.map((r) => r.variantId))).map((f) => [f.variant.id, f]));
    const people = await this.ctx.accounts.summaries([...new Set(rows.map((r) => r.sellerId))]);
    const carts = new Map<string, Cart['carts'][number]>();
    for (const r of rows) {
      const f = found.get(r.variantId);
      const seller = people.get(r.sellerId);
      if (!f || !seller) continue;
      const { variant, product } = f;
      const problem: CartLine['problem'] =
        product.status !== 'published' || !variant.active
          ? 'unavailable'
          : variant.stock === 0
            ? 'out_of_stock'
            : variant.stock < r.quantity
              ? 'not_enough_stock'
              : null;
      const line: CartLine = {
        variantId: variant.id,
        productId: product.id,
        title: product.title,
        sku: variant.sku,
        options: variant.options,
        imageUrl: product.images[0] ? this.ctx.storage.url(product.images[0].thumbKey) : null,
        quantity: r.quantity,
        unitPrice: { amount: variant.price, currency: product.currency },
        lineTotal: { amount: lineTotal(variant.price, r.quantity), currency: product.currency },
        available: variant.stock,
        problem,
      };
      let cart = carts.get(r.sellerId);
      if (!cart) {
        cart = { seller, currency: product.currency, lines: [], subtotal: { amount: 0, currency: product.currency } };
        carts.set(r.sellerId, cart);
      }
      cart.lines.push(line);
      if (!problem) cart.subtotal.amount += line.lineTotal.amount;
    }
    return { carts: [...carts.values()] };
  }

  // ------------------------------------------------------------ pricing

  /** The lines being bought: the given items, or this seller's cart. Validates every one. */
  private async selection(
    userId: string,
    sellerId: string,
    items: { variantId: string; quantity: number }[] | undefined,
  ): Promise<{ lines: Line[]; fromCart: boolean }> {
    let wanted = items;
    const fromCart = !items;
    if (!wanted) {
      wanted = (await this.repo.cart(userId))
        .filter((c) => c.sellerId === sellerId)
        .map((c) => ({ variantId: c.variantId, quantity: c.quantity }));
      // Usually a second tab checking out a cart the first one just did: a state conflict, not a bad request.
      if (wanted.length === 0) throw new AppError('cart_changed', 'Your cart for this shop is empty; it may just have been checked out');
    }
    const ids = wanted.map((w) => w.variantId);
    if (new Set(ids).size !== ids.length)
      throw new AppError('validation_failed', 'Each variant may appear once', [{ path: 'items', message: 'duplicate variant' }]);
    const found = new Map((await this.repo.variantsByIds(ids)).map((f) => [f.variant.id, f]));
    const lines: Line[] = [];
    for (const w of wanted) {
      const f = found.get(w.variantId);
      if (!f || (f.product.status !== 'published' && f.product.sellerId !== userId))
        throw new AppError('not_found', `Unknown variant ${w.variantId}`);
      if (f.product.sellerId !== sellerId)
        throw new AppError('validation_failed', 'Every item must come from the shop being checked out', [
          { path: 'items', message: 'other shop' },
        ]);
      if (f.product.sellerId === userId) throw new AppError('bad_request', 'You cannot buy from your own shop');
      if (f.product.status !== 'published' || !f.variant.active)
        throw new AppError('invalid_state', `${f.product.title} (${f.variant.sku}) is no longer for sale`);
      if (f.variant.stock < w.quantity)
        throw new AppError(
          'out_of_stock',
          f.variant.stock === 0 ? `${f.variant.sku} is out of stock` : `Only ${f.variant.stock} left of ${f.variant.sku}`,
        );
      lines.push({
        variantId: f.variant.id,
        productId: f.product.id,
        unitPrice: f.variant.price,
        quantity: w.quantity,
        variant: f.variant,
        product: f.product,
      });
    }
    return { lines, fromCart };
  }

  /** Every coupon the buyer holds for this seller, priced against these lines; the chosen (or best) one. */
  private async priceCoupons(userId: string, sellerId: string, lines: Line[], currency: string, choice: string | null | undefined) {
    const now = this.ctx.now();
    const held = await this.repo.claimsOf(userId, { sellerId, status: 'available', limit: 100 });
    const options = held.map(({ claim, coupon }) => ({
      claimId: claim.id,
      claim,
      coupon,
      endsAt: coupon.endsAt,
      evaluation: evaluateCoupon(ruleOf(coupon), lines, currency, now),
    }));
    let selected: (typeof options)[number] | null = null;
    if (choice === undefined) selected = pickBest(options);
    else if (choice !== null) {
      selected = options.find((o) => o.claimId === choice) ?? null;
      if (!selected) {
        const other = await this.repo.claim(choice);
        if (!other || other.claim.userId !== userId) throw new AppError('coupon_unavailable', 'That coupon is not yours');
        if (other.claim.sellerId !== sellerId) throw new AppError('coupon_unavailable', 'That coupon is for another shop');
        throw new AppError(
          'coupon_unavailable',
          other.claim.status === 'available' ? 'That coupon cannot be used' : 'That coupon was already used',
        );
      }
      if (!selected.evaluation.applicable)
        throw new AppError('coupon_unavailable', `That coupon does not apply: ${selected.evaluation.reason}`);
    }
    return { options, selected };
  }

  async preview(userId: string, body: z.infer<typeof CheckoutPreviewBody>): Promise<CheckoutPreview> {
    const shop = await this.repo.shop(body.sellerId);
    if (!shop) throw notFound('Shop');
    const { lines } = await this.selection(userId, body.sellerId, body.items);
    const { options, selected } = await this.priceCoupons(userId, body.sellerId, lines, shop.currency, body.couponClaimId);
    const t = totals(lines, selected?.evaluation.discount ?? 0);
    return {
      currency: shop.currency,
      lines: lines.map(pricedLine),
      ...t,
      selectedClaimId: selected?.claimId ?? null,
      coupons: options.map((o) => ({
        claimId: o.claimId,
        couponId: o.coupon.id,
        title: o.coupon.title,
        discount: o.evaluation.discount,
        applicable: o.evaluation.applicable,
        reason: o.evaluation.reason,
      })),
    };
  }

  // ------------------------------------------------------------ checkout

  private async replay(userId: string, key: string, hash: string): Promise<Order | null> {
    const prior = await this.ctx.hot.idempotent(userId, 'checkout', key);
    if (!prior) return null;
    if (prior.requestHash !== hash)
      throw new AppError('idempotency_mismatch', 'This idempotency key was used for a different checkout; use a new key');
    return prior.response as Order;
  }

  /** Blocks and self-purchase; and whether the buyer follows the seller (for insights). */
  private async buyerStanding(userId: string, sellerId: string): Promise<boolean> {
    if (userId === sellerId) throw new AppError('bad_request', 'You cannot buy from your own shop');
    const rel = await this.ctx.graph.relationship(userId, sellerId);
    if (rel.blockedBy || rel.blocking) throw new AppError('blocked', 'You cannot buy from this shop');
    return rel.following;
  }

  async checkout(userId: string, body: CheckoutBody): Promise<Order> {
    await this.ctx.limits.consume('checkouts', userId);
    const { idempotencyKey: key, ...rest } = body;
    const hash = requestHash({ kind: 'checkout', ...rest });
    const prior = await this.replay(userId, key, hash);
    if (prior) return prior;
    const shop = await this.repo.shop(body.sellerId);
    if (!shop) throw notFound('Shop');
    const [{ lines, fromCart }, address, follows] = await Promise.all([
      this.selection(userId, body.sellerId, body.items),
      this.mustAddress(userId, body.addressId),
      this.buyerStanding(userId, body.sellerId),
    ]);
    const { selected } = await this.priceCoupons(userId, body.sellerId, lines, shop.currency, body.couponClaimId);
    const t = totals(lines, selected?.evaluation.discount ?? 0);
    const now = this.ctx.now();
    const attribution = await this.attribution(
      userId,
      lines.map((l) => l.productId),
      body.touch,
      now,
    );
    const built = await this.buildOrder({
      userId,
      sellerId: body.sellerId,
      currency: shop.currency,
      lines: lines.map((l) => ({ ...l, unitPrice: l.unitPrice })),
      totals: t,
      claim: selected?.claim ?? null,
      flashSaleId: null,
      address,
      key,
      dueAt: new Date(now.getTime() + this.ctx.options.paymentWindowSec * 1000),
      attribution,
      follows,
      now,
    });
    const stockAfter: { line: Line; after: number }[] = [];
    try {
      await this.ctx.db.transaction(async (tx) => {
        const repo = new ShopRepo(tx);
        await repo.saveIdempotent({ userId, scope: 'checkout', key, requestHash: hash, response: built.dto, createdAt: now });
        await this.assertUnpaidRoom(
          repo,
          userId,
          lines.reduce((n, l) => n + l.quantity, 0),
        );
        if (fromCart) {
          // The cart lines are consumed by the order: a second checkout of the same cart (another
          // tab, a double click with a fresh key, another node) waits on these rows, then finds them gone.
          const taken = new Map(
            (
              await repo.takeCartLines(
                userId,
                lines.map((l) => l.variantId),
              )
            ).map((r) => [r.variantId, r.quantity]),
          );
          if (lines.some((l) => taken.get(l.variantId) !== l.quantity)) {
            throw new AppError(
              'cart_changed',
              'This cart was just checked out or changed (perhaps in another tab); check your orders and cart',
            );
          }
        }
        // Primary-key order: two checkouts over the same variants lock them in the same order, never deadlock.
        for (const l of [...lines].sort((a, b) => (a.variantId < b.variantId ? -1 : 1))) {
          const after = await repo.takeStock(l.variantId, l.quantity);
          if (after === null) throw new AppError('out_of_stock', `${l.variant.sku} just sold out or has fewer than ${l.quantity} left`);
          stockAfter.push({ line: l, after });
        }
        if (selected && !(await repo.reserveClaim(selected.claimId, userId, built.order.id))) {
          throw new AppError('coupon_unavailable', 'That coupon was just used on another order');
        }
        await repo.insertOrder(built.order, built.items, built.event);
      });
    } catch (e) {
      if (pgErrorCode(e) === UNIQUE_VIOLATION) {
        // A concurrent retry with the same key committed first: answer what it answered.
        const again = await this.replay(userId, key, hash);
        if (again) return again;
        throw new AppError('conflict', 'A checkout with this key is in progress; retry shortly');
      }
      throw e;
    }
    if (body.touch) await this.repo.insertTouches([this.touchRow(userId, lines[0]!.product, 'click', body.touch)]).catch(() => undefined);
    for (const [productId, group] of groupLines(stockAfter)) {
      const p = group[0]!.line.product;
      await this.catalog.afterStockChange(
        { id: productId, sellerId: p.sellerId, title: p.title, lowStockThreshold: p.lowStockThreshold },
        group.map((g) => ({ variant: { ...g.line.variant, stock: g.after }, before: g.after + g.line.quantity })),
      );
    }
    return built.dto;
  }

  // ------------------------------------------------------------ flash-sale checkout

  /** Units of a flash sale came back (an order expired, was cancelled or refunded; committed): so do their tokens. */
  flashUnitsReturned(saleId: string, q: number, left: number): Promise<void> {
    return this.gate.returned(saleId, q, left);
  }

  /** The sweeper's pass: each flash sale this node has seen gets its tokens reset to PostgreSQL's count. */
  reconcileFlash(): Promise<void> {
    return this.gate.reconcileAll();
  }

  /** Tests: reset one sale's tokens now, whoever's turn it is. */
  reconcileFlashNow(saleId: string): Promise<void> {
    return this.gate.reconcile(saleId, true);
  }

  /**
   * A flash-sale purchase. An attempt first takes an admission token (Redis or this process, see
   * FlashGate): without one it is answered "sold out" with no query at all, which is what
   * thousands of losers get. A buyer who ordered in this sale before is replayed first (their
   * retry must return their order). With a token the attempt runs the transaction, where the
   * guarded decrement of the sale's stock still decides; the contended row is updated last, so
   * its lock is held only from that statement to commit.
   */
  async flashCheckout(userId: string, saleId: string, body: z.infer<typeof FlashCheckoutBody>): Promise<Order> {
    await this.ctx.limits.consume('checkouts', userId);
    const { idempotencyKey: key, ...rest } = body;
    const hash = requestHash({ kind: 'flash', saleId, ...rest });
    const def = await this.gate.def(saleId);
    const { sale } = def;
    const now = this.ctx.now();
    const closed = sale.cancelledAt
      ? 'This flash sale was cancelled'
      : now < sale.startsAt
        ? 'This flash sale has not started yet'
        : now >= sale.endsAt || sale.settledAt
          ? 'This flash sale is over'
          : null;
    if (closed) {
      // A retry after the end still gets its order back.
      const prior = await this.replay(userId, key, hash);
      if (prior) return prior;
      throw new AppError('invalid_state', closed);
    }
    if (body.quantity > sale.perUserLimit) throw new AppError('limit_reached', `At most ${sale.perUserLimit} per person`);
    if (userId === sale.sellerId) throw new AppError('bad_request', 'You cannot buy from your own shop');
    let t = await this.gate.take(sale, userId, body.quantity);
    if (t.kind === 'known') {
      const prior = await this.replay(userId, key, hash);
      if (prior) return prior;
      t = await this.gate.take(sale, userId, body.quantity, true);
    }
    // One shared instance: thousands of losers a second need no stack trace each.
    if (t.kind !== 'won') throw SOLD_OUT;
    const { attempt, left } = t;
    let outcome: FlashOutcome | null = null;
    // The token is spent or given back as soon as the transaction has decided, not after the follow-up work.
    const decided = async (o: FlashOutcome) => {
      if (outcome) return;
      outcome = o;
      // Refused by PostgreSQL: the token was one too many (a reconcile raced a commit); it is dropped, not given back.
      await this.gate.finish(saleId, attempt, body.quantity, o !== 'failed');
      if (o === 'refused') void this.gate.reconcile(saleId);
    };
    await this.gate.enter(saleId);
    try {
      return await this.flashAdmitted(userId, def, body, key, hash, now, left, decided);
    } finally {
      this.gate.leave(saleId);
      await decided('failed');
    }
  }

  private async flashAdmitted(
    userId: string,
    def: FlashDef,
    body: z.infer<typeof FlashCheckoutBody>,
    key: string,
    hash: string,
    now: Date,
    left: number,
    decided: (o: FlashOutcome) => Promise<void>,
  ): Promise<Order> {
    const { sale, product, variant } = def;
    // Only what the order row needs before the transaction; whether the buyer follows is filled in after.
    // A new buyer holding a token may still have used this key before (a Redis flush forgot them):
    // the replay is looked up alongside, not before, as every wait here is a winner's latency.
    const [prior, address, blocked, buyerSummary, attribution] = await Promise.all([
      this.replay(userId, key, hash),
      this.mustAddress(userId, body.addressId),
      this.ctx.graph.isBlockedEitherWay(userId, sale.sellerId),
      this.ctx.accounts.summaries([userId]),
      this.attribution(userId, [product.id], body.touch, now),
    ]);
    if (prior) return prior;
    if (blocked) throw new AppError('blocked', 'You cannot buy from this shop');
    const follows = false;
    const line: Line = { variantId: variant.id, productId: product.id, unitPrice: sale.price, quantity: body.quantity, variant, product };
    const built = await this.buildOrder({
      userId,
      sellerId: sale.sellerId,
      currency: sale.currency,
      lines: [line],
      totals: totals([line], 0),
      claim: null,
      flashSaleId: sale.id,
      address,
      key,
      dueAt: new Date(now.getTime() + sale.paymentWindowSec * 1000),
      attribution,
      follows,
      now,
      people: new Map([...buyerSummary, [sale.sellerId, def.seller]]),
    });
    try {
      await this.ctx.db.transaction(async (tx) => {
        const repo = new ShopRepo(tx);
        await repo.saveIdempotent({ userId, scope: 'checkout', key, requestHash: hash, response: built.dto, createdAt: now });
        await this.assertUnpaidRoom(repo, userId, body.quantity);
        if (!(await repo.holdFlash(sale.id, userId, body.quantity, sale.perUserLimit)))
          throw new AppError('limit_reached', `At most ${sale.perUserLimit} per person; you already hold yours`);
        await repo.insertOrder(built.order, built.items, built.event);
        if (!(await repo.takeFlash(sale.id, body.quantity))) throw new AppError('sold_out', 'Sold out');
      });
    } catch (e) {
      await decided(e instanceof AppError && e.code === 'sold_out' ? 'refused' : 'failed');
      if (pgErrorCode(e) === UNIQUE_VIOLATION) {
        const again = await this.replay(userId, key, hash);
        if (again) return again;
        throw new AppError('conflict', 'A checkout with this key is in progress; retry shortly');
      }
      throw e;
    }
    await decided('sold');
    this.ctx.events.stock({
      kind: 'stock',
      productId: product.id,
      flashSaleId: sale.id,
      stockLeft: left,
      status: left === 0 ? 'sold_out' : 'live',
    });
    await Promise.all([
      body.touch ? this.repo.insertTouches([this.touchRow(userId, product, 'click', body.touch)]) : null,
      this.ctx.graph.relationship(userId, sale.sellerId).then((r) => (r.following ? this.repo.setBuyerFollows(built.order.id) : undefined)),
    ]).catch((err: unknown) => this.ctx.log.warn({ err }, 'flash order follow-up failed'));
    return built.dto;
  }

  // ------------------------------------------------------------ shared

  /**
   * Units held for a buyer are units no one else can buy until the payment window closes, so
   * one account may only hold so many unpaid at once. Checked under a lock on the buyer,
   * inside the order's transaction: parallel checkouts on any node cannot all squeeze in.
   */
  private async assertUnpaidRoom(repo: ShopRepo, userId: string, adding: number): Promise<void> {
    const cap = this.ctx.limits.config.unpaidUnitsPerBuyer;
    const held = await repo.lockUnpaidUnits(userId);
    if (held + adding > cap) {
      throw new AppError(
        'too_many_unpaid',
        `You can hold at most ${cap} unpaid items at once and already hold ${held}; pay for or cancel an order first`,
      );
    }
  }

  private async buildOrder(a: {
    userId: string;
    sellerId: string;
    currency: string;
    lines: Line[];
    totals: { subtotal: number; discount: number; total: number };
    claim: ClaimRow | null;
    flashSaleId: string | null;
    address: AddressRow;
    key: string;
    dueAt: Date;
    attribution: Attribution;
    follows: boolean;
    now: Date;
    people?: Map<string, UserSummary>;
  }) {
    const id = newId();
    const order: typeof orders.$inferInsert & { id: string } = {
      id,
      buyerId: a.userId,
      sellerId: a.sellerId,
      status: 'pending_payment',
      currency: a.currency,
      subtotal: a.totals.subtotal,
      discount: a.totals.discount,
      total: a.totals.total,
      couponClaimId: a.claim?.id ?? null,
      flashSaleId: a.flashSaleId,
      address: addressSnapshot(a.address),
      checkoutKey: a.key,
      paymentDueAt: a.dueAt,
      attribution: a.attribution,
      lastSurface: a.attribution.lastTouch?.surface ?? 'direct',
      firstSurface: a.attribution.firstTouch?.surface ?? 'direct',
      buyerFollows: a.follows,
      createdAt: a.now,
      updatedAt: a.now,
    };
    const items: (typeof orderItems.$inferInsert & { id: string })[] = a.lines.map((l) => ({
      id: newId(),
      orderId: id,
      productId: l.productId,
      variantId: l.variantId,
      title: l.product.title,
      sku: l.variant.sku,
      options: l.variant.options,
      imageKey: l.product.images[0]?.thumbKey ?? null,
      unitPrice: l.unitPrice,
      quantity: l.quantity,
      lineTotal: lineTotal(l.unitPrice, l.quantity),
    }));
    const event: typeof orderEvents.$inferInsert & { id: string } = {
      id: newId(),
      orderId: id,
      status: 'pending_payment',
      actor: 'buyer',
      note: null,
      at: a.now,
    };
    const people = a.people ?? (await this.ctx.accounts.summaries([a.userId, a.sellerId]));
    const dto = orderDto(
      this.ctx.storage,
      {
        ...order,
        confirmedAt: null,
        carrier: null,
        trackingNumber: null,
        shippedAt: null,
        paidAt: null,
        statusBeforeRefund: null,
        cancelReason: null,
        refundReason: null,
      } as Parameters<typeof orderDto>[1],
      items.map((i) => ({ ...i, imageKey: i.imageKey ?? null, refundedQuantity: 0 })),
      [{ ...event, note: null, at: a.now }] as Parameters<typeof orderDto>[3],
      null,
      people,
    );
    return { order, items, event, dto };
  }

  /**
   * First and last touch of these products by the buyer within 7 days. The buy button's own
   * context (where the card was when clicked) is the freshest touch of all.
   */
  private async attribution(userId: string, productIds: string[], touch: TouchContext | undefined, now: Date): Promise<Attribution> {
    const rows = await this.repo.touchesFor(userId, productIds, new Date(now.getTime() - ATTRIBUTION_WINDOW_MS));
    const toTouch = (r: {
      surface: string;
      surfaceId: string | null;
      sharedBy: string | null;
      kind: 'view' | 'click' | 'cart';
      productId: string;
      at: Date;
    }): Touch => ({
      surface: r.surface as Touch['surface'],
      surfaceId: r.surfaceId,
      sharedBy: r.sharedBy,
      kind: r.kind,
      productId: r.productId,
      at: r.at.toISOString(),
    });
    // "direct" touches (cart adds with no context) say nothing about where the buyer came from.
    const meaningful = rows.filter((r) => r.surface !== 'direct');
    const firstRow = meaningful[0];
    const lastRow = meaningful[meaningful.length - 1];
    const own = touch
      ? toTouch({
          surface: touch.surface,
          surfaceId: touch.surfaceId ?? null,
          sharedBy: touch.sharedBy ?? null,
          kind: 'click',
          productId: productIds[0]!,
          at: now,
        })
      : null;
    const first = firstRow ? toTouch(firstRow) : own;
    const last = own && own.surface !== 'direct' ? own : lastRow ? toTouch(lastRow) : own;
    return { firstTouch: first, lastTouch: last };
  }

  private touchRow(userId: string, product: ProductRow, kind: 'view' | 'click' | 'cart', touch: TouchContext) {
    return {
      id: newId(),
      productId: product.id,
      sellerId: product.sellerId,
      userId,
      kind,
      surface: touch.surface,
      surfaceId: touch.surfaceId ?? null,
      sharedBy: touch.sharedBy ?? null,
      at: this.ctx.now(),
    };
  }
}

function ruleOf(c: CouponRow): CouponRule {
  return {
    currency: c.currency,
    discount: c.discount,
    minSpend: c.minSpend,
    startsAt: c.startsAt,
    endsAt: c.endsAt,
    stoppedAt: c.stoppedAt,
    scope: c.scope,
  };
}

function pricedLine(l: Line) {
  return {
    variantId: l.variantId,
    productId: l.productId,
    title: l.product.title,
    sku: l.variant.sku,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    lineTotal: lineTotal(l.unitPrice, l.quantity),
  };
}

function groupLines(xs: { line: Line; after: number }[]): Map<string, { line: Line; after: number }[]> {
  const m = new Map<string, { line: Line; after: number }[]>();
  for (const x of xs) m.set(x.line.productId, [...(m.get(x.line.productId) ?? []), x]);
  return m;
}
