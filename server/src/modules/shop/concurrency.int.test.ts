import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { api, type Product } from '@tremolo/protocol';
import { startTestApp, TestUser, type ApiReply, type TestApp } from '../../test/harness.ts';
import type { TestPaymentProvider } from './payments/test-provider.ts';
import { buyer, buyNow, flashSale, key, pay, product, seller } from './fixtures.ts';

/**
 * Real concurrency: every request of a batch is in flight at once (Promise.all over inject),
 * against PGlite or Postgres (TEST_DB=postgres), and the outcome is asserted exactly.
 */
process.env.SHOP_SWEEP_INTERVAL_MS = '0';

let t: TestApp;
before(async () => (t = await startTestApp()));
after(async () => t.close());

type Res = Pick<ApiReply<unknown>, 'status' | 'error'>;
const provider = () => t.app.services.shop.provider('test') as TestPaymentProvider;
const codes = (rs: Res[]) =>
  rs.reduce<Record<string, number>>(
    (m, r) => (
      (m[r.status === 201 || r.status === 200 ? 'ok' : (r.error?.code ?? String(r.status))] =
        (m[r.status === 201 || r.status === 200 ? 'ok' : (r.error?.code ?? String(r.status))] ?? 0) + 1),
      m
    ),
    {},
  );
/** Someone without a session: the public reads below are made as a signed-out visitor. */
const visitor = () => new TestUser(t);

async function stock(productId: string): Promise<Product> {
  const r = await visitor().invoke(api.shop.product, { params: { id: productId } });
  assert.equal(r.status, 200, JSON.stringify(r.error));
  return r.body;
}

async function flashSaleNow(id: string) {
  const r = await visitor().invoke(api.shop.flashSale, { params: { id } });
  assert.equal(r.status, 200, JSON.stringify(r.error));
  return r.body;
}

describe('concurrent checkouts', () => {
  test('40 buyers, 10 units: exactly 10 orders, stock 0, never negative', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'HOT', price: 1000, stock: 10 }]);
    const buyers = await Promise.all(Array.from({ length: 40 }, () => buyer(t)));
    const rs = await Promise.all(
      buyers.map((b) =>
        b.user.invoke(api.shop.checkout, {
          body: {
            sellerId: s.id,
            items: [{ variantId: p.variants[0]!.id, quantity: 1 }],
            addressId: b.address.id,
            idempotencyKey: key(),
          },
        }),
      ),
    );
    assert.deepEqual(codes(rs), { ok: 10, out_of_stock: 30 });
    assert.equal((await stock(p.id)).variants[0]!.stock, 0);
    const seen = await s.invoke(api.shop.sellerOrders, { query: { limit: 50 } });
    assert.equal(seen.body.items.length, 10);
  });

  test('the same key fired 10 times at once makes one order', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'ONE', price: 1000, stock: 10 }]);
    const b = await buyer(t);
    const body = { sellerId: s.id, items: [{ variantId: p.variants[0]!.id, quantity: 2 }], addressId: b.address.id, idempotencyKey: key() };
    const rs = await Promise.all(Array.from({ length: 10 }, () => b.user.invoke(api.shop.checkout, { body })));
    const ok = rs.filter((r) => r.status === 201);
    // A retry that lands while the first is still committing may be told to retry (409 conflict); none makes a second order.
    assert.ok(ok.length >= 1);
    assert.equal(new Set(ok.map((r) => r.body.id)).size, 1);
    assert.ok(
      rs.every((r) => r.status === 201 || r.error?.code === 'conflict'),
      JSON.stringify(codes(rs)),
    );
    assert.equal((await stock(p.id)).variants[0]!.stock, 8);
    assert.equal((await b.user.invoke(api.shop.orders)).body.items.length, 1);
  });

  test('one cart checked out 10 times at once with different keys makes one order', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'CART', price: 1000, stock: 50 }]);
    const b = await buyer(t);
    assert.equal(
      (await b.user.invoke(api.shop.setCartItem, { params: { variantId: p.variants[0]!.id }, body: { quantity: 2 } })).status,
      200,
    );
    const rs = await Promise.all(
      Array.from({ length: 10 }, () =>
        b.user.invoke(api.shop.checkout, { body: { sellerId: s.id, addressId: b.address.id, idempotencyKey: key() } }),
      ),
    );
    assert.deepEqual(codes(rs), { ok: 1, cart_changed: 9 });
    assert.ok(rs.filter((r) => r.status !== 201).every((r) => r.status === 409));
    assert.equal((await stock(p.id)).variants[0]!.stock, 48, 'the units are held once');
    assert.equal((await b.user.invoke(api.shop.orders)).body.items.length, 1);
  });

  test('two variants bought in opposite orders at once: no deadlock, exact stock', async () => {
    const s = await seller(t);
    const p = await product(s, [
      { sku: 'X', price: 1000, stock: 12 },
      { sku: 'Y', price: 1000, stock: 12 },
    ]);
    const [x, y] = p.variants.map((v) => v.id) as [string, string];
    const buyers = await Promise.all(Array.from({ length: 20 }, () => buyer(t)));
    const rs = await Promise.all(
      buyers.map((b, i) =>
        b.user.invoke(api.shop.checkout, {
          body: {
            sellerId: s.id,
            items:
              i % 2
                ? [
                    { variantId: x, quantity: 1 },
                    { variantId: y, quantity: 1 },
                  ]
                : [
                    { variantId: y, quantity: 1 },
                    { variantId: x, quantity: 1 },
                  ],
            addressId: b.address.id,
            idempotencyKey: key(),
          },
        }),
      ),
    );
    assert.deepEqual(codes(rs), { ok: 12, out_of_stock: 8 });
    const after = await stock(p.id);
    assert.deepEqual(
      after.variants.map((v) => v.stock),
      [0, 0],
    );
  });
});

