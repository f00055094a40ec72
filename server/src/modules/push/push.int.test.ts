import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { eq } from 'drizzle-orm';
import { api, PushMessage } from '@tremolo/protocol';
import { startTestApp, TestUser, type TestApp, type TestSocket } from '../../test/harness.ts';
import { pushSubscriptions } from './tables.ts';

/** web-push-testing: a local push service that decrypts what it receives with the subscription's keys. */
interface PushTestingServer {
  startServer(): void;
  _server: { close(cb: () => void): void; closeAllConnections(): void };
}
const require = createRequire(import.meta.url);
const { PushApiModel } = require('web-push-testing/src/PushApiModel.js') as { PushApiModel: new () => object };
const WebPushTestingServer = require('web-push-testing/src/server.js') as new (model: object, port: number) => PushTestingServer;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

let t: TestApp;
let service: PushTestingServer;
let pushUrl: string;

before(async () => {
  const port = await freePort();
  pushUrl = `http://localhost:${port}`;
  service = new WebPushTestingServer(new PushApiModel(), port);
  service.startServer();
  t = await startTestApp({}, { PUSH_ALLOW_HTTP_ENDPOINTS: 'true', JOBS_POLL_MS: '500' });
});
after(async () => {
  await t?.close();
  await new Promise<void>((r) => (service ? (service._server.close(() => r()), service._server.closeAllConnections()) : r()));
});

interface Device {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  clientHash: string;
}

