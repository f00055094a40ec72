import {
  MAX_REVIEW_PHOTOS,
  type CreateReviewBody,
  type RatingAverage,
  type RatingSummary,
  type Review,
  type StoreScore,
  type UserSummary,
} from '@tremolo/protocol';
import { AppError, notFound } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { pgErrorCode, UNIQUE_VIOLATION } from '../../../platform/db/client.ts';
import { intakeImage, type ImageIntakeSpec } from '../../../platform/image-intake.ts';
import type { RatingSource } from '../catalog.ts';
import type { ShopContext } from '../context.ts';
import { imageDto } from '../dto.ts';
import { ReviewsRepo, type ReviewRow } from './repo.ts';
import { storeScore } from './score.ts';

/** A review photo goes through the same intake as a product photo: re-encoded WebP, a page size and a thumbnail. */
function reviewPhotoSpec(maxBytes: number): ImageIntakeSpec<'main' | 'thumb'> {
  return {
    maxBytes: { bytes: maxBytes, message: 'That photo is too large' },
    unsupported: 'Review photos must be JPEG, PNG or WebP',
    minSide: { px: 200, message: 'Review photos must be at least 200×200 pixels' },
    renditions: {
      main: { size: 1280, fit: 'inside', quality: 82 },
      thumb: { size: 400, fit: 'cover', quality: 78 },
    },
  };
}

/** A cursor is the last review of a page: "<1 if it has photos, else 0>.<id>". */
const CURSOR = /^([01])\.([0-9a-f-]{36})$/;

/** What the report flow (moderation) needs of a review: its words and photos as they are now, and who wrote it. */
export interface ReviewSnapshot {
  id: string;
  productId: string;
  authorId: string;
  sellerId: string;
  stars: number;
  text: string;
  photoUrls: string[];
  reply: string | null;
}

/**
 * Reviews of delivered order lines, the seller's one reply, product rating summaries and the
 * store score. A line is reviewed once: the unique index on the line settles concurrent tries.
 * Visibility follows the shop: anyone who may see the product sees its reviews, except those of
 * people the viewer blocked or who blocked them; only a buyer who may still buy from the seller
 * (no block either way) reviews.
 */
export class Reviews implements RatingSource {
  private readonly repo: ReviewsRepo;

  constructor(private readonly ctx: ShopContext) {
    this.repo = new ReviewsRepo(ctx.db);
  }

  async create(userId: string, body: CreateReviewBody): Promise<Review> {
    await this.ctx.limits.consume('reviewWrites', userId);
    const line = await this.repo.line(body.orderItemId);
    if (!line || line.buyerId !== userId) throw notFound('Order line');
    if (line.status !== 'delivered') throw new AppError('invalid_state', 'You can review what you bought once the order is delivered');
    if (await this.ctx.graph.isBlockedEitherWay(userId, line.sellerId)) throw new AppError('blocked', 'You cannot review this shop');
    let row: ReviewRow;
    try {
      row = await this.repo.insert({
        id: newId(),
        orderItemId: line.id,
        orderId: line.orderId,
        productId: line.productId,
        sellerId: line.sellerId,
        authorId: userId,
        stars: body.stars,
        body: body.text,
        options: line.options,
        createdAt: this.ctx.now(),
      });
    } catch (e) {
      if (pgErrorCode(e) === UNIQUE_VIOLATION) throw new AppError('conflict', 'You already reviewed this item');
      throw e;
    }
    await this.tell(line.sellerId, 'seller', userId, row, line.title);
    return this.dto(row);
  }

