import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Which node runs a room's media when the SFU lives inside the server process (werift on
 * several nodes): the first node asked claims the room, every other node hands its calls to
 * that one, and when the owner dies the survivor sweeping it deletes its rows so the next
 * call claims the room afresh. The room id is the rooms module's; the platform keeps no key to it.
 */
export const mediaRooms = pgTable(
  'media_rooms',
  {
    roomId: text('room_id').primaryKey(),
    nodeId: text('node_id').notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('media_rooms_node_idx').on(t.nodeId)],
);
