import { z } from 'zod';
import { Id, text } from './common.ts';
import { RatingAverage, StoreScore } from './reviews.ts';

/**
 * The shop: products, cart, checkout, orders, coupons, flash sales, payments, attribution and
 * creator insights. Money is always integer minor units plus an ISO 4217 currency; never floats.
 */

/**
 * The same shape as `UserSummary` in accounts.ts, declared here so that accounts.ts can embed a
 * `ProductCard` in the personal card's showcase section without an import cycle.
 */
const UserSummary = z.object({
  id: Id,
  handle: text(),
  displayName: text(),
  avatarUrl: text().nullable(),
  deleted: z.boolean().optional(),
});

export const Currency = text().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY');
export type Currency = z.infer<typeof Currency>;
/** A price someone types in: whole minor units, positive, at most 1,000,000.00. */
export const MinorUnits = z.number().int('whole minor units (cents/fen), not fractions').min(1).max(100_000_000);
export const Money = z.object({ amount: z.number().int(), currency: Currency });
export type Money = z.infer<typeof Money>;
export const Quantity = z.number().int('a whole number').min(1).max(99);
/** Every state-changing checkout and payment call carries one; a retry with the same key gets the same result. */
export const IdempotencyKey = text()
  .min(8)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _.:- only');

export const IdParams = z.strictObject({ id: Id });
export const VariantParams = z.strictObject({ id: Id, variantId: Id });
export const ImageParams = z.strictObject({ id: Id, imageId: Id });
export const SellerParams = z.strictObject({
  handle: text()
    .min(3)
    .max(24)
    .regex(/^[a-z0-9_]+$/),
});

// ---------------------------------------------------------------- shop and products

export const Shop = z.object({
  seller: UserSummary,
  name: text(),
  description: text(),
  currency: Currency,
  /** Null until the shop has reviews or shipped orders to judge it on. */
  score: StoreScore.nullable(),
  createdAt: text(),
});
export type Shop = z.infer<typeof Shop>;

export const UpsertShopBody = z.strictObject({
  name: text().trim().min(1).max(60),
  description: text().max(500).default(''),
  /** Fixed once the shop has products: prices, coupons and orders are in this currency. */
  currency: Currency.default('CNY'),
});

export const ProductStatus = z.enum(['draft', 'published', 'unpublished']);
export type ProductStatus = z.infer<typeof ProductStatus>;

/** Option name → value, e.g. { size: 'M', colour: 'red' }. */
export const VariantOptions = z
  .record(text().trim().min(1).max(20), text().trim().min(1).max(40))
  .refine((o) => Object.keys(o).length <= 4, 'at most 4 options');

export const Sku = text()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9_.\-/]+$/, 'letters, digits and _.-/ only');

export const NewVariant = z.strictObject({
  sku: Sku,
  options: VariantOptions.default({}),
  price: MinorUnits,
  stock: z.number().int('a whole number').min(0).max(1_000_000),
});

export const CreateProductBody = z.strictObject({
  title: text().trim().min(1).max(120),
  description: text().max(5000).default(''),
  variants: z.array(NewVariant).min(1).max(50),
  /** A variant at or below this stock raises a low-stock warning for the seller. */
  lowStockThreshold: z.number().int().min(0).max(10_000).default(5),
});
export type CreateProductBody = z.infer<typeof CreateProductBody>;

export const UpdateProductBody = z.strictObject({
  title: text().trim().min(1).max(120).optional(),
  description: text().max(5000).optional(),
  lowStockThreshold: z.number().int().min(0).max(10_000).optional(),
  /** Image ids in the order to show them; must be exactly the product's images. */
  imageOrder: z.array(Id).max(9).optional(),
});

export const UpdateVariantBody = z.strictObject({
  price: MinorUnits.optional(),
  options: VariantOptions.optional(),
  /**
   * Stock moves by a delta, never to an absolute value: an absolute write would erase units
   * sold between the seller reading and saving. The result can never go below zero.
   */
  stockDelta: z.number().int().min(-1_000_000).max(1_000_000).optional(),
  active: z.boolean().optional(),
});

export const Variant = z.object({
  id: Id,
  sku: text(),
  options: z.record(text(), text()),
  price: Money,
  stock: z.number().int(),
  active: z.boolean(),
});
export type Variant = z.infer<typeof Variant>;

export const ProductImage = z.object({ id: Id, url: text(), thumbUrl: text(), width: z.number().int(), height: z.number().int() });
export type ProductImage = z.infer<typeof ProductImage>;

