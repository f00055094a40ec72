import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
// Types only: drizzle-kit loads this file on its own.
import type {
  ACTIVE_AFTERSALES_STATUSES,
  AftersalesEventKind,
  AftersalesKind,
  AftersalesReason,
  AftersalesStatus,
} from '@tremolo/protocol';
import { users } from '../../accounts/tables.ts';
import { orderItems, orders, type ImageRef } from '../tables.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** Statuses in which a request still holds its line: at most one such request per line (partial unique index). */
export const ACTIVE_STATUSES = [
  'requested',
  'accepted',
  'returning',
  'escalated',
  'refunding',
] as const satisfies typeof ACTIVE_AFTERSALES_STATUSES;

/**
 * A buyer's after-sales request on some units of one order line. Money owed is written here
 * (`refund_amount`, status `refunding`) in the same transaction as the decision, before the
 * provider is called with the deterministic key `refund:<payment>:<request>`; the sweeper
 * retries every `refunding` request, so a crash between our commit and the provider heals.
 */
export const aftersalesRequests = pgTable(
  'shop_aftersales',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    orderItemId: uuid('order_item_id')
      .notNull()
      .references(() => orderItems.id, { onDelete: 'cascade' }),
    buyerId: uuid('buyer_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<AftersalesKind>().notNull(),
    quantity: integer('quantity').notNull(),
    reason: text('reason').$type<AftersalesReason>().notNull(),
    body: text('body').notNull().default(''),
    photos: jsonb('photos').$type<ImageRef[]>().notNull().default([]),
    status: text('status').$type<AftersalesStatus>().notNull(),
    /** Set when the refund is decided (accept, receipt, a moderator): the units' share of what was paid. */
    refundAmount: integer('refund_amount'),
    declineReason: text('decline_reason'),
    returnCarrier: text('return_carrier'),
    returnTracking: text('return_tracking'),
    refundedAt: ts('refunded_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('shop_aftersales_one_active_per_line')
      .on(t.orderItemId)
      .where(sql`${t.status} in ('requested', 'accepted', 'returning', 'escalated', 'refunding')`),
    index('shop_aftersales_order_idx').on(t.orderId, t.id),
    index('shop_aftersales_escalated_idx').on(t.updatedAt).where(sql`${t.status} = 'escalated'`),
    index('shop_aftersales_refunding_idx').on(t.updatedAt).where(sql`${t.status} = 'refunding'`),
    // Whether a request's photos are still in the first release's public area: the sweeper asks
    // every second on every node. An index on the expression (not a partial one: the planner has
    // no statistics for a partial predicate and would scan the table) answers "none" at once.
    index('shop_aftersales_legacy_photos_idx').on(sql`(jsonb_path_exists(${t.photos}, '$[*] ? (@.key starts with "aftersales/")'))`),
    check('shop_aftersales_qty_pos', sql`${t.quantity} > 0`),
    check('shop_aftersales_photos', sql`jsonb_array_length(${t.photos}) <= 6`),
  ],
);

/** The timeline of a request: one row per step, seen by both sides. */
export const aftersalesEvents = pgTable(
  'shop_aftersales_events',
  {
    id: uuid('id').primaryKey(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => aftersalesRequests.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<AftersalesEventKind>().notNull(),
    actor: text('actor', { enum: ['buyer', 'seller', 'moderator', 'system'] }).notNull(),
    note: text('note'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('shop_aftersales_events_request_idx').on(t.requestId, t.id)],
);
