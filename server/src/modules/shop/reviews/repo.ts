import { and, desc, eq, inArray, isNotNull, isNull, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db/client.ts';
import { orderItems, orders, type ImageRef } from '../tables.ts';
import { reviews } from './tables.ts';

export type ReviewRow = typeof reviews.$inferSelect;

/** What a list of a product's reviews may be narrowed to. */
interface ReviewFilter {
  withPhotos?: boolean | undefined;
  stars?: number | undefined;
  /** Authors the viewer must not see (blocked either way). */
  hideAuthors: string[];
  /** The last row of the previous page, in the list's order (photos first, then newest). */
  after: { hasPhotos: boolean; id: string } | null;
}

/** Data access of reviews; reads the shop's orders for a line's buyer and the seller's shipping figures. */
export class ReviewsRepo {
  constructor(private readonly db: Db | Tx) {}

  /** One order line with its order's buyer, seller and status. */
  async line(orderItemId: string) {
    const [r] = await this.db
      .select({
        id: orderItems.id,
        orderId: orderItems.orderId,
        productId: orderItems.productId,
        title: orderItems.title,
        options: orderItems.options,
        buyerId: orders.buyerId,
        sellerId: orders.sellerId,
        status: orders.status,
      })
      .from(orderItems)
      .innerJoin(orders, eq(orders.id, orderItems.orderId))
      .where(eq(orderItems.id, orderItemId));
    return r;
  }

  async insert(row: typeof reviews.$inferInsert): Promise<ReviewRow> {
    const [r] = await this.db.insert(reviews).values(row).returning();
    return r!;
  }

  async byId(id: string): Promise<ReviewRow | undefined> {
    const [r] = await this.db.select().from(reviews).where(eq(reviews.id, id));
    return r;
  }

  /** Appends a photo unless the review already has `max`: one statement, so parallel uploads cannot pass the cap. */
  async appendPhoto(id: string, authorId: string, photo: ImageRef, max: number): Promise<ReviewRow | undefined> {
    const [r] = await this.db
      .update(reviews)
      .set({ photos: sql`${reviews.photos} || ${JSON.stringify([photo])}::jsonb`, hasPhotos: true })
      .where(and(eq(reviews.id, id), eq(reviews.authorId, authorId), sql`jsonb_array_length(${reviews.photos}) < ${max}`))
      .returning();
    return r;
  }

  /** The seller's one reply: only while there is none, so a second (or a concurrent) reply changes nothing. */
  async setReply(id: string, sellerId: string, text: string, at: Date): Promise<ReviewRow | undefined> {
    const [r] = await this.db
      .update(reviews)
      .set({ reply: text, repliedAt: at })
      .where(and(eq(reviews.id, id), eq(reviews.sellerId, sellerId), isNull(reviews.reply)))
      .returning();
    return r;
  }

  async setFlags(id: string, flags: { reported?: boolean; hidden?: boolean }): Promise<ReviewRow | undefined> {
    const [r] = await this.db.update(reviews).set(flags).where(eq(reviews.id, id)).returning();
    return r;
  }

  /** Everything a person wrote, oldest first (their data archive). */
  async byAuthor(authorId: string): Promise<ReviewRow[]> {
    return this.db.select().from(reviews).where(eq(reviews.authorId, authorId)).orderBy(reviews.id);
  }

  /** A deleted account's reviews leave every list, summary and score; their photos' keys are returned for removal. */
  async hideAllBy(authorId: string): Promise<ImageRef[]> {
    const rows = await this.db.select({ photos: reviews.photos }).from(reviews).where(eq(reviews.authorId, authorId));
    await this.db.update(reviews).set({ hidden: true, body: '', photos: [], hasPhotos: false }).where(eq(reviews.authorId, authorId));
    return rows.flatMap((r) => r.photos);
  }

  /** A page of a product's visible reviews: photo reviews first, then newest first (keyset, never OFFSET). */
  async ofProduct(productId: string, f: ReviewFilter, limit: number): Promise<ReviewRow[]> {
    const where: SQL[] = [eq(reviews.productId, productId), eq(reviews.hidden, false)];
    if (f.withPhotos) where.push(eq(reviews.hasPhotos, true));
    if (f.stars) where.push(eq(reviews.stars, f.stars));
    if (f.hideAuthors.length) where.push(notInArray(reviews.authorId, f.hideAuthors));
    if (f.after) where.push(sql`(${reviews.hasPhotos}, ${reviews.id}) < (${f.after.hasPhotos}, ${f.after.id}::uuid)`);
    return this.db
      .select()
      .from(reviews)
      .where(and(...where))
      .orderBy(desc(reviews.hasPhotos), desc(reviews.id))
      .limit(limit);
  }

  async ofOrder(orderId: string): Promise<ReviewRow[]> {
    return this.db.select().from(reviews).where(eq(reviews.orderId, orderId)).orderBy(reviews.id);
  }

  /** Stars 1..5 counted, and how many have photos, over a product's visible reviews. */
  async summary(productId: string): Promise<{ histogram: number[]; withPhotos: number }> {
    const rows = await this.db
      .select({
        stars: reviews.stars,
        n: sql<number>`count(*)::int`,
        photos: sql<number>`count(*) filter (where ${reviews.hasPhotos})::int`,
      })
      .from(reviews)
      .where(and(eq(reviews.productId, productId), eq(reviews.hidden, false)))
      .groupBy(reviews.stars);
    const histogram = [0, 0, 0, 0, 0];
    let withPhotos = 0;
    for (const r of rows) {
      histogram[r.stars - 1] = r.n;
      withPhotos += r.photos;
    }
    return { histogram, withPhotos };
  }

  /** Count and sum of stars per product, for product cards. */
  async ratings(productIds: string[]): Promise<{ productId: string; count: number; sum: number }[]> {
    if (productIds.length === 0) return [];
    return this.db
      .select({ productId: reviews.productId, count: sql<number>`count(*)::int`, sum: sql<number>`sum(${reviews.stars})::int` })
      .from(reviews)
      .where(and(inArray(reviews.productId, productIds), eq(reviews.hidden, false)))
      .groupBy(reviews.productId);
  }

  /** What a seller's store score is built from: their reviews, how fast they ship and how often orders end refunded. */
  async sellerFigures(sellerId: string) {
    const [[r], [o]] = await Promise.all([
      this.db
        .select({ count: sql<number>`count(*)::int`, sum: sql<number>`coalesce(sum(${reviews.stars}), 0)::int` })
        .from(reviews)
        .where(and(eq(reviews.sellerId, sellerId), eq(reviews.hidden, false))),
      this.db
        .select({
          shipped: sql<number>`count(*)::int`,
          hours: sql<number>`coalesce(avg(extract(epoch from (${orders.shippedAt} - coalesce(${orders.paidAt}, ${orders.createdAt}))) / 3600), 0)::float8`,
          refunded: sql<number>`count(*) filter (where ${orders.status} = 'refunded')::int`,
        })
        .from(orders)
        .where(and(eq(orders.sellerId, sellerId), isNotNull(orders.shippedAt))),
    ]);
    return {
      ratings: { count: r?.count ?? 0, sum: r?.sum ?? 0 },
      shipping: { count: o?.shipped ?? 0, averageHours: o?.hours ?? 0 },
      refunds: { settled: o?.shipped ?? 0, refunded: o?.refunded ?? 0 },
    };
  }
}