export const FlashSaleStatus = z.enum(['upcoming', 'live', 'sold_out', 'ended', 'cancelled']);
export type FlashSaleStatus = z.infer<typeof FlashSaleStatus>;

/** What a product card shows about a flash sale: enough for the countdown and the live stock bar. */
export const FlashSaleBadge = z.object({
  id: Id,
  variantId: Id,
  price: Money,
  startsAt: text(),
  endsAt: text(),
  stockTotal: z.number().int(),
  stockLeft: z.number().int(),
  perUserLimit: z.number().int(),
  status: FlashSaleStatus,
});
export type FlashSaleBadge = z.infer<typeof FlashSaleBadge>;

/**
 * The one payload every surface embeds (video, room, group, DM, personal card, feed): a buy
 * button needs nothing more. `realtimeChannel` carries live flash-sale stock.
 */
export const ProductCard = z.object({
  id: Id,
  seller: UserSummary,
  title: text(),
  imageUrl: text().nullable(),
  /** Lowest and highest active variant price. */
  price: z.object({ min: z.number().int(), max: z.number().int(), currency: Currency }),
  inStock: z.boolean(),
  /** Units left across active variants, for "only 3 left". */
  stock: z.number().int(),
  status: ProductStatus,
  flashSale: FlashSaleBadge.nullable(),
  /** Null until the product has a review. */
  rating: RatingAverage.nullable(),
  url: text(),
  realtimeChannel: text(),
});
export type ProductCard = z.infer<typeof ProductCard>;

export const Product = z.object({
  id: Id,
  seller: UserSummary,
  title: text(),
  description: text(),
  currency: Currency,
  status: ProductStatus,
  images: z.array(ProductImage),
  variants: z.array(Variant),
  lowStockThreshold: z.number().int(),
  flashSale: FlashSaleBadge.nullable(),
  card: ProductCard,
  createdAt: text(),
  updatedAt: text(),
});
export type Product = z.infer<typeof Product>;

export const ProductListQuery = z.strictObject({
  cursor: Id.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  status: ProductStatus.optional(),
});

export const CardsQuery = z.strictObject({
  /** Comma-separated product ids, as a DM or a video stores them. */
  ids: text()
    .max(40 * 37)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(Id).min(1).max(40)),
});

export const LowStockItem = z.object({
  productId: Id,
  variantId: Id,
  title: text(),
  sku: text(),
  stock: z.number().int(),
  threshold: z.number().int(),
});
export const LowStockList = z.object({ items: z.array(LowStockItem) });
export const ProductCardList = z.object({ items: z.array(ProductCard) });

// ---------------------------------------------------------------- attribution

/** Where a product card was seen or clicked. */
export const Surface = z.enum(['video', 'room', 'group', 'dm', 'card', 'profile', 'feed', 'product_page', 'direct', 'watch', 'search']);
export type Surface = z.infer<typeof Surface>;

export const TouchContext = z.strictObject({
  surface: Surface,
  /** The video, room or group id (or DM thread) the card sat in. */
  surfaceId: text()
    .max(80)
    .regex(/^[0-9A-Za-z:_-]+$/)
    .optional(),
  /** Who shared the card, when it arrived through a share. */
  sharedBy: Id.optional(),
});
export type TouchContext = z.infer<typeof TouchContext>;

export const TouchKind = z.enum(['view', 'click', 'cart']);
export const TouchEvent = TouchContext.extend({ productId: Id, kind: z.enum(['view', 'click']) });
export const RecordTouchesBody = z.strictObject({ events: z.array(TouchEvent).min(1).max(50) });
export const TouchesRecorded = z.object({ recorded: z.number().int() });

export const Touch = z.object({
  surface: Surface,
  surfaceId: text().nullable(),
  sharedBy: Id.nullable(),
  kind: TouchKind,
  productId: Id,
  at: text(),
});
export type Touch = z.infer<typeof Touch>;
/** First and last touch within the attribution window (7 days) before the order. */
export const Attribution = z.object({ firstTouch: Touch.nullable(), lastTouch: Touch.nullable() });
export type Attribution = z.infer<typeof Attribution>;

// ---------------------------------------------------------------- addresses

