import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { eq } from 'drizzle-orm';
import { api, type FlashSale, type Product, type ProductCard } from '@tremolo/protocol';
import { startTestApp, TestUser, type TestApp } from '../../test/harness.ts';
import { signPayload, SIGNATURE_HEADER, TEST_CARDS, type TestPaymentProvider } from './payments/test-provider.ts';
import { payments } from './tables.ts';
import { buyer, buyNow, buyOffContract, flashSale, key, pay, product, seller, waitFor } from './fixtures.ts';

process.env.PAYMENT_TEST_ASYNC_DELAY_MS = '150';
process.env.SHOP_SWEEP_INTERVAL_MS = '0';

let t: TestApp;
before(async () => (t = await startTestApp()));
after(async () => t.close());

type Err = { error: { code: string; message: string } };
const shop = () => t.app.services.shop;
const provider = () => shop().provider('test') as TestPaymentProvider;

function multipart(bytes: Buffer, type = 'image/png') {
  const boundary = '----shop' + Math.random().toString(16).slice(2);
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\nContent-Type: ${type}\r\n\r\n`,
  );
  return {
    payload: Buffer.concat([head, bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

async function variantStock(productId: string, sku: string): Promise<number> {
  const p = await t.app.http.inject({ method: 'GET', url: `/api/v1/shop/products/${productId}` });
  return (JSON.parse(p.body) as Product).variants.find((v) => v.sku === sku)!.stock;
}

describe('catalog', () => {
  test('create, publish, read, showcase on the card, product cards', async () => {
    const s = await seller(t);
    const draft = await product(
      s,
      [
        { sku: 'A-1', price: 1500, stock: 3 },
        { sku: 'A-2', price: 2500, stock: 0 },
      ],
      false,
    );
    assert.equal(draft.status, 'draft');
    assert.equal(
      (await t.app.http.inject({ method: 'GET', url: `/api/v1/shop/products/${draft.id}` })).statusCode,
      404,
      'drafts are private',
    );
    assert.equal((await s.invoke(api.shop.product, { params: { id: draft.id } })).status, 200);
    const card0 = await s.call<{ sections: { kind: string }[] }>('GET', `/api/v1/users/${s.handle}`);
    assert.ok(!card0.body.sections.some((x) => x.kind === 'showcase'), 'no showcase without published products');
    const pub = await s.invoke(api.shop.publishProduct, { params: { id: draft.id } });
    assert.equal(pub.body.status, 'published');
    assert.deepEqual(pub.body.card.price, { min: 1500, max: 2500, currency: 'CNY' });
    assert.equal(pub.body.card.stock, 3);
    const card = await t.app.http.inject({ method: 'GET', url: `/api/v1/users/${s.handle}` });
    const sections = (JSON.parse(card.body) as { sections: { kind: string; products?: ProductCard[]; total?: number }[] }).sections;
    const showcase = sections.find((x) => x.kind === 'showcase');
    assert.equal(showcase?.products?.[0]?.id, draft.id);
    assert.equal(showcase?.total, 1);
    const cards = await t.app.http.inject({
      method: 'GET',
      url: `/api/v1/shop/cards?ids=${draft.id},00000000-0000-7000-8000-000000000000`,
    });
    assert.deepEqual(
      (JSON.parse(cards.body) as { items: ProductCard[] }).items.map((c) => c.id),
      [draft.id],
    );
    const list = await t.app.http.inject({ method: 'GET', url: `/api/v1/shop/sellers/${s.handle}/products` });
    assert.equal((JSON.parse(list.body) as { items: ProductCard[] }).items.length, 1);
    const unpub = await s.invoke(api.shop.unpublishProduct, { params: { id: draft.id } });
    assert.equal(unpub.body.status, 'unpublished');
    assert.equal((await t.app.http.inject({ method: 'GET', url: `/api/v1/shop/products/${draft.id}` })).statusCode, 404);
  });

  test('bad products are refused with a code and nothing is created', async () => {
    const s = await seller(t);
    const bad: [string, unknown][] = [
      ['negative price', { title: 'x', variants: [{ sku: 'a', price: -1, stock: 1 }] }],
      ['fractional price', { title: 'x', variants: [{ sku: 'a', price: 9.99, stock: 1 }] }],
      ['fractional stock', { title: 'x', variants: [{ sku: 'a', price: 100, stock: 1.5 }] }],
      ['negative stock', { title: 'x', variants: [{ sku: 'a', price: 100, stock: -3 }] }],
      ['no variants', { title: 'x', variants: [] }],
      ['price as string', { title: 'x', variants: [{ sku: 'a', price: '100', stock: 1 }] }],
      ['unknown field', { title: 'x', variants: [{ sku: 'a', price: 100, stock: 1 }], isFeatured: true }],
      [
        'duplicate sku',
        {
          title: 'x',
          variants: [
            { sku: 'a', price: 100, stock: 1 },
            { sku: 'a', price: 200, stock: 1 },
          ],
        },
      ],
    ];
    for (const [name, body] of bad) {
      const r = await s.call<Err>('POST', '/api/v1/shop/products', body);
      assert.equal(r.status, 400, name);
      assert.equal(r.body.error.code, 'validation_failed', name);
    }
    const mine = await s.invoke(api.shop.myProducts);
    assert.equal(mine.body.items.length, 0);
  });

  test('only the owner edits; stock moves by deltas and never below zero; low-stock warnings', async () => {
    const s = await seller(t);
    const other = await seller(t);
    const p = await product(s, [{ sku: 'B-1', price: 1000, stock: 8 }]);
    p.lowStockThreshold = 5;
    const v = p.variants[0]!;
    assert.equal((await other.invoke(api.shop.updateProduct, { params: { id: p.id }, body: { title: 'mine now' } })).status, 404);
    assert.equal(
      (await other.invoke(api.shop.updateVariant, { params: { id: p.id, variantId: v.id }, body: { stockDelta: 5 } })).status,
      404,
    );
    const below = await s.invoke(api.shop.updateVariant, { params: { id: p.id, variantId: v.id }, body: { stockDelta: -9 } });
    assert.equal(below.status, 422);
    assert.equal(await variantStock(p.id, 'B-1'), 8, 'nothing changed');
    const down = await s.invoke(api.shop.updateVariant, { params: { id: p.id, variantId: v.id }, body: { stockDelta: -4, price: 1200 } });
    assert.equal(down.body.variants[0]!.stock, 4);
    assert.equal(down.body.variants[0]!.price.amount, 1200);
    const low = await s.invoke(api.shop.lowStock);
    assert.deepEqual(
      low.body.items.map((i) => [i.sku, i.stock]),
      [['B-1', 4]],
    );
    const inbox = await s.call<{ items: { payload: { kind: string; sku?: string } }[] }>('GET', '/api/v1/notifications');
    assert.ok(inbox.body.items.some((n) => n.payload.kind === 'low_stock' && n.payload.sku === 'B-1'));
  });

  test('images are checked by content, resized, listed and removed', async () => {
    const s = await seller(t);
    const p = await product(s);
    const png = await sharp({ create: { width: 2000, height: 1500, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer();
    const up = multipart(png);
    const r = await t.app.http.inject({
      method: 'POST',
      url: `/api/v1/shop/products/${p.id}/images`,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': up.contentType },
      payload: up.payload,
    });
    assert.equal(r.statusCode, 201, r.body);
    const img = (JSON.parse(r.body) as Product).images[0]!;
    assert.deepEqual([img.width, img.height], [1280, 960]);
    const thumb = await t.app.http.inject({ method: 'GET', url: img.thumbUrl });
    const meta = await sharp(thumb.rawPayload).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 400, 400]);
    const fake = multipart(Buffer.from('<?php echo 1; ?>'));
    const bad = await t.app.http.inject({
      method: 'POST',
      url: `/api/v1/shop/products/${p.id}/images`,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': fake.contentType },
      payload: fake.payload,
    });
    assert.equal(bad.statusCode, 415);
    const tiny = multipart(
      await sharp({ create: { width: 50, height: 50, channels: 3, background: '#000' } })
        .png()
        .toBuffer(),
    );
    const small = await t.app.http.inject({
      method: 'POST',
      url: `/api/v1/shop/products/${p.id}/images`,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': tiny.contentType },
      payload: tiny.payload,
    });
    assert.equal(small.statusCode, 422);
    const del = await s.invoke(api.shop.removeImage, { params: { id: p.id, imageId: img.id } });
    assert.equal(del.body.images.length, 0);
  });
});

describe('rate limits', () => {
  test('checkouts per person per minute are limited', async () => {
    process.env.SHOP_CHECKOUTS_PER_USER_PER_MIN = '3';
    const limited = await startTestApp();
    delete process.env.SHOP_CHECKOUTS_PER_USER_PER_MIN;
    try {
      const s = await seller(limited);
      const p = await product(s, [{ sku: 'RL-1', price: 1000, stock: 50 }]);
      const b = await buyer(limited);
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await buyNow(b, s.id, p.variants[0]!.id)).status);
      assert.deepEqual(codes, [201, 201, 201, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('the remaining routes', () => {
  test('shop profile, variants, addresses, cart removal, coupon stop and listing, seller flash sales', async () => {
    const s = await seller(t);
    const shopPage = await t.app.http.inject({ method: 'GET', url: `/api/v1/shop/sellers/${s.handle}` });
    assert.equal(shopPage.statusCode, 200);
    assert.equal(JSON.parse(shopPage.body).currency, 'CNY');
    assert.equal((await t.app.http.inject({ method: 'GET', url: '/api/v1/shop/sellers/nobody_at_all' })).statusCode, 404);
    const p = await product(s, [{ sku: 'V-1', price: 1000, stock: 5 }]);
    const currency = await s.invoke(api.shop.upsertShop, { body: { name: 'x', currency: 'USD' } });
    assert.equal(currency.error?.code, 'invalid_state', 'currency is fixed once products exist');
    const added = await s.invoke(api.shop.addVariant, {
      params: { id: p.id },
      body: { sku: 'V-2', options: { size: 'L' }, price: 1100, stock: 2 },
    });
    assert.equal(added.status, 201);
    assert.deepEqual(added.body.variants.map((v) => v.sku).sort(), ['V-1', 'V-2']);
    assert.equal(
      (await s.invoke(api.shop.addVariant, { params: { id: p.id }, body: { sku: 'V-2', price: 1100, stock: 2 } })).error?.code,
      'conflict',
    );

    const b = await buyer(t);
    const other = await buyer(t);
    const second = await b.user.invoke(api.shop.addAddress, {
      body: { name: 'Work', phone: '021 555 0100', line1: '2 Office St', city: 'Beijing', isDefault: true },
    });
    const list = await b.user.invoke(api.shop.addresses);
    assert.deepEqual(
      list.body.items.map((a) => [a.id, a.isDefault]),
      [
        [second.body.id, true],
        [b.address.id, false],
      ],
    );
    assert.equal(
      (await other.user.invoke(api.shop.updateAddress, { params: { id: second.body.id }, body: { city: 'Xi’an' } })).status,
      404,
    );
    assert.equal((await other.user.invoke(api.shop.deleteAddress, { params: { id: second.body.id } })).status, 404);
    const edited = await b.user.invoke(api.shop.updateAddress, { params: { id: second.body.id }, body: { city: 'Tianjin' } });
    assert.equal(edited.body.city, 'Tianjin');
    assert.equal(
      (await b.user.invoke(api.shop.updateAddress, { params: { id: second.body.id }, body: { phone: 'call me maybe' } })).status,
      400,
    );
    assert.equal((await b.user.invoke(api.shop.deleteAddress, { params: { id: second.body.id } })).status, 200);

    await b.user.invoke(api.shop.setCartItem, { params: { variantId: p.variants[0]!.id }, body: { quantity: 1 } });
    const emptied = await b.user.invoke(api.shop.removeCartItem, { params: { variantId: p.variants[0]!.id } });
    assert.deepEqual(emptied.body.carts, []);

    const window = { startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString() };
    const c = await s.invoke(api.shop.createCoupon, {
      body: { title: 'stop me', discount: { kind: 'percent', percentOff: 5 }, totalQuantity: 10, ...window },
    });
    const seen = await b.user.invoke(api.shop.shopCoupons, { params: { handle: s.handle } });
    assert.deepEqual(
      seen.body.items.map((x) => [x.id, x.viewer?.canClaim]),
      [[c.body.id, true]],
    );
    assert.equal((await b.user.invoke(api.shop.stopCoupon, { params: { id: c.body.id } })).status, 404, 'only the seller stops it');
    const stopped = await s.invoke(api.shop.stopCoupon, { params: { id: c.body.id } });
    assert.equal(stopped.body.status, 'stopped');
    assert.equal((await b.user.invoke(api.shop.claimCoupon, { params: { id: c.body.id } })).error?.code, 'coupon_unavailable');
    const badCoupon = await s.invoke(api.shop.createCoupon, {
      body: { title: 'bad', discount: { kind: 'percent', percentOff: 150 }, totalQuantity: 10, ...window },
    });
    assert.equal(badCoupon.status, 400);
    const backwards = await s.invoke(api.shop.createCoupon, {
      body: {
        title: 'bad',
        discount: { kind: 'amount', amountOff: 100 },
        totalQuantity: 10,
        startsAt: window.endsAt,
        endsAt: window.startsAt,
      },
    });
    assert.equal(backwards.status, 400);

    const sale = await flashSale(s, p.variants[0]!.id, 2);
    const sales = await s.invoke(api.shop.sellerFlashSales);
    assert.deepEqual(
      sales.body.items.map((x) => x.id),
      [sale.id],
    );
    assert.equal((await b.user.invoke(api.shop.cancelFlashSale, { params: { id: sale.id } })).status, 404);
  });
});

describe('cart and checkout', () => {
  test('cart per seller, checked against stock; checkout from the cart holds the units', async () => {
    const s1 = await seller(t);
    const s2 = await seller(t);
    const p1 = await product(s1, [{ sku: 'C-1', price: 1000, stock: 3 }]);
    const p2 = await product(s2, [{ sku: 'D-1', price: 500, stock: 9 }]);
    const b = await buyer(t);
    const tooMany = await b.user.invoke(api.shop.setCartItem, { params: { variantId: p1.variants[0]!.id }, body: { quantity: 4 } });
    assert.equal(tooMany.status, 409);
    assert.equal(tooMany.error?.code, 'out_of_stock');
    for (const q of [0, -1, 1.5, '2'])
      assert.equal(
        (await b.user.call('PUT', `/api/v1/shop/cart/items/${p1.variants[0]!.id}`, { quantity: q })).status,
        400,
        `quantity ${q}`,
      );
    await b.user.invoke(api.shop.setCartItem, {
      params: { variantId: p1.variants[0]!.id },
      body: { quantity: 2, touch: { surface: 'video', surfaceId: 'vid1' } },
    });
    const cart = await b.user.invoke(api.shop.setCartItem, { params: { variantId: p2.variants[0]!.id }, body: { quantity: 3 } });
    assert.deepEqual(
      cart.body.carts.map((c) => [c.seller.id, c.subtotal.amount]).sort(),
      [
        [s1.id, 2000],
        [s2.id, 1500],
      ].sort(),
    );
    const r = await b.user.invoke(api.shop.checkout, { body: { sellerId: s1.id, addressId: b.address.id, idempotencyKey: key() } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.status, 'pending_payment');
    assert.equal(r.body.total, 2000);
    assert.ok(r.body.paymentDueAt);
    assert.equal(r.body.attribution.lastTouch?.surface, 'video');
    assert.equal(await variantStock(p1.id, 'C-1'), 1);
    const after = await b.user.invoke(api.shop.cart);
    assert.deepEqual(
      after.body.carts.map((c) => c.seller.id),
      [s2.id],
      "only the checked-out seller's cart is emptied",
    );
  });

  test('a retry with the same key returns the same order; a different request with it is refused', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'E-1', price: 700, stock: 5 }]);
    const b = await buyer(t);
    const body = { sellerId: s.id, items: [{ variantId: p.variants[0]!.id, quantity: 1 }], addressId: b.address.id, idempotencyKey: key() };
    const first = await b.user.invoke(api.shop.checkout, { body });
    const again = await b.user.invoke(api.shop.checkout, { body });
    assert.equal(again.status, 201);
    assert.equal(again.body.id, first.body.id);
    const changed = await b.user.invoke(api.shop.checkout, { body: { ...body, items: [{ variantId: p.variants[0]!.id, quantity: 2 }] } });
    assert.equal(changed.status, 422);
    assert.equal(changed.error?.code, 'idempotency_mismatch');
    assert.equal(await variantStock(p.id, 'E-1'), 4, 'one unit held, once');
  });

  test('bad checkouts: unknown variant, other shop, own shop, not my address, bad quantities', async () => {
    const s = await seller(t);
    const other = await seller(t);
    const p = await product(s, [{ sku: 'F-1', price: 700, stock: 5 }]);
    const q = await product(other, [{ sku: 'G-1', price: 700, stock: 5 }]);
    const b = await buyer(t);
    const b2 = await buyer(t);
    const v = p.variants[0]!.id;
    const refusal = (r: Promise<{ status: number; error?: { code: string } | undefined }>) =>
      r.then((x) => ({ status: x.status, code: x.error?.code }));
    const raw = (r: Promise<{ status: number; body: { error: { code: string } } }>) =>
      r.then((x) => ({ status: x.status, code: x.body.error?.code }));
    const cases: [string, Promise<{ status: number; code: string | undefined }>, number, string][] = [
      ['unknown variant', refusal(buyNow(b, s.id, '00000000-0000-7000-8000-000000000000')), 404, 'not_found'],
      ['other shop', refusal(buyNow(b, s.id, q.variants[0]!.id)), 400, 'validation_failed'],
      ['too many', refusal(buyNow(b, s.id, v, 6)), 409, 'out_of_stock'],
      ['zero', refusal(buyNow(b, s.id, v, 0)), 400, 'validation_failed'],
      ['negative', refusal(buyNow(b, s.id, v, -1)), 400, 'validation_failed'],
      ['fraction', refusal(buyNow(b, s.id, v, 0.5)), 400, 'validation_failed'],
      ['not my address', refusal(buyNow({ user: b.user, address: b2.address }, s.id, v)), 404, 'not_found'],
      ['unknown field', raw(buyOffContract(b, s.id, v, { price: 1 })), 400, 'validation_failed'],
      ['no key', raw(buyOffContract(b, s.id, v, { idempotencyKey: undefined })), 400, 'validation_failed'],
    ];
    for (const [name, call, status, code] of cases) assert.deepEqual(await call, { status, code }, name);
    const myAddress = await s.invoke(api.shop.addAddress, { body: { name: 'S', phone: '12345678', line1: 'x', city: 'y' } });
    const self = await s.invoke(api.shop.checkout, {
      body: { sellerId: s.id, items: [{ variantId: v, quantity: 1 }], addressId: myAddress.body.id, idempotencyKey: key() },
    });
    assert.equal(self.status, 400, 'no buying from your own shop');
    assert.equal(await variantStock(p.id, 'F-1'), 5, 'nothing was held');
    const orders = await b.user.invoke(api.shop.orders);
    assert.equal(orders.body.items.length, 0);
  });
});

describe('coupons', () => {
  test('claim, limits, best coupon chosen automatically, released on cancel', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'H-1', price: 5000, stock: 20 }]);
    const now = Date.now();
    const window = { startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 86_400_000).toISOString() };
    const amount = await s.invoke(api.shop.createCoupon, {
      body: {
        title: '10 off 50',
        discount: { kind: 'amount', amountOff: 1000 },
        minSpend: 5000,
        totalQuantity: 2,
        perUserLimit: 1,
        ...window,
      },
    });
    assert.equal(amount.status, 201, JSON.stringify(amount.body));
    const pct = await s.invoke(api.shop.createCoupon, {
      body: { title: '15%', discount: { kind: 'percent', percentOff: 15 }, totalQuantity: 10, perUserLimit: 2, ...window },
    });
    const b = await buyer(t);
    const c1 = await b.user.invoke(api.shop.claimCoupon, { params: { id: amount.body.id } });
    assert.equal(c1.status, 201);
    const twice = await b.user.invoke(api.shop.claimCoupon, { params: { id: amount.body.id } });
    assert.equal(twice.status, 409);
    assert.equal(twice.error?.code, 'limit_reached');
    await b.user.invoke(api.shop.claimCoupon, { params: { id: pct.body.id } });
    // One unit: 5000 → amount gives 1000, percent gives 750; two units: 10000 → 1000 vs 1500.
    const one = await b.user.invoke(api.shop.checkoutPreview, {
      body: { sellerId: s.id, items: [{ variantId: p.variants[0]!.id, quantity: 1 }] },
    });
    assert.equal(one.body.discount, 1000);
    assert.equal(one.body.selectedClaimId, c1.body.id);
    assert.equal(one.body.coupons.length, 2);
    const two = await b.user.invoke(api.shop.checkoutPreview, {
      body: { sellerId: s.id, items: [{ variantId: p.variants[0]!.id, quantity: 2 }] },
    });
    assert.equal(two.body.discount, 1500);
    const none = await b.user.invoke(api.shop.checkoutPreview, {
      body: { sellerId: s.id, items: [{ variantId: p.variants[0]!.id, quantity: 2 }], couponClaimId: null },
    });
    assert.equal(none.body.discount, 0);
    const order = await buyNow(b, s.id, p.variants[0]!.id, 1);
    assert.equal(order.body.discount, 1000);
    assert.equal(order.body.total, 4000);
    const mine = await b.user.invoke(api.shop.myCoupons);
    assert.equal(mine.body.items.find((c) => c.id === c1.body.id)?.status, 'reserved');
    const cancelled = await b.user.invoke(api.shop.cancelOrder, { params: { id: order.body.id }, body: { reason: 'changed my mind' } });
    assert.equal(cancelled.body.status, 'cancelled');
    const back = await b.user.invoke(api.shop.myCoupons, { query: { status: 'available' } });
    assert.ok(
      back.body.items.some((c) => c.id === c1.body.id),
      'the coupon came back',
    );
    // Total quantity: the second claim of the two-coupon batch succeeds, the third is refused.
    const b2 = await buyer(t);
    const b3 = await buyer(t);
    assert.equal((await b2.user.invoke(api.shop.claimCoupon, { params: { id: amount.body.id } })).status, 201);
    const gone = await b3.user.invoke(api.shop.claimCoupon, { params: { id: amount.body.id } });
    assert.equal(gone.status, 422);
    assert.equal(gone.error?.code, 'coupon_unavailable');
  });

  test('a coupon from another shop, an expired one and a followers-only one are refused', async () => {
    const s = await seller(t);
    const other = await seller(t);
    const p = await product(s, [{ sku: 'I-1', price: 5000, stock: 20 }]);
    const now = Date.now();
    const window = { startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 3_600_000).toISOString() };
    const foreign = await other.invoke(api.shop.createCoupon, {
      body: { title: 'other', discount: { kind: 'amount', amountOff: 100 }, totalQuantity: 5, ...window },
    });
    const fans = await s.invoke(api.shop.createCoupon, {
      body: { title: 'fans', discount: { kind: 'amount', amountOff: 100 }, totalQuantity: 5, audience: { kind: 'followers' }, ...window },
    });
    const b = await buyer(t);
    const claimForeign = await b.user.invoke(api.shop.claimCoupon, { params: { id: foreign.body.id } });
    const r = await buyNow(b, s.id, p.variants[0]!.id, 1, { couponClaimId: claimForeign.body.id });
    assert.equal(r.status, 422);
    assert.equal(r.error?.code, 'coupon_unavailable');
    const notFan = await b.user.invoke(api.shop.claimCoupon, { params: { id: fans.body.id } });
    assert.equal(notFan.error?.code, 'coupon_unavailable');
    await b.user.call('PUT', `/api/v1/users/${s.handle}/follow`);
    const fan = await b.user.invoke(api.shop.claimCoupon, { params: { id: fans.body.id } });
    assert.equal(fan.status, 201);
    shop().advanceClock(2 * 3_600_000);
    try {
      const expired = await buyNow(b, s.id, p.variants[0]!.id, 1, { couponClaimId: fan.body.id });
      assert.equal(expired.status, 422);
      assert.equal(expired.error?.code, 'coupon_unavailable');
      const wallet = await b.user.invoke(api.shop.myCoupons, { query: { status: 'expired' } });
      assert.ok(wallet.body.items.some((c) => c.id === fan.body.id));
    } finally {
      shop().advanceClock(-2 * 3_600_000);
    }
    assert.equal(await variantStock(p.id, 'I-1'), 20);
  });
});

describe('orders and payments', () => {
  test('pay, capture once, pay again refused, retry replays, strangers cannot pay', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'J-1', price: 3300, stock: 5 }]);
    const b = await buyer(t);
    const stranger = await buyer(t);
    const o = await buyNow(b, s.id, p.variants[0]!.id, 2);
    const strangerPay = await pay(stranger.user, o.body.id);
    assert.equal(strangerPay.status, 404);
    const k = key('pay');
    const r = await pay(b.user, o.body.id, TEST_CARDS.success, k);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.order.status, 'paid');
    const got = await b.user.invoke(api.shop.order, { params: { id: o.body.id } });
    assert.equal(got.body.payment?.status, 'captured');
    assert.equal(provider().ledger(o.body.id).captured, 6600);
    const replay = await pay(b.user, o.body.id, TEST_CARDS.success, k);
    assert.equal(replay.status, 200);
    assert.equal(replay.body.payment.status, r.body.payment.status);
    const twice = await pay(b.user, o.body.id);
    assert.equal(twice.status, 409);
    assert.equal(twice.error?.code, 'invalid_state');
    assert.equal(provider().ledger(o.body.id).captured, 6600, 'captured once');
    assert.equal(provider().doubleCaptures(), 0);
    assert.equal((await stranger.user.invoke(api.shop.order, { params: { id: o.body.id } })).status, 404);
    const sellerView = await s.invoke(api.shop.sellerOrders, { query: { status: 'paid' } });
    assert.deepEqual(
      sellerView.body.items.map((x) => x.id),
      [o.body.id],
    );
  });

  test('a declined card changes nothing and the buyer can pay with another', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'K-1', price: 1000, stock: 5 }]);
    const b = await buyer(t);
    const o = await buyNow(b, s.id, p.variants[0]!.id);
    const d = await pay(b.user, o.body.id, TEST_CARDS.declined);
    assert.equal(d.status, 402);
    assert.equal(d.error?.code, 'payment_declined');
    // The buyer reads the message as it is: words, not the provider's code.
    assert.equal(d.error?.message, 'The card was declined; nothing was charged');
    const still = await b.user.invoke(api.shop.order, { params: { id: o.body.id } });
    assert.equal(still.body.status, 'pending_payment');
    assert.equal(still.body.payment?.status, 'failed');
    const ok = await pay(b.user, o.body.id);
    assert.equal(ok.body.order.status, 'paid');
  });

  test('asynchronous confirmation arrives by signed webhook and is pushed live; forged webhooks are refused', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'L-1', price: 1000, stock: 5 }]);
    const b = await buyer(t);
    const ws = await b.user.socket();
    ws.send({ t: 'sub', ch: `user:${b.user.id}` });
    await ws.next((f) => f.t === 'subbed');
    const o = await buyNow(b, s.id, p.variants[0]!.id);
    const forged = await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/payments/webhooks/test',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signPayload('not the secret', '{}') },
      payload: '{}',
    });
    assert.equal(forged.statusCode, 400);
    assert.equal(JSON.parse(forged.body).error.code, 'signature_invalid');
    const unsigned = await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/payments/webhooks/test',
      headers: { 'content-type': 'application/json' },
      payload: '{"type":"payment.authorized"}',
    });
    assert.equal(unsigned.statusCode, 400);
    const r = await pay(b.user, o.body.id, TEST_CARDS.asyncSuccess);
    assert.equal(r.status, 200);
    assert.equal(r.body.payment.status, 'processing');
    assert.equal(r.body.order.status, 'pending_payment');
    // Replaying a captured event with a forged amount is refused before anything changes.
    const paid = await waitFor(
      () => b.user.invoke(api.shop.order, { params: { id: o.body.id } }),
      (x) => x.body.payment?.status === 'captured',
    );
    assert.equal(paid.body.status, 'paid');
    const live = await ws.next(
      (f) => f.t === 'ev' && f.body.kind === 'order' && f.body.order.id === o.body.id && f.body.order.status === 'paid',
    );
    assert.ok(live);
    ws.close();
    const failing = await buyNow(b, s.id, p.variants[0]!.id);
    await pay(b.user, failing.body.id, TEST_CARDS.asyncFailure);
    const failed = await waitFor(
      () => b.user.invoke(api.shop.order, { params: { id: failing.body.id } }),
      (x) => x.body.payment?.status === 'failed',
    );
    assert.equal(failed.body.payment?.status, 'failed');
    assert.equal(failed.body.status, 'pending_payment');
  });

  test('ship, receive, refund request, decline, refund with restock; only the right party acts', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'M-1', price: 2000, stock: 5 }]);
    const b = await buyer(t);
    const o = await buyNow(b, s.id, p.variants[0]!.id, 2);
    await pay(b.user, o.body.id);
    assert.equal(
      (await b.user.invoke(api.shop.shipOrder, { params: { id: o.body.id }, body: { carrier: 'SF', trackingNumber: 'SF123456' } })).status,
      403,
    );
    const early = await b.user.invoke(api.shop.requestRefund, { params: { id: o.body.id }, body: { reason: 'x' } });
    assert.equal(early.error?.code, 'invalid_state');
    assert.equal((await s.invoke(api.shop.confirmOrder, { params: { id: o.body.id } })).body.confirmedAt !== null, true);
    const badShip = await s.invoke(api.shop.shipOrder, { params: { id: o.body.id }, body: { carrier: 'SF', trackingNumber: '<script>' } });
    assert.equal(badShip.status, 400);
    const shipped = await s.invoke(api.shop.shipOrder, { params: { id: o.body.id }, body: { carrier: 'SF', trackingNumber: 'SF123456' } });
    assert.equal(shipped.body.status, 'shipped');
    assert.equal(shipped.body.shipment?.trackingNumber, 'SF123456');
    assert.equal(
      (await b.user.invoke(api.shop.cancelOrder, { params: { id: o.body.id }, body: {} })).error?.code,
      'invalid_state',
      'no cancelling after shipping',
    );
    const inbox = await b.user.call<{ items: { payload: { kind: string; status?: string } }[] }>('GET', '/api/v1/notifications');
    assert.ok(inbox.body.items.some((n) => n.payload.kind === 'order' && n.payload.status === 'shipped'));
    assert.equal((await b.user.invoke(api.shop.receiveOrder, { params: { id: o.body.id } })).body.status, 'delivered');
    assert.equal(
      (await b.user.invoke(api.shop.requestRefund, { params: { id: o.body.id }, body: { reason: 'too small' } })).body.status,
      'refund_requested',
    );
    assert.equal((await s.invoke(api.shop.rejectRefund, { params: { id: o.body.id }, body: { reason: 'worn' } })).body.status, 'delivered');
    await b.user.invoke(api.shop.requestRefund, { params: { id: o.body.id }, body: { reason: 'really too small' } });
    assert.equal(await variantStock(p.id, 'M-1'), 3);
    const refunded = await s.invoke(api.shop.refundOrder, { params: { id: o.body.id }, body: { restock: true } });
    assert.equal(refunded.body.status, 'refunded');
    assert.equal(refunded.body.payment?.status, 'refunded');
    assert.equal(provider().ledger(o.body.id).refunded, 4000);
    assert.equal(await variantStock(p.id, 'M-1'), 5, 'the returned goods are back in stock');
    const history = refunded.body.history.map((h) => h.status);
    assert.deepEqual(history, [
      'pending_payment',
      'paid',
      'paid',
      'shipped',
      'delivered',
      'refund_requested',
      'delivered',
      'refund_requested',
      'refunded',
    ]);
  });

  test('cancelling a paid order refunds it and returns the stock', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'N-1', price: 2000, stock: 5 }]);
    const b = await buyer(t);
    const o = await buyNow(b, s.id, p.variants[0]!.id, 1);
    await pay(b.user, o.body.id);
    const c = await b.user.invoke(api.shop.cancelOrder, { params: { id: o.body.id }, body: { reason: 'oops' } });
    assert.equal(c.body.status, 'cancelled');
    assert.equal(c.body.payment?.status, 'refunded');
    assert.equal(provider().ledger(o.body.id).refunded, 2000);
    assert.equal(await variantStock(p.id, 'N-1'), 5);
  });

  test('unpaid orders expire: units and coupon come back; a late authorization is voided', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'O-1', price: 2000, stock: 5 }]);
    const b = await buyer(t);
    const o = await buyNow(b, s.id, p.variants[0]!.id, 2);
    const o2 = await buyNow(b, s.id, p.variants[0]!.id, 1);
    assert.equal(await variantStock(p.id, 'O-1'), 2);
    shop().advanceClock(31 * 60_000);
    try {
      await shop().sweep();
      const expired = await b.user.invoke(api.shop.order, { params: { id: o.body.id } });
      assert.equal(expired.body.status, 'cancelled');
      assert.equal(await variantStock(p.id, 'O-1'), 5);
      const late = await pay(b.user, o2.body.id);
      assert.equal(late.status, 409, 'the window closed');
    } finally {
      shop().advanceClock(-31 * 60_000);
    }
    // A payment confirmed after its order expired: the hold is released, not kept.
    const o3 = await buyNow(b, s.id, p.variants[0]!.id, 1);
    const started = await pay(b.user, o3.body.id, TEST_CARDS.asyncSuccess);
    assert.equal(started.body.payment.status, 'processing');
    const cancelled = await b.user.invoke(api.shop.cancelOrder, { params: { id: o3.body.id }, body: {} });
    assert.equal(cancelled.body.status, 'cancelled');
    const final = await waitFor(
      () => b.user.invoke(api.shop.order, { params: { id: o3.body.id } }),
      (x) => x.body.payment?.status === 'voided',
    );
    assert.equal(final.body.payment?.status, 'voided');
    assert.deepEqual(provider().ledger(o3.body.id).statuses, ['voided']);
  });
});

describe('flash sales', () => {
  test('units come out of the variant, per-user limit, expiry returns the unit to the sale, leftovers return when it ends', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'P-1', price: 9900, stock: 10 }]);
    const v = p.variants[0]!.id;
    const notCheaper = await s.invoke(api.shop.createFlashSale, {
      body: {
        variantId: v,
        price: 9900,
        stock: 1,
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 600_000).toISOString(),
      },
    });
    assert.equal(notCheaper.status, 400);
    const tooMany = await s.invoke(api.shop.createFlashSale, {
      body: {
        variantId: v,
        price: 100,
        stock: 11,
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 600_000).toISOString(),
      },
    });
    assert.equal(tooMany.error?.code, 'out_of_stock');
    const sale = await flashSale(s, v, 3, { price: 990 });
    assert.equal(sale.status, 'live');
    assert.equal(await variantStock(p.id, 'P-1'), 7);
    const b = await buyer(t);
    const r = await b.user.invoke(api.shop.flashCheckout, {
      params: { id: sale.id },
      body: { addressId: b.address.id, idempotencyKey: key() },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.total, 990);
    assert.equal(r.body.flashSaleId, sale.id);
    const second = await b.user.invoke(api.shop.flashCheckout, {
      params: { id: sale.id },
      body: { addressId: b.address.id, idempotencyKey: key() },
    });
    assert.equal(second.status, 409);
    assert.equal(second.error?.code, 'limit_reached');
    const two = await b.user.invoke(api.shop.flashCheckout, {
      params: { id: sale.id },
      body: { addressId: b.address.id, quantity: 2, idempotencyKey: key() },
    });
    assert.equal(two.error?.code, 'limit_reached');
    let now = await t.app.http.inject({ method: 'GET', url: `/api/v1/shop/flash-sales/${sale.id}` });
    assert.equal((JSON.parse(now.body) as FlashSale).stockLeft, 2);
    shop().advanceClock(11 * 60_000);
    try {
      await shop().sweep();
    } finally {
      shop().advanceClock(-11 * 60_000);
    }
    now = await t.app.http.inject({ method: 'GET', url: `/api/v1/shop/flash-sales/${sale.id}` });
    assert.equal((JSON.parse(now.body) as FlashSale).stockLeft, 3, 'the unpaid unit went back to the sale');
    const again = await b.user.invoke(api.shop.flashCheckout, {
      params: { id: sale.id },
      body: { addressId: b.address.id, idempotencyKey: key() },
    });
    assert.equal(again.status, 201, 'the hold was released with the order');
    const cancelled = await s.invoke(api.shop.cancelFlashSale, { params: { id: sale.id } });
    assert.equal(cancelled.body.status, 'cancelled');
    assert.equal(await variantStock(p.id, 'P-1'), 9, 'two unsold units went back; one is held by the pending order');
    await b.user.invoke(api.shop.cancelOrder, { params: { id: again.body.id }, body: {} });
    assert.equal(await variantStock(p.id, 'P-1'), 10, 'after the sale, a released unit goes to the variant');
  });

  test('a sale that has not started refuses checkouts', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'Q-1', price: 9900, stock: 10 }]);
    const sale = await flashSale(s, p.variants[0]!.id, 2, { startsInMs: 3_600_000 });
    assert.equal(sale.status, 'upcoming');
    const b = await buyer(t);
    const r = await b.user.invoke(api.shop.flashCheckout, {
      params: { id: sale.id },
      body: { addressId: b.address.id, idempotencyKey: key() },
    });
    assert.equal(r.status, 409);
    assert.equal(r.error?.code, 'invalid_state');
    const card = await t.app.http.inject({ method: 'GET', url: `/api/v1/shop/products/${p.id}` });
    assert.equal((JSON.parse(card.body) as Product).card.flashSale?.status, 'upcoming');
  });
});

describe('live stock and webhooks', () => {
  test('flash-sale stock left is pushed on product:<id>', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'S-1', price: 9900, stock: 10 }]);
    const sale = await flashSale(s, p.variants[0]!.id, 5);
    const b = await buyer(t);
    const ws = await b.user.socket();
    ws.send({ t: 'sub', ch: `product:${p.id}` });
    await ws.next((f) => f.t === 'subbed');
    ws.send({ t: 'pub', ch: `product:${p.id}`, cid: 'x', body: { kind: 'reaction', emoji: '🔥' } });
    const refused = await ws.next((f) => f.t === 'err');
    assert.equal(refused.t === 'err' && refused.code, 'forbidden', 'only the server writes stock');
    await b.user.invoke(api.shop.flashCheckout, { params: { id: sale.id }, body: { addressId: b.address.id, idempotencyKey: key() } });
    const ev = await ws.next((f) => f.t === 'ev' && f.body.kind === 'stock');
    assert.ok(ev.t === 'ev' && ev.body.kind === 'stock' && ev.body.stockLeft === 4 && ev.body.flashSaleId === sale.id);
    ws.close();
  });

  test('webhooks: unknown provider, validly signed garbage, wrong amount, unknown reference', async () => {
    const secret = process.env.PAYMENT_WEBHOOK_SECRET || 'tremolo-dev-webhook-secret';
    const post = (url: string, body: string) =>
      t.app.http.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signPayload(secret, body) },
        payload: body,
      });
    assert.equal((await post('/api/v1/payments/webhooks/stripe', '{}')).statusCode, 404);
    const garbage = await post('/api/v1/payments/webhooks/test', '{"id": ');
    assert.equal(garbage.statusCode, 400);
    assert.equal(JSON.parse(garbage.body).error.code, 'malformed_json');
    const shape = await post('/api/v1/payments/webhooks/test', '{"id":"evt","type":"payment.refunded"}');
    assert.equal(shape.statusCode, 400);
    const old = '{"id":"evt_x","type":"payment.authorized","ref":"pi_x","amount":1,"currency":"CNY","reason":null}';
    const stale = await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/payments/webhooks/test',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signPayload(secret, old, Math.floor(Date.now() / 1000) - 3600) },
      payload: old,
    });
    assert.equal(JSON.parse(stale.body).error.code, 'signature_invalid', 'replayed an hour later');
    assert.equal((await post('/api/v1/payments/webhooks/test', old)).statusCode, 409, 'unknown reference: the provider retries');
    const s = await seller(t);
    const p = await product(s, [{ sku: 'T-1', price: 1000, stock: 5 }]);
    const b = await buyer(t);
    const o = await buyNow(b, s.id, p.variants[0]!.id);
    shop().provider('test');
    await pay(b.user, o.body.id, TEST_CARDS.asyncSuccess);
    const [row] = await t.app.database.db.select().from(payments).where(eq(payments.orderId, o.body.id));
    const forgedAmount = JSON.stringify({
      id: 'evt_y',
      type: 'payment.authorized',
      ref: row!.providerRef,
      amount: 1,
      currency: 'CNY',
      reason: null,
    });
    const wrong = await post('/api/v1/payments/webhooks/test', forgedAmount);
    assert.equal(wrong.statusCode, 422, 'a signed event whose amount does not match is refused');
    const paid = await waitFor(
      () => b.user.invoke(api.shop.order, { params: { id: o.body.id } }),
      (x) => x.body.status === 'paid',
    );
    assert.equal(paid.body.payment?.status, 'captured', 'the genuine event still lands');
  });
});

describe('insights and attribution', () => {
  test('touches older than the 7-day window do not count', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'U-1', price: 1000, stock: 5 }]);
    const b = await buyer(t);
    await b.user.invoke(api.shop.recordTouches, {
      body: { events: [{ productId: p.id, kind: 'click', surface: 'group', surfaceId: 'g1' }] },
    });
    shop().advanceClock(8 * 86_400_000);
    try {
      const o = await buyNow(b, s.id, p.variants[0]!.id);
      assert.equal(o.status, 201, JSON.stringify(o.body));
      assert.deepEqual(o.body.attribution, { firstTouch: null, lastTouch: null });
    } finally {
      shop().advanceClock(-8 * 86_400_000);
    }
  });

  test('funnel per surface, followers vs not, top products, daily series', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'R-1', price: 1000, stock: 50 }]);
    const fan = await buyer(t);
    const stranger = await buyer(t);
    await fan.user.call('PUT', `/api/v1/users/${s.handle}/follow`);
    const anon = new TestUser(t);
    await anon.invoke(api.shop.recordTouches, { body: { events: [{ productId: p.id, kind: 'view', surface: 'video', surfaceId: 'v1' }] } });
    await fan.user.invoke(api.shop.recordTouches, {
      body: {
        events: [
          { productId: p.id, kind: 'view', surface: 'room', surfaceId: 'r1' },
          { productId: p.id, kind: 'view', surface: 'video', surfaceId: 'v1' },
          { productId: p.id, kind: 'click', surface: 'video', surfaceId: 'v1' },
        ],
      },
    });
    await stranger.user.invoke(api.shop.recordTouches, {
      body: { events: [{ productId: p.id, kind: 'view', surface: 'dm', sharedBy: fan.user.id }] },
    });
    const o1 = await buyNow(fan, s.id, p.variants[0]!.id, 2);
    assert.equal(o1.body.attribution.firstTouch?.surface, 'room');
    assert.equal(o1.body.attribution.lastTouch?.surface, 'video');
    await pay(fan.user, o1.body.id);
    const o2 = await buyNow(stranger, s.id, p.variants[0]!.id, 1, { touch: { surface: 'dm', sharedBy: fan.user.id } });
    assert.equal(o2.body.attribution.lastTouch?.sharedBy, fan.user.id);
    await pay(stranger.user, o2.body.id);
    await buyNow(stranger, s.id, p.variants[0]!.id, 1);
    const r = await s.invoke(api.shop.insights, { query: { period: '7d' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const i = r.body;
    assert.equal(i.totals.views, 4);
    assert.equal(i.totals.clicks, 2, 'the click recorded with the dm checkout counts');
    assert.equal(i.totals.orders, 3);
    assert.equal(i.totals.paidOrders, 2);
    assert.equal(i.totals.revenue, 3000);
    assert.equal(i.totals.unitsSold, 3);
    const video = i.bySurface.find((x) => x.surface === 'video')!;
    assert.deepEqual([video.views, video.clicks, video.paidOrders, video.revenue], [2, 1, 1, 2000]);
    assert.equal(i.bySurface.find((x) => x.surface === 'dm')?.paidOrders, 1);
    assert.deepEqual(i.followers.follower, { paidOrders: 1, revenue: 2000, buyers: 1 });
    assert.deepEqual(i.followers.nonFollower, { paidOrders: 1, revenue: 1000, buyers: 1 });
    assert.deepEqual(
      i.topProducts.map((x) => [x.productId, x.unitsSold]),
      [[p.id, 3]],
    );
    assert.equal(i.daily.length, 7);
    assert.equal(i.daily[6]!.paidOrders, 2);
    const bad = await s.invoke(api.shop.insights, { query: { from: '2026-05-10', to: '2026-05-01' } });
    assert.equal(bad.status, 400);
  });
});