describe('concurrent flash sale', () => {
  test('60 buyers × (2 same-key + 1 other-key) on 15 units, limit 1: 15 orders, one per winner', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'FLASH', price: 9900, stock: 100 }]);
    const sale = await flashSale(s, p.variants[0]!.id, 15, { price: 990 });
    const buyers = await Promise.all(Array.from({ length: 60 }, () => buyer(t)));
    const attempts = buyers.flatMap((b) => {
      const k = key('flash');
      const send = (idempotencyKey: string) =>
        b.user.invoke(api.shop.flashCheckout, { params: { id: sale.id }, body: { addressId: b.address.id, idempotencyKey } });
      return [
        send(k).then((r) => ({ b, k, r })),
        send(k).then((r) => ({ b, k, r })),
        send(key('other')).then((r) => ({ b, k: 'other', r })),
      ];
    });
    const rs = await Promise.all(attempts);
    const orders = new Map<string, Set<string>>();
    for (const { b, r } of rs) {
      if (r.status === 201) orders.set(b.user.id, (orders.get(b.user.id) ?? new Set()).add(r.body.id));
      else assert.ok(['sold_out', 'limit_reached', 'conflict'].includes(r.error?.code ?? ''), JSON.stringify(r.error));
    }
    assert.equal(orders.size, 15, 'exactly 15 winners');
    for (const ids of orders.values()) assert.equal(ids.size, 1, 'a winner has one order, whatever they sent');
    const after = await flashSaleNow(sale.id);
    assert.equal(after.stockLeft, 0);
    assert.equal((await stock(p.id)).variants[0]!.stock, 85, 'the variant lost exactly the 15 units set aside');
    // Every winner pays; each payment is captured exactly once.
    const winners = buyers.filter((b) => orders.has(b.user.id));
    const paid = await Promise.all(winners.map((b) => pay(b.user, [...orders.get(b.user.id)!][0]!)));
    assert.ok(paid.every((r) => r.status === 200 && r.body.order.status === 'paid'));
    assert.equal(provider().doubleCaptures(), 0);
  });
});

