import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/tables.ts';

/** A person's 连线 opt-in: 18+ confirmed and the rules accepted (both stored with the time), their choices, cool-down. */
export const matchProfiles = pgTable('match_profiles', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  adultConfirmedAt: timestamp('adult_confirmed_at', { withTimezone: true }).notNull(),
  rulesAcceptedAt: timestamp('rules_accepted_at', { withTimezone: true }).notNull(),
  interests: jsonb('interests').$type<string[]>().notNull().default([]),
  languages: jsonb('languages').$type<string[]>().notNull().default([]),
  /** Automatic cool-down (many reports, very many skips): may not queue before this. */
  cooldownUntil: timestamp('cooldown_until', { withTimezone: true }),
});

/** A report from a call; the snapshot (a frame of the other video) is kept here, served to moderators only. */
export const matchReports = pgTable(
  'match_reports',
  {
    id: uuid('id').primaryKey(),
    reporterId: uuid('reporter_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reportedId: uuid('reported_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    callId: uuid('call_id'),
    reason: text('reason', { enum: ['nudity', 'harassment', 'minor', 'violence', 'spam', 'other'] }).notNull(),
    details: text('details').notNull().default(''),
    snapshotType: text('snapshot_type'),
    snapshotB64: text('snapshot_b64'),
    status: text('status', { enum: ['open', 'dismissed', 'actioned'] })
      .notNull()
      .default('open'),
    reviewedBy: uuid('reviewed_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('match_reports_status_idx').on(t.status, t.id),
    index('match_reports_reported_idx').on(t.reportedId, t.createdAt),
    index('match_reports_reporter_idx').on(t.reporterId),
  ],
);

export const matchBans = pgTable('match_bans', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  reason: text('reason').notNull(),
  bannedBy: uuid('banned_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