async function pushService<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${pushUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${path}: ${res.status} ${text}`);
  return (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {}) as T;
}

/** A browser subscribing with the server's key, as `pushManager.subscribe` would. */
async function newDevice(u: TestUser): Promise<Device> {
  const key = (await u.invoke(api.push.key)).body.publicKey;
  return (await pushService<{ data: Device }>('/subscribe', { applicationServerKey: key, userVisibleOnly: 'true' })).data;
}

/** Every payload the push service received for a device, decrypted and checked against the protocol. */
async function received(d: Device): Promise<PushMessage[]> {
  const r = await pushService<{ data: { messages: string[] } }>('/get-notifications', { clientHash: d.clientHash });
  return r.data.messages.map((m) => PushMessage.parse(JSON.parse(m)));
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const showing = (d: Device, body: string) =>
  eventually(`a push "${body}"`, async () => (await received(d)).find((m) => m.type === 'show' && m.body === body));

async function dmChannel(a: TestUser, peer: string): Promise<string> {
  return (await a.invoke(api.dms.get, { params: { handle: peer } })).body.channel;
}

/** Reads the whole conversation, as opening it in the app does. */
async function readAll(u: TestUser, peer: string): Promise<void> {
  const { head } = (await u.invoke(api.dms.get, { params: { handle: peer } })).body;
  assert.equal((await u.invoke(api.dms.read, { params: { handle: peer }, body: { seq: head } })).status, 200);
}

async function say(s: TestSocket, ch: string, cid: string, text: string): Promise<void> {
  s.send({ t: 'pub', ch, cid, body: { kind: 'chat', text } });
  const f = await s.next((x) => (x.t === 'ack' && x.cid === cid) || (x.t === 'err' && x.ref === cid));
  assert.equal(f.t, 'ack', JSON.stringify(f));
}

describe('web push', () => {
  test('a DM reaches the phone whose app is closed, not while it is focused, and reading clears it on every device', async () => {
    const a = await TestUser.signup(t, 'push_a', 'Ava');
    const b = await TestUser.signup(t, 'push_b', 'Ben');
    await a.invoke(api.graph.follow, { params: { handle: 'push_b' } });
    await b.invoke(api.graph.follow, { params: { handle: 'push_a' } });

    // The key is made once and kept: the same on every call.
    assert.equal((await a.invoke(api.push.key)).body.publicKey, (await b.invoke(api.push.key)).body.publicKey);

    const phone = await newDevice(b);
    const laptop = await newDevice(b);
    const sub = await b.invoke(api.push.subscribe, { body: { endpoint: phone.endpoint, keys: phone.keys, lang: 'en' } });
    assert.equal(sub.status, 200, JSON.stringify(sub.error));
    const laptopId = (await b.invoke(api.push.subscribe, { body: { endpoint: laptop.endpoint, keys: laptop.keys, lang: 'zh-CN' } })).body
      .id;

    const as = await a.socket();
    const ch = await dmChannel(a, 'push_b');
    await say(as, ch, 'm1', 'dinner at 7?');
    const first = await showing(phone, 'dinner at 7?');
    assert.deepEqual(
      { title: first.type === 'show' && first.title, url: first.type === 'show' && first.url },
      { title: 'Ava', url: '/dm/push_a' },
    );
    await showing(laptop, 'dinner at 7?');

    // The laptop's app is open and focused: the phone still buzzes, the laptop does not.
    const bs = await b.socket();
    bs.send({ t: 'focus', focused: true, device: laptopId });
    await bs.marker();
    await say(as, ch, 'm2', 'bring wine');
    await showing(phone, 'bring wine');
    bs.send({ t: 'focus', focused: false, device: laptopId });
    await bs.marker();
    await say(as, ch, 'm3', 'see you');
    await showing(laptop, 'see you');
    assert.equal((await received(laptop)).filter((m) => m.type === 'show' && m.body === 'bring wine').length, 0);

    // Read on one device: every device is told to close the conversation's notification.
    await readAll(b, 'push_a');
    for (const d of [phone, laptop])
      await eventually('a clear', async () => (await received(d)).find((m) => m.type === 'clear' && m.tags?.includes('dm:push_a')));
    // A DM replaces the conversation's notification instead of stacking: one tag for all of them.
    assert.deepEqual(new Set((await received(phone)).flatMap((m) => (m.type === 'show' ? [m.tag] : []))), new Set(['dm:push_a']));

    // DMs switched off: a DM is not pushed (a later order of things shows it was skipped, not late).
    const prefs = await b.invoke(api.push.setPrefs, { body: { messages: false } });
    assert.deepEqual(prefs.body, { messages: false, lives: true, stage: true, orders: true, coupons: true });
    await say(as, ch, 'm4', 'are you there?');
    await readAll(b, 'push_a');
    await eventually('a second clear', async () =>
      (await received(phone)).filter((m) => m.type === 'clear').length >= 2 ? true : undefined,
    );
    assert.equal((await received(phone)).filter((m) => m.type === 'show' && m.body === 'are you there?').length, 0);
    await b.invoke(api.push.setPrefs, { body: { messages: true } });

    // A push service saying the subscription is gone: it is forgotten.
    await pushService(`/expire-subscription/${phone.clientHash}`, {});
    await say(as, ch, 'm5', 'hello?');
    await showing(laptop, 'hello?');
    await eventually('the expired subscription dropped', async () => {
      const rows = await t.app.database.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, phone.endpoint));
      return rows.length === 0 ? true : undefined;
    });
  });

  test("a stranger's message request shows who, not what, in the device's language", async () => {
    const c = await TestUser.signup(t, 'push_c', 'Chen');
    const d = await TestUser.signup(t, 'push_d', 'Dora');
    const phone = await newDevice(d);
    await d.invoke(api.push.subscribe, { body: { endpoint: phone.endpoint, keys: phone.keys, lang: 'zh-CN' } });
    const cs = await c.socket();
    await say(cs, await dmChannel(c, 'push_d'), 'r1', 'my secret offer');
    const m = await eventually('the request push', async () => (await received(phone)).find((x) => x.type === 'show'));
    assert.equal(m.type === 'show' && m.title, 'Chen');
    assert.equal(m.type === 'show' && m.body, '给你发来一条私信请求');
    assert.ok(!JSON.stringify(await received(phone)).includes('secret'));
  });

  test('a coupon drop reaches the group members, and subscriptions refuse what is not a push service', async () => {
    const owner = await TestUser.signup(t, 'push_owner', 'Lina');
    const fan = await TestUser.signup(t, 'push_fan', 'Fan');
    await owner.invoke(api.shop.upsertShop, { body: { name: 'Lina shop' } });
    const g = (await owner.invoke(api.groups.create, { body: { name: 'Lina fans' } })).body;
    await fan.invoke(api.groups.join, { params: { id: g.id }, body: {} });
    const phone = await newDevice(fan);
    await fan.invoke(api.push.subscribe, { body: { endpoint: phone.endpoint, keys: phone.keys, lang: 'en' } });
    const now = Date.now();
    const coupon = await owner.invoke(api.shop.createCoupon, {
      body: {
        title: '5 off for fans',
        discount: { kind: 'amount', amountOff: 500 },
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        totalQuantity: 10,
        audience: { kind: 'group_members', groupId: g.id },
      },
    });
    await owner.invoke(api.groups.dropCoupon, { params: { id: g.id }, body: { couponId: coupon.body.id } });
    const m = await showing(phone, '5 off for fans');
    assert.equal(m.type === 'show' && m.title, 'Coupon drop in Lina fans');
    assert.equal(m.type === 'show' && m.url, `/g/${g.id}`);

    const bad = await fan.invoke(api.push.subscribe, { body: { endpoint: 'ftp://example.com/x', keys: phone.keys, lang: 'en' } });
    assert.equal(bad.status, 400);
  });
});
