import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../../accounts/tables.ts';
import { orderItems, orders, products, type ImageRef } from '../tables.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * One review per order line, written by the buyer once the order is delivered; the seller may
 * reply once. `order_item_id` is unique, so two concurrent reviews of one line store exactly one.
 */
export const reviews = pgTable(
  'shop_reviews',
  {
    id: uuid('id').primaryKey(),
    orderItemId: uuid('order_item_id')
      .notNull()
      .references(() => orderItems.id, { onDelete: 'cascade' }),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    stars: integer('stars').notNull(),
    body: text('body').notNull(),
    /** The variant bought, as the line recorded it ("size: M"). */
    options: jsonb('options').$type<Record<string, string>>().notNull(),
    photos: jsonb('photos').$type<ImageRef[]>().notNull().default([]),
    /** Kept beside `photos` so "photo reviews first" and "with photos" are index scans. */
    hasPhotos: boolean('has_photos').notNull().default(false),
    reply: text('reply'),
    repliedAt: ts('replied_at'),
    /** Set by the report flow (moderation); a hidden review leaves lists, summaries and scores. */
    reported: boolean('reported').notNull().default(false),
    hidden: boolean('hidden').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('shop_reviews_one_per_line').on(t.orderItemId),
    index('shop_reviews_product_idx').on(t.productId, t.hasPhotos, t.id),
    index('shop_reviews_product_stars_idx').on(t.productId, t.stars, t.hasPhotos, t.id),
    index('shop_reviews_seller_idx').on(t.sellerId),
    index('shop_reviews_order_idx').on(t.orderId),
    check('shop_reviews_stars', sql`${t.stars} between 1 and 5`),
    check('shop_reviews_photos', sql`jsonb_array_length(${t.photos}) <= 6`),
  ],
);