  async addPhoto(userId: string, reviewId: string, bytes: Buffer): Promise<Review> {
    await this.ctx.limits.consume('reviewWrites', userId);
    const r = await this.repo.byId(reviewId);
    if (!r || r.authorId !== userId) throw notFound('Review');
    const full = () => new AppError('limit_reached', `A review has at most ${MAX_REVIEW_PHOTOS} photos`);
    if (r.photos.length >= MAX_REVIEW_PHOTOS) throw full();
    const id = newId();
    const key = `reviews/${reviewId}/${id}.webp`;
    const thumbKey = `reviews/${reviewId}/${id}-thumb.webp`;
    const { main } = await intakeImage(this.ctx.storage, bytes, reviewPhotoSpec(this.ctx.options.maxImageBytes), {
      main: key,
      thumb: thumbKey,
    });
    // The check above spares the image work; the conditional append holds the cap under parallel uploads.
    const updated = await this.repo.appendPhoto(
      reviewId,
      userId,
      { id, key, thumbKey, width: main.width, height: main.height },
      MAX_REVIEW_PHOTOS,
    );
    if (!updated) {
      await this.ctx.storage.remove(key);
      await this.ctx.storage.remove(thumbKey);
      throw full();
    }
    return this.dto(updated);
  }

  async reply(userId: string, reviewId: string, text: string): Promise<Review> {
    await this.ctx.limits.consume('reviewWrites', userId);
    const r = await this.repo.byId(reviewId);
    if (!r || (r.hidden && r.sellerId !== userId)) throw notFound('Review');
    if (r.sellerId !== userId) throw new AppError('forbidden', 'Only the seller can reply to a review');
    const updated = await this.repo.setReply(reviewId, userId, text, this.ctx.now());
    if (!updated) throw new AppError('conflict', 'You already replied to this review');
    const line = await this.repo.line(updated.orderItemId);
    await this.tell(updated.authorId, 'buyer', userId, updated, line?.title ?? '');
    return this.dto(updated);
  }

  /** The other side hears of a review (the seller) or of the seller's reply (the buyer). */
  private async tell(to: string, role: 'seller' | 'buyer', actorId: string, r: ReviewRow, title: string): Promise<void> {
    const actor = (await this.ctx.accounts.summaries([actorId])).get(actorId);
    if (!actor) return;
    await this.ctx.notifications.notify(to, { kind: 'review', role, actor, productId: r.productId, title, stars: r.stars });
  }

