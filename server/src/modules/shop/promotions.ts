import type { Coupon, CouponAudience, CouponClaim, CreateCouponBody, CreateFlashSaleBody, FlashSale } from '@tremolo/protocol';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { lockFor } from '../../platform/db/client.ts';
import type { Catalog } from './catalog.ts';
import type { ShopContext } from './context.ts';
import { couponWindowProblem } from './coupons.ts';
import { couponDto, couponStatus, flashBadge } from './dto.ts';
import { ShopRepo, type ClaimRow, type CouponRow, type FlashSaleRow } from './repo.ts';

const MAX_FLASH_DURATION_MS = 72 * 3600_000;
const MAX_SCHEDULE_AHEAD_MS = 30 * 86_400_000;

/** Coupons (create, claim, my wallet) and flash sales (create, cancel, settle). */
export class Promotions {
  constructor(
    private readonly ctx: ShopContext,
    private readonly catalog: Catalog,
  ) {}

  private get repo() {
    return this.ctx.repo;
  }

  // ------------------------------------------------------------ coupons

  async createCoupon(sellerId: string, body: CreateCouponBody): Promise<Coupon> {
    const shop = await this.catalog.ensureShop(sellerId);
    const startsAt = new Date(body.startsAt);
    const endsAt = new Date(body.endsAt);
    const now = this.ctx.now();
    if (endsAt <= startsAt)
      throw new AppError('validation_failed', 'endsAt must be after startsAt', [{ path: 'endsAt', message: 'before startsAt' }]);
    if (endsAt <= now) throw new AppError('validation_failed', 'endsAt is in the past', [{ path: 'endsAt', message: 'in the past' }]);
    if (body.scope.kind === 'product') await this.catalog.owned(sellerId, body.scope.productId);
    if (body.discount.kind === 'amount' && body.minSpend > 0 && body.discount.amountOff >= body.minSpend) {
      throw new AppError('validation_failed', 'An amount-off coupon must take off less than its minimum spend', [
        { path: 'discount.amountOff', message: 'not below minSpend' },
      ]);
    }
    const row = await this.repo.insertCoupon({
      id: newId(),
      sellerId,
      title: body.title,
      currency: shop.currency,
      discount: body.discount,
      minSpend: body.minSpend,
      startsAt,
      endsAt,
      totalQuantity: body.totalQuantity,
      perUserLimit: body.perUserLimit,
      scope: body.scope,
      audience: body.audience,
    });
    return this.couponDtos([row], null).then((c) => c[0]!);
  }

  /**
   * May `sellerId` drop this coupon into a fan group: it is theirs and can still be claimed (live
   * or scheduled). Looked up by id, whatever the number of coupons the seller has made.
   */
  async droppable(sellerId: string, couponId: string): Promise<{ title: string; remaining: number }> {
    const c = await this.repo.coupon(couponId);
    if (!c || c.sellerId !== sellerId) throw new AppError('not_found', 'No such coupon in your shop');
    const status = couponStatus(c, this.ctx.now());
    if (status !== 'active' && status !== 'scheduled') throw new AppError('conflict', 'That coupon has ended');
    return { title: c.title, remaining: c.totalQuantity - c.claimed };
  }

  async stopCoupon(sellerId: string, couponId: string): Promise<Coupon> {
    const c = await this.repo.coupon(couponId);
    if (!c || c.sellerId !== sellerId) throw notFound('Coupon');
    const stopped = (await this.repo.stopCoupon(couponId, this.ctx.now())) ?? c;
    return this.couponDtos([stopped], null).then((x) => x[0]!);
  }

