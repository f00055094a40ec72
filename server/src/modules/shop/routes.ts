import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  Address,
  AddressFields,
  Cart,
  CardsQuery,
  CheckoutBody,
  CheckoutPreview,
  CheckoutPreviewBody,
  Coupon,
  CouponClaim,
  CreateCouponBody,
  CreateFlashSaleBody,
  CreateProductBody,
  FlashCheckoutBody,
  FlashSale,
  IdParams,
  ImageParams,
  Insights,
  InsightsQuery,
  LowStockItem,
  MyCouponsQuery,
  NewVariant,
  Ok,
  Order,
  OrdersQuery,
  PageQuery,
  PayBody,
  PayResult,
  Product,
  ProductCard,
  ProductListQuery,
  ReasonBody,
  RecordTouchesBody,
  RefundBody,
  RefundRequestBody,
  SellerParams,
  SetCartItemBody,
  ShipBody,
  Shop,
  UpdateAddressBody,
  UpdateProductBody,
  UpdateVariantBody,
  UpsertShopBody,
  VariantParams,
  page,
  text,
} from '@tremolo/protocol';
import { AppError } from '../../platform/errors.ts';
import type { Router } from '../../platform/http/route.ts';
import { readUpload } from '../../platform/http/upload.ts';
import type { ShopService } from './service.ts';

const tags = ['shop'];
const CartItemParams = z.strictObject({ variantId: z.uuid() });

