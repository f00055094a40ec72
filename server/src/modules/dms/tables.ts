import { bigint, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/tables.ts';

/** One row per pair of people who have messaged; `a_id` < `b_id` so a pair has exactly one row. */
export const dmThreads = pgTable(
  'dm_threads',
  {
    aId: uuid('a_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    bId: uuid('b_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** `request` until the receiver accepts (or they become friends); `ignored` if they ignore it. */
    status: text('status', { enum: ['open', 'request', 'ignored'] }).notNull(),
    requestedBy: uuid('requested_by'),
    /** Messages sent while still a request: limited so requests cannot become spam. */
    requestCount: integer('request_count').notNull().default(0),
    aLastRead: bigint('a_last_read', { mode: 'number' }).notNull().default(0),
    bLastRead: bigint('b_last_read', { mode: 'number' }).notNull().default(0),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }),
    /** The last message's text (empty for an image) and its kind, which each client words in its own language. */
    preview: text('preview'),
    previewKind: text('preview_kind', { enum: ['text', 'video', 'product', 'watch', 'card', 'room', 'image'] }),
    /** Who sent the last message: the preview says "you" for one's own. */
    previewFrom: uuid('preview_from'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.aId, t.bId] }), index('dm_threads_b_idx').on(t.bId)],
);
