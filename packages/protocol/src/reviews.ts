import { z } from 'zod';
import { Cursor, Id, text } from './common.ts';

/**
 * Reviews and ratings: a buyer reviews each line of a delivered order once, the seller replies
 * once; products show a rating summary and shops a store score. Declared apart from shop.ts so
 * that shop.ts can embed the rating and the score in product cards and shops.
 */

/** The same shape as `UserSummary` in accounts.ts (see shop.ts for why it is repeated). */
const UserSummary = z.object({ id: Id, handle: text(), displayName: text(), avatarUrl: text().nullable() });

export const MAX_REVIEW_PHOTOS = 6;

/** What a product card shows: the average of visible reviews, one decimal, and how many. */
export const RatingAverage = z.object({ average: z.number().min(1).max(5), count: z.number().int().min(1) });
export type RatingAverage = z.infer<typeof RatingAverage>;

/**
 * A shop's score out of 5 and what it is built from; each part is null while there is nothing
 * to judge it on (no reviews yet, nothing shipped yet).
 */
export const StoreScore = z.object({
  score: z.number().min(1).max(5),
  rating: z.object({ score: z.number(), average: z.number(), count: z.number().int() }).nullable(),
  shipping: z.object({ score: z.number(), averageHours: z.number(), count: z.number().int() }).nullable(),
  refunds: z.object({ score: z.number(), rate: z.number(), count: z.number().int() }).nullable(),
});
export type StoreScore = z.infer<typeof StoreScore>;

export const ReviewPhoto = z.object({ id: Id, url: text(), thumbUrl: text(), width: z.number().int(), height: z.number().int() });
export type ReviewPhoto = z.infer<typeof ReviewPhoto>;

export const Review = z.object({
  id: Id,
  productId: Id,
  orderId: Id,
  orderItemId: Id,
  author: UserSummary,
  stars: z.number().int().min(1).max(5),
  text: text(),
  /** The variant bought, e.g. { size: 'M' }. */
  options: z.record(text(), text()),
  photos: z.array(ReviewPhoto),
  reply: z.object({ text: text(), at: text() }).nullable(),
  createdAt: text(),
});
export type Review = z.infer<typeof Review>;

export const Stars = z.number().int('whole stars').min(1).max(5);

export const CreateReviewBody = z.strictObject({
  orderItemId: Id,
  stars: Stars,
  text: text().trim().max(1000).default(''),
});
export type CreateReviewBody = z.infer<typeof CreateReviewBody>;

export const ReplyBody = z.strictObject({ text: text().trim().min(1).max(500) });

export const ReviewListQuery = z.strictObject({
  /** Opaque: the last review of the previous page. */
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
  withPhotos: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  stars: z.coerce.number().int().min(1).max(5).optional(),
});

export const ReviewPage = z.object({ items: z.array(Review), nextCursor: text().nullable() });
export const ReviewList = z.object({ items: z.array(Review) });

export const RatingSummary = z.object({
  average: z.number().nullable(),
  count: z.number().int(),
  /** Reviews with 1, 2, 3, 4 and 5 stars, in that order. */
  histogram: z.array(z.number().int()).length(5),
  withPhotos: z.number().int(),
});
export type RatingSummary = z.infer<typeof RatingSummary>;

export const ReviewIdParams = z.strictObject({ id: Id });
