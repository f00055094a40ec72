import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/tables.ts';

/**
 * A watch party. The playback state lives in the row, so whichever node receives a control
 * (or a join) reads and changes the same truth: `(video_id, playing, rate, position_ms at
 * at_server_ms, version)`. Changes run in a transaction holding the row lock.
 */
export const watchParties = pgTable(
  'watch_parties',
  {
    id: uuid('id').primaryKey(),
    /** Null only when everyone left; the next person to join becomes host. */
    hostId: uuid('host_id').references(() => users.id, { onDelete: 'set null' }),
    controlMode: text('control_mode', { enum: ['host', 'cohosts', 'everyone'] }).notNull(),
    playlist: jsonb('playlist').$type<string[]>().notNull(),
    videoId: uuid('video_id').notNull(),
    playing: boolean('playing').notNull(),
    rate: doublePrecision('rate').notNull().default(1),
    positionMs: doublePrecision('position_ms').notNull().default(0),
    atServerMs: bigint('at_server_ms', { mode: 'number' }).notNull(),
    version: integer('version').notNull().default(0),
    /** Paused for a member who is buffering; resumes by itself after a few seconds. */
    waiting: boolean('waiting').notNull().default(false),
    /** The node that paused it and holds the timer that resumes it; if that node dies, a survivor resumes it. */
    waitNode: text('wait_node'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('watch_parties_host_idx').on(t.hostId)],
);

export const watchMembers = pgTable(
  'watch_members',
  {
    partyId: uuid('party_id')
      .notNull()
      .references(() => watchParties.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['host', 'cohost', 'member'] }).notNull(),
    /** First join; the host role passes to the longest-present member. */
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set while away; a rejoin clears it (the person keeps their role). */
    leftAt: timestamp('left_at', { withTimezone: true }),
    bufferingSince: timestamp('buffering_since', { withTimezone: true }),
    /** The node whose socket reported the buffering; cleared by a survivor when that node dies. */
    bufferingNode: text('buffering_node'),
  },
  (t) => [primaryKey({ columns: [t.partyId, t.userId] }), index('watch_members_user_idx').on(t.userId)],
);
