import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  index,
  integer,
  boolean,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from '../accounts/tables.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * GIN takes new rows into a pending list that every search then reads through: at the default
 * 4 MB that is about ten thousand documents scanned per query (tens of milliseconds each). A small
 * list keeps that bounded while writes still merge in batches.
 */
const GIN = { gin_pending_list_limit: 128 };

/**
 * The search index: one row per findable thing (a video, product, person or hashtag), written
 * by the search service whenever its owner module says it changed. `tsv` holds lexemes made by
 * `tokens.ts` (title words weighted A, the rest B); the other columns are what filters and
 * ranking need without reading another module's tables.
 */
export const searchDocs = pgTable(
  'search_docs',
  {
    kind: text('kind', { enum: ['video', 'product', 'person', 'hashtag'] }).notNull(),
    /** A uuid, or the tag itself for a hashtag. */
    key: text('key').notNull(),
    /** Author of a video, seller of a product, the person themself. */
    ownerId: uuid('owner_id'),
    tsv: tsvector('tsv').notNull(),
    /** `public`, `friends`, `private` for videos; `public` or `hidden` (unpublished, not discoverable) otherwise. */
    visibility: text('visibility').notNull(),
    /** Popularity: likes and views for a video, sales for a product, followers for a person, videos for a tag. */
    pop: real('pop').notNull().default(0),
    /** Lowest active variant price (products). */
    price: integer('price'),
    inStock: boolean('in_stock'),
    sales: integer('sales'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.key] }),
    index('search_docs_video_tsv').using('gin', t.tsv).with(GIN).where(sql`kind = 'video'`),
    index('search_docs_product_tsv').using('gin', t.tsv).with(GIN).where(sql`kind = 'product'`),
    index('search_docs_person_tsv').using('gin', t.tsv).with(GIN).where(sql`kind = 'person'`),
    index('search_docs_hashtag_tsv').using('gin', t.tsv).with(GIN).where(sql`kind = 'hashtag'`),
    index('search_docs_owner_idx').on(t.ownerId, t.kind),
  ],
);

/** Typo correction (symmetric delete): each known Latin word under itself and each one-deletion variant. */
export const searchTerms = pgTable('search_terms', { variant: text('variant').notNull(), term: text('term').notNull() }, (t) => [
  primaryKey({ columns: [t.variant, t.term] }),
]);

/** Caption hashtags as a relation: hashtag pages, counts, trending and related tags read it. */
export const videoHashtags = pgTable(
  'video_hashtags',
  {
    tag: text('tag').notNull(),
    videoId: uuid('video_id').notNull(),
    authorId: uuid('author_id').notNull(),
    visibility: text('visibility').notNull(),
    /** Likes and views folded with age: the order of the "hot" tab. */
    hot: real('hot').notNull().default(0),
    views: bigint('views', { mode: 'number' }).notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tag, t.videoId] }),
    index('video_hashtags_video_idx').on(t.videoId),
    index('video_hashtags_hot_idx').on(t.tag, t.hot, t.videoId),
    index('video_hashtags_new_idx').on(t.tag, t.createdAt, t.videoId),
  ],
);

/** A person's recent searches (the newest few are kept). */
export const recentSearches = pgTable(
  'search_recent',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    q: text('q').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('search_recent_user_q').on(t.userId, t.q), index('search_recent_user_at').on(t.userId, t.at)],
);
