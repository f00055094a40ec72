import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { api, text } from '@tremolo/protocol';
import { AppError } from '../../platform/errors.ts';
import type { Router } from '../../platform/http/route.ts';
import { readUpload } from '../../platform/http/upload.ts';
import type { ShopService } from './service.ts';

/** The shop's HTTP API, as declared in `api.shop`. Handlers only translate; rules live in the services. */
export function registerShopRoutes(router: Router, shop: ShopService): void {
  const { catalog, checkout, orders, promotions, insights } = shop;
  const s = api.shop;

  // ---------------------------------------------------------------- shop and products
  router.implement(s.upsertShop, async ({ user, body }) => catalog.upsertShop(user.id, body));
  router.implement(s.shopOf, async ({ params }) => catalog.shopOf(params.handle));
  router.implement(s.sellerProducts, async ({ params, query }) => catalog.sellerProducts(params.handle, query.cursor, query.limit));
  router.implement(s.createProduct, async ({ user, body }) => catalog.createProduct(user.id, body));
  router.implement(s.product, async ({ user, params }) => catalog.product(user?.id ?? null, params.id));
  router.implement(s.updateProduct, async ({ user, params, body }) => catalog.updateProduct(user.id, params.id, body));
  router.implement(s.publishProduct, async ({ user, params }) => catalog.setStatus(user.id, params.id, 'published'));
  router.implement(s.unpublishProduct, async ({ user, params }) => catalog.setStatus(user.id, params.id, 'unpublished'));
  router.implement(s.addVariant, async ({ user, params, body }) => catalog.addVariant(user.id, params.id, body));
  router.implement(s.updateVariant, async ({ user, params, body }) => catalog.updateVariant(user.id, params.id, params.variantId, body));
  router.implement(s.addImage, async ({ user, params, req }) => {
    const { file } = await readUpload(req, { what: 'image', into: 'memory' });
    return catalog.addImage(user.id, params.id, file);
  });
  router.implement(s.removeImage, async ({ user, params }) => catalog.removeImage(user.id, params.id, params.imageId));
  router.implement(s.cards, async ({ query }) => ({ items: await catalog.cards(query.ids) }));
  router.implement(s.myProducts, async ({ user, query }) => catalog.myProducts(user.id, query.status, query.cursor, query.limit));
  router.implement(s.lowStock, async ({ user }) => ({ items: await catalog.lowStock(user.id) }));
  router.implement(s.recordTouches, async ({ user, body, req }) => ({
    recorded: await catalog.recordTouches({ userId: user?.id ?? null, ip: req.ip, userAgent: req.headers['user-agent'] ?? '' }, body),
  }));

  // ---------------------------------------------------------------- addresses
  router.implement(s.addresses, async ({ user }) => ({ items: await checkout.addresses(user.id) }));
  router.implement(s.addAddress, async ({ user, body }) => checkout.addAddress(user.id, body));
  router.implement(s.updateAddress, async ({ user, params, body }) => checkout.updateAddress(user.id, params.id, body));
  router.implement(s.deleteAddress, async ({ user, params }) => {
    await checkout.deleteAddress(user.id, params.id);
    return { ok: true as const };
  });

  // ---------------------------------------------------------------- cart and checkout
  router.implement(s.cart, async ({ user }) => checkout.cart(user.id));
  router.implement(s.setCartItem, async ({ user, params, body }) =>
    checkout.setCartItem(user.id, params.variantId, body.quantity, body.touch),
  );
  router.implement(s.removeCartItem, async ({ user, params }) => checkout.removeCartItem(user.id, params.variantId));
  router.implement(s.checkoutPreview, async ({ user, body }) => checkout.preview(user.id, body));
  router.implement(s.checkout, async ({ user, body }) => checkout.checkout(user.id, body));
  router.implement(s.flashCheckout, async ({ user, params, body }) => checkout.flashCheckout(user.id, params.id, body));

  // ---------------------------------------------------------------- orders
  router.implement(s.orders, async ({ user, query }) => orders.list(user.id, 'buyer', query.status, query.cursor, query.limit));
  router.implement(s.sellerOrders, async ({ user, query }) => orders.list(user.id, 'seller', query.status, query.cursor, query.limit));
  router.implement(s.order, async ({ user, params }) => orders.get(user.id, params.id));
  router.implement(s.pay, async ({ user, params, body }) => orders.pay(user.id, params.id, body.paymentMethod, body.idempotencyKey));
  router.implement(s.cancelOrder, async ({ user, params, body }) => orders.act(user.id, params.id, 'cancel', { reason: body.reason }));
  router.implement(s.requestRefund, async ({ user, params, body }) =>
    orders.act(user.id, params.id, 'request_refund', { reason: body.reason }),
  );
  router.implement(s.rejectRefund, async ({ user, params, body }) =>
    orders.act(user.id, params.id, 'reject_refund', { reason: body.reason }),
  );
  router.implement(s.confirmOrder, async ({ user, params }) => orders.act(user.id, params.id, 'confirm'));
  router.implement(s.receiveOrder, async ({ user, params }) => orders.act(user.id, params.id, 'confirm_receipt'));
  router.implement(s.shipOrder, async ({ user, params, body }) =>
    orders.act(user.id, params.id, 'ship', { carrier: body.carrier, trackingNumber: body.trackingNumber }),
  );
  router.implement(s.refundOrder, async ({ user, params, body }) =>
    orders.act(user.id, params.id, 'refund', { restock: body.restock, reason: body.reason }),
  );

  // ---------------------------------------------------------------- coupons
  router.implement(s.createCoupon, async ({ user, body }) => promotions.createCoupon(user.id, body));
  router.implement(s.sellerCoupons, async ({ user, query }) => promotions.sellerCoupons(user.id, query.cursor, query.limit));
  router.implement(s.stopCoupon, async ({ user, params }) => promotions.stopCoupon(user.id, params.id));
  router.implement(s.shopCoupons, async ({ user, params }) => ({ items: await promotions.shopCoupons(params.handle, user?.id ?? null) }));
  router.implement(s.claimCoupon, async ({ user, params }) => promotions.claim(user.id, params.id));
  router.implement(s.myCoupons, async ({ user, query }) => promotions.myCoupons(user.id, query));

  // ---------------------------------------------------------------- flash sales
  router.implement(s.createFlashSale, async ({ user, body }) => promotions.createFlashSale(user.id, body));
  router.implement(s.flashSale, async ({ params }) => promotions.flashSale(params.id));
  router.implement(s.cancelFlashSale, async ({ user, params }) => promotions.cancelFlashSale(user.id, params.id));
  router.implement(s.sellerFlashSales, async ({ user, query }) => promotions.sellerFlashSales(user.id, query.cursor, query.limit));

  // ---------------------------------------------------------------- insights
  router.implement(s.insights, async ({ user, query }) => insights.dashboard(user.id, query));
}

/**
 * `POST /api/v1/payments/webhooks/:provider`. Registered outside the Router, and so outside the
 * declared contract (`api.shop`), because the signature covers the exact bytes sent: this scope
 * keeps the body as a string instead of parsing JSON, and the provider verifies it before
 * anything is read.
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