export const AddressFields = z.strictObject({
  name: text().trim().min(1).max(60),
  phone: text()
    .trim()
    .min(5)
    .max(30)
    .regex(/^[0-9+()\- ]+$/, 'digits, spaces and +()-'),
  line1: text().trim().min(1).max(120),
  line2: text().trim().max(120).default(''),
  city: text().trim().min(1).max(60),
  region: text().trim().max(60).default(''),
  postalCode: text().trim().max(20).default(''),
  country: text()
    .regex(/^[A-Z]{2}$/, 'ISO 3166 two-letter code')
    .default('CN'),
  isDefault: z.boolean().default(false),
});
export const UpdateAddressBody = AddressFields.partial();
export const Address = z.object({
  id: Id,
  name: text(),
  phone: text(),
  line1: text(),
  line2: text(),
  city: text(),
  region: text(),
  postalCode: text(),
  country: text(),
  isDefault: z.boolean(),
});
export type Address = z.infer<typeof Address>;
export const AddressList = z.object({ items: z.array(Address) });

// ---------------------------------------------------------------- cart

export const SetCartItemBody = z.strictObject({ quantity: Quantity, touch: TouchContext.optional() });
export const CartItemParams = z.strictObject({ variantId: Id });
export const CartLine = z.object({
  variantId: Id,
  productId: Id,
  title: text(),
  sku: text(),
  options: z.record(text(), text()),
  imageUrl: text().nullable(),
  quantity: z.number().int(),
  unitPrice: Money,
  lineTotal: Money,
  /** Units in stock now; the checkout re-checks atomically. */
  available: z.number().int(),
  /** Why this line cannot be bought as it is. */
  problem: z.enum(['out_of_stock', 'not_enough_stock', 'unavailable']).nullable(),
});
export type CartLine = z.infer<typeof CartLine>;
/** One cart per seller: each is checked out on its own. */
export const SellerCart = z.object({ seller: UserSummary, currency: Currency, lines: z.array(CartLine), subtotal: Money });
export const Cart = z.object({ carts: z.array(SellerCart) });
export type Cart = z.infer<typeof Cart>;

// ---------------------------------------------------------------- coupons

export const CouponDiscount = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('amount'), amountOff: MinorUnits }),
  z.strictObject({ kind: z.literal('percent'), percentOff: z.number().int().min(1).max(99) }),
]);
export type CouponDiscount = z.infer<typeof CouponDiscount>;
export const CouponScope = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('shop') }),
  z.strictObject({ kind: z.literal('product'), productId: Id }),
]);
export type CouponScope = z.infer<typeof CouponScope>;
/** Who may claim. Fan-group membership and fan level are answered by the fan-group module. */
export const CouponAudience = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('everyone') }),
  z.strictObject({ kind: z.literal('followers') }),
  z.strictObject({ kind: z.literal('group_members'), groupId: Id }),
  z.strictObject({ kind: z.literal('fan_level'), groupId: Id, minLevel: z.number().int().min(1).max(100) }),
]);
export type CouponAudience = z.infer<typeof CouponAudience>;

export const CreateCouponBody = z.strictObject({
  title: text().trim().min(1).max(60),
  discount: CouponDiscount,
  /** Eligible subtotal needed, in minor units; 0 = none. */
  minSpend: z.number().int().min(0).max(100_000_000).default(0),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  totalQuantity: z.number().int().min(1).max(1_000_000),
  perUserLimit: z.number().int().min(1).max(100).default(1),
  scope: CouponScope.default({ kind: 'shop' }),
  audience: CouponAudience.default({ kind: 'everyone' }),
});
export type CreateCouponBody = z.infer<typeof CreateCouponBody>;

export const Coupon = z.object({
  id: Id,
  seller: UserSummary,
  title: text(),
  currency: Currency,
  discount: CouponDiscount,
  minSpend: z.number().int(),
  startsAt: text(),
  endsAt: text(),
  totalQuantity: z.number().int(),
  claimed: z.number().int(),
  used: z.number().int(),
  perUserLimit: z.number().int(),
  scope: CouponScope,
  audience: CouponAudience,
  status: z.enum(['scheduled', 'active', 'ended', 'stopped']),
  /** For the viewer: how many they hold or have used, and whether they may claim another. */
  viewer: z.object({ claimed: z.number().int(), canClaim: z.boolean(), reason: text().nullable() }).nullable(),
});
export type Coupon = z.infer<typeof Coupon>;
export const CouponList = z.object({ items: z.array(Coupon) });

