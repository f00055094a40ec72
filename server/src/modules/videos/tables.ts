import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/tables.ts';

export const videos = pgTable(
  'videos',
  {
    id: uuid('id').primaryKey(),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    caption: text('caption').notNull().default(''),
    hashtags: jsonb('hashtags').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    visibility: text('visibility', { enum: ['public', 'friends', 'private'] }).notNull(),
    status: text('status', { enum: ['processing', 'ready', 'failed'] }).notNull(),
    error: text('error'),
    durationMs: integer('duration_ms'),
    width: integer('width'),
    height: integer('height'),
    coverTimeMs: integer('cover_time_ms'),
    /** Storage keys; null until processing has produced them. */
    videoKey: text('video_key'),
    posterKey: text('poster_key'),
    productIds: jsonb('product_ids').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /**
     * A moderator took it down: every read treats it as gone (its author too, who has the notice);
     * the row and files stay so that an overturned appeal brings it back.
     */
    takenDownAt: timestamp('taken_down_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('videos_author_idx').on(t.authorId, t.id), index('videos_ready_idx').on(t.status, t.id)],
);

export const videoLikes = pgTable(
  'video_likes',
  {
    videoId: uuid('video_id')
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.videoId, t.userId] }), index('video_likes_user_idx').on(t.userId, t.createdAt)],
);

export const videoComments = pgTable(
  'video_comments',
  {
    id: uuid('id').primaryKey(),
    videoId: uuid('video_id')
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    parentId: uuid('parent_id'),
    text: text('text').notNull(),
    /** Its author deleted their account: the text is emptied, the comment shows as removed. */
    removedAt: timestamp('removed_at', { withTimezone: true }),
    /** A moderator took it (and its replies, with the same time) down: hidden everywhere, kept for an appeal. */
    takenDownAt: timestamp('taken_down_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('video_comments_video_idx').on(t.videoId, t.parentId, t.id)],
);

/** One row per (viewer, video): what the feed filters as "already seen" and the ranker learns from. */
export const videoViews = pgTable(
  'video_views',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    videoId: uuid('video_id')
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    watchedMs: bigint('watched_ms', { mode: 'number' }).notNull().default(0),
    completed: boolean('completed').notNull().default(false),
    notInterested: boolean('not_interested').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.videoId] }), index('video_views_video_idx').on(t.videoId)],
);

/** Aggregated hot counters, flushed in batches rather than a contended update per event. */
export const videoStats = pgTable('video_stats', {
  videoId: uuid('video_id')
    .primaryKey()
    .references(() => videos.id, { onDelete: 'cascade' }),
  views: bigint('views', { mode: 'number' }).notNull().default(0),
  watchMs: bigint('watch_ms', { mode: 'number' }).notNull().default(0),
});

/** Hashtags a person picked at signup (cold start) or that we learned. */
export const userInterests = pgTable(
  'user_interests',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    hashtag: text('hashtag').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.hashtag] })],
);
