import type { api, ResponseIn } from '@tremolo/protocol';

/**
 * Answers as the server gives them, typed by the endpoints' response schemas: a field the
 * protocol adds or renames breaks `tsc` here, not a test at run time.
 */
type MeT = ResponseIn<typeof api.accounts.me>;
type SessionT = ResponseIn<typeof api.accounts.session>;
type VideoT = ResponseIn<typeof api.videos.get>;
type CommentT = ResponseIn<typeof api.videos.comment>;
type ProductT = ResponseIn<typeof api.shop.product>;
type ProductCardT = ProductT['card'];
type CouponT = ResponseIn<typeof api.shop.shopCoupons>['items'][number];
type AddressT = ResponseIn<typeof api.shop.addAddress>;
type RoomT = ResponseIn<typeof api.rooms.create>;
type ShopT = ResponseIn<typeof api.shop.shopOf>;

/** A valid UUID (version 7 form) numbered `n`, readable in failures. */
export function uuid(n: number): string {
  return `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
}

const AT = '2026-03-01T10:00:00.000Z';

export function me(over: Partial<MeT> = {}): MeT {
  return {
    id: uuid(1),
    handle: 'mia_fan',
    displayName: 'Mia',
    avatarUrl: null,
    bio: '',
    links: [],
    locale: 'en',
    discoverable: true,
    createdAt: AT,
    ...over,
  };
}

export function session(user: MeT = me()): SessionT {
  return { user, csrfToken: 'csrf-token-for-tests' };
}

export function person(n: number, handle: string, displayName = handle) {
  return { id: uuid(n), handle, displayName, avatarUrl: null };
}

export function video(n: number, over: Partial<VideoT> = {}): VideoT {
  return {
    id: uuid(n),
    author: person(50, 'lina_beauty', 'Lina'),
    caption: `Video ${n}`,
    hashtags: [],
    visibility: 'public',
    status: 'ready',
    error: null,
    durationMs: 12_000,
    width: 720,
    height: 1280,
    streamUrl: `/api/v1/videos/${uuid(n)}/stream`,
    posterUrl: `/api/v1/videos/${uuid(n)}/poster`,
    productIds: [],
    products: [],
    likes: 0,
    comments: 0,
    views: 0,
    likedByMe: false,
    likedByFriends: [],
    createdAt: AT,
    ...over,
  };
}

export function comment(n: number, videoId: string, text: string, over: Partial<CommentT> = {}): CommentT {
  return { id: uuid(n), videoId, parentId: null, author: person(51, 'leo_fan', 'Leo'), text, createdAt: AT, replies: 0, ...over };
}

export function productCard(n: number, title: string, over: Partial<ProductCardT> = {}): ProductCardT {
  return {
    id: uuid(n),
    seller: person(50, 'lina_beauty', 'Lina'),
    title,
    imageUrl: null,
    price: { min: 9900, max: 9900, currency: 'CNY' },
    inStock: true,
    stock: 10,
    status: 'published',
    flashSale: null,
    rating: null,
    url: `/p/${uuid(n)}`,
    realtimeChannel: `product:${uuid(n)}`,
    ...over,
  };
}

export function product(n: number, over: Partial<ProductT> = {}): ProductT {
  const card = productCard(n, over.title ?? 'Product', { status: 'draft' });
  return {
    id: card.id,
    seller: card.seller,
    title: card.title,
    description: '',
    currency: 'CNY',
    status: 'draft',
    images: [],
    variants: [],
    lowStockThreshold: 5,
    flashSale: null,
    card,
    createdAt: AT,
    updatedAt: AT,
    ...over,
  };
}

export function shop(seller = person(1, 'mia_fan', 'Mia')): ShopT {
  return { seller, name: `${seller.displayName}'s shop`, description: '', currency: 'CNY', score: null, createdAt: AT };
}

export function coupon(n: number, title: string, over: Partial<CouponT> = {}): CouponT {
  return {
    id: uuid(n),
    seller: person(50, 'lina_beauty', 'Lina'),
    title,
    currency: 'CNY',
    discount: { kind: 'amount', amountOff: 1000 },
    minSpend: 0,
    startsAt: AT,
    endsAt: '2099-01-01T00:00:00.000Z',
    totalQuantity: 100,
    claimed: 0,
    used: 0,
    perUserLimit: 1,
    scope: { kind: 'shop' },
    audience: { kind: 'everyone' },
    status: 'active',
    viewer: null,
    ...over,
  };
}

export function address(n: number, over: Partial<AddressT> = {}): AddressT {
  return {
    id: uuid(n),
    name: 'Mia Chen',
    phone: '13800000000',
    line1: '1 Century Avenue',
    line2: '',
    city: 'Shanghai',
    region: '',
    postalCode: '200120',
    country: 'CN',
    isDefault: true,
    ...over,
  };
}

export function room(n: number, title: string, host = person(1, 'mia_fan', 'Mia'), over: Partial<RoomT> = {}): RoomT {
  return {
    id: uuid(n),
    title,
    coverUrl: null,
    host,
    audience: 'public',
    groupId: null,
    status: 'live',
    scheduledAt: null,
    createdAt: AT,
    channel: `room:${uuid(n)}`,
    link: `/r/${uuid(n)}`,
    replay: null,
    state: {
      version: 1,
      status: 'live',
      stage: [],
      invites: [],
      hands: [],
      handsTotal: 0,
      pinned: null,
      viewers: 0,
      peakViewers: 0,
      hearts: 0,
      startedAt: AT,
      endedAt: null,
      mediaEpoch: 0,
    },
    me: { role: 'host', joined: false, handRaised: false, invited: false, canPublish: true, canModerate: true },
    media: { adapter: 'werift', iceServers: [], broadcast: false },
    serverTime: Date.parse(AT),
    ...over,
  };
}

/** The group event a coupon drop makes (what `POST /groups/:id/coupon-drops` answers). */
export function couponDropEvent(
  groupId: string,
  from: string,
  couponId: string,
  title: string,
  remaining: number,
): ResponseIn<typeof api.groups.dropCoupon> {
  return { t: 'ev', ch: `group:${groupId}`, seq: 7, from, at: Date.parse(AT), body: { kind: 'coupon_drop', couponId, title, remaining } };
}
