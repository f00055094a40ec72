import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Attribution, CouponAudience, CouponDiscount, CouponScope, OrderStatus, PaymentStatus } from '@tremolo/protocol';
import { users } from '../accounts/tables.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** One shop per seller; its currency is the currency of every price, coupon and order in it. */
export const shops = pgTable('shop_shops', {
  sellerId: uuid('seller_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  currency: text('currency').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export interface ImageRef {
  id: string;
  key: string;
  thumbKey: string;
  width: number;
  height: number;
}

export const products = pgTable(
  'shop_products',
  {
    id: uuid('id').primaryKey(),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    currency: text('currency').notNull(),
    status: text('status', { enum: ['draft', 'published', 'unpublished'] }).notNull(),
    images: jsonb('images').$type<ImageRef[]>().notNull().default(sql`'[]'::jsonb`),
    lowStockThreshold: integer('low_stock_threshold').notNull().default(5),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('shop_products_seller_idx').on(t.sellerId, t.id), index('shop_products_status_idx').on(t.sellerId, t.status, t.id)],
);

export const variants = pgTable(
  'shop_variants',
  {
    id: uuid('id').primaryKey(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    sku: text('sku').notNull(),
    options: jsonb('options').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    price: integer('price').notNull(),
    /** Units that can still be sold. Checkout takes them with `stock = stock - q WHERE stock >= q`. */
    stock: integer('stock').notNull(),
    active: boolean('active').notNull().default(true),
  },
  (t) => [
    uniqueIndex('shop_variants_sku_key').on(t.productId, t.sku),
    index('shop_variants_product_idx').on(t.productId),
    // The last line of defence: whatever the code does, the database refuses negative stock.
    check('shop_variants_stock_nonneg', sql`${t.stock} >= 0`),
    check('shop_variants_price_pos', sql`${t.price} > 0`),
  ],
);

export const addresses = pgTable(
  'shop_addresses',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    phone: text('phone').notNull(),
    line1: text('line1').notNull(),
    line2: text('line2').notNull().default(''),
    city: text('city').notNull(),
    region: text('region').notNull().default(''),
    postalCode: text('postal_code').notNull().default(''),
    country: text('country').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('shop_addresses_user_idx').on(t.userId, t.id)],
);

export const cartItems = pgTable(
  'shop_cart_items',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    variantId: uuid('variant_id')
      .notNull()
      .references(() => variants.id, { onDelete: 'cascade' }),
    sellerId: uuid('seller_id').notNull(),
    quantity: integer('quantity').notNull(),
    addedAt: ts('added_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.variantId] }), check('shop_cart_qty_pos', sql`${t.quantity} > 0`)],
);

export const coupons = pgTable(
  'shop_coupons',
  {
    id: uuid('id').primaryKey(),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    currency: text('currency').notNull(),
    discount: jsonb('discount').$type<CouponDiscount>().notNull(),
    minSpend: integer('min_spend').notNull().default(0),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    totalQuantity: integer('total_quantity').notNull(),
    /** Raised with `claimed = claimed + 1 WHERE claimed < total_quantity`: never over-issued. */
    claimed: integer('claimed').notNull().default(0),
    used: integer('used').notNull().default(0),
    perUserLimit: integer('per_user_limit').notNull(),
    scope: jsonb('scope').$type<CouponScope>().notNull(),
    audience: jsonb('audience').$type<CouponAudience>().notNull(),
    stoppedAt: ts('stopped_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('shop_coupons_seller_idx').on(t.sellerId, t.id),
    check('shop_coupons_claimed_cap', sql`${t.claimed} <= ${t.totalQuantity}`),
  ],
);

/** How many of a coupon one person has claimed: an upsert guarded by the per-user limit. */
export const couponHolders = pgTable(
  'shop_coupon_holders',
  {
    couponId: uuid('coupon_id')
      .notNull()
      .references(() => coupons.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    claims: integer('claims').notNull(),
  },
  (t) => [primaryKey({ columns: [t.couponId, t.userId] })],
);

export const couponClaims = pgTable(
  'shop_coupon_claims',
  {
    id: uuid('id').primaryKey(),
    couponId: uuid('coupon_id')
      .notNull()
      .references(() => coupons.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sellerId: uuid('seller_id').notNull(),
    /** available → reserved (by a pending order) → used (paid); a failed order puts it back. */
    status: text('status', { enum: ['available', 'reserved', 'used'] }).notNull(),
    orderId: uuid('order_id'),
    claimedAt: ts('claimed_at').notNull().defaultNow(),
  },
  (t) => [index('shop_coupon_claims_user_idx').on(t.userId, t.id), index('shop_coupon_claims_coupon_idx').on(t.couponId)],
);

export const flashSales = pgTable(
  'shop_flash_sales',
  {
    id: uuid('id').primaryKey(),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    variantId: uuid('variant_id')
      .notNull()
      .references(() => variants.id, { onDelete: 'cascade' }),
    price: integer('price').notNull(),
    currency: text('currency').notNull(),
    stockTotal: integer('stock_total').notNull(),
    /**
     * Units left when the sale was created (and 0 once settled). The live count is the sum of the
     * sale's `shop_flash_stock` buckets: one row would serialise every winner on its lock.
     */
    stockLeft: integer('stock_left').notNull(),
    perUserLimit: integer('per_user_limit').notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    paymentWindowSec: integer('payment_window_sec').notNull(),
    /** Set once the leftover went back to the variant (sale ended or cancelled). */
    settledAt: ts('settled_at'),
    cancelledAt: ts('cancelled_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('shop_flash_sales_product_idx').on(t.productId, t.id),
    index('shop_flash_sales_seller_idx').on(t.sellerId, t.id),
    index('shop_flash_sales_unsettled_idx').on(t.endsAt).where(sql`${t.settledAt} is null`),
    check('shop_flash_sales_stock_nonneg', sql`${t.stockLeft} >= 0 and ${t.stockLeft} <= ${t.stockTotal}`),
  ],
);

/**
 * A flash sale's units, spread over a few rows so that winners do not queue on one row lock
 * (each commit holds it for a WAL flush). Each bucket is taken with `units = units - 1 WHERE
 * units >= 1 AND NOT closed`; settling closes every bucket under its lock, so a unit is never
 * both returned to a bucket and moved back to the variant.
 */
export const flashStock = pgTable(
  'shop_flash_stock',
  {
    flashSaleId: uuid('flash_sale_id')
      .notNull()
      .references(() => flashSales.id, { onDelete: 'cascade' }),
    bucket: integer('bucket').notNull(),
    units: integer('units').notNull(),
    closed: boolean('closed').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.flashSaleId, t.bucket] }), check('shop_flash_stock_units_nonneg', sql`${t.units} >= 0`)],
);

/** Units one buyer holds in a flash sale (pending or paid): the per-user limit as a guarded upsert. */
export const flashHolds = pgTable(
  'shop_flash_holds',
  {
    flashSaleId: uuid('flash_sale_id')
      .notNull()
      .references(() => flashSales.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    quantity: integer('quantity').notNull(),
  },
  (t) => [primaryKey({ columns: [t.flashSaleId, t.userId] }), check('shop_flash_holds_qty_nonneg', sql`${t.quantity} >= 0`)],
);

export interface AddressSnapshot {
  name: string;
  phone: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

export const orders = pgTable(
  'shop_orders',
  {
    id: uuid('id').primaryKey(),
    buyerId: uuid('buyer_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status').$type<OrderStatus>().notNull(),
    currency: text('currency').notNull(),
    subtotal: integer('subtotal').notNull(),
    discount: integer('discount').notNull(),
    total: integer('total').notNull(),
    couponClaimId: uuid('coupon_claim_id'),
    flashSaleId: uuid('flash_sale_id'),
    address: jsonb('address').$type<AddressSnapshot>().notNull(),
    /** The buyer's key for the checkout call: a second order from one key is impossible. */
    checkoutKey: text('checkout_key').notNull(),
    paymentDueAt: ts('payment_due_at'),
    confirmedAt: ts('confirmed_at'),
    carrier: text('carrier'),
    trackingNumber: text('tracking_number'),
    shippedAt: ts('shipped_at'),
    /** When the buyer confirmed receipt, or the sweeper assumed it (ORDER_AUTO_DELIVER_DAYS after shipping). */
    deliveredAt: ts('delivered_at'),
    paidAt: ts('paid_at'),
    /** Status before a refund request, to go back to when the seller declines it. */
    statusBeforeRefund: text('status_before_refund').$type<OrderStatus>(),
    cancelReason: text('cancel_reason'),
    refundReason: text('refund_reason'),
    /** Money given back by after-sales refunds so far (partial refunds); revenue figures subtract it. */
    refundedAmount: integer('refunded_amount').notNull().default(0),
    attribution: jsonb('attribution').$type<Attribution>().notNull(),
    /** Surface of the last touch, denormalised for the insights queries. */
    lastSurface: text('last_surface').notNull().default('direct'),
    firstSurface: text('first_surface').notNull().default('direct'),
    buyerFollows: boolean('buyer_follows').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('shop_orders_checkout_key').on(t.buyerId, t.checkoutKey),
    index('shop_orders_buyer_idx').on(t.buyerId, t.id),
    index('shop_orders_seller_idx').on(t.sellerId, t.id),
    index('shop_orders_due_idx').on(t.paymentDueAt).where(sql`${t.status} = 'pending_payment'`),
    index('shop_orders_in_transit_idx').on(t.shippedAt).where(sql`${t.status} = 'shipped'`),
    check('shop_orders_total_nonneg', sql`${t.total} >= 0 and ${t.discount} >= 0 and ${t.discount} <= ${t.subtotal}`),
  ],
);

export const orderItems = pgTable(
  'shop_order_items',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    productId: uuid('product_id').notNull(),
    variantId: uuid('variant_id').notNull(),
    title: text('title').notNull(),
    sku: text('sku').notNull(),
    options: jsonb('options').$type<Record<string, string>>().notNull(),
    imageKey: text('image_key'),
    unitPrice: integer('unit_price').notNull(),
    quantity: integer('quantity').notNull(),
    lineTotal: integer('line_total').notNull(),
    /** Units refunded by after-sales requests; insights count the rest as sold. */
    refundedQuantity: integer('refunded_quantity').notNull().default(0),
  },
  (t) => [
    index('shop_order_items_order_idx').on(t.orderId),
    index('shop_order_items_product_idx').on(t.productId),
    check('shop_order_items_refunded_qty', sql`${t.refundedQuantity} between 0 and ${t.quantity}`),
  ],
);

export const orderEvents = pgTable(
  'shop_order_events',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    status: text('status').$type<OrderStatus>().notNull(),
    actor: text('actor', { enum: ['buyer', 'seller', 'system'] }).notNull(),
    note: text('note'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('shop_order_events_order_idx').on(t.orderId, t.id)],
);

export const payments = pgTable(
  'shop_payments',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    /** The buyer's key, scoped by order: the unique index makes a retried pay call a no-op. */
    idempotencyKey: text('idempotency_key').notNull(),
    providerRef: text('provider_ref'),
    status: text('status').$type<PaymentStatus>().notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    last4: text('last4'),
    failureReason: text('failure_reason'),
    capturedAt: ts('captured_at'),
    refundedAt: ts('refunded_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('shop_payments_idempotency_key').on(t.provider, t.idempotencyKey),
    // At most one payment per order that is in flight or has taken money: paying twice is impossible.
    uniqueIndex('shop_payments_one_live').on(t.orderId).where(sql`${t.status} in ('processing', 'authorized', 'captured', 'refunded')`),
    index('shop_payments_ref_idx').on(t.provider, t.providerRef),
    index('shop_payments_stale_idx').on(t.updatedAt).where(sql`${t.status} in ('processing', 'authorized')`),
  ],
);

/** Idempotent results of checkout and pay calls: (user, scope, key) → the response that was sent. */
export const idempotency = pgTable(
  'shop_idempotency',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    /** sha256 of the request: the same key with a different request is refused, not replayed. */
    requestHash: text('request_hash').notNull(),
    response: jsonb('response').$type<unknown>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.scope, t.key] })],
);

/** Product-card views, clicks and cart adds, per surface: the raw material for attribution and the funnel. */
export const touches = pgTable(
  'shop_touches',
  {
    id: uuid('id').primaryKey(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    sellerId: uuid('seller_id').notNull(),
    userId: uuid('user_id'),
    kind: text('kind', { enum: ['view', 'click', 'cart'] }).notNull(),
    surface: text('surface').notNull(),
    surfaceId: text('surface_id'),
    sharedBy: uuid('shared_by'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('shop_touches_user_idx').on(t.userId, t.at), index('shop_touches_seller_idx').on(t.sellerId, t.at)],
);
