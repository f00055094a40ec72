import { bigint, index, integer, pgTable, primaryKey, text, timestamp, uuid, boolean } from 'drizzle-orm/pg-core';
import { users } from '../accounts/tables.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A friends chat room. The row is the room's lock: every change of its state (stage, hands,
 * invites, pin, status) runs in a transaction holding it and bumps `version` once per event
 * it publishes on `room:<id>`, so any node serves any request and clients can detect gaps.
 */
export const rooms = pgTable(
  'rooms',
  {
    id: uuid('id').primaryKey(),
    /** Who opened it: their audience rules apply, they always may come back. */
    creatorId: uuid('creator_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The current host (the role can be handed to the co-host). */
    hostId: uuid('host_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    coverUrl: text('cover_url'),
    audience: text('audience', { enum: ['public', 'followers', 'friends', 'group'] }).notNull(),
    groupId: uuid('group_id'),
    status: text('status', { enum: ['scheduled', 'live', 'ended'] }).notNull(),
    scheduledAt: ts('scheduled_at'),
    startedAt: ts('started_at'),
    endedAt: ts('ended_at'),
    version: integer('version').notNull().default(0),
    pinnedProductId: uuid('pinned_product_id'),
    hearts: bigint('hearts', { mode: 'number' }).notNull().default(0),
    peakViewers: integer('peak_viewers').notNull().default(0),
    /** Grows when the room's media had to start over (its SFU node died): every client connects again. */
    mediaEpoch: integer('media_epoch').notNull().default(0),
    messages: integer('messages').notNull().default(0),
    /**
     * The broadcast's recording once it is closed (the room ended): its length, read from the
     * stored playlist by the broadcast job. Null: no recording (the tier was off, nobody sent).
     */
    replayMs: integer('replay_ms'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('rooms_host_idx').on(t.hostId, t.id),
    index('rooms_creator_idx').on(t.creatorId, t.id),
    index('rooms_status_idx').on(t.status, t.id),
  ],
);

/**
 * Everyone who entered a room, one row per person: their role, stage switches, raised hand,
 * pending invite and ban. Who is listening now is in `room_presence`.
 */
export const roomMembers = pgTable(
  'room_members',
  {
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['host', 'cohost', 'guest', 'audience'] }).notNull(),
    /** Joined and not left or kicked: may subscribe, chat and signal. */
    joined: boolean('joined').notNull().default(true),
    stageAt: ts('stage_at'),
    publishing: boolean('publishing').notNull().default(false),
    mic: boolean('mic').notNull().default(true),
    camera: boolean('camera').notNull().default(true),
    micBlocked: boolean('mic_blocked').notNull().default(false),
    cameraBlocked: boolean('camera_blocked').notNull().default(false),
    handRaisedAt: ts('hand_raised_at'),
    invitedAt: ts('invited_at'),
    bannedAt: ts('banned_at'),
    /** First time they entered (null: invited, never came in). */
    firstJoinedAt: ts('first_joined_at'),
    /**
     * With the broadcast on: one of the room's WebRTC seats for the audience (the first
     * `BROADCAST_WEBRTC_SEATS` to enter); the rest of the audience watches the broadcast.
     */
    webrtcSeat: boolean('webrtc_seat').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.roomId, t.userId] }),
    index('room_members_user_idx').on(t.userId),
    index('room_members_role_idx').on(t.roomId, t.role),
  ],
);

/**
 * Who listens to `room:<id>` now, and through which node: a row while a node hosts at least one
 * of the person's sockets on the room. Viewers are the distinct people here. When a node dies,
 * a survivor deletes its rows (the cluster's sweep), so its viewers do not linger.
 */
export const roomPresence = pgTable(
  'room_presence',
  {
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId, t.nodeId] }), index('room_presence_node_idx').on(t.nodeId)],
);

/**
 * 预约: people who asked to be told when a scheduled room starts. `notifiedAt` is set once the
 * start notification went out, so the job that sends them resumes where it stopped after a crash.
 */
export const roomReservations = pgTable(
  'room_reservations',
  {
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    notifiedAt: ts('notified_at'),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] })],
);

/**
 * 讲解: each time a product was pinned while the room was live, and how long after it went live,
 * so a product page can point at the lives it was shown in.
 */
export const roomProductMoments = pgTable(
  'room_product_moments',
  {
    id: uuid('id').primaryKey(),
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    productId: uuid('product_id').notNull(),
    offsetMs: bigint('offset_ms', { mode: 'number' }).notNull(),
    /**
     * Where the moment falls in the recording, set when the recording is closed: the recording
     * starts later than the room and skips the gaps between compositor runs, so it is not `offsetMs`.
     * Null: no recording, or the moment is outside it.
     */
    replayOffsetMs: bigint('replay_offset_ms', { mode: 'number' }),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('room_product_moments_room_idx').on(t.roomId, t.at), index('room_product_moments_product_idx').on(t.productId, t.at)],
);
