import { sql } from 'drizzle-orm';
import { bigint, boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    handle: text('handle').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    bio: text('bio').notNull().default(''),
    links: jsonb('links').$type<{ label: string; url: string }[]>().notNull().default(sql`'[]'::jsonb`),
    locale: text('locale'),
    avatarKey: text('avatar_key'),
    /** Search may find this person (people results and suggestions). */
    discoverable: boolean('discoverable').notNull().default(true),
    /** Who may message me: everyone, people I follow, or friends (privacy settings). */
    dmPolicy: text('dm_policy', { enum: ['everyone', 'following', 'friends'] })
      .notNull()
      .default('everyone'),
    /** Who may invite me on stage or into a watch party. */
    invitePolicy: text('invite_policy', { enum: ['everyone', 'following', 'friends'] })
      .notNull()
      .default('everyone'),
    likesVisible: boolean('likes_visible').notNull().default(true),
    /** Set while a deletion the person asked for waits out its grace period. */
    deletionDueAt: timestamp('deletion_due_at', { withTimezone: true }),
    /** The account was deleted: the row stays as an anonymous tombstone so orders and threads keep their other side. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_handle_key').on(t.handle),
    index('users_deletion_due_idx').on(t.deletionDueAt).where(sql`${t.deletionDueAt} is not null`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    /** sha256 of the cookie token: a leaked table cannot be replayed as cookies. */
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** "Download my data" requests: the archive lives in private storage until it expires. */
export const accountExports = pgTable(
  'account_exports',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    state: text('state', { enum: ['pending', 'building', 'ready', 'failed', 'expired'] }).notNull(),
    storageKey: text('storage_key'),
    bytes: bigint('bytes', { mode: 'number' }),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readyAt: timestamp('ready_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [index('account_exports_user_idx').on(t.userId, t.id), index('account_exports_expiry_idx').on(t.expiresAt)],
);