describe('concurrent returns and settlement', () => {
  test('units returned by expiry while others buy, then the sale cancelled mid-rush: every unit accounted for', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'CONSERVE', price: 9900, stock: 40 }]);
    const sale = await flashSale(s, p.variants[0]!.id, 10, { price: 990 });
    const first = await Promise.all(Array.from({ length: 10 }, () => buyer(t)));
    const won = await Promise.all(
      first.map((b) =>
        b.user.invoke(api.shop.flashCheckout, { params: { id: sale.id }, body: { addressId: b.address.id, idempotencyKey: key() } }),
      ),
    );
    assert.equal(won.filter((r) => r.status === 201).length, 10);
    const shop = t.app.services.shop;
    shop.advanceClock(11 * 60_000);
    try {
      const second = await Promise.all(Array.from({ length: 30 }, () => buyer(t)));
      // Expiry returns 10 units while 30 new buyers try, and once the first of them has an answer
      // (the rest still in flight) the seller cancels the sale.
      const rush = second.map((b) =>
        b.user.invoke(api.shop.flashCheckout, { params: { id: sale.id }, body: { addressId: b.address.id, idempotencyKey: key() } }),
      );
      const [rs] = await Promise.all([
        Promise.all(rush),
        shop.sweep(),
        Promise.race(rush).then(() => s.invoke(api.shop.cancelFlashSale, { params: { id: sale.id } })),
      ]);
      const winners = rs.filter((r) => r.status === 201);
      assert.ok(winners.length <= 10);
      for (const r of rs.filter((r) => r.status !== 201))
        assert.ok(['sold_out', 'invalid_state'].includes(r.error?.code ?? ''), JSON.stringify(r.error));
      const after = await flashSaleNow(sale.id);
      assert.equal(after.status, 'cancelled');
      assert.equal(after.stockLeft, 0);
      const pending = (await s.invoke(api.shop.sellerOrders, { query: { status: 'pending_payment', limit: 50 } })).body.items.filter(
        (o) => o.flashSaleId === sale.id,
      );
      assert.equal(pending.length, winners.length, 'only the new winners hold units');
      // Conservation: 40 = units back in the variant + units held by pending orders.
      assert.equal((await stock(p.id)).variants[0]!.stock + pending.length, 40);
    } finally {
      shop.advanceClock(-11 * 60_000);
    }
  });
});

describe('concurrent payments and coupons', () => {
  test('ten pays of one order at once (different keys) charge once; the same key replays', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'PAY', price: 1234, stock: 5 }]);
    const b = await buyer(t);
    const o = await buyNow(b, s.id, p.variants[0]!.id);
    const rs = await Promise.all(Array.from({ length: 10 }, () => pay(b.user, o.body.id)));
    assert.equal(rs.filter((r) => r.status === 200).length, 1, JSON.stringify(rs.map((r) => r.status)));
    assert.ok(
      rs.filter((r) => r.status !== 200).every((r) => r.error?.code === 'invalid_state' || r.error?.code === 'conflict'),
      JSON.stringify(rs.map((r) => r.error ?? r.status)),
    );
    assert.equal(provider().ledger(o.body.id).captured, 1234);
    const o2 = await buyNow(b, s.id, p.variants[0]!.id);
    const k = key('same');
    const same = await Promise.all(Array.from({ length: 8 }, () => pay(b.user, o2.body.id, undefined, k)));
    assert.ok(
      same.every((r) => r.status === 200 || r.error?.code === 'conflict'),
      JSON.stringify(same.map((r) => r.status)),
    );
    assert.ok(same.some((r) => r.status === 200));
    assert.equal(provider().ledger(o2.body.id).captured, 1234);
    assert.equal(provider().doubleCaptures(), 0);
  });

  test('coupon limits hold under concurrent claims, and one claim pays for one order', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'CPN', price: 5000, stock: 50 }]);
    const window = { startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString() };
    const c = await s.invoke(api.shop.createCoupon, {
      body: { title: 'five', discount: { kind: 'amount', amountOff: 500 }, totalQuantity: 5, perUserLimit: 1, ...window },
    });
    const buyers = await Promise.all(Array.from({ length: 20 }, () => buyer(t)));
    const claims = await Promise.all(buyers.map((b) => b.user.invoke(api.shop.claimCoupon, { params: { id: c.body.id } })));
    assert.equal(claims.filter((r) => r.status === 201).length, 5);
    const per = await s.invoke(api.shop.createCoupon, {
      body: { title: 'two each', discount: { kind: 'amount', amountOff: 500 }, totalQuantity: 100, perUserLimit: 2, ...window },
    });
    const one = buyers[0]!;
    const mine = await Promise.all(
      Array.from({ length: 10 }, () => one.user.invoke(api.shop.claimCoupon, { params: { id: per.body.id } })),
    );
    assert.equal(mine.filter((r) => r.status === 201).length, 2);
    const list = await s.invoke(api.shop.sellerCoupons);
    assert.deepEqual(list.body.items.map((x) => x.claimed).sort(), [2, 5]);
    // Five checkouts at once all naming the same claim: one gets it.
    const claimId = mine.find((r) => r.status === 201)!.body.id;
    const orders = await Promise.all(
      Array.from({ length: 5 }, () =>
        one.user.invoke(api.shop.checkout, {
          body: {
            sellerId: s.id,
            items: [{ variantId: p.variants[0]!.id, quantity: 1 }],
            addressId: one.address.id,
            couponClaimId: claimId,
            idempotencyKey: key(),
          },
        }),
      ),
    );
    assert.deepEqual(codes(orders), { ok: 1, coupon_unavailable: 4 });
    assert.equal(orders.find((r) => r.status === 201)!.body.discount, 500);
    assert.equal((await stock(p.id)).variants[0]!.stock, 49, 'the refused checkouts held nothing');
  });
});

