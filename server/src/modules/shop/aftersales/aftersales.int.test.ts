import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { api, type AftersalesRequest, type BodyOf } from '@tremolo/protocol';
import { startTestApp, TestUser, type TestApp } from '../../../test/harness.ts';
import type { TestPaymentProvider } from '../payments/test-provider.ts';
import { aftersalesRequests } from './tables.ts';
import { buyer, order, png, product, seller, uniq, upload } from '../fixtures.ts';

process.env.SHOP_SWEEP_INTERVAL_MS = '0';

let t: TestApp;
before(async () => (t = await startTestApp({}, { ADMIN_HANDLES: 'as_mod,as_mod2' })));
after(async () => t.close());

const open = (u: TestUser, body: Partial<BodyOf<typeof api.aftersales.open>> & { orderItemId: string }) =>
  u.invoke(api.aftersales.open, { body: { kind: 'refund_only', quantity: 1, reason: 'damaged', text: '', ...body } });
const ledger = (orderId: string) => (t.app.services.shop.provider('test') as TestPaymentProvider).ledger(orderId);
const kinds = (r: AftersalesRequest) => r.timeline.map((e) => e.kind);
async function stockOf(s: TestUser, productId: string): Promise<number> {
  const p = await s.invoke(api.shop.product, { params: { id: productId } });
  return p.body.variants[0]!.stock;
}

/** A seller's product priced 1000 a unit with 10 in stock, and a buyer who bought `quantity` of it. */
async function bought(quantity = 3, until: 'shipped' | 'delivered' = 'delivered') {
  const s = await seller(t);
  const p = await product(s, [{ sku: 'AS-1', price: 1000, stock: 10 }]);
  const b = await buyer(t);
  const o = await order(b, s, [{ variantId: p.variants[0]!.id, quantity }], until);
  return { s, p, b, o, line: o.items[0]! };
}

