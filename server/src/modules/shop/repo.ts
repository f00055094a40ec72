import { and, asc, desc, eq, getTableColumns, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { OrderStatus, PaymentStatus } from '@tremolo/protocol';
import type { Db, Queryable } from '../../platform/db/client.ts';
import {
  addresses,
  cartItems,
  couponClaims,
  couponHolders,
  coupons,
  flashHolds,
  flashSales,
  flashStock,
  idempotency,
  orderEvents,
  orderItems,
  orders,
  payments,
  products,
  shops,
  touches,
  variants,
} from './tables.ts';
import type { ImageRef } from './tables.ts';
import { ACTIVE_STATUSES, aftersalesRequests } from './aftersales/tables.ts';

export type ShopRow = typeof shops.$inferSelect;
export type ProductRow = typeof products.$inferSelect;
export type VariantRow = typeof variants.$inferSelect;
export type AddressRow = typeof addresses.$inferSelect;
export type CartRow = typeof cartItems.$inferSelect;
export type CouponRow = typeof coupons.$inferSelect;
export type ClaimRow = typeof couponClaims.$inferSelect;
export type FlashSaleRow = typeof flashSales.$inferSelect;
export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;
export type OrderEventRow = typeof orderEvents.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
export type TouchRow = typeof touches.$inferSelect;

const LIVE_PAYMENT: PaymentStatus[] = ['processing', 'authorized', 'captured', 'refunded'];

/** How many stock rows a flash sale is spread over (fewer when it has fewer units). */
const FLASH_BUCKETS = 8;

/** A flash sale with `stockLeft` as the live sum of its buckets. */
const flashSelection = {
  ...getTableColumns(flashSales),
  stockLeft: sql<number>`(case when ${flashSales.settledAt} is null then coalesce((select sum(b.units) from shop_flash_stock b where b.flash_sale_id = ${flashSales.id}), 0) else 0 end)::int`,
};

/** Data access for the shop; only the shop's services call it. Conditional updates return null when their guard fails. */
export class ShopRepo {
  constructor(private readonly db: Queryable) {}

  // ------------------------------------------------------------ shops, products, variants

  async shop(sellerId: string): Promise<ShopRow | undefined> {
    const [r] = await this.db.select().from(shops).where(eq(shops.sellerId, sellerId));
    return r;
  }

  async upsertShop(row: typeof shops.$inferInsert): Promise<ShopRow> {
    const [r] = await this.db
      .insert(shops)
      .values(row)
      .onConflictDoUpdate({ target: shops.sellerId, set: { name: row.name, description: row.description ?? '', currency: row.currency } })
      .returning();
    return r!;
  }

  async hasProducts(sellerId: string): Promise<boolean> {
    const [r] = await this.db.select({ id: products.id }).from(products).where(eq(products.sellerId, sellerId)).limit(1);
    return !!r;
  }

  async insertProduct(row: typeof products.$inferInsert, vs: (typeof variants.$inferInsert)[]): Promise<void> {
    await this.db.insert(products).values(row);
    await this.db.insert(variants).values(vs);
  }

  async insertVariant(row: typeof variants.$inferInsert): Promise<void> {
    await this.db.insert(variants).values(row);
  }

  async product(id: string): Promise<ProductRow | undefined> {
    const [r] = await this.db.select().from(products).where(eq(products.id, id));
    return r;
  }

  async productIdsAfter(after: string | null, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: products.id })
      .from(products)
      .where(after ? sql`${products.id} > ${after}` : undefined)
      .orderBy(asc(products.id))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  /** Units sold per product (orders paid and not refunded). */
  async unitsSold(productIds: string[]): Promise<Map<string, number>> {
    if (productIds.length === 0) return new Map();
    const rows = await this.db
      .select({ productId: orderItems.productId, units: sql<number>`sum(${orderItems.quantity})::int` })
      .from(orderItems)
      .innerJoin(orders, eq(orders.id, orderItems.orderId))
      .where(and(inArray(orderItems.productId, productIds), inArray(orders.status, ['paid', 'shipped', 'delivered', 'refund_requested'])))
      .groupBy(orderItems.productId);
    return new Map(rows.map((r) => [r.productId, Number(r.units)]));
  }

  /** Products with a flash sale running at `now`. */
  async liveFlashProductIds(now: Date): Promise<string[]> {
    const rows = await this.db
      .selectDistinct({ id: flashSales.productId })
      .from(flashSales)
      .where(
        and(
          isNull(flashSales.settledAt),
          isNull(flashSales.cancelledAt),
          lte(flashSales.startsAt, now),
          sql`${flashSales.endsAt} > ${now}`,
        ),
      );
    return rows.map((r) => r.id);
  }

  async productsByIds(ids: string[]): Promise<ProductRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(products).where(inArray(products.id, ids));
  }

  async variantsOf(productIds: string[]): Promise<VariantRow[]> {
    if (productIds.length === 0) return [];
    return this.db.select().from(variants).where(inArray(variants.productId, productIds)).orderBy(asc(variants.id));
  }

  async variantsByIds(ids: string[]): Promise<{ variant: VariantRow; product: ProductRow }[]> {
    if (ids.length === 0) return [];
    return this.db
      .select({ variant: variants, product: products })
      .from(variants)
      .innerJoin(products, eq(products.id, variants.productId))
      .where(inArray(variants.id, ids));
  }

  async updateProduct(id: string, patch: Partial<typeof products.$inferInsert>): Promise<ProductRow | undefined> {
    const [r] = await this.db
      .update(products)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(products.id, id))
      .returning();
    return r;
  }

  /** Appends an image only while the product has fewer than `max`: one statement, so parallel uploads cannot pass the cap or lose each other. */
  async appendImage(id: string, image: ImageRef, max: number): Promise<boolean> {
    const r = await this.db
      .update(products)
      .set({ images: sql`${products.images} || ${JSON.stringify([image])}::jsonb`, updatedAt: new Date() })
      .where(and(eq(products.id, id), sql`jsonb_array_length(${products.images}) < ${max}`))
      .returning({ id: products.id });
    return r.length > 0;
  }

  /** Removes one image by id in SQL, so a concurrent upload is not overwritten. */
  async removeImage(id: string, imageId: string): Promise<void> {
    await this.db
      .update(products)
      .set({
        images: sql`coalesce((select jsonb_agg(e) from jsonb_array_elements(${products.images}) e where e->>'id' <> ${imageId}), '[]'::jsonb)`,
        updatedAt: new Date(),
      })
      .where(eq(products.id, id));
  }

  async updateVariant(id: string, patch: Partial<typeof variants.$inferInsert>): Promise<VariantRow | undefined> {
    const [r] = await this.db.update(variants).set(patch).where(eq(variants.id, id)).returning();
    return r;
  }

  /** `stock = stock + delta` only when the result stays ≥ 0. */
  async adjustStock(variantId: string, delta: number): Promise<number | null> {
    const [r] = await this.db
      .update(variants)
      .set({ stock: sql`${variants.stock} + ${delta}` })
      .where(and(eq(variants.id, variantId), gte(sql`${variants.stock} + ${delta}`, 0)))
      .returning({ stock: variants.stock });
    return r ? r.stock : null;
  }

  /** Takes `q` units if at least `q` are left on an active variant; null otherwise. */
  async takeStock(variantId: string, q: number): Promise<number | null> {
    const [r] = await this.db
      .update(variants)
      .set({ stock: sql`${variants.stock} - ${q}` })
      .where(and(eq(variants.id, variantId), gte(variants.stock, q), eq(variants.active, true)))
      .returning({ stock: variants.stock });
    return r ? r.stock : null;
  }

  async returnStock(variantId: string, q: number): Promise<number | null> {
    return this.adjustStock(variantId, q);
  }

  async listProducts(sellerId: string, statuses: string[] | null, cursor: string | undefined, limit: number): Promise<ProductRow[]> {
    return this.db
      .select()
      .from(products)
      .where(
        and(
          eq(products.sellerId, sellerId),
          statuses ? inArray(products.status, statuses as ProductRow['status'][]) : undefined,
          cursor ? lt(products.id, cursor) : undefined,
        ),
      )
      .orderBy(desc(products.id))
      .limit(limit + 1);
  }

  async countPublished(sellerId: string): Promise<number> {
    const [r] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(products)
      .where(and(eq(products.sellerId, sellerId), eq(products.status, 'published')));
    return r!.n;
  }

  async lowStock(sellerId: string): Promise<{ variant: VariantRow; product: ProductRow }[]> {
    return this.db
      .select({ variant: variants, product: products })
      .from(variants)
      .innerJoin(products, eq(products.id, variants.productId))
      .where(
        and(
          eq(products.sellerId, sellerId),
          eq(variants.active, true),
          lte(variants.stock, products.lowStockThreshold),
          sql`${products.status} <> 'draft'`,
        ),
      )
      .orderBy(asc(variants.stock), asc(variants.id))
      .limit(200);
  }

  // ------------------------------------------------------------ addresses

  async addresses(userId: string): Promise<AddressRow[]> {
    return this.db
      .select()
      .from(addresses)
      .where(eq(addresses.userId, userId))
      .orderBy(desc(addresses.isDefault), desc(addresses.id))
      .limit(50);
  }

  async address(userId: string, id: string): Promise<AddressRow | undefined> {
    const [r] = await this.db
      .select()
      .from(addresses)
      .where(and(eq(addresses.id, id), eq(addresses.userId, userId)));
    return r;
  }

  async countAddresses(userId: string): Promise<number> {
    const [r] = await this.db.select({ n: sql<number>`count(*)::int` }).from(addresses).where(eq(addresses.userId, userId));
    return r!.n;
  }

  async insertAddress(row: typeof addresses.$inferInsert): Promise<AddressRow> {
    const [r] = await this.db.insert(addresses).values(row).returning();
    return r!;
  }

  async updateAddress(userId: string, id: string, patch: Partial<typeof addresses.$inferInsert>): Promise<AddressRow | undefined> {
    const [r] = await this.db
      .update(addresses)
      .set(patch)
      .where(and(eq(addresses.id, id), eq(addresses.userId, userId)))
      .returning();
    return r;
  }

  async clearDefaultAddress(userId: string): Promise<void> {
    await this.db
      .update(addresses)
      .set({ isDefault: false })
      .where(and(eq(addresses.userId, userId), eq(addresses.isDefault, true)));
  }

  async deleteAddress(userId: string, id: string): Promise<boolean> {
    const r = await this.db
      .delete(addresses)
      .where(and(eq(addresses.id, id), eq(addresses.userId, userId)))
      .returning({ id: addresses.id });
    return r.length > 0;
  }

  // ------------------------------------------------------------ cart

  async cart(userId: string): Promise<CartRow[]> {
    return this.db.select().from(cartItems).where(eq(cartItems.userId, userId)).orderBy(asc(cartItems.addedAt)).limit(200);
  }

  async cartCount(userId: string): Promise<number> {
    const [r] = await this.db.select({ n: sql<number>`count(*)::int` }).from(cartItems).where(eq(cartItems.userId, userId));
    return r!.n;
  }

  async setCartItem(row: typeof cartItems.$inferInsert): Promise<void> {
    await this.db
      .insert(cartItems)
      .values(row)
      .onConflictDoUpdate({ target: [cartItems.userId, cartItems.variantId], set: { quantity: row.quantity } });
  }

  /** Deletes these cart lines and returns what was deleted; a line already gone (or being taken) is not returned. */
  async takeCartLines(userId: string, variantIds: string[]): Promise<{ variantId: string; quantity: number }[]> {
    if (variantIds.length === 0) return [];
    return this.db
      .delete(cartItems)
      .where(and(eq(cartItems.userId, userId), inArray(cartItems.variantId, variantIds)))
      .returning({ variantId: cartItems.variantId, quantity: cartItems.quantity });
  }

  async removeCartItems(userId: string, variantIds: string[]): Promise<number> {
    if (variantIds.length === 0) return 0;
    const r = await this.db
      .delete(cartItems)
      .where(and(eq(cartItems.userId, userId), inArray(cartItems.variantId, variantIds)))
      .returning({ v: cartItems.variantId });
    return r.length;
  }

  // ------------------------------------------------------------ coupons

  async insertCoupon(row: typeof coupons.$inferInsert): Promise<CouponRow> {
    const [r] = await this.db.insert(coupons).values(row).returning();
    return r!;
  }

  async coupon(id: string): Promise<CouponRow | undefined> {
    const [r] = await this.db.select().from(coupons).where(eq(coupons.id, id));
    return r;
  }

  async couponsByIds(ids: string[]): Promise<CouponRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(coupons).where(inArray(coupons.id, ids));
  }

  async sellerCoupons(sellerId: string, onlyLive: boolean, now: Date, cursor: string | undefined, limit: number): Promise<CouponRow[]> {
    return this.db
      .select()
      .from(coupons)
      .where(
        and(
          eq(coupons.sellerId, sellerId),
          onlyLive ? and(isNull(coupons.stoppedAt), sql`${coupons.endsAt} > ${now}`) : undefined,
          cursor ? lt(coupons.id, cursor) : undefined,
        ),
      )
      .orderBy(desc(coupons.id))
      .limit(limit + 1);
  }

  async stopCoupon(id: string, now: Date): Promise<CouponRow | undefined> {
    const [r] = await this.db
      .update(coupons)
      .set({ stoppedAt: now })
      .where(and(eq(coupons.id, id), isNull(coupons.stoppedAt)))
      .returning();
    return r;
  }

  /** One more claim for this person, unless they hold their limit already. */
  async bumpHolder(couponId: string, userId: string, limit: number): Promise<boolean> {
    const r = await this.db
      .insert(couponHolders)
      .values({ couponId, userId, claims: 1 })
      .onConflictDoUpdate({
        target: [couponHolders.couponId, couponHolders.userId],
        set: { claims: sql`${couponHolders.claims} + 1` },
        setWhere: sql`${couponHolders.claims} < ${limit}`,
      })
      .returning({ claims: couponHolders.claims });
    return r.length > 0;
  }

  async holderClaims(couponIds: string[], userId: string): Promise<Map<string, number>> {
    if (couponIds.length === 0) return new Map();
    const rows = await this.db
      .select()
      .from(couponHolders)
      .where(and(eq(couponHolders.userId, userId), inArray(couponHolders.couponId, couponIds)));
    return new Map(rows.map((r) => [r.couponId, r.claims]));
  }

  /** `claimed = claimed + 1 WHERE claimed < total_quantity`, inside the claim window: never over-issued. */
  async bumpClaimed(couponId: string, now: Date): Promise<boolean> {
    const r = await this.db
      .update(coupons)
      .set({ claimed: sql`${coupons.claimed} + 1` })
      .where(
        and(
          eq(coupons.id, couponId),
          lt(coupons.claimed, coupons.totalQuantity),
          isNull(coupons.stoppedAt),
          lte(coupons.startsAt, now),
          sql`${coupons.endsAt} > ${now}`,
        ),
      )
      .returning({ id: coupons.id });
    return r.length > 0;
  }

  async insertClaim(row: typeof couponClaims.$inferInsert): Promise<ClaimRow> {
    const [r] = await this.db.insert(couponClaims).values(row).returning();
    return r!;
  }

  async claimsOf(
    userId: string,
    opts: { sellerId?: string | undefined; status?: ClaimRow['status'] | undefined; cursor?: string | undefined; limit: number },
  ) {
    return this.db
      .select({ claim: couponClaims, coupon: coupons })
      .from(couponClaims)
      .innerJoin(coupons, eq(coupons.id, couponClaims.couponId))
      .where(
        and(
          eq(couponClaims.userId, userId),
          opts.sellerId ? eq(couponClaims.sellerId, opts.sellerId) : undefined,
          opts.status ? eq(couponClaims.status, opts.status) : undefined,
          opts.cursor ? lt(couponClaims.id, opts.cursor) : undefined,
        ),
      )
      .orderBy(desc(couponClaims.id))
      .limit(opts.limit + 1);
  }

  async claim(id: string) {
    const [r] = await this.db
      .select({ claim: couponClaims, coupon: coupons })
      .from(couponClaims)
      .innerJoin(coupons, eq(coupons.id, couponClaims.couponId))
      .where(eq(couponClaims.id, id));
    return r;
  }

  /** available → reserved for one order; false when someone (a concurrent checkout) got there first. */
  async reserveClaim(claimId: string, userId: string, orderId: string): Promise<boolean> {
    const r = await this.db
      .update(couponClaims)
      .set({ status: 'reserved', orderId })
      .where(and(eq(couponClaims.id, claimId), eq(couponClaims.userId, userId), eq(couponClaims.status, 'available')))
      .returning({ id: couponClaims.id });
    return r.length > 0;
  }

  async releaseClaim(claimId: string, orderId: string): Promise<boolean> {
    const r = await this.db
      .update(couponClaims)
      .set({ status: 'available', orderId: null })
      .where(and(eq(couponClaims.id, claimId), eq(couponClaims.orderId, orderId), inArray(couponClaims.status, ['reserved', 'used'])))
      .returning({ couponId: couponClaims.couponId });
    return r.length > 0;
  }

  async useClaim(claimId: string, orderId: string): Promise<boolean> {
    const r = await this.db
      .update(couponClaims)
      .set({ status: 'used' })
      .where(and(eq(couponClaims.id, claimId), eq(couponClaims.orderId, orderId), eq(couponClaims.status, 'reserved')))
      .returning({ couponId: couponClaims.couponId });
    if (r.length === 0) return false;
    await this.db
      .update(coupons)
      .set({ used: sql`${coupons.used} + 1` })
      .where(eq(coupons.id, r[0]!.couponId));
    return true;
  }

  async unuseCoupon(couponId: string): Promise<void> {
    await this.db
      .update(coupons)
      .set({ used: sql`greatest(${coupons.used} - 1, 0)` })
      .where(eq(coupons.id, couponId));
  }

  // ------------------------------------------------------------ flash sales

  /** The sale and its buckets: `stock` spread as evenly as possible over up to FLASH_BUCKETS rows. */
  async insertFlashSale(row: typeof flashSales.$inferInsert & { id: string }): Promise<FlashSaleRow> {
    const [r] = await this.db.insert(flashSales).values(row).returning();
    const n = Math.max(1, Math.min(FLASH_BUCKETS, row.stockTotal));
    const base = Math.floor(row.stockTotal / n);
    await this.db
      .insert(flashStock)
      .values(Array.from({ length: n }, (_, i) => ({ flashSaleId: row.id, bucket: i, units: base + (i < row.stockTotal % n ? 1 : 0) })));
    return r!;
  }

  async flashSale(id: string): Promise<FlashSaleRow | undefined> {
    const [r] = await this.db.select(flashSelection).from(flashSales).where(eq(flashSales.id, id));
    return r;
  }

  async flashSaleForUpdate(id: string): Promise<FlashSaleRow | undefined> {
    const [r] = await this.db.select(flashSelection).from(flashSales).where(eq(flashSales.id, id)).for('update');
    return r;
  }

  async flashUnitsLeft(id: string): Promise<number> {
    const [r] = await this.db
      .select({ n: sql<number>`coalesce(sum(${flashStock.units}), 0)::int` })
      .from(flashStock)
      .where(and(eq(flashStock.flashSaleId, id), eq(flashStock.closed, false)));
    return r!.n;
  }

  /** The current or next unsettled sale of each product (one per product, the soonest). */
  async openFlashSales(productIds: string[], now: Date): Promise<FlashSaleRow[]> {
    if (productIds.length === 0) return [];
    return this.db
      .select(flashSelection)
      .from(flashSales)
      .where(and(inArray(flashSales.productId, productIds), isNull(flashSales.settledAt), sql`${flashSales.endsAt} > ${now}`))
      .orderBy(asc(flashSales.startsAt));
  }

  async sellerFlashSales(sellerId: string, cursor: string | undefined, limit: number): Promise<FlashSaleRow[]> {
    return this.db
      .select(flashSelection)
      .from(flashSales)
      .where(and(eq(flashSales.sellerId, sellerId), cursor ? lt(flashSales.id, cursor) : undefined))
      .orderBy(desc(flashSales.id))
      .limit(limit + 1);
  }

  /**
   * Takes `q` units, one at a time, each from some open bucket: first one nobody holds a lock on
   * (SKIP LOCKED), else waiting for any that still has a unit. False when none is left; the
   * caller's transaction then rolls back whatever it took.
   */
  async takeFlash(id: string, q: number): Promise<boolean> {
    for (let i = 0; i < q; i++) {
      const start = Math.floor(Math.random() * FLASH_BUCKETS);
      let took = await this.takeOne(id, start, true);
      if (!took) took = await this.takeOne(id, start, false);
      if (!took) return false;
    }
    return true;
  }

  private async takeOne(id: string, start: number, skipLocked: boolean): Promise<boolean> {
    const lock = skipLocked ? sql`for update skip locked` : sql`for update`;
    const r = await this.db
      .update(flashStock)
      .set({ units: sql`${flashStock.units} - 1` })
      .where(
        and(
          eq(flashStock.flashSaleId, id),
          gte(flashStock.units, 1),
          eq(flashStock.closed, false),
          sql`${flashStock.bucket} = (select b.bucket from shop_flash_stock b where b.flash_sale_id = ${id} and b.units >= 1 and not b.closed order by (b.bucket >= ${start}) desc, b.bucket limit 1 ${lock})`,
        ),
      )
      .returning({ units: flashStock.units });
    return r.length > 0;
  }

  /** Gives units back to an open bucket; false once the sale is settled (they go to the variant instead). */
  async returnFlash(id: string, q: number): Promise<boolean> {
    const r = await this.db
      .update(flashStock)
      .set({ units: sql`${flashStock.units} + ${q}` })
      .where(
        and(
          eq(flashStock.flashSaleId, id),
          eq(flashStock.closed, false),
          sql`${flashStock.bucket} = (select b.bucket from shop_flash_stock b where b.flash_sale_id = ${id} and not b.closed order by b.units, b.bucket limit 1 for update)`,
        ),
      )
      .returning({ units: flashStock.units });
    return r.length > 0;
  }

  /** One buyer's units in a sale, raised only while it stays within the per-user limit. */
  async holdFlash(id: string, userId: string, q: number, limit: number): Promise<boolean> {
    const r = await this.db
      .insert(flashHolds)
      .values({ flashSaleId: id, userId, quantity: q })
      .onConflictDoUpdate({
        target: [flashHolds.flashSaleId, flashHolds.userId],
        set: { quantity: sql`${flashHolds.quantity} + ${q}` },
        setWhere: sql`${flashHolds.quantity} + ${q} <= ${limit}`,
      })
      .returning({ q: flashHolds.quantity });
    return r.length > 0;
  }

  async releaseFlashHold(id: string, userId: string, q: number): Promise<void> {
    await this.db
      .update(flashHolds)
      .set({ quantity: sql`greatest(${flashHolds.quantity} - ${q}, 0)` })
      .where(and(eq(flashHolds.flashSaleId, id), eq(flashHolds.userId, userId)));
  }

  /** Everyone who has ever ordered in this sale: their repeated attempts must reach the idempotency replay. */
  async flashBuyers(id: string): Promise<string[]> {
    const rows = await this.db.selectDistinct({ buyerId: orders.buyerId }).from(orders).where(eq(orders.flashSaleId, id));
    return rows.map((r) => r.buyerId);
  }

  async flashHeld(id: string, userId: string): Promise<number> {
    const [r] = await this.db
      .select({ q: flashHolds.quantity })
      .from(flashHolds)
      .where(and(eq(flashHolds.flashSaleId, id), eq(flashHolds.userId, userId)));
    return r?.q ?? 0;
  }

  async flashSalesToSettle(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: flashSales.id })
      .from(flashSales)
      .where(and(isNull(flashSales.settledAt), or(lte(flashSales.endsAt, now), sql`${flashSales.cancelledAt} is not null`)))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  /**
   * Closes every bucket (waiting for takers that hold one), marks the sale settled and returns
   * the units that were left; the caller moves them back to the variant in the same transaction.
   */
  async settleFlash(id: string, now: Date, cancel: boolean): Promise<number> {
    const closed = await this.db
      .update(flashStock)
      .set({ closed: true })
      .where(and(eq(flashStock.flashSaleId, id), eq(flashStock.closed, false)))
      .returning({ units: flashStock.units });
    await this.db.update(flashStock).set({ units: 0 }).where(eq(flashStock.flashSaleId, id));
    await this.db
      .update(flashSales)
      .set({ settledAt: now, stockLeft: 0, ...(cancel ? { cancelledAt: now } : {}) })
      .where(eq(flashSales.id, id));
    return closed.reduce((sum, b) => sum + b.units, 0);
  }

  // ------------------------------------------------------------ orders

  /**
   * Takes the buyer's checkout lock until the transaction ends, so one buyer's checkouts on any
   * node take turns, and answers how many units their unpaid orders hold (read committed: the
   * count after the lock includes every order committed before it). An advisory lock, not a lock
   * on the person's row: that row belongs to accounts, and foreign keys to it take KEY SHARE
   * locks that a row lock would have to queue behind.
   */
  async lockUnpaidUnits(buyerId: string): Promise<number> {
    await this.db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`shop-unpaid:${buyerId}`}, 0))`);
    const [r] = await this.db
      .select({ n: sql<string>`coalesce(sum(${orderItems.quantity}), 0)` })
      .from(orderItems)
      .innerJoin(orders, eq(orders.id, orderItems.orderId))
      .where(and(eq(orders.buyerId, buyerId), eq(orders.status, 'pending_payment')));
    return Number(r?.n ?? 0);
  }

  async insertOrder(
    row: typeof orders.$inferInsert,
    items: (typeof orderItems.$inferInsert)[],
    event: typeof orderEvents.$inferInsert,
  ): Promise<void> {
    await this.db.insert(orders).values(row);
    await this.db.insert(orderItems).values(items);
    await this.db.insert(orderEvents).values(event);
  }

  async orderByKey(buyerId: string, key: string): Promise<OrderRow | undefined> {
    const [r] = await this.db
      .select()
      .from(orders)
      .where(and(eq(orders.buyerId, buyerId), eq(orders.checkoutKey, key)));
    return r;
  }

  async order(id: string): Promise<OrderRow | undefined> {
    const [r] = await this.db.select().from(orders).where(eq(orders.id, id));
    return r;
  }

  /** Every state change of an order happens under this lock, so checks made under it hold until commit. */
  async orderForUpdate(id: string, skipLocked = false): Promise<OrderRow | undefined> {
    const q = this.db.select().from(orders).where(eq(orders.id, id));
    const [r] = await (skipLocked ? q.for('update', { skipLocked: true }) : q.for('update'));
    return r;
  }

  async updateOrder(id: string, from: OrderStatus, patch: Partial<typeof orders.$inferInsert>): Promise<OrderRow | undefined> {
    const [r] = await this.db
      .update(orders)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(orders.id, id), eq(orders.status, from)))
      .returning();
    return r;
  }

  async setBuyerFollows(orderId: string): Promise<void> {
    await this.db.update(orders).set({ buyerFollows: true }).where(eq(orders.id, orderId));
  }

  /** Whether an after-sales request on the order still holds units (asked, returning, escalated or being refunded). */
  async hasActiveAftersales(orderId: string): Promise<boolean> {
    const [r] = await this.db
      .select({ id: aftersalesRequests.id })
      .from(aftersalesRequests)
      .where(and(eq(aftersalesRequests.orderId, orderId), inArray(aftersalesRequests.status, [...ACTIVE_STATUSES])))
      .limit(1);
    return r !== undefined;
  }

  async insertOrderEvent(row: typeof orderEvents.$inferInsert): Promise<void> {
    await this.db.insert(orderEvents).values(row);
  }

  async items(orderIds: string[]): Promise<OrderItemRow[]> {
    if (orderIds.length === 0) return [];
    return this.db.select().from(orderItems).where(inArray(orderItems.orderId, orderIds)).orderBy(asc(orderItems.id));
  }

  async events(orderIds: string[]): Promise<OrderEventRow[]> {
    if (orderIds.length === 0) return [];
    return this.db.select().from(orderEvents).where(inArray(orderEvents.orderId, orderIds)).orderBy(asc(orderEvents.id));
  }

  async listOrders(
    side: 'buyer' | 'seller',
    userId: string,
    status: OrderStatus | undefined,
    cursor: string | undefined,
    limit: number,
  ): Promise<OrderRow[]> {
    const col = side === 'buyer' ? orders.buyerId : orders.sellerId;
    return this.db
      .select()
      .from(orders)
      .where(and(eq(col, userId), status ? eq(orders.status, status) : undefined, cursor ? lt(orders.id, cursor) : undefined))
      .orderBy(desc(orders.id))
      .limit(limit + 1);
  }

  async dueOrders(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.status, 'pending_payment'), lt(orders.paymentDueAt, now)))
      .orderBy(asc(orders.paymentDueAt))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  /** Shipped orders the buyer has not confirmed by `shippedBefore`: the sweeper takes them as delivered. */
  async inTransitSince(shippedBefore: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.status, 'shipped'), lt(orders.shippedAt, shippedBefore)))
      .orderBy(asc(orders.shippedAt))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  // ------------------------------------------------------------ payments

  async insertPayment(row: typeof payments.$inferInsert): Promise<PaymentRow> {
    const [r] = await this.db.insert(payments).values(row).returning();
    return r!;
  }

  async payment(id: string): Promise<PaymentRow | undefined> {
    const [r] = await this.db.select().from(payments).where(eq(payments.id, id));
    return r;
  }

  async paymentByRef(provider: string, ref: string): Promise<PaymentRow | undefined> {
    const [r] = await this.db
      .select()
      .from(payments)
      .where(and(eq(payments.provider, provider), eq(payments.providerRef, ref)));
    return r;
  }

  async paymentByKey(provider: string, key: string): Promise<PaymentRow | undefined> {
    const [r] = await this.db
      .select()
      .from(payments)
      .where(and(eq(payments.provider, provider), eq(payments.idempotencyKey, key)));
    return r;
  }

  /** The payment of each order that is in flight or took money (at most one by the unique index), else the latest. */
  async paymentsOf(orderIds: string[]): Promise<Map<string, PaymentRow>> {
    if (orderIds.length === 0) return new Map();
    const rows = await this.db.select().from(payments).where(inArray(payments.orderId, orderIds)).orderBy(asc(payments.id));
    const out = new Map<string, PaymentRow>();
    for (const p of rows) {
      const cur = out.get(p.orderId);
      if (!cur || LIVE_PAYMENT.includes(p.status) || !LIVE_PAYMENT.includes(cur.status)) out.set(p.orderId, p);
    }
    return out;
  }

  async livePayment(orderId: string): Promise<PaymentRow | undefined> {
    const [r] = await this.db
      .select()
      .from(payments)
      .where(and(eq(payments.orderId, orderId), inArray(payments.status, LIVE_PAYMENT)));
    return r;
  }

  async updatePayment(id: string, from: PaymentStatus, patch: Partial<typeof payments.$inferInsert>): Promise<PaymentRow | undefined> {
    const [r] = await this.db
      .update(payments)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(payments.id, id), eq(payments.status, from)))
      .returning();
    return r;
  }

  /** Payments whose money may not yet match their order (authorized, or captured on a cancelled/refunded order). */
  async paymentsToReconcile(olderThan: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: payments.id })
      .from(payments)
      .innerJoin(orders, eq(orders.id, payments.orderId))
      .where(
        and(
          lt(payments.updatedAt, olderThan),
          or(eq(payments.status, 'authorized'), and(eq(payments.status, 'captured'), inArray(orders.status, ['cancelled', 'refunded']))),
        ),
      )
      .limit(limit);
    return rows.map((r) => r.id);
  }

  // ------------------------------------------------------------ idempotency

  async idempotent(userId: string, scope: string, key: string) {
    const [r] = await this.db
      .select()
      .from(idempotency)
      .where(and(eq(idempotency.userId, userId), eq(idempotency.scope, scope), eq(idempotency.key, key)));
    return r;
  }

  async saveIdempotent(row: typeof idempotency.$inferInsert): Promise<void> {
    await this.db.insert(idempotency).values(row);
  }

  // ------------------------------------------------------------ touches

  async insertTouches(rows: (typeof touches.$inferInsert)[]): Promise<void> {
    if (rows.length) await this.db.insert(touches).values(rows);
  }

  /** The buyer's first and last touch of this seller's products since `since` (most recent 200 considered). */
  async touchesFor(userId: string, productIds: string[], since: Date): Promise<TouchRow[]> {
    if (productIds.length === 0) return [];
    return this.db
      .select()
      .from(touches)
      .where(and(eq(touches.userId, userId), inArray(touches.productId, productIds), gte(touches.at, since)))
      .orderBy(asc(touches.at))
      .limit(500);
  }
}

/**
 * The queries every flash-sale attempt runs, prepared once: building SQL through the query
 * builder showed up as a sixth of the server's CPU in the flash-sale benchmark's profile.
 */
export class HotQueries {
  private readonly idem;
  private readonly left;

  constructor(db: Db) {
    this.idem = db
      .select()
      .from(idempotency)
      .where(
        and(
          eq(idempotency.userId, sql.placeholder('userId')),
          eq(idempotency.scope, sql.placeholder('scope')),
          eq(idempotency.key, sql.placeholder('key')),
        ),
      )
      .prepare('shop_idempotent');
    this.left = db
      .select({ left: sql<number>`coalesce(sum(${flashStock.units}), 0)::int` })
      .from(flashStock)
      .where(and(eq(flashStock.flashSaleId, sql.placeholder('id')), eq(flashStock.closed, false)))
      .prepare('shop_flash_left');
  }

  async idempotent(userId: string, scope: string, key: string) {
    const [r] = await this.idem.execute({ userId, scope, key });
    return r;
  }

  async flashStockLeft(id: string): Promise<number> {
    const [r] = await this.left.execute({ id });
    return r?.left ?? 0;
  }
}

/** A person's share of the shop, for their data archive and the deletion of their account. */
export class AccountShopRepo {
  constructor(private readonly db: Db) {}

  /** Orders I placed, with their lines, and my address book. Sales are not mine to take: they hold buyers' addresses. */
  async purchasesOf(buyerId: string) {
    const mine = await this.db.select().from(orders).where(eq(orders.buyerId, buyerId)).orderBy(asc(orders.id));
    const lines = mine.length
      ? await this.db
          .select()
          .from(orderItems)
          .where(
            inArray(
              orderItems.orderId,
              mine.map((o) => o.id),
            ),
          )
      : [];
    const book = await this.db.select().from(addresses).where(eq(addresses.userId, buyerId));
    return { orders: mine, lines, addresses: book };
  }

  /**
   * A deleted buyer: the address book and cart go; an order keeps its shipping address only
   * while the seller may still need it (not yet finished), the rest become blank. A deleted
   * seller's products stop selling. Orders themselves stay, for the other side's records.
   */
  async eraseOf(userId: string): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      await tx.delete(addresses).where(eq(addresses.userId, userId));
      await tx.delete(cartItems).where(eq(cartItems.userId, userId));
      await tx
        .update(orders)
        .set({ address: { name: '', phone: '', line1: '', line2: '', city: '', region: '', postalCode: '', country: '' } })
        .where(and(eq(orders.buyerId, userId), inArray(orders.status, FINISHED)));
      const stopped = await tx
        .update(products)
        .set({ status: 'unpublished', updatedAt: new Date() })
        .where(and(eq(products.sellerId, userId), eq(products.status, 'published')))
        .returning({ id: products.id });
      return stopped.map((p) => p.id);
    });
  }
}

/** Orders the seller is done with: nothing left to ship, return or refund. */
const FINISHED: OrderStatus[] = ['delivered', 'cancelled', 'refunded'];
