import { bigint, index, integer, boolean, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/tables.ts';

export const fanGroups = pgTable(
  'fan_groups',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    avatarKey: text('avatar_key'),
    capacity: integer('capacity').notNull(),
    /** Kept in step with the members table inside the join transaction: `… where member_count < capacity`. */
    memberCount: integer('member_count').notNull().default(0),
    joinRule: text('join_rule', { enum: ['anyone', 'followers', 'fan_level', 'invite', 'approval'] }).notNull(),
    minFanLevel: integer('min_fan_level'),
    inviteCode: text('invite_code').notNull(),
    announcement: text('announcement'),
    mutedAll: boolean('muted_all').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('fan_groups_owner_idx').on(t.ownerId), uniqueIndex('fan_groups_invite_key').on(t.inviteCode)],
);

export const groupMembers = pgTable(
  'group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => fanGroups.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['owner', 'admin', 'member'] }).notNull(),
    /** `pending` while an approval-only group decides. */
    status: text('status', { enum: ['member', 'pending'] }).notNull(),
    mutedUntil: timestamp('muted_until', { withTimezone: true }),
    lastReadSeq: bigint('last_read_seq', { mode: 'number' }).notNull().default(0),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.userId] }),
    index('group_members_user_idx').on(t.userId),
    index('group_members_list_idx').on(t.groupId, t.status, t.joinedAt),
  ],
);

export const groupBans = pgTable(
  'group_bans',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => fanGroups.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    bannedBy: uuid('banned_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] })],
);
