import { z } from 'zod';
import { Id, text } from './common.ts';
import { UserSummary } from './accounts.ts';
import { ProductCard } from './shop.ts';

export const Visibility = z.enum(['public', 'friends', 'private']);
export type Visibility = z.infer<typeof Visibility>;
export const VideoStatus = z.enum(['processing', 'ready', 'failed']);
export type VideoStatus = z.infer<typeof VideoStatus>;

export const Hashtag = text()
  .trim()
  .min(1)
  .max(30)
  .transform((s) => s.replace(/^#/, '').toLowerCase())
  .pipe(text().regex(/^[\p{L}\p{N}_]+$/u, 'letters, digits and underscore'));

/** Text fields of a multipart upload (the file itself is the `file` part). */
export const UploadVideoFields = z.strictObject({
  caption: text().max(300).default(''),
  /** Comma or space separated; also taken from #words in the caption. */
  hashtags: text().max(400).default(''),
  visibility: Visibility.default('public'),
  coverTimeMs: z.coerce.number().int().min(0).max(3_600_000).optional(),
  /** Comma-separated product ids from the uploader's own shop. */
  productIds: text().max(2000).default(''),
});
export type UploadVideoFields = z.infer<typeof UploadVideoFields>;

export const UpdateVideoBody = z.strictObject({
  caption: text().max(300).optional(),
  visibility: Visibility.optional(),
});

export const Video = z.object({
  id: Id,
  author: UserSummary,
  caption: text(),
  hashtags: z.array(text()),
  visibility: Visibility,
  status: VideoStatus,
  /** Why processing failed, for the uploader. */
  error: text().nullable(),
  durationMs: z.number().int().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  streamUrl: text().nullable(),
  posterUrl: text().nullable(),
  productIds: z.array(Id),
  /** Cards of the linked products that are on sale; a buy from here records the video as the touchpoint. */
  products: z.array(ProductCard),
  likes: z.number().int(),
  comments: z.number().int(),
  views: z.number().int(),
  likedByMe: z.boolean(),
  /** The viewer follows the author (or is the author): the feed hides its "+" follow button. */
  followingAuthor: z.boolean().optional(),
  /** Friends of the viewer who liked this video (social proof). */
  likedByFriends: z.array(UserSummary),
  createdAt: text(),
});
export type Video = z.infer<typeof Video>;

export const VideoIdParams = z.strictObject({ id: Id });

export const LikeResult = z.object({ liked: z.boolean(), likes: z.number().int() });

export const CommentBody = z.strictObject({
  text: text().trim().min(1).max(500),
  /** Replying to a top-level comment; replies are one level deep. */
  parentId: Id.optional(),
});

export const Comment = z.object({
  id: Id,
  videoId: Id,
  parentId: Id.nullable(),
  author: UserSummary,
  text: text(),
  createdAt: text(),
  replies: z.number().int(),
  /** Its author deleted their account: the words are gone, the place in the thread (and its replies) stays. */
  removed: z.boolean().optional(),
});
export type Comment = z.infer<typeof Comment>;

export const CommentsQuery = z.strictObject({
  cursor: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  parentId: Id.optional(),
});

/** Sent as the person watches: periodic progress and a final report. */
export const WatchBody = z.strictObject({
  watchedMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3_600_000),
  completed: z.boolean().default(false),
});

export const InterestsBody = z.strictObject({
  hashtags: z.array(Hashtag).min(1).max(20),
});

export const Interests = z.object({ hashtags: z.array(text()) });
export type Interests = z.infer<typeof Interests>;

export const FeedQuery = z.strictObject({
  cursor: text().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(30).default(10),
});

/** A For You page mixes videos and product cards; each item says why it is there. */
export const FeedItem = z.discriminatedUnion('type', [
  z.object({ type: z.literal('video'), video: Video, reason: z.enum(['interest', 'friends', 'following', 'fresh', 'popular']) }),
  /** A product the person is likely to want, from videos they engaged with or creators they follow. */
  z.object({ type: z.literal('product'), product: ProductCard, reason: z.enum(['interest', 'following']), viaVideoId: Id.nullable() }),
]);
export type FeedItem = z.infer<typeof FeedItem>;

export const FeedPage = z.object({ items: z.array(FeedItem), nextCursor: text().nullable() });
export type FeedPage = z.infer<typeof FeedPage>;
