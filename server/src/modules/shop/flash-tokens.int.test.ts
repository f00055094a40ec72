import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { api } from '@tremolo/protocol';
import { startTestApp, TestUser, type TestApp } from '../../test/harness.ts';
import { buyer, flashSale, key, product, seller } from './fixtures.ts';

/**
 * Flash-sale admission tokens in front of the PostgreSQL decrement: in this process on PGlite,
 * in Redis (shared by two nodes) on Postgres. PostgreSQL stays the truth; these tests check
 * that no token ever sells a unit PostgreSQL does not have, that tokens come back with the
 * units, and that a lost or wrong counter heals.
 */
process.env.SHOP_SWEEP_INTERVAL_MS = '0';

const onPostgres = process.env.TEST_DB === 'postgres';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-flash-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

let a: TestApp;
let b: TestApp | null = null;
let redis: Redis | null = null;
before(async () => {
  const shared = onPostgres ? { redisUrl, redisPrefix: prefix } : {};
  a = await startTestApp(shared);
  if (onPostgres) {
    b = await startTestApp({ ...shared, databaseUrl: a.app.config.databaseUrl });
    redis = new Redis(redisUrl);
  }
});
after(async () => {
  await b?.close();
  await a.close();
  if (redis) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
});

/** The same person on the other node (sessions live in the shared database). */
function onNode(t: TestApp, u: TestUser): TestUser {
  return Object.assign(new TestUser(t), { cookie: u.cookie, csrf: u.csrf, id: u.id, handle: u.handle });
}

const attempt = (u: TestUser, saleId: string, addressId: string, k = key('fl')) =>
  u.invoke(api.shop.flashCheckout, { params: { id: saleId }, body: { addressId, idempotencyKey: k } });

async function stockLeft(saleId: string): Promise<number> {
  const r = await new TestUser(a).invoke(api.shop.flashSale, { params: { id: saleId } });
  return r.body.stockLeft;
}

