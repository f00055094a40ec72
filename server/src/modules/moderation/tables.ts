import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { ReportSnapshot } from '@tremolo/protocol';
import { users } from '../accounts/tables.ts';

const SURFACES = ['profile', 'video', 'comment', 'group_message', 'dm', 'room', 'product', 'review', 'match'] as const;
const REASONS = ['spam', 'harassment', 'hate', 'nudity', 'violence', 'minor', 'scam', 'other'] as const;

/** Moderators granted in the database; handles listed in `ADMIN_HANDLES` are moderators too. */
export const moderators = pgTable('moderators', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One report from any surface. The content is copied into `snapshot` when reported, so deleting it
 * afterwards does not take the evidence with it. `targetId` + `seq` name it (see `ReportBody`).
 */
export const modReports = pgTable(
  'mod_reports',
  {
    id: uuid('id').primaryKey(),
    reporterId: uuid('reporter_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    surface: text('surface', { enum: SURFACES }).notNull(),
    targetId: uuid('target_id').notNull(),
    seq: integer('seq'),
    /** The person responsible for the content (author, owner, host); null when the content had none. */
    reportedId: uuid('reported_id').references(() => users.id, { onDelete: 'set null' }),
    reason: text('reason', { enum: REASONS }).notNull(),
    details: text('details').notNull().default(''),
    snapshot: jsonb('snapshot').$type<ReportSnapshot>().notNull(),
    status: text('status', { enum: ['open', 'dismissed', 'actioned'] })
      .notNull()
      .default('open'),
    reviewedBy: uuid('reviewed_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('mod_reports_status_idx').on(t.status, t.id),
    index('mod_reports_reported_idx').on(t.reportedId, t.status),
    index('mod_reports_target_idx').on(t.surface, t.targetId),
  ],
);

/**
 * A moderator's action against a person. Mutes and suspensions run `until`; a ban has no end. An
 * overturned appeal sets `revokedAt`, which ends its effect.
 */
export const modActions = pgTable(
  'mod_actions',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['remove', 'warn', 'mute', 'suspend', 'ban'] }).notNull(),
    until: timestamp('until', { withTimezone: true }),
    note: text('note').notNull(),
    reportId: uuid('report_id').references(() => modReports.id, { onDelete: 'set null' }),
    byId: uuid('by_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('mod_actions_user_idx').on(t.userId, t.kind)],
);

/** One appeal per action, by the person acted on; decided by another moderator. */
export const modAppeals = pgTable(
  'mod_appeals',
  {
    id: uuid('id').primaryKey(),
    actionId: uuid('action_id')
      .notNull()
      .references(() => modActions.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    status: text('status', { enum: ['open', 'upheld', 'overturned'] })
      .notNull()
      .default('open'),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('mod_appeals_action_idx').on(t.actionId), index('mod_appeals_status_idx').on(t.status, t.id)],
);

/** Who did what, for moderators: every action, dismissal, appeal decision and word-list or held-message decision. */
export const modAudit = pgTable('mod_audit', {
  id: uuid('id').primaryKey(),
  actorId: uuid('actor_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  action: text('action').notNull(),
  subjectId: uuid('subject_id').references(() => users.id, { onDelete: 'set null' }),
  detail: text('detail').notNull().default(''),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Filtered words: the site's list (`ownerId` null, moderators) or one creator's for their groups, rooms and comments. */
export const modWords = pgTable(
  'mod_words',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    /** `site` or the owner's id: a non-null key, so the site list's words are unique too. */
    scope: text('scope').notNull(),
    /** Stored in lower case. */
    word: text('word').notNull(),
    action: text('action', { enum: ['block', 'hold'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('mod_words_scope_word_idx').on(t.scope, t.word), index('mod_words_owner_idx').on(t.ownerId)],
);

/**
 * Text a word filter held: not delivered until released. `ownerId` is the creator whose list held
 * it, or null when the site list did (then moderators decide). `payload` is what release delivers.
 */
export const modHeld = pgTable(
  'mod_held',
  {
    id: uuid('id').primaryKey(),
    surface: text('surface', { enum: ['comment', 'group_message', 'room'] }).notNull(),
    placeId: uuid('place_id').notNull(),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    word: text('word').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['held', 'released', 'removed'] })
      .notNull()
      .default('held'),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('mod_held_owner_idx').on(t.ownerId, t.status)],
);
