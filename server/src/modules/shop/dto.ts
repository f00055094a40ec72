import type {
  Address,
  Coupon,
  FlashSaleBadge,
  FlashSaleStatus,
  Order,
  PaymentInfo,
  ProductCard,
  ProductImage,
  RatingAverage,
  UserSummary,
  Variant,
} from '@tremolo/protocol';
import type { Storage } from '../../platform/storage.ts';
import type {
  AddressRow,
  CouponRow,
  FlashSaleRow,
  OrderEventRow,
  OrderItemRow,
  OrderRow,
  PaymentRow,
  ProductRow,
  VariantRow,
} from './repo.ts';
import type { AddressSnapshot, ImageRef } from './tables.ts';

/** Row → protocol payload mappers. Pure: callers load what they need in batches first. */

function flashStatus(s: FlashSaleRow, now: Date): FlashSaleStatus {
  if (s.cancelledAt) return 'cancelled';
  if (now >= s.endsAt || s.settledAt) return 'ended';
  if (now < s.startsAt) return 'upcoming';
  if (s.stockLeft <= 0) return 'sold_out';
  return 'live';
}

export function flashBadge(s: FlashSaleRow, now: Date): FlashSaleBadge {
  return {
    id: s.id,
    variantId: s.variantId,
    price: { amount: s.price, currency: s.currency },
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    stockTotal: s.stockTotal,
    stockLeft: s.stockLeft,
    perUserLimit: s.perUserLimit,
    status: flashStatus(s, now),
  };
}

export function imageDto(storage: Storage, i: ImageRef): ProductImage {
  return { id: i.id, url: storage.url(i.key), thumbUrl: storage.url(i.thumbKey), width: i.width, height: i.height };
}

export function variantDto(v: VariantRow, currency: string): Variant {
  return { id: v.id, sku: v.sku, options: v.options, price: { amount: v.price, currency }, stock: v.stock, active: v.active };
}

export function productCard(
  storage: Storage,
  p: ProductRow,
  vs: VariantRow[],
  seller: UserSummary,
  flash: FlashSaleRow | null,
  now: Date,
  rating: RatingAverage | null,
): ProductCard {
  const active = vs.filter((v) => v.active);
  const prices = active.map((v) => v.price);
  const stock = active.reduce((s, v) => s + v.stock, 0);
  const badge = flash ? flashBadge(flash, now) : null;
  const first = p.images[0];
  return {
    id: p.id,
    seller,
    title: p.title,
    imageUrl: first ? storage.url(first.thumbKey) : null,
    price: { min: prices.length ? Math.min(...prices) : 0, max: prices.length ? Math.max(...prices) : 0, currency: p.currency },
    inStock: stock > 0 || (badge !== null && badge.status === 'live'),
    stock,
    status: p.status,
    flashSale: badge,
    rating,
    url: `/p/${p.id}`,
    realtimeChannel: `product:${p.id}`,
  };
}

export function addressDto(a: AddressRow): Address {
  return {
    id: a.id,
    name: a.name,
    phone: a.phone,
    line1: a.line1,
    line2: a.line2,
    city: a.city,
    region: a.region,
    postalCode: a.postalCode,
    country: a.country,
    isDefault: a.isDefault,
  };
}

export function addressSnapshot(a: AddressRow): AddressSnapshot {
  return {
    name: a.name,
    phone: a.phone,
    line1: a.line1,
    line2: a.line2,
    city: a.city,
    region: a.region,
    postalCode: a.postalCode,
    country: a.country,
  };
}

export function couponStatus(c: CouponRow, now: Date): Coupon['status'] {
  if (c.stoppedAt) return 'stopped';
  if (now < c.startsAt) return 'scheduled';
  if (now >= c.endsAt) return 'ended';
  return 'active';
}

export function couponDto(c: CouponRow, seller: UserSummary, now: Date, viewer: Coupon['viewer']): Coupon {
  return {
    id: c.id,
    seller,
    title: c.title,
    currency: c.currency,
    discount: c.discount,
    minSpend: c.minSpend,
    startsAt: c.startsAt.toISOString(),
    endsAt: c.endsAt.toISOString(),
    totalQuantity: c.totalQuantity,
    claimed: c.claimed,
    used: c.used,
    perUserLimit: c.perUserLimit,
    scope: c.scope,
    audience: c.audience,
    status: couponStatus(c, now),
    viewer,
  };
}

export function paymentDto(p: PaymentRow): PaymentInfo {
  return {
    id: p.id,
    provider: p.provider,
    status: p.status,
    amount: p.amount,
    last4: p.last4,
    failureReason: p.failureReason,
    createdAt: p.createdAt.toISOString(),
  };
}

export function orderDto(
  storage: Storage,
  o: OrderRow,
  items: OrderItemRow[],
  events: OrderEventRow[],
  payment: PaymentRow | null,
  people: Map<string, UserSummary>,
): Order {
  const unknown = (id: string): UserSummary => ({ id, handle: 'deleted', displayName: 'Deleted account', avatarUrl: null });
  return {
    id: o.id,
    buyer: people.get(o.buyerId) ?? unknown(o.buyerId),
    seller: people.get(o.sellerId) ?? unknown(o.sellerId),
    status: o.status,
    currency: o.currency,
    items: items.map((i) => ({
      id: i.id,
      productId: i.productId,
      variantId: i.variantId,
      title: i.title,
      sku: i.sku,
      options: i.options,
      imageUrl: i.imageKey ? storage.url(i.imageKey) : null,
      unitPrice: i.unitPrice,
      quantity: i.quantity,
      lineTotal: i.lineTotal,
    })),
    subtotal: o.subtotal,
    discount: o.discount,
    total: o.total,
    couponClaimId: o.couponClaimId,
    flashSaleId: o.flashSaleId,
    address: o.address,
    paymentDueAt: o.status === 'pending_payment' && o.paymentDueAt ? o.paymentDueAt.toISOString() : null,
    confirmedAt: o.confirmedAt?.toISOString() ?? null,
    deliveredAt: o.deliveredAt?.toISOString() ?? null,
    shipment:
      o.shippedAt && o.carrier && o.trackingNumber
        ? { carrier: o.carrier, trackingNumber: o.trackingNumber, shippedAt: o.shippedAt.toISOString() }
        : null,
    payment: payment ? paymentDto(payment) : null,
    attribution: o.attribution,
    cancelReason: o.cancelReason,
    refundReason: o.refundReason,
    history: events.map((e) => ({ status: e.status, at: e.at.toISOString(), actor: e.actor, note: e.note })),
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}