  async sellerCoupons(sellerId: string, cursor: string | undefined, limit: number) {
    const rows = await this.repo.sellerCoupons(sellerId, false, this.ctx.now(), cursor, limit);
    const page = rows.slice(0, limit);
    return { items: await this.couponDtos(page, null), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  /** A shop's coupons that can still be claimed, with the viewer's standing for each. */
  async shopCoupons(handle: string, viewerId: string | null): Promise<Coupon[]> {
    const owner = await this.ctx.accounts.byHandle(handle);
    const rows = (await this.repo.sellerCoupons(owner.id, true, this.ctx.now(), undefined, 50)).slice(0, 50);
    return this.couponDtos(rows, viewerId);
  }

  private async couponDtos(rows: CouponRow[], viewerId: string | null): Promise<Coupon[]> {
    const now = this.ctx.now();
    const people = await this.ctx.accounts.summaries([...new Set(rows.map((r) => r.sellerId))]);
    const held = viewerId
      ? await this.repo.holderClaims(
          rows.map((r) => r.id),
          viewerId,
        )
      : new Map<string, number>();
    const out: Coupon[] = [];
    for (const c of rows) {
      let viewer: Coupon['viewer'] = null;
      if (viewerId) {
        const claimed = held.get(c.id) ?? 0;
        const reason = await this.claimProblem(c, viewerId, claimed, now);
        viewer = { claimed, canClaim: reason === null, reason };
      }
      out.push(couponDto(c, people.get(c.sellerId)!, now, viewer));
    }
    return out;
  }

  /** Why this person cannot claim another of this coupon now, or null. */
  private async claimProblem(c: CouponRow, userId: string, claimed: number, now: Date): Promise<string | null> {
    if (c.sellerId === userId) return 'This is your own coupon';
    const window = couponWindowProblem(c, now);
    if (window) return window;
    if (claimed >= c.perUserLimit) return 'You already hold as many as allowed';
    if (c.claimed >= c.totalQuantity) return 'All claimed';
    return this.audienceProblem(c.audience, c.sellerId, userId);
  }

  private async audienceProblem(audience: CouponAudience, sellerId: string, userId: string): Promise<string | null> {
    if (await this.ctx.graph.isBlockedEitherWay(userId, sellerId)) return 'Not available to you';
    switch (audience.kind) {
      case 'everyone':
        return null;
      case 'followers':
        return (await this.ctx.graph.relationship(userId, sellerId)).following ? null : 'For followers: follow the shop first';
      case 'group_members': {
        const fans = this.ctx.fanAudience;
        return fans && (await fans.isMember(audience.groupId, userId)) ? null : 'For fan group members';
      }
      case 'fan_level': {
        const fans = this.ctx.fanAudience;
        return fans && (await fans.fanLevel(audience.groupId, userId)) >= audience.minLevel
          ? null
          : `For fans of level ${audience.minLevel} and up`;
      }
    }
  }

  /**
   * Claims one coupon. Both limits hold under concurrent claims because each is a guarded
   * increment in SQL: the per-user count (`claims < limit` upsert) and the total
   * (`claimed < total_quantity`), in one transaction, or neither.
   */
  async claim(userId: string, couponId: string): Promise<CouponClaim> {
    const c = await this.repo.coupon(couponId);
    if (!c) throw notFound('Coupon');
    const now = this.ctx.now();
    const held = (await this.repo.holderClaims([c.id], userId)).get(c.id) ?? 0;
    const problem = await this.claimProblem(c, userId, held, now);
    if (problem) throw new AppError(held >= c.perUserLimit ? 'limit_reached' : 'coupon_unavailable', problem);
    const claim = await this.ctx.db.transaction(async (tx) => {
      const repo = new ShopRepo(tx);
      if (!(await repo.bumpHolder(c.id, userId, c.perUserLimit)))
        throw new AppError('limit_reached', 'You already hold as many as allowed');
      if (!(await repo.bumpClaimed(c.id, now))) throw new AppError('coupon_unavailable', 'All claimed');
      return repo.insertClaim({ id: newId(), couponId: c.id, userId, sellerId: c.sellerId, status: 'available', claimedAt: now });
    });
    const fresh = (await this.repo.coupon(c.id)) ?? c;
    return this.claimDto(claim, fresh, userId, now);
  }

  async myCoupons(
    userId: string,
    q: { status?: CouponClaim['status'] | undefined; sellerId?: string | undefined; cursor?: string | undefined; limit: number },
  ) {
    const now = this.ctx.now();
    // "expired" is derived (an available claim whose coupon is over), so it is filtered after the query.
    const dbStatus = q.status === 'expired' ? 'available' : q.status;
    const rows = await this.repo.claimsOf(userId, { sellerId: q.sellerId, status: dbStatus, cursor: q.cursor, limit: q.limit });
    const page = rows.slice(0, q.limit);
    const items: CouponClaim[] = [];
    for (const r of page) {
      const dto = await this.claimDto(r.claim, r.coupon, userId, now);
      if (!q.status || dto.status === q.status) items.push(dto);
    }
    return { items, nextCursor: rows.length > q.limit ? page[page.length - 1]!.claim.id : null };
  }

  private async claimDto(claim: ClaimRow, c: CouponRow, userId: string, now: Date): Promise<CouponClaim> {
    const [coupon] = await this.couponDtos([c], userId);
    const expired = claim.status === 'available' && couponWindowProblem(c, now) !== null && now >= c.startsAt;
    return {
      id: claim.id,
      coupon: coupon!,
      status: expired ? 'expired' : claim.status,
      orderId: claim.orderId,
      claimedAt: claim.claimedAt.toISOString(),
    };
  }

  // ------------------------------------------------------------ flash sales

  /**
   * Creates a flash sale, taking its units out of the variant's stock at once (a guarded
   * decrement), so flash and regular buyers can never both get the same unit.
   */
  async createFlashSale(sellerId: string, body: CreateFlashSaleBody): Promise<FlashSale> {
    const [found] = await this.repo.variantsByIds([body.variantId]);
    if (!found || found.product.sellerId !== sellerId) throw notFound('Variant');
    const { variant, product } = found;
    if (product.status !== 'published' || !variant.active)
      throw new AppError('invalid_state', 'Publish the product (and keep the variant active) before a flash sale');
    const now = this.ctx.now();
    const startsAt = new Date(body.startsAt);
    const endsAt = new Date(body.endsAt);
    if (startsAt.getTime() < now.getTime() - 60_000)
      throw new AppError('validation_failed', 'startsAt is in the past', [{ path: 'startsAt', message: 'in the past' }]);
    if (startsAt.getTime() > now.getTime() + MAX_SCHEDULE_AHEAD_MS)
      throw new AppError('validation_failed', 'A flash sale starts within 30 days', [{ path: 'startsAt', message: 'too far ahead' }]);
    const duration = endsAt.getTime() - startsAt.getTime();
    if (duration < 60_000 || duration > MAX_FLASH_DURATION_MS)
      throw new AppError('validation_failed', 'A flash sale lasts from 1 minute to 72 hours', [
        { path: 'endsAt', message: 'duration out of range' },
      ]);
    if (body.price >= variant.price)
      throw new AppError('validation_failed', 'The flash price must be below the regular price', [
        { path: 'price', message: 'not a discount' },
      ]);
    const sale = await this.ctx.db.transaction(async (tx) => {
      // One flash sale per product at a time: the overlap check and the insert run one product at a time.
      await lockFor(tx, 'shop-flash-product', product.id);
      const repo = new ShopRepo(tx);
      const overlapping = (await repo.openFlashSales([product.id], now)).filter(
        (s) => !s.cancelledAt && s.startsAt < endsAt && s.endsAt > startsAt,
      );
      if (overlapping.length) throw new AppError('conflict', 'This product already has a flash sale at that time');
      const left = await repo.takeStock(variant.id, body.stock);
      if (left === null) throw new AppError('out_of_stock', `Only ${variant.stock} in stock for ${variant.sku}`);
      return repo.insertFlashSale({
        id: newId(),
        sellerId,
        productId: product.id,
        variantId: variant.id,
        price: body.price,
        currency: product.currency,
        stockTotal: body.stock,
        stockLeft: body.stock,
        perUserLimit: body.perUserLimit,
        startsAt,
        endsAt,
        paymentWindowSec: body.paymentWindowSec,
      });
    });
    return this.flashSale(sale.id);
  }

  async flashSale(id: string): Promise<FlashSale> {
    const s = await this.repo.flashSale(id);
    if (!s) throw notFound('Flash sale');
    return this.flashDto(s);
  }

  async flashDto(s: FlashSaleRow): Promise<FlashSale> {
    const now = this.ctx.now();
    const product = await this.repo.product(s.productId);
    if (!product) throw notFound('Flash sale');
    const [card] = await this.catalog.cards([s.productId]);
    const seller = (await this.ctx.accounts.summaries([s.sellerId])).get(s.sellerId)!;
    const fallbackCard = card ?? {
      id: product.id,
      seller,
      title: product.title,
      imageUrl: null,
      price: { min: s.price, max: s.price, currency: s.currency },
      inStock: false,
      stock: 0,
      status: product.status,
      flashSale: null,
      rating: null,
      url: `/p/${product.id}`,
      realtimeChannel: `product:${product.id}`,
    };
    return {
      ...flashBadge(s, now),
      productId: s.productId,
      product: fallbackCard,
      paymentWindowSec: s.paymentWindowSec,
      serverTime: now.toISOString(),
    };
  }

  async sellerFlashSales(sellerId: string, cursor: string | undefined, limit: number) {
    const rows = await this.repo.sellerFlashSales(sellerId, cursor, limit);
    const page = rows.slice(0, limit);
    const items: FlashSale[] = [];
    for (const r of page) items.push(await this.flashDto(r));
    return { items, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  async cancelFlashSale(sellerId: string, id: string): Promise<FlashSale> {
    const s = await this.repo.flashSale(id);
    if (!s || s.sellerId !== sellerId) throw notFound('Flash sale');
    if (s.settledAt) throw new AppError('invalid_state', 'This flash sale is over');
    await this.settle(id, true);
    return this.flashSale(id);
  }

  /**
   * Ends a sale: what no winner holds goes back to the variant. Units held by unpaid winners
   * stay with their orders; if those expire later they go to the variant, since the sale is over.
   */
  async settle(id: string, cancel: boolean): Promise<void> {
    const done = await this.ctx.db.transaction(async (tx) => {
      const repo = new ShopRepo(tx);
      const s = await repo.flashSaleForUpdate(id);
      if (!s || s.settledAt) return null;
      const left = await repo.settleFlash(id, this.ctx.now(), cancel);
      if (left > 0) await repo.returnStock(s.variantId, left);
      return s;
    });
    if (done) {
      this.ctx.events.stock({
        kind: 'stock',
        productId: done.productId,
        flashSaleId: done.id,
        stockLeft: 0,
        status: cancel ? 'cancelled' : 'ended',
      });
    }
  }
}
