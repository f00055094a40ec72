import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '@tremolo/protocol';
import { assertRefused, startTestApp, type TestApp } from '../../test/harness.ts';
import { buyer, buyNow, flashSale, key, pay, product, seller } from './fixtures.ts';

process.env.PAYMENT_TEST_ASYNC_DELAY_MS = '150';
process.env.SHOP_SWEEP_INTERVAL_MS = '0';

let t: TestApp;
before(async () => {
  t = await startTestApp(
    {},
    { SHOP_UNPAID_UNITS_PER_BUYER: '3', SHOP_TOUCHES_PER_IP_PER_MIN: '8', SHOP_TOUCH_WINDOW_SEC: '1800', SHOP_REVIEW_WRITES_PER_HOUR: '3' },
  );
});
after(async () => t.close());

describe('units held unpaid', () => {
  test('one buyer holds at most the cap in unpaid orders; paying frees room', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'CAP-1', price: 1000, stock: 100 }]);
    const b = await buyer(t);
    const v = p.variants[0]!.id;
    const first = await buyNow(b, s.id, v, 2);
    assert.equal(first.status, 201);
    assert.equal((await buyNow(b, s.id, v, 1)).status, 201);
    const over = await buyNow(b, s.id, v, 1);
    assert.match(assertRefused(over, 409, 'too_many_unpaid'), /at most 3 unpaid items/);
    assert.equal((await pay(b.user, first.body.id)).status, 200);
    assert.equal((await buyNow(b, s.id, v, 2)).status, 201);
  });

  test('parallel checkouts cannot squeeze past the cap', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'CAP-2', price: 1000, stock: 100 }]);
    const b = await buyer(t);
    const codes = (await Promise.all(Array.from({ length: 8 }, () => buyNow(b, s.id, p.variants[0]!.id, 1)))).map((r) => r.status).sort();
    assert.deepEqual(codes, [201, 201, 201, 409, 409, 409, 409, 409]);
    const stock = await t.app.http.inject({ method: 'GET', url: `/api/v1/shop/products/${p.id}` });
    assert.equal((JSON.parse(stock.body) as { variants: { stock: number }[] }).variants[0]!.stock, 97);
  });

  test('flash-sale units count too', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'CAP-3', price: 1000, stock: 100 }]);
    const sale = await flashSale(s, p.variants[0]!.id, 10, { perUserLimit: 5 });
    const b = await buyer(t);
    assert.equal((await buyNow(b, s.id, p.variants[0]!.id, 3)).status, 201);
    const flash = await b.user.invoke(api.shop.flashCheckout, {
      params: { id: sale.id },
      body: { quantity: 1, addressId: b.address.id, idempotencyKey: key('fl') },
    });
    assertRefused(flash, 409, 'too_many_unpaid');
  });
});

describe('review writes', () => {
  test('a person writes at most SHOP_REVIEW_WRITES_PER_HOUR reviews, photos and replies', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'REV-1', price: 1000, stock: 10 }]);
    const b = await buyer(t);
    const o = await buyNow(b, s.id, p.variants[0]!.id, 1);
    await pay(b.user, o.body.id);
    await s.invoke(api.shop.shipOrder, { params: { id: o.body.id }, body: { carrier: 'SF', trackingNumber: 'SF7654321' } });
    await b.user.invoke(api.shop.receiveOrder, { params: { id: o.body.id } });
    const write = () => b.user.invoke(api.reviews.create, { body: { orderItemId: o.body.items[0]!.id, stars: 5, text: '' } });
    assert.deepEqual([(await write()).status, (await write()).status, (await write()).status], [201, 409, 409]);
    assertRefused(await write(), 429, 'rate_limited');
  });
});

describe('views and clicks in insights', () => {
  const touch = (ip: string, ua: string, productId: string, kind: 'view' | 'click', session?: { cookie: string; csrf: string }) =>
    t.app.http.inject({
      method: 'POST',
      url: '/api/v1/shop/touches',
      remoteAddress: ip,
      headers: {
        'content-type': 'application/json',
        'user-agent': ua,
        ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {}),
      },
      payload: JSON.stringify({ events: [{ productId, kind, surface: 'video', surfaceId: `v${Math.random().toString(36).slice(2, 8)}` }] }),
    });

  test("one viewer's views and clicks of a product count once per window", async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'IN-1', price: 1000, stock: 5 }]);
    // A logged-out script from one network and browser, changing the surface id every time.
    for (let i = 0; i < 6; i++) assert.equal((await touch('203.0.113.50', 'bot/1.0', p.id, i % 2 ? 'click' : 'view')).statusCode, 200);
    // A second browser on the same network is a second viewer.
    assert.equal((await touch('203.0.113.50', 'other/2.0', p.id, 'view')).statusCode, 200);
    // A logged-in viewer counts by account, whatever network they come from.
    const fan = await buyer(t);
    for (let i = 0; i < 3; i++) assert.equal((await touch(`198.51.100.${60 + i}`, `ua${i}`, p.id, 'view', fan.user)).statusCode, 200);
    const r = await s.invoke(api.shop.insights, { query: { period: '7d' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.totals.views, 3);
    assert.equal(r.body.totals.clicks, 1);
  });

  test('recording calls are limited per network', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'IN-2', price: 1000, stock: 5 }]);
    const codes: number[] = [];
    let last = '';
    for (let i = 0; i < 9; i++) {
      const r = await touch('203.0.113.77', 'bot/1.0', p.id, 'view');
      codes.push(r.statusCode);
      last = r.body;
    }
    assert.deepEqual(codes, [200, 200, 200, 200, 200, 200, 200, 200, 429]);
    assert.equal((JSON.parse(last) as { error?: { code: string } }).error?.code, 'rate_limited');
    assert.equal((await touch('203.0.113.78', 'bot/1.0', p.id, 'view')).statusCode, 200);
  });
});
