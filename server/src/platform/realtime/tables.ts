import type { ChannelEvent } from '@tremolo/protocol';
import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** The last sequence number handed out per durable channel; its row lock orders concurrent appends. */
export const channelHeads = pgTable('channel_heads', {
  channel: text('channel').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
});

export const channelEvents = pgTable(
  'channel_events',
  {
    channel: text('channel').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    senderId: uuid('sender_id'),
    /** The publisher's message id: the unique index below makes a retried publish a no-op. */
    clientId: text('client_id').notNull(),
    body: jsonb('body').$type<ChannelEvent>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.seq] }),
    uniqueIndex('channel_events_client_key').on(t.channel, t.clientId),
    // What one person sent, for their data archive and the deletion of their account.
    index('channel_events_sender_idx').on(t.senderId, t.channel, t.seq),
  ],
);