  async ofProduct(
    viewerId: string | null,
    productId: string,
    q: { cursor?: string | undefined; limit: number; withPhotos?: boolean | undefined; stars?: number | undefined },
  ): Promise<{ items: Review[]; nextCursor: string | null }> {
    await this.assertProductVisible(viewerId, productId);
    let after: { hasPhotos: boolean; id: string } | null = null;
    if (q.cursor) {
      const m = CURSOR.exec(q.cursor);
      if (!m) throw new AppError('validation_failed', 'Unknown cursor', [{ path: 'cursor', message: 'not a cursor from this list' }]);
      after = { hasPhotos: m[1] === '1', id: m[2]! };
    }
    const hideAuthors = viewerId ? ((await this.ctx.graph.blockedEitherWayAmong([viewerId])).get(viewerId) ?? []) : [];
    const rows = await this.repo.ofProduct(productId, { withPhotos: q.withPhotos, stars: q.stars, hideAuthors, after }, q.limit + 1);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: await this.dtos(page),
      nextCursor: rows.length > q.limit && last ? `${last.hasPhotos ? 1 : 0}.${last.id}` : null,
    };
  }

  async summary(viewerId: string | null, productId: string): Promise<RatingSummary> {
    await this.assertProductVisible(viewerId, productId);
    const { histogram, withPhotos } = await this.repo.summary(productId);
    const count = histogram.reduce((a, b) => a + b, 0);
    const sum = histogram.reduce((a, n, i) => a + n * (i + 1), 0);
    return { average: count ? Math.round((sum / count) * 10) / 10 : null, count, histogram, withPhotos };
  }

  /** The reviews of an order's lines, for its buyer (what is left to review) and its seller (what to reply to). */
  async ofOrder(userId: string, orderId: string): Promise<Review[]> {
    const o = await this.ctx.repo.order(orderId);
    if (!o || (o.buyerId !== userId && o.sellerId !== userId)) throw notFound('Order');
    return this.dtos(await this.repo.ofOrder(orderId));
  }

  async storeScoreOf(handle: string): Promise<StoreScore> {
    const owner = await this.ctx.accounts.byHandle(handle);
    const s = await this.scoreOf(owner.id);
    if (!s) throw notFound('Store score');
    return s;
  }

  // ------------------------------------------------------------ for the catalog (RatingSource)

  async ratings(productIds: string[]): Promise<Map<string, RatingAverage>> {
    const rows = await this.repo.ratings(productIds);
    return new Map(rows.map((r) => [r.productId, { average: Math.round((r.sum / r.count) * 10) / 10, count: r.count }]));
  }

  async scoreOf(sellerId: string): Promise<StoreScore | null> {
    return storeScore(await this.repo.sellerFigures(sellerId));
  }

  // ------------------------------------------------------------ for the report flow (moderation)

  /**
   * Marks a review as reported and returns what it says now, for the report to keep even if the
   * review changes or goes later; null when there is no such review. The report flow calls this.
   */
  async report(reviewId: string): Promise<ReviewSnapshot | null> {
    const r = await this.repo.setFlags(reviewId, { reported: true });
    if (!r) return null;
    return {
      id: r.id,
      productId: r.productId,
      authorId: r.authorId,
      sellerId: r.sellerId,
      stars: r.stars,
      text: r.body,
      photoUrls: r.photos.map((p) => this.ctx.storage.url(p.key)),
      reply: r.reply,
    };
  }

  /** What `viewerId` may report: a review they can see now (not hidden, on a product they see, no block either way), marked reported. */
  async visibleSnapshot(viewerId: string, reviewId: string): Promise<ReviewSnapshot | null> {
    const r = await this.repo.byId(reviewId);
    if (!r || r.hidden) return null;
    const p = await this.ctx.repo.product(r.productId);
    if (!p || (p.status !== 'published' && p.sellerId !== viewerId)) return null;
    if (await this.ctx.graph.isBlockedEitherWay(viewerId, r.authorId)) return null;
    return this.report(reviewId);
  }

  /** A person's reviews for their data archive: product, stars, words, photo links, the seller's reply. */
  async exportOf(authorId: string) {
    return (await this.repo.byAuthor(authorId)).map((r) => ({
      id: r.id,
      productId: r.productId,
      stars: r.stars,
      text: r.body,
      photos: r.photos.map((p) => this.ctx.storage.url(p.key)),
      reply: r.reply,
      createdAt: r.createdAt.toISOString(),
    }));
  }

  /** A deleted account: its reviews leave the shop's pages and scores, and their photos are removed. */
  async eraseBy(authorId: string): Promise<void> {
    for (const p of await this.repo.hideAllBy(authorId)) {
      await this.ctx.storage.remove(p.key);
      await this.ctx.storage.remove(p.thumbKey);
    }
  }

  /** A moderator's decision: a hidden review leaves product pages, summaries, card averages and store scores. */
  async setHidden(reviewId: string, hidden: boolean): Promise<boolean> {
    return (await this.repo.setFlags(reviewId, { hidden })) !== undefined;
  }

  // ------------------------------------------------------------ helpers

  /** Reviews are seen wherever the product is: published, or by its own seller. */
  private async assertProductVisible(viewerId: string | null, productId: string): Promise<void> {
    const p = await this.ctx.repo.product(productId);
    if (!p || (p.status !== 'published' && p.sellerId !== viewerId)) throw notFound('Product');
  }

  private async dto(r: ReviewRow): Promise<Review> {
    return (await this.dtos([r]))[0]!;
  }

  private async dtos(rows: ReviewRow[]): Promise<Review[]> {
    const people = await this.ctx.accounts.summaries([...new Set(rows.map((r) => r.authorId))]);
    return rows.flatMap((r) => {
      const author: UserSummary | undefined = people.get(r.authorId);
      if (!author) return [];
      return [
        {
          id: r.id,
          productId: r.productId,
          orderId: r.orderId,
          orderItemId: r.orderItemId,
          author,
          stars: r.stars,
          text: r.body,
          options: r.options,
          photos: r.photos.map((p) => imageDto(this.ctx.storage, p)),
          reply: r.reply && r.repliedAt ? { text: r.reply, at: r.repliedAt.toISOString() } : null,
          createdAt: r.createdAt.toISOString(),
        },
      ];
    });
  }
}
