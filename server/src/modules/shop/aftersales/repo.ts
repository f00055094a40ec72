import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { AftersalesStatus } from '@tremolo/protocol';
import type { Db, Tx } from '../../../platform/db/client.ts';
import { orderItems, orders, type ImageRef } from '../tables.ts';
import { aftersalesEvents, aftersalesRequests } from './tables.ts';

export type AftersalesRow = typeof aftersalesRequests.$inferSelect;
export type AftersalesEventRow = typeof aftersalesEvents.$inferSelect;

/** Data access of after-sales requests; reads and adjusts the shop's order lines and orders. */
export class AftersalesRepo {
  constructor(private readonly db: Db | Tx) {}

  async insert(row: typeof aftersalesRequests.$inferInsert): Promise<AftersalesRow> {
    const [r] = await this.db.insert(aftersalesRequests).values(row).returning();
    return r!;
  }

  async byId(id: string): Promise<AftersalesRow | undefined> {
    const [r] = await this.db.select().from(aftersalesRequests).where(eq(aftersalesRequests.id, id));
    return r;
  }

  async ofOrder(orderId: string): Promise<AftersalesRow[]> {
    return this.db.select().from(aftersalesRequests).where(eq(aftersalesRequests.orderId, orderId)).orderBy(desc(aftersalesRequests.id));
  }

  async line(orderItemId: string) {
    const [r] = await this.db.select().from(orderItems).where(eq(orderItems.id, orderItemId));
    return r;
  }

  async lines(orderId: string) {
    return this.db.select().from(orderItems).where(eq(orderItems.orderId, orderId));
  }

  async ofLine(orderItemId: string): Promise<AftersalesRow[]> {
    return this.db.select().from(aftersalesRequests).where(eq(aftersalesRequests.orderItemId, orderItemId));
  }

  /** A status change guarded by the status it was read in: a second (or concurrent) step changes nothing. */
  async move(id: string, from: AftersalesStatus, patch: Partial<typeof aftersalesRequests.$inferInsert>, at: Date) {
    const [r] = await this.db
      .update(aftersalesRequests)
      .set({ ...patch, updatedAt: at })
      .where(and(eq(aftersalesRequests.id, id), eq(aftersalesRequests.status, from)))
      .returning();
    return r;
  }

  /** Appends a photo unless the request already has `max`, and only while it is waiting for the seller. */
  async appendPhoto(id: string, buyerId: string, photo: ImageRef, max: number): Promise<AftersalesRow | undefined> {
    const [r] = await this.db
      .update(aftersalesRequests)
      .set({ photos: sql`${aftersalesRequests.photos} || ${JSON.stringify([photo])}::jsonb` })
      .where(
        and(
          eq(aftersalesRequests.id, id),
          eq(aftersalesRequests.buyerId, buyerId),
          eq(aftersalesRequests.status, 'requested'),
          sql`jsonb_array_length(${aftersalesRequests.photos}) < ${max}`,
        ),
      )
      .returning();
    return r;
  }

  async addEvent(row: typeof aftersalesEvents.$inferInsert): Promise<void> {
    await this.db.insert(aftersalesEvents).values(row);
  }

  async events(requestIds: string[]): Promise<AftersalesEventRow[]> {
    if (requestIds.length === 0) return [];
    return this.db.select().from(aftersalesEvents).where(inArray(aftersalesEvents.requestId, requestIds)).orderBy(asc(aftersalesEvents.id));
  }

  /** Escalated requests, oldest escalation first, after `after` (the last row of the previous page). */
  async escalated(limit: number, after?: { at: Date; id: string }): Promise<AftersalesRow[]> {
    return this.db
      .select()
      .from(aftersalesRequests)
      .where(
        and(
          eq(aftersalesRequests.status, 'escalated'),
          after
            ? sql`(${aftersalesRequests.updatedAt}, ${aftersalesRequests.id}) > (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)`
            : undefined,
        ),
      )
      .orderBy(asc(aftersalesRequests.updatedAt), asc(aftersalesRequests.id))
      .limit(limit);
  }

  /** Refunds decided but not yet confirmed by the provider, untouched for a moment (the sweeper's work). */
  async refundingSince(before: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: aftersalesRequests.id })
      .from(aftersalesRequests)
      .where(and(eq(aftersalesRequests.status, 'refunding'), lt(aftersalesRequests.updatedAt, before)))
      .orderBy(asc(aftersalesRequests.updatedAt))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  /** Records a completed refund on the line and the order, so revenue figures and the whole-order refund see it. */
  async recordRefund(orderItemId: string, orderId: string, quantity: number, amount: number): Promise<void> {
    await this.db
      .update(orderItems)
      .set({ refundedQuantity: sql`${orderItems.refundedQuantity} + ${quantity}` })
      .where(eq(orderItems.id, orderItemId));
    await this.db
      .update(orders)
      .set({ refundedAmount: sql`${orders.refundedAmount} + ${amount}`, updatedAt: new Date() })
      .where(eq(orders.id, orderId));
  }

  /** Requests whose photos still name the public area of the first release. */
  async withLegacyPhotos(limit: number): Promise<AftersalesRow[]> {
    return (
      this.db
        .select()
        .from(aftersalesRequests)
        // The expression of shop_aftersales_legacy_photos_idx, word for word, so the planner uses it.
        .where(sql`jsonb_path_exists(${aftersalesRequests.photos}, '$[*] ? (@.key starts with "aftersales/")')`)
        .limit(limit)
    );
  }

  /** Replaces the photo list only if it is still `was`; false when it changed meanwhile. */
  async swapPhotos(id: string, was: ImageRef[], next: ImageRef[]): Promise<boolean> {
    const rows = await this.db
      .update(aftersalesRequests)
      .set({ photos: next })
      .where(and(eq(aftersalesRequests.id, id), sql`${aftersalesRequests.photos} = ${JSON.stringify(was)}::jsonb`))
      .returning({ id: aftersalesRequests.id });
    return rows.length > 0;
  }

  /** A buyer's requests for their data archive. */
  async byBuyer(buyerId: string): Promise<AftersalesRow[]> {
    return this.db.select().from(aftersalesRequests).where(eq(aftersalesRequests.buyerId, buyerId)).orderBy(asc(aftersalesRequests.id));
  }
}