/** The shop's HTTP API. Handlers only translate; rules live in the services. */
export function registerShopRoutes(router: Router, shop: ShopService): void {
  const { catalog, checkout, orders, promotions, insights } = shop;

  // ---------------------------------------------------------------- shop and products
  router.add({
    method: 'PUT', url: '/api/v1/shop', auth: 'user', tags, summary: 'Create or edit my shop (name, description, currency)',
    body: UpsertShopBody, response: Shop,
    handler: async ({ user, body }) => catalog.upsertShop(user.id, body),
  });
  router.add({
    method: 'GET', url: '/api/v1/shop/sellers/:handle', auth: 'none', tags, summary: "A seller's shop",
    params: SellerParams, response: Shop,
    handler: async ({ params }) => catalog.shopOf(params.handle),
  });
  router.add({
    method: 'GET', url: '/api/v1/shop/sellers/:handle/products', auth: 'none', tags, summary: "A seller's published products as product cards (the profile showcase), newest first",
    params: SellerParams, query: PageQuery, response: page(ProductCard),
    handler: async ({ params, query }) => catalog.sellerProducts(params.handle, query.cursor, query.limit),
  });
  router.add({
    method: 'POST', url: '/api/v1/shop/products', auth: 'user', tags, summary: 'Create a product (a draft) with its variants',
    body: CreateProductBody, response: Product, status: 201,
    handler: async ({ user, body }) => catalog.createProduct(user.id, body),
  });
  router.add({
    method: 'GET', url: '/api/v1/shop/products/:id', auth: 'optional', tags, summary: 'A product page (drafts only for their seller)',
    params: IdParams, response: Product,
    handler: async ({ user, params }) => catalog.product(user?.id ?? null, params.id),
  });
  router.add({
    method: 'PATCH', url: '/api/v1/shop/products/:id', auth: 'user', tags, summary: 'Edit my product (title, description, low-stock threshold, image order)',
    params: IdParams, body: UpdateProductBody, response: Product,
    handler: async ({ user, params, body }) => catalog.updateProduct(user.id, params.id, body),
  });
  for (const [action, status] of [['publish', 'published'], ['unpublish', 'unpublished']] as const) {
    router.add({
      method: 'POST', url: `/api/v1/shop/products/:id/${action}`, auth: 'user', tags, summary: `${action === 'publish' ? 'Publish' : 'Unpublish'} my product`,
      params: IdParams, response: Product,
      handler: async ({ user, params }) => catalog.setStatus(user.id, params.id, status),
    });
  }
  router.add({
    method: 'POST', url: '/api/v1/shop/products/:id/variants', auth: 'user', tags, summary: 'Add a variant to my product',
    params: IdParams, body: NewVariant, response: Product, status: 201,
    handler: async ({ user, params, body }) => catalog.addVariant(user.id, params.id, body),
  });
  router.add({
    method: 'PATCH', url: '/api/v1/shop/products/:id/variants/:variantId', auth: 'user', tags, summary: 'Edit a variant: price, options, active, stock by a delta',
    params: VariantParams, body: UpdateVariantBody, response: Product,
    handler: async ({ user, params, body }) => catalog.updateVariant(user.id, params.id, params.variantId, body),
  });
  router.add({
    method: 'POST', url: '/api/v1/shop/products/:id/images', auth: 'user', tags, summary: 'Upload a product image (multipart field "file"; JPEG, PNG or WebP, at least 200×200)',
    params: IdParams, rawBody: true, response: Product, status: 201,
    handler: async ({ user, params, req }) => {
      const { file } = await readUpload(req, { what: 'image', into: 'memory' });
      return catalog.addImage(user.id, params.id, file);
    },
  });
  router.add({
    method: 'DELETE', url: '/api/v1/shop/products/:id/images/:imageId', auth: 'user', tags, summary: 'Remove a product image',
    params: ImageParams, response: Product,
    handler: async ({ user, params }) => catalog.removeImage(user.id, params.id, params.imageId),
  });
  router.add({
    method: 'GET', url: '/api/v1/shop/cards', auth: 'none', tags, summary: 'Product cards by id (for DMs, videos, rooms, groups); unpublished ones are left out',
    query: CardsQuery, response: z.object({ items: z.array(ProductCard) }),
    handler: async ({ query }) => ({ items: await catalog.cards(query.ids) }),
  });
  router.add({
    method: 'GET', url: '/api/v1/shop/me/products', auth: 'user', tags, summary: 'My products, every status, newest first',
    query: ProductListQuery, response: page(ProductCard),
    handler: async ({ user, query }) => catalog.myProducts(user.id, query.status, query.cursor, query.limit),
  });
  router.add({
    method: 'GET', url: '/api/v1/shop/me/low-stock', auth: 'user', tags, summary: 'My variants at or below their low-stock threshold',
    response: z.object({ items: z.array(LowStockItem) }),
    handler: async ({ user }) => ({ items: await catalog.lowStock(user.id) }),
  });
  router.add({
    method: 'POST', url: '/api/v1/shop/touches', auth: 'optional', tags, summary: 'Record product-card views and clicks with the surface they happened on',
    body: RecordTouchesBody, response: z.object({ recorded: z.number().int() }),
    handler: async ({ user, body, req }) => ({
      recorded: await catalog.recordTouches({ userId: user?.id ?? null, ip: req.ip, userAgent: req.headers['user-agent'] ?? '' }, body),
    }),
  });

  // ---------------------------------------------------------------- addresses
  router.add({
    method: 'GET', url: '/api/v1/shop/addresses', auth: 'user', tags, summary: 'My saved addresses (default first)',
    response: z.object({ items: z.array(Address) }),
    handler: async ({ user }) => ({ items: await checkout.addresses(user.id) }),
  });
  router.add({
    method: 'POST', url: '/api/v1/shop/addresses', auth: 'user', tags, summary: 'Save an address',
    body: AddressFields, response: Address, status: 201,
    handler: async ({ user, body }) => checkout.addAddress(user.id, body),
  });
  router.add({
    method: 'PATCH', url: '/api/v1/shop/addresses/:id', auth: 'user', tags, summary: 'Edit a saved address',
    params: IdParams, body: UpdateAddressBody, response: Address,
    handler: async ({ user, params, body }) => checkout.updateAddress(user.id, params.id, body),
  });
  router.add({
    method: 'DELETE', url: '/api/v1/shop/addresses/:id', auth: 'user', tags, summary: 'Delete a saved address',
    params: IdParams, response: Ok,
    handler: async ({ user, params }) => {
      await checkout.deleteAddress(user.id, params.id);
      return { ok: true as const };
    },
  });

  // ---------------------------------------------------------------- cart and checkout
  router.add({
    method: 'GET', url: '/api/v1/shop/cart', auth: 'user', tags, summary: 'My cart, one per seller, re-checked against stock',
    response: Cart,
    handler: async ({ user }) => checkout.cart(user.id),
  });
  router.add({
    method: 'PUT', url: '/api/v1/shop/cart/items/:variantId', auth: 'user', tags, summary: 'Put a variant in my cart with this quantity (checked against stock)',
    params: CartItemParams, body: SetCartItemBody, response: Cart,
    handler: async ({ user, params, body }) => checkout.setCartItem(user.id, params.variantId, body.quantity, body.touch),
  });
  router.add({
    method: 'DELETE', url: '/api/v1/shop/cart/items/:variantId', auth: 'user', tags, summary: 'Remove a variant from my cart',
    params: CartItemParams, response: Cart,
    handler: async ({ user, params }) => checkout.removeCartItem(user.id, params.variantId),
  });
  router.add({
    method: 'POST', url: '/api/v1/shop/checkout/preview', auth: 'user', tags, summary: 'Price a checkout: lines, every coupon I hold and why, the best one applied',
    body: CheckoutPreviewBody, response: CheckoutPreview,
    handler: async ({ user, body }) => checkout.preview(user.id, body),
  });
  router.add({
    method: 'POST', url: '/api/v1/shop/checkout', auth: 'user', tags, summary: 'Place an order (units held until the payment window closes); idempotent by key',
    body: CheckoutBody, response: Order, status: 201,
    handler: async ({ user, body }) => checkout.checkout(user.id, body),
  });
  router.add({
    method: 'POST', url: '/api/v1/shop/flash-sales/:id/checkout', auth: 'user', tags, summary: 'Buy in a flash sale (per-user limit; unit held for the payment window); idempotent by key',
    params: IdParams, body: FlashCheckoutBody, response: Order, status: 201,
    handler: async ({ user, params, body }) => checkout.flashCheckout(user.id, params.id, body),
  });

  // ---------------------------------------------------------------- orders
  router.add({
    method: 'GET', url: '/api/v1/shop/orders', auth: 'user', tags, summary: 'My orders as a buyer, newest first',
    query: OrdersQuery, response: page(Order),
    handler: async ({ user, query }) => orders.list(user.id, 'buyer', query.status, query.cursor, query.limit),
  });
  router.add({
    method: 'GET', url: '/api/v1/shop/seller/orders', auth: 'user', tags, summary: 'Orders in my shop, newest first',
    query: OrdersQuery, response: page(Order),
    handler: async ({ user, query }) => orders.list(user.id, 'seller', query.status, query.cursor, query.limit),
  });
  router.add({
    method: 'GET', url: '/api/v1/shop/orders/:id', auth: 'user', tags, summary: 'One order (its buyer or seller only)',
    params: IdParams, response: Order,
    handler: async ({ user, params }) => orders.get(user.id, params.id),
  });
  router.add({
    method: 'POST', url: '/api/v1/shop/orders/:id/pay', auth: 'user', tags, summary: 'Pay my order; idempotent by key (402 payment_declined when the card is declined)',
    params: IdParams, body: PayBody, response: PayResult,
    handler: async ({ user, params, body }) => orders.pay(user.id, params.id, body.paymentMethod, body.idempotencyKey),
  });
  const actions = [
    ['cancel', 'cancel', 'Cancel (buyer or seller) before shipping; paid orders are refunded', ReasonBody],
    ['refund-request', 'request_refund', 'Ask for a refund after shipping (buyer)', RefundRequestBody],
    ['refund-reject', 'reject_refund', 'Decline a refund request (seller)', ReasonBody],
  ] as const;
  for (const [path, action, summary, body] of actions) {
    router.add({
      method: 'POST', url: `/api/v1/shop/orders/:id/${path}`, auth: 'user', tags, summary,
      params: IdParams, body, response: Order,
      handler: async ({ user, params, body: b }) => orders.act(user.id, params.id, action, { reason: b.reason }),
    });
  }
  router.add({
    method: 'POST', url: '/api/v1/shop/orders/:id/confirm', auth: 'user', tags, summary: 'Confirm a paid order (seller)',
    params: IdParams, response: Order,
    handler: async ({ user, params }) => orders.act(user.id, params.id, 'confirm'),
  });
  router.add({
    method: 'POST', url: '/api/v1/shop/orders/:id/receive', auth: 'user', tags, summary: 'Confirm the goods arrived (buyer): the order completes',
    params: IdParams, response: Order,
    handler: async ({ user, params }) => orders.act(user.id, params.id, 'confirm_receipt'),
  });
  router.add({
    method: 'POST', url: '/api/v1/shop/orders/:id/ship', auth: 'user', tags, summary: 'Ship a paid order with carrier and tracking number (seller)',
    params: IdParams, body: ShipBody, response: Order,
    handler: async ({ user, params, body }) => orders.act(user.id, params.id, 'ship', { carrier: body.carrier, trackingNumber: body.trackingNumber }),
  });
  router.add({
    method: 'POST', url: '/api/v1/shop/orders/:id/refund', auth: 'user', tags, summary: 'Refund a shipped or completed order or grant a refund request (seller); restock when the goods came back',
    params: IdParams, body: RefundBody, response: Order,
    handler: async ({ user, params, body }) => orders.act(user.id, params.id, 'refund', { restock: body.restock, reason: body.reason }),
  });

  // ---------------------------------------------------------------- coupons
  router.add({
    method: 'POST', url: '/api/v1/shop/coupons', auth: 'user', tags, summary: 'Create a coupon for my shop',
    body: CreateCouponBody, response: Coupon, status: 201,
    handler: async ({ user, body }) => promotions.createCoupon(user.id, body),
  });
  router.add({
    method: 'GET', url: '/api/v1/shop/seller/coupons', auth: 'user', tags, summary: "My shop's coupons with claimed/used counts",
    query: PageQuery, response: page(Coupon),
    handler: async ({ user, query }) => promotions.sellerCoupons(user.id, query.cursor, query.limit),
  });
  router.add({
    method: 'POST', url: '/api/v1/shop/coupons/:id/stop', auth: 'user', tags, summary: 'Stop a coupon early (seller); claimed ones can no longer be used',
    params: IdParams, response: Coupon,
    handler: async ({ user, params }) => promotions.stopCoupon(user.id, params.id),
  });
  router.add({
    method: 'GET', url: '/api/v1/shop/sellers/:handle/coupons', auth: 'optional', tags, summary: "A shop's claimable coupons, with whether I can claim each",
    params: SellerParams, response: z.object({ items: z.array(Coupon) }),
    handler: async ({ user, params }) => ({ items: await promotions.shopCoupons(params.handle, user?.id ?? null) }),
  });
  router.add({
    method: 'POST', url: '/api/v1/shop/coupons/:id/claim', auth: 'user', tags, summary: 'Claim a coupon (total and per-user limits hold under concurrency)',
    params: IdParams, response: CouponClaim, status: 201,
    handler: async ({ user, params }) => promotions.claim(user.id, params.id),
  });
  router.add({
    method: 'GET', url: '/api/v1/shop/me/coupons', auth: 'user', tags, summary: 'My coupons (available, reserved, used, expired)',
    query: MyCouponsQuery, response: page(CouponClaim),
    handler: async ({ user, query }) => promotions.myCoupons(user.id, query),
  });

  // ---------------------------------------------------------------- flash sales
  router.add({
    method: 'POST', url: '/api/v1/shop/flash-sales', auth: 'user', tags, summary: 'Schedule a flash sale of one variant (its units are set aside at once)',
    body: CreateFlashSaleBody, response: FlashSale, status: 201,
    handler: async ({ user, body }) => promotions.createFlashSale(user.id, body),
  });
  router.add({
    method: 'GET', url: '/api/v1/shop/flash-sales/:id', auth: 'none', tags, summary: 'A flash sale with stock left and server time (for the countdown)',
    params: IdParams, response: FlashSale,
    handler: async ({ params }) => promotions.flashSale(params.id),
  });
  router.add({
    method: 'POST', url: '/api/v1/shop/flash-sales/:id/cancel', auth: 'user', tags, summary: 'Cancel my flash sale; unsold units return to the variant',
    params: IdParams, response: FlashSale,
    handler: async ({ user, params }) => promotions.cancelFlashSale(user.id, params.id),
  });
  router.add({
    method: 'GET', url: '/api/v1/shop/seller/flash-sales', auth: 'user', tags, summary: 'My flash sales, newest first',
    query: PageQuery, response: page(FlashSale),
    handler: async ({ user, query }) => promotions.sellerFlashSales(user.id, query.cursor, query.limit),
  });

  // ---------------------------------------------------------------- insights
  router.add({
    method: 'GET', url: '/api/v1/shop/insights', auth: 'user', tags, summary: 'My shop dashboard: funnel per surface, followers vs not, top products, daily series',
    query: InsightsQuery, response: Insights,
    handler: async ({ user, query }) => insights.dashboard(user.id, query),
  });
}

/**
 * `POST /api/v1/payments/webhooks/:provider`. Registered outside the Router because the
 * signature covers the exact bytes sent: this scope keeps the body as a string instead of
 * parsing JSON, and the provider verifies it before anything is read.
 */
export async function registerPaymentWebhooks(http: FastifyInstance, shop: ShopService): Promise<void> {
  await http.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post('/api/v1/payments/webhooks/:provider', async (req, reply) => {
      const params = z.strictObject({ provider: text().regex(/^[a-z0-9_-]{1,30}$/) }).safeParse(req.params);
      if (!params.success) throw new AppError('not_found', 'Unknown payment provider');
      const raw = typeof req.body === 'string' ? req.body : '';
      const result = await shop.orders.webhook(params.data.provider, raw, req.headers);
      return reply.code(200).send(result);
    });
  });
}