describe('after-sales', () => {
  test('refund only: the seller accepts and part of the money goes back at once; stock stays', async () => {
    const { s, p, b, o, line } = await bought(3);
    const r = await open(b.user, { orderItemId: line.id, quantity: 2, reason: 'damaged', text: 'Two arrived cracked' });
    assert.equal(r.status, 201, JSON.stringify(r.error));
    assert.equal(r.body.status, 'requested');
    const photo = await upload<AftersalesRequest>(t, b.user, `/api/v1/shop/aftersales/${r.body.id}/photos`, await png());
    assert.equal(photo.status, 201, JSON.stringify(photo.body));
    assert.equal(photo.body.photos.length, 1);
    const before = await stockOf(s, p.id);
    const ok = await s.invoke(api.aftersales.accept, { params: { id: r.body.id } });
    assert.equal(ok.status, 200, JSON.stringify(ok.error));
    assert.equal(ok.body.status, 'refunded');
    assert.deepEqual(ok.body.refund, { amount: 2000, currency: 'CNY' });
    assert.deepEqual(kinds(ok.body), ['opened', 'accepted', 'refunded']);
    assert.equal(ledger(o.id).refunded, 2000);
    assert.equal(await stockOf(s, p.id), before, 'nothing came back');
    const ord = await b.user.invoke(api.shop.order, { params: { id: o.id } });
    assert.equal(ord.body.status, 'delivered', 'one unit is still kept');
    const inbox = await b.user.call<{ items: { payload: { kind: string; event?: string } }[] }>('GET', '/api/v1/notifications');
    assert.ok(inbox.body.items.some((n) => n.payload.kind === 'aftersales' && n.payload.event === 'refunded'));
    const insights = await s.invoke(api.shop.insights, { query: {} });
    assert.equal(insights.body.totals.revenue, 1000, 'refunded money is not revenue');
    assert.equal(insights.body.totals.unitsSold, 1);

    // The last unit: the order ends refunded, and its payment with it, with no second refund.
    const last = await open(b.user, { orderItemId: line.id, quantity: 1 });
    assert.equal(last.status, 201, JSON.stringify(last.error));
    await s.invoke(api.aftersales.accept, { params: { id: last.body.id } });
    const end = await b.user.invoke(api.shop.order, { params: { id: o.id } });
    assert.equal(end.body.status, 'refunded');
    assert.equal(end.body.payment?.status, 'refunded');
    await t.app.services.shop.sweep();
    assert.equal(ledger(o.id).refunded, 3000);
  });

  test('return and refund: ship back, receipt restocks the variant, then the refund', async () => {
    const { s, p, b, o, line } = await bought(2);
    const r = await open(b.user, { orderItemId: line.id, kind: 'return_refund', reason: 'not_as_described' });
    const stock0 = await stockOf(s, p.id);
    const acc = await s.invoke(api.aftersales.accept, { params: { id: r.body.id } });
    assert.equal(acc.body.status, 'accepted');
    assert.equal(ledger(o.id).refunded, 0, 'no money before the goods come back');
    assert.equal((await s.invoke(api.aftersales.receive, { params: { id: r.body.id } })).error?.code, 'invalid_state');
    const bad = await b.user.call('POST', `/api/v1/shop/aftersales/${r.body.id}/ship-back`, { carrier: 'SF', trackingNumber: 'no way!' });
    assert.equal(bad.status, 400);
    const shipped = await b.user.invoke(api.aftersales.shipBack, {
      params: { id: r.body.id },
      body: { carrier: 'SF', trackingNumber: 'SF998877' },
    });
    assert.equal(shipped.body.status, 'returning');
    assert.deepEqual(shipped.body.returnShipment, { carrier: 'SF', trackingNumber: 'SF998877' });
    const got = await s.invoke(api.aftersales.receive, { params: { id: r.body.id } });
    assert.equal(got.status, 200, JSON.stringify(got.error));
    assert.equal(got.body.status, 'refunded');
    assert.deepEqual(kinds(got.body), ['opened', 'accepted', 'shipped_back', 'received', 'refunded']);
    assert.equal(await stockOf(s, p.id), stock0 + 1);
    assert.equal(ledger(o.id).refunded, 1000);
    const seen = await b.user.invoke(api.aftersales.ofOrder, { params: { id: o.id } });
    assert.equal(seen.body.items[0]?.status, 'refunded');
  });

  test('decline, escalate, and a moderator decides', async () => {
    const { s, b, o, line } = await bought(2);
    const mod = await TestUser.signup(t, 'as_mod');
    const r = await open(b.user, { orderItemId: line.id, reason: 'wrong_item' });
    assert.equal((await s.call('POST', `/api/v1/shop/aftersales/${r.body.id}/decline`, { reason: '' })).status, 400, 'a reason is needed');
    const no = await s.invoke(api.aftersales.decline, { params: { id: r.body.id }, body: { reason: 'Photos show the right item' } });
    assert.equal(no.body.status, 'declined');
    assert.equal(no.body.declineReason, 'Photos show the right item');
    assert.equal((await s.invoke(api.aftersales.escalate, { params: { id: r.body.id }, body: { text: '' } })).status, 403);
    assert.equal(
      (await mod.invoke(api.aftersales.escalated, {})).body.items.some((x) => x.id === r.body.id),
      false,
    );
    const up = await b.user.invoke(api.aftersales.escalate, { params: { id: r.body.id }, body: { text: 'It is the wrong colour' } });
    assert.equal(up.body.status, 'escalated');
    assert.equal((await b.user.invoke(api.aftersales.escalated, {})).status, 403, 'moderators only');
    assert.equal(
      (await s.invoke(api.aftersales.decide, { params: { id: r.body.id }, body: { decision: 'refund', note: '' } })).status,
      403,
    );
    const queue = await mod.invoke(api.aftersales.escalated, {});
    assert.ok(queue.body.items.some((x) => x.id === r.body.id));
    // The moderators hear of it; the buyer and seller do not get the moderators' notice.
    const told = await mod.call<{ items: { payload: { kind: string; role?: string; requestId?: string } }[] }>(
      'GET',
      '/api/v1/notifications',
    );
    assert.ok(
      told.body.items.some((n) => n.payload.kind === 'aftersales' && n.payload.role === 'moderator' && n.payload.requestId === r.body.id),
    );
    // The queue pages: one at a time, oldest first, every request once.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await mod.invoke(api.aftersales.escalated, { query: { limit: 1, ...(cursor ? { cursor } : {}) } });
      assert.equal(page.status, 200, JSON.stringify(page.error));
      assert.ok(page.body.items.length <= 1);
      seen.push(...page.body.items.map((x) => x.id));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length, 'no request twice');
    assert.deepEqual(new Set(seen), new Set(queue.body.items.map((x) => x.id)));
    assert.equal((await mod.call('GET', '/api/v1/moderation/aftersales?cursor=nonsense')).status, 400);
    assert.equal((await mod.invoke(api.aftersales.get, { params: { id: r.body.id } })).status, 200);
    const d = await mod.invoke(api.aftersales.decide, {
      params: { id: r.body.id },
      body: { decision: 'refund', note: 'Wrong colour shown' },
    });
    assert.equal(d.status, 200, JSON.stringify(d.error));
    assert.equal(d.body.status, 'refunded');
    assert.deepEqual(kinds(d.body), ['opened', 'declined', 'escalated', 'decided_refund', 'refunded']);
    assert.equal(ledger(o.id).refunded, 1000);
    assert.equal(
      (await mod.invoke(api.aftersales.decide, { params: { id: r.body.id }, body: { decision: 'uphold', note: '' } })).status,
      409,
    );

    // Upheld: closed, no money; the line is free for a new request.
    const r2 = await open(b.user, { orderItemId: line.id });
    await s.invoke(api.aftersales.decline, { params: { id: r2.body.id }, body: { reason: 'No' } });
    await b.user.invoke(api.aftersales.escalate, { params: { id: r2.body.id }, body: { text: '' } });
    const kept = await mod.invoke(api.aftersales.decide, {
      params: { id: r2.body.id },
      body: { decision: 'uphold', note: 'Fair decline' },
    });
    assert.equal(kept.body.status, 'closed');
    assert.equal(ledger(o.id).refunded, 1000);
  });

  test('quantity bounds, one open request per line, the window', async () => {
    const { s, b, line, o } = await bought(2, 'shipped');
    assert.equal((await open(b.user, { orderItemId: line.id, quantity: 3 })).error?.code, 'validation_failed');
    assert.equal(
      (await b.user.call('POST', api.aftersales.open.path, { orderItemId: line.id, kind: 'refund_only', quantity: 0, reason: 'damaged' }))
        .status,
      400,
    );
    assert.equal(
      (await b.user.call('POST', api.aftersales.open.path, { orderItemId: line.id, kind: 'swap', quantity: 1, reason: 'damaged' })).status,
      400,
    );
    const race = await Promise.all([open(b.user, { orderItemId: line.id }), open(b.user, { orderItemId: line.id })]);
    assert.deepEqual(race.map((x) => x.status).sort(), [201, 409], 'while shipped, and one open request per line');
    const first = race.find((x) => x.status === 201)!.body;
    await s.invoke(api.aftersales.accept, { params: { id: first.id } });
    assert.equal((await open(b.user, { orderItemId: line.id, quantity: 2 })).error?.code, 'validation_failed', 'one unit is left');
    // A whole-order refund is refused while a request is open.
    const again = await open(b.user, { orderItemId: line.id, quantity: 1 });
    assert.equal(again.status, 201);
    assert.equal(
      (await b.user.invoke(api.shop.requestRefund, { params: { id: o.id }, body: { reason: 'all' } })).error?.code,
      'invalid_state',
    );

    const late = await bought(1);
    t.app.services.shop.advanceClock((t.app.config.shop.aftersalesDays + 1) * 86_400_000);
    try {
      assert.equal((await open(late.b.user, { orderItemId: late.line.id })).error?.code, 'invalid_state', 'the window closed');
    } finally {
      t.app.services.shop.advanceClock(-(t.app.config.shop.aftersalesDays + 1) * 86_400_000);
    }
    const paidOnly = await bought(1, 'shipped');
    const fresh = await order(paidOnly.b, paidOnly.s, [{ variantId: paidOnly.p.variants[0]!.id, quantity: 1 }], 'paid');
    assert.equal((await open(paidOnly.b.user, { orderItemId: fresh.items[0]!.id })).error?.code, 'invalid_state', 'not before shipping');
  });

  test('authorization: only the buyer opens and ships, only the seller answers, strangers see nothing', async () => {
    const { s, b, line } = await bought(1);
    const stranger = await TestUser.signup(t, uniq('stranger'));
    assert.equal((await open(s, { orderItemId: line.id })).status, 404, 'the seller cannot open');
    assert.equal((await open(stranger, { orderItemId: line.id })).status, 404);
    const r = await open(b.user, { orderItemId: line.id, kind: 'return_refund' });
    assert.equal((await b.user.invoke(api.aftersales.accept, { params: { id: r.body.id } })).status, 403);
    assert.equal((await stranger.invoke(api.aftersales.accept, { params: { id: r.body.id } })).status, 404);
    assert.equal((await stranger.invoke(api.aftersales.get, { params: { id: r.body.id } })).status, 404);
    assert.equal(
      (await b.user.invoke(api.aftersales.decide, { params: { id: r.body.id }, body: { decision: 'refund', note: '' } })).status,
      403,
    );
    const photo = await upload<AftersalesRequest>(t, s, `/api/v1/shop/aftersales/${r.body.id}/photos`, await png());
    assert.equal(photo.status, 404, 'the seller cannot add photos');
    await s.invoke(api.aftersales.accept, { params: { id: r.body.id } });
    const ship = { carrier: 'SF', trackingNumber: 'SF12345' };
    assert.equal((await s.invoke(api.aftersales.shipBack, { params: { id: r.body.id }, body: ship })).status, 403);
    await b.user.invoke(api.aftersales.shipBack, { params: { id: r.body.id }, body: ship });
    assert.equal((await b.user.invoke(api.aftersales.receive, { params: { id: r.body.id } })).status, 403);
  });

  test('photos are private: only the buyer, the seller and moderators fetch them, never by a storage path', async () => {
    const { s, b, line } = await bought(1);
    const mod = await TestUser.signup(t, 'as_mod2');
    const stranger = await TestUser.signup(t, uniq('stranger'));
    const r = await open(b.user, { orderItemId: line.id, text: 'The label shows my address' });
    const up = await upload<AftersalesRequest>(t, b.user, `/api/v1/shop/aftersales/${r.body.id}/photos`, await png(400));
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const photo = up.body.photos[0]!;
    assert.ok(photo.url.startsWith(`/api/v1/shop/aftersales/${r.body.id}/photos/`), photo.url);
    const get = (url: string, who?: TestUser) => t.app.http.inject({ method: 'GET', url, headers: who ? { cookie: who.cookie } : {} });
    for (const who of [b.user, s, mod]) {
      for (const url of [photo.url, photo.thumbUrl]) {
        const res = await get(url, who);
        assert.equal(res.statusCode, 200, `${who.handle} ${url}: ${res.body}`);
        assert.equal(res.headers['content-type'], 'image/webp');
        assert.match(String(res.headers['cache-control']), /^private/);
        assert.equal(res.rawPayload.subarray(8, 12).toString(), 'WEBP');
      }
    }
    assert.equal((await get(photo.url, stranger)).statusCode, 404, 'a stranger learns nothing');
    assert.equal((await get(photo.url)).statusCode, 401);
    assert.equal((await get(photo.url.replace(photo.id, randomUUID()), b.user)).statusCode, 404, 'no such photo');
    assert.equal((await get(photo.url.replace(photo.id, 'nope'), b.user)).statusCode, 400);
    // The files are nowhere under /media/, whatever the path.
    const [row] = await t.app.database.db.select().from(aftersalesRequests).where(eq(aftersalesRequests.id, r.body.id));
    const keys = row!.photos.flatMap((p) => [p.key, p.thumbKey]);
    for (const key of keys) {
      for (const url of [`/media/${key}`, `/media/../private/${key}`, `/media/%2e%2e/private/${key}`]) {
        assert.equal((await get(url, b.user)).statusCode, 404, url);
      }
    }
  });

  test('photos the first release kept in the public area are moved to the private one, and still reach the parties', async () => {
    const { s, b, line } = await bought(1);
    const r = await open(b.user, { orderItemId: line.id });
    const bytes = await sharp(await png(300))
      .webp()
      .toBuffer();
    const id = randomUUID();
    const legacy = {
      id,
      key: `aftersales/${r.body.id}/${id}.webp`,
      thumbKey: `aftersales/${r.body.id}/${id}-thumb.webp`,
      width: 300,
      height: 300,
    };
    for (const key of [legacy.key, legacy.thumbKey]) {
      const file = path.join(t.app.config.storageDir, 'public', key);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, bytes);
    }
    await t.app.database.db
      .update(aftersalesRequests)
      .set({ photos: [legacy] })
      .where(eq(aftersalesRequests.id, r.body.id));
    const seen = await s.invoke(api.aftersales.get, { params: { id: r.body.id } });
    const url = seen.body.photos[0]!.url;
    const get = (who: TestUser) => t.app.http.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
    assert.equal((await get(s)).statusCode, 200, 'read where it is until moved');
    assert.equal((await t.app.http.inject({ method: 'GET', url: `/media/${legacy.key}` })).statusCode, 200, 'public before the move');
    await t.app.services.shop.sweep();
    assert.equal((await t.app.http.inject({ method: 'GET', url: `/media/${legacy.key}` })).statusCode, 404, 'gone from the public area');
    assert.equal((await t.app.http.inject({ method: 'GET', url: `/media/${legacy.thumbKey}` })).statusCode, 404);
    const res = await get(b.user);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.rawPayload, bytes);
    const after = await b.user.invoke(api.aftersales.get, { params: { id: r.body.id } });
    assert.equal(after.body.photos[0]!.url, url, 'the URL a page holds keeps working');
  });

  test('two accepts at once refund once', async () => {
    const { s, b, o, line } = await bought(2);
    const r = await open(b.user, { orderItemId: line.id, quantity: 2 });
    const both = await Promise.all([
      s.invoke(api.aftersales.accept, { params: { id: r.body.id } }),
      s.invoke(api.aftersales.accept, { params: { id: r.body.id } }),
    ]);
    assert.deepEqual(both.map((x) => x.status).sort(), [200, 409]);
    await t.app.services.shop.sweep();
    assert.equal(ledger(o.id).refunded, 2000);
    const ord = await b.user.invoke(api.shop.order, { params: { id: o.id } });
    assert.equal(ord.body.status, 'refunded');
  });

  test('a buyer’s request racing the seller’s whole-order refund: the money goes back once', async () => {
    for (let round = 0; round < 3; round++) {
      const { s, b, o, line } = await bought(2);
      const [asked, refunded] = await Promise.all([
        open(b.user, { orderItemId: line.id, quantity: 1 }),
        s.invoke(api.shop.refundOrder, { params: { id: o.id }, body: { restock: false } }),
      ]);
      // Whichever came second saw the first: either the request is refused on a refunded order,
      // or the whole-order refund is refused while the request is open.
      assert.equal([asked.status, refunded.status].filter((x) => x < 300).length, 1, `${asked.status} ${refunded.status}`);
      if (asked.status === 201) {
        assert.equal((await s.invoke(api.aftersales.accept, { params: { id: asked.body.id } })).status, 200);
        assert.equal((await s.invoke(api.shop.refundOrder, { params: { id: o.id }, body: { restock: false } })).status, 200);
      }
      await t.app.services.shop.sweep();
      assert.equal(ledger(o.id).refunded, 2000, 'paid back exactly what was paid');
      assert.equal((await b.user.invoke(api.shop.order, { params: { id: o.id } })).body.status, 'refunded');
    }
  });

  test('a provider that fails leaves the refund owed; the sweeper pays it once', async () => {
    const { s, b, o, line } = await bought(1);
    const provider = t.app.services.shop.provider('test') as TestPaymentProvider;
    const refund = provider.refund.bind(provider);
    provider.refund = () => Promise.reject(new Error('provider down'));
    const r = await open(b.user, { orderItemId: line.id });
    try {
      const ok = await s.invoke(api.aftersales.accept, { params: { id: r.body.id } });
      assert.equal(ok.body.status, 'refunding', 'decided, not yet paid');
      assert.equal(ledger(o.id).refunded, 0);
    } finally {
      provider.refund = refund;
    }
    t.app.services.shop.advanceClock(10_000);
    try {
      await t.app.services.shop.sweep();
      await t.app.services.shop.sweep();
    } finally {
      t.app.services.shop.advanceClock(-10_000);
    }
    const after = await b.user.invoke(api.aftersales.get, { params: { id: r.body.id } });
    assert.equal(after.body.status, 'refunded');
    assert.equal(ledger(o.id).refunded, 1000);
    assert.equal((await b.user.invoke(api.shop.order, { params: { id: o.id } })).body.status, 'refunded');
  });
});