export const CouponClaimStatus = z.enum(['available', 'reserved', 'used', 'expired']);
export const CouponClaim = z.object({
  id: Id,
  coupon: Coupon,
  status: CouponClaimStatus,
  orderId: Id.nullable(),
  claimedAt: text(),
});
export type CouponClaim = z.infer<typeof CouponClaim>;
export const MyCouponsQuery = z.strictObject({
  status: CouponClaimStatus.optional(),
  sellerId: Id.optional(),
  cursor: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

// ---------------------------------------------------------------- flash sales

export const CreateFlashSaleBody = z.strictObject({
  variantId: Id,
  price: MinorUnits,
  /** Units taken from the variant's stock for the sale; what is left returns when it ends. */
  stock: z.number().int().min(1).max(100_000),
  perUserLimit: z.number().int().min(1).max(10).default(1),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  /** How long a winner holds a unit before it returns to stock. */
  paymentWindowSec: z.number().int().min(60).max(3600).default(600),
});
export type CreateFlashSaleBody = z.infer<typeof CreateFlashSaleBody>;

export const FlashSale = FlashSaleBadge.extend({
  productId: Id,
  product: ProductCard,
  paymentWindowSec: z.number().int(),
  /** Lets the countdown correct for a wrong device clock. */
  serverTime: text(),
});
export type FlashSale = z.infer<typeof FlashSale>;

export const FlashCheckoutBody = z.strictObject({
  quantity: Quantity.default(1),
  addressId: Id,
  touch: TouchContext.optional(),
  idempotencyKey: IdempotencyKey,
});

// ---------------------------------------------------------------- checkout and orders

export const OrderStatus = z.enum(['pending_payment', 'paid', 'shipped', 'delivered', 'cancelled', 'refund_requested', 'refunded']);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const CheckoutItem = z.strictObject({ variantId: Id, quantity: Quantity });
const CheckoutSelection = {
  sellerId: Id,
  /** Buy these now (product page, product card); absent = everything in my cart for this seller. */
  items: z.array(CheckoutItem).min(1).max(50).optional(),
  /** A claimed coupon to use; absent = the best one is chosen; null = none. */
  couponClaimId: Id.nullable().optional(),
};
export const CheckoutPreviewBody = z.strictObject(CheckoutSelection);
export const CheckoutBody = z.strictObject({
  ...CheckoutSelection,
  addressId: Id,
  touch: TouchContext.optional(),
  idempotencyKey: IdempotencyKey,
});
export type CheckoutBody = z.infer<typeof CheckoutBody>;

export const CouponOption = z.object({
  claimId: Id,
  couponId: Id,
  title: text(),
  discount: z.number().int(),
  applicable: z.boolean(),
  /** Why it does not apply (min spend not met, other product, not started …). */
  reason: text().nullable(),
});
export const PricedLine = z.object({
  variantId: Id,
  productId: Id,
  title: text(),
  sku: text(),
  quantity: z.number().int(),
  unitPrice: z.number().int(),
  lineTotal: z.number().int(),
});
export const CheckoutPreview = z.object({
  currency: Currency,
  lines: z.array(PricedLine),
  subtotal: z.number().int(),
  discount: z.number().int(),
  total: z.number().int(),
  /** The coupon applied (the best one unless the buyer chose), with every option and why. */
  selectedClaimId: Id.nullable(),
  coupons: z.array(CouponOption),
});
export type CheckoutPreview = z.infer<typeof CheckoutPreview>;

export const OrderItem = z.object({
  id: Id,
  productId: Id,
  variantId: Id,
  title: text(),
  sku: text(),
  options: z.record(text(), text()),
  imageUrl: text().nullable(),
  unitPrice: z.number().int(),
  quantity: z.number().int(),
  lineTotal: z.number().int(),
});
export const PaymentStatus = z.enum(['processing', 'authorized', 'captured', 'failed', 'voided', 'refunded']);
export type PaymentStatus = z.infer<typeof PaymentStatus>;
export const PaymentInfo = z.object({
  id: Id,
  provider: text(),
  status: PaymentStatus,
  amount: z.number().int(),
  /** Last four digits of the card, for the receipt. */
  last4: text().nullable(),
  failureReason: text().nullable(),
  createdAt: text(),
});
export type PaymentInfo = z.infer<typeof PaymentInfo>;
export const OrderEvent = z.object({
  status: OrderStatus,
  at: text(),
  actor: z.enum(['buyer', 'seller', 'system']),
  note: text().nullable(),
});

export const Order = z.object({
  id: Id,
  buyer: UserSummary,
  seller: UserSummary,
  status: OrderStatus,
  currency: Currency,
  items: z.array(OrderItem),
  subtotal: z.number().int(),
  discount: z.number().int(),
  total: z.number().int(),
  couponClaimId: Id.nullable(),
  flashSaleId: Id.nullable(),
  address: Address.omit({ id: true, isDefault: true }),
  /** Pay before this or the units return to stock and the order is cancelled. */
  paymentDueAt: text().nullable(),
  confirmedAt: text().nullable(),
  /** When the buyer confirmed receipt or it was assumed (ORDER_AUTO_DELIVER_DAYS after shipping). */
  deliveredAt: text().nullable(),
  shipment: z.object({ carrier: text(), trackingNumber: text(), shippedAt: text() }).nullable(),
  payment: PaymentInfo.nullable(),
  attribution: Attribution,
  cancelReason: text().nullable(),
  refundReason: text().nullable(),
  history: z.array(OrderEvent),
  createdAt: text(),
  updatedAt: text(),
});
export type Order = z.infer<typeof Order>;

/** The slim order pushed live on `user:<id>` whenever an order changes. */
export const OrderUpdate = z.object({
  id: Id,
  status: OrderStatus,
  role: z.enum(['buyer', 'seller']),
  total: Money,
  title: text(),
  paymentStatus: PaymentStatus.nullable(),
  updatedAt: text(),
});
export type OrderUpdate = z.infer<typeof OrderUpdate>;

export const OrdersQuery = z.strictObject({
  status: OrderStatus.optional(),
  cursor: Id.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** A card as the test provider understands it; a real provider would take a token from its own widget. */
export const PaymentMethod = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('card'),
    number: text()
      .transform((s) => s.replace(/[\s-]/g, ''))
      .pipe(text().regex(/^\d{12,19}$/, 'card number')),
    expMonth: z.number().int().min(1).max(12).optional(),
    expYear: z.number().int().min(2000).max(2100).optional(),
    cvc: text()
      .regex(/^\d{3,4}$/)
      .optional(),
  }),
  z.strictObject({ type: z.literal('token'), token: text().min(1).max(200) }),
]);
export type PaymentMethod = z.infer<typeof PaymentMethod>;
export const PayBody = z.strictObject({ paymentMethod: PaymentMethod, idempotencyKey: IdempotencyKey });
export const PayResult = z.object({ order: Order, payment: PaymentInfo });
export type PayResult = z.infer<typeof PayResult>;