describe('other "at most" rules of the shop, raced', () => {
  const window = () => ({ startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() });

  test('coupon claims: per-person limit and total hold under parallel claims', async () => {
    const s = await seller(t);
    const c = await s.invoke(api.shop.createCoupon, {
      body: { title: 'race', discount: { kind: 'percent', percentOff: 5 }, totalQuantity: 6, perUserLimit: 2, ...window() },
    });
    assert.equal(c.status, 201, JSON.stringify(c.error));
    const one = await buyer(t);
    const mine = await Promise.all(Array.from({ length: 10 }, () => one.user.invoke(api.shop.claimCoupon, { params: { id: c.body.id } })));
    assert.equal(mine.filter((r) => r.status === 201 || r.status === 200).length, 2, JSON.stringify(mine.map((r) => r.status)));
    assert.ok(mine.filter((r) => r.status >= 400).every((r) => r.error?.code === 'limit_reached'));
    const crowd = await Promise.all(Array.from({ length: 12 }, () => buyer(t)));
    const rs = await Promise.all(crowd.map((b) => b.user.invoke(api.shop.claimCoupon, { params: { id: c.body.id } })));
    assert.equal(rs.filter((r) => r.status < 300).length, 4, 'six in total, two of them already taken');
    assert.ok(rs.filter((r) => r.status >= 400).every((r) => r.error?.code === 'coupon_unavailable'));
  });

  test('one flash sale per product at a time, even when five are created at once', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'FS', price: 9900, stock: 100 }]);
    const start = Date.now() + 60_000;
    const rs = await Promise.all(
      Array.from({ length: 5 }, () =>
        s.invoke(api.shop.createFlashSale, {
          body: {
            variantId: p.variants[0]!.id,
            price: 100,
            stock: 10,
            perUserLimit: 1,
            startsAt: new Date(start).toISOString(),
            endsAt: new Date(start + 3600_000).toISOString(),
            paymentWindowSec: 600,
          },
        }),
      ),
    );
    assert.deepEqual(rs.map((r) => (r.status === 201 ? 'ok' : r.error?.code)).sort(), [
      'conflict',
      'conflict',
      'conflict',
      'conflict',
      'ok',
    ]);
    assert.equal((await stock(p.id)).variants[0]!.stock, 90, 'units taken for one sale only');
  });

  test('at most 20 addresses and 50 variants, however many requests race', async () => {
    const b = await buyer(t);
    const adds = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        b.user.invoke(api.shop.addAddress, {
          body: { name: `A${i}`, phone: '+86 138 0000 0000', line1: `${i} Road`, city: 'Shanghai' },
        }),
      ),
    );
    assert.equal(adds.filter((r) => r.status === 201).length, 19, 'the buyer had one already');
    assert.equal((await b.user.invoke(api.shop.addresses)).body.items.length, 20);
    const s = await seller(t);
    const p = await product(s, [{ sku: 'V0', price: 100, stock: 1 }]);
    const vs = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        s.invoke(api.shop.addVariant, { params: { id: p.id }, body: { sku: `V${i + 1}`, price: 100, stock: 1 } }),
      ),
    );
    assert.equal(vs.filter((r) => r.status < 300).length, 49);
    assert.equal((await stock(p.id)).variants.length, 50);
  });

  test('at most 9 product images under parallel uploads, none lost', async () => {
    const s = await seller(t);
    const p = await product(s);
    const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer();
    const boundary = 'raceboundary';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    // A multipart upload (api.shop.addImage): invoke sends JSON bodies only, so the request is built by hand.
    const rs = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.app.http.inject({
          method: 'POST',
          url: `/api/v1/shop/products/${p.id}/images`,
          headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': `multipart/form-data; boundary=${boundary}` },
          payload,
        }),
      ),
    );
    assert.equal(rs.filter((r) => r.statusCode < 300).length, 9, rs.map((r) => r.statusCode).join());
    assert.ok(
      rs
        .filter((r) => r.statusCode >= 300)
        .every((r) => (JSON.parse(r.body) as { error: { code: string } }).error.code === 'limit_reached'),
    );
    assert.equal((await stock(p.id)).images.length, 9);
  });
});