describe(`flash-sale tokens (${onPostgres ? 'Redis, two nodes' : 'in process'})`, () => {
  test('80 buyers on 10 units, split over the nodes: exactly 10 orders, the rest sold out, stock 0', async () => {
    const s = await seller(a);
    const p = await product(s, [{ sku: 'TOK-1', price: 5000, stock: 50 }]);
    const sale = await flashSale(s, p.variants[0]!.id, 10);
    const buyers = await Promise.all(Array.from({ length: 80 }, () => buyer(a)));
    const rs = await Promise.all(
      buyers.map((x, i) => {
        const k = key('fl');
        return attempt(b && i % 2 ? onNode(b, x.user) : x.user, sale.id, x.address.id, k).then((r) => ({ x, k, r }));
      }),
    );
    const won = rs.filter(({ r }) => r.status === 201);
    assert.equal(won.length, 10);
    for (const { r } of rs.filter(({ r }) => r.status !== 201)) assert.equal(r.error?.code, 'sold_out');
    assert.equal(await stockLeft(sale.id), 0);
    // A winner's retry with the same key is replayed; a loser's stays sold out.
    const w = won[0]!;
    const replayed = await attempt(w.x.user, sale.id, w.x.address.id, w.k);
    assert.equal(replayed.status, 201);
    assert.equal(replayed.body.id, w.r.body.id);
    const l = rs.find(({ r }) => r.status !== 201)!;
    assert.equal((await attempt(l.x.user, sale.id, l.x.address.id, l.k)).error?.code, 'sold_out');
  });

  test('a winner retrying with the same key gets the same order, on either node', async () => {
    const s = await seller(a);
    const p = await product(s, [{ sku: 'TOK-2', price: 5000, stock: 50 }]);
    const sale = await flashSale(s, p.variants[0]!.id, 1);
    const x = await buyer(a);
    const k = key('same');
    const first = await attempt(x.user, sale.id, x.address.id, k);
    assert.equal(first.status, 201);
    const again = await attempt(b ? onNode(b, x.user) : x.user, sale.id, x.address.id, k);
    assert.equal(again.status, 201);
    assert.equal(again.body.id, first.body.id);
    const other = await buyer(a);
    assert.equal((await attempt(other.user, sale.id, other.address.id)).error?.code, 'sold_out');
  });

  test('an order that expires unpaid gives its token back: the unit can be bought again', async () => {
    const s = await seller(a);
    const p = await product(s, [{ sku: 'TOK-3', price: 5000, stock: 50 }]);
    const sale = await flashSale(s, p.variants[0]!.id, 1, { paymentWindowSec: 60 });
    const [x, y] = await Promise.all([buyer(a), buyer(a)]);
    assert.equal((await attempt(x.user, sale.id, x.address.id)).status, 201);
    assert.equal((await attempt(y.user, sale.id, y.address.id)).error?.code, 'sold_out');
    const shop = a.app.services.shop;
    shop.advanceClock(2 * 60_000);
    try {
      await shop.sweep();
    } finally {
      shop.advanceClock(-2 * 60_000);
    }
    assert.equal(await stockLeft(sale.id), 1);
    // No reconcile in between: the give-back alone lets the next buyer in.
    assert.equal((await attempt(b ? onNode(b, y.user) : y.user, sale.id, y.address.id)).status, 201);
    assert.equal(await stockLeft(sale.id), 0);
  });

  test('a failed attempt (address not found) gives its token back', async () => {
    const s = await seller(a);
    const p = await product(s, [{ sku: 'TOK-4', price: 5000, stock: 50 }]);
    const sale = await flashSale(s, p.variants[0]!.id, 1);
    const [x, y] = await Promise.all([buyer(a), buyer(a)]);
    const bad = await attempt(x.user, sale.id, '00000000-0000-7000-8000-000000000000');
    assert.equal(bad.status, 404);
    assert.equal((await attempt(y.user, sale.id, y.address.id)).status, 201);
  });

  test('a wiped or wrong counter heals', { skip: !onPostgres && 'the counter is in Redis only on Postgres here' }, async () => {
    const s = await seller(a);
    const p = await product(s, [{ sku: 'TOK-5', price: 5000, stock: 50 }]);
    const sale = await flashSale(s, p.variants[0]!.id, 3);
    const buyers = await Promise.all(Array.from({ length: 4 }, () => buyer(a)));
    const tokens = `${prefix}:flash:{${sale.id}}:tokens`;
    assert.equal((await attempt(buyers[0]!.user, sale.id, buyers[0]!.address.id)).status, 201);
    assert.equal(await redis!.get(tokens), '2');
    // Wiped (a Redis flush): the next attempt creates it again from PostgreSQL.
    await redis!.del(tokens, `${prefix}:flash:{${sale.id}}:buyers`);
    assert.equal((await attempt(buyers[1]!.user, sale.id, buyers[1]!.address.id)).status, 201);
    assert.equal(await redis!.get(tokens), '1');
    // Wrong low (a node died between taking a token and committing): sold out until the reconcile.
    await redis!.set(tokens, '0');
    assert.equal((await attempt(buyers[2]!.user, sale.id, buyers[2]!.address.id)).error?.code, 'sold_out');
    await b!.app.services.shop.checkout.reconcileFlashNow(sale.id);
    assert.equal(await redis!.get(tokens), '1');
    assert.equal((await attempt(onNode(b!, buyers[2]!.user), sale.id, buyers[2]!.address.id)).status, 201);
    // Wrong high: PostgreSQL still refuses the unit it does not have, and the counter is corrected.
    await redis!.set(tokens, '5');
    assert.equal((await attempt(buyers[3]!.user, sale.id, buyers[3]!.address.id)).error?.code, 'sold_out');
    await a.app.services.shop.checkout.reconcileFlashNow(sale.id);
    assert.equal(await redis!.get(tokens), '0');
    assert.equal(await stockLeft(sale.id), 0);
  });
});