export const ReasonBody = z.strictObject({ reason: text().trim().max(300).optional() });
export const RefundRequestBody = z.strictObject({ reason: text().trim().min(1).max(300) });
export const ShipBody = z.strictObject({
  carrier: text().trim().min(1).max(40),
  trackingNumber: text()
    .trim()
    .min(4)
    .max(40)
    .regex(/^[A-Za-z0-9-]+$/, 'letters, digits and -'),
});
export const RefundBody = z.strictObject({
  /** True when the goods came back (or never left): the units return to stock. */
  restock: z.boolean(),
  reason: text().trim().max(300).optional(),
});

// ---------------------------------------------------------------- insights

export const InsightsQuery = z.strictObject({
  /** Inclusive UTC dates; default the last 7 days. */
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  period: z.enum(['7d', '30d', '90d']).optional(),
});
export const FunnelRow = z.object({
  surface: Surface,
  views: z.number().int(),
  clicks: z.number().int(),
  carts: z.number().int(),
  orders: z.number().int(),
  paidOrders: z.number().int(),
  revenue: z.number().int(),
  /** paidOrders / views, 0 when there were no views. */
  conversion: z.number(),
});
export const Insights = z.object({
  from: text(),
  to: text(),
  currency: Currency,
  totals: z.object({
    views: z.number().int(),
    clicks: z.number().int(),
    carts: z.number().int(),
    orders: z.number().int(),
    paidOrders: z.number().int(),
    revenue: z.number().int(),
    refunds: z.number().int(),
    unitsSold: z.number().int(),
  }),
  /** Paid orders by the surface of their last touch. */
  bySurface: z.array(FunnelRow),
  followers: z.object({
    follower: z.object({ paidOrders: z.number().int(), revenue: z.number().int(), buyers: z.number().int() }),
    nonFollower: z.object({ paidOrders: z.number().int(), revenue: z.number().int(), buyers: z.number().int() }),
  }),
  topProducts: z.array(
    z.object({ productId: Id, title: text(), unitsSold: z.number().int(), revenue: z.number().int(), paidOrders: z.number().int() }),
  ),
  daily: z.array(
    z.object({ date: text(), views: z.number().int(), clicks: z.number().int(), paidOrders: z.number().int(), revenue: z.number().int() }),
  ),
});
export type Insights = z.infer<typeof Insights>;

// ---------------------------------------------------------------- realtime

/** Live stock on `product:<productId>`: flash-sale stock left and regular stock, coalesced. */
export const StockEvent = z.object({
  kind: z.literal('stock'),
  productId: Id,
  flashSaleId: Id.nullable(),
  stockLeft: z.number().int(),
  status: FlashSaleStatus.nullable(),
});
export type StockEvent = z.infer<typeof StockEvent>;
