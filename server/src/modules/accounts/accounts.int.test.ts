import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { api } from '@tremolo/protocol';
import { assertRefused, startTestApp, TestUser, type TestApp } from '../../test/harness.ts';

let t: TestApp;
before(async () => (t = await startTestApp()));
after(async () => t.close());

function multipart(field: string, filename: string, type: string, bytes: Buffer) {
  const boundary = '----tremolo' + Math.random().toString(16).slice(2);
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, bytes, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('accounts', () => {
  test('sign up, read session, log out, log in again', async () => {
    const ana = await TestUser.signup(t, 'ana');
    assert.ok(ana.cookie.startsWith('tremolo_sid='));
    const s = await ana.invoke(api.accounts.session);
    assert.equal(s.status, 200);
    assert.equal(s.body.user.handle, 'ana');
    assert.equal((await ana.invoke(api.accounts.logout)).status, 200);
    assertRefused(await ana.invoke(api.accounts.session), 401, 'unauthenticated');
    const bad = await ana.invoke(api.accounts.login, { body: { handle: 'ana', password: 'wrong password' } });
    assertRefused(bad, 401, 'invalid_credentials');
    const ok = await ana.invoke(api.accounts.login, { body: { handle: 'ana', password: 'correct horse battery' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.user.handle, 'ana');
    const me = await ana.invoke(api.accounts.me);
    assert.equal(me.status, 200);
    assert.equal(me.body.id, ana.id);
  });

  test('a taken handle is a 409 with a code', async () => {
    await TestUser.signup(t, 'taken');
    const u = new TestUser(t);
    const r = await u.invoke(api.accounts.signup, { body: { handle: 'taken', displayName: 'x', password: 'long enough pw' } });
    assertRefused(r, 409, 'handle_taken');
    assert.equal(u.cookie, '', 'a refused signup logs nobody in');
  });

  test('state changes need the CSRF token', async () => {
    const u = await TestUser.signup(t, 'csrfer');
    // A forged token: the raw call, since the typed one always sends the session's own.
    const r = await u.call<{ error: { code: string } }>('PATCH', '/api/v1/me', { bio: 'hi' }, { 'x-csrf-token': 'nope' });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'csrf_failed');
    const me = await u.invoke(api.accounts.me);
    assert.equal(me.body.bio, '');
  });

  test('change password logs out other sessions and keeps this one', async () => {
    const a = await TestUser.signup(t, 'pwchanger');
    const other = new TestUser(t);
    assert.equal(
      (await other.invoke(api.accounts.login, { body: { handle: 'pwchanger', password: 'correct horse battery' } })).status,
      200,
    );
    const r = await a.invoke(api.accounts.changePassword, {
      body: { currentPassword: 'correct horse battery', newPassword: 'new secret words' },
    });
    assert.equal(r.status, 200);
    assert.equal((await a.invoke(api.accounts.me)).status, 200);
    assertRefused(await other.invoke(api.accounts.me), 401, 'unauthenticated');
    const wrong = await a.invoke(api.accounts.changePassword, { body: { currentPassword: 'nope nope', newPassword: 'another secret' } });
    assertRefused(wrong, 401, 'invalid_credentials');
  });

  test('profile edits are validated', async () => {
    const u = await TestUser.signup(t, 'editor');
    const ok = await u.invoke(api.accounts.updateMe, { body: { bio: '你好', links: [{ label: 'shop', url: 'https://example.com' }] } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.bio, '你好');
    assert.deepEqual(ok.body.links, [{ label: 'shop', url: 'https://example.com' }]);
    const bad = await u.invoke(api.accounts.updateMe, { body: { links: [{ label: 'x', url: 'javascript:alert(1)' }] } });
    assertRefused(bad, 400, 'validation_failed');
    // A field the contract does not have: only the raw call can send it.
    const unknown = await u.call<{ error: { code: string } }>('PATCH', '/api/v1/me', { isAdmin: true });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.code, 'validation_failed');
  });

  test('an empty profile edit changes nothing and is not an error', async () => {
    const u = await TestUser.signup(t, 'unchanged');
    await u.invoke(api.accounts.updateMe, { body: { bio: 'kept' } });
    const r = await u.invoke(api.accounts.updateMe, { body: {} });
    assert.equal(r.status, 200);
    assert.equal(r.body.bio, 'kept');
  });

  test('avatar upload accepts images by content and rejects everything else', async () => {
    const u = await TestUser.signup(t, 'avatarist');
    const png = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#e33' } })
      .png()
      .toBuffer();
    const up = multipart('file', 'me.png', 'image/png', png);
    const r = await t.app.http.inject({
      method: 'PUT',
      url: '/api/v1/me/avatar',
      headers: { cookie: u.cookie, 'x-csrf-token': u.csrf, 'content-type': up.contentType },
      payload: up.payload,
    });
    assert.equal(r.statusCode, 200, r.body);
    const avatarUrl = (JSON.parse(r.body) as { avatarUrl: string }).avatarUrl;
    const img = await t.app.http.inject({ method: 'GET', url: avatarUrl });
    assert.equal(img.statusCode, 200);
    const meta = await sharp(img.rawPayload).metadata();
    assert.equal(meta.format, 'webp');
    assert.equal(meta.width, 512);

    const fake = multipart('file', 'me.png', 'image/png', Buffer.from('this is not an image at all'));
    const bad = await t.app.http.inject({
      method: 'PUT',
      url: '/api/v1/me/avatar',
      headers: { cookie: u.cookie, 'x-csrf-token': u.csrf, 'content-type': fake.contentType },
      payload: fake.payload,
    });
    assert.equal(bad.statusCode, 415);
    assert.equal(JSON.parse(bad.body).error.code, 'unsupported_media_type');

    const huge = multipart('file', 'big.png', 'image/png', Buffer.alloc(6 * 1024 * 1024, 1));
    const big = await t.app.http.inject({
      method: 'PUT',
      url: '/api/v1/me/avatar',
      headers: { cookie: u.cookie, 'x-csrf-token': u.csrf, 'content-type': huge.contentType },
      payload: huge.payload,
    });
    assert.equal(big.statusCode, 413);
    const me = await u.invoke(api.accounts.me);
    assert.equal(me.body.avatarUrl, avatarUrl, 'a rejected upload leaves the old avatar');
  });
});

describe('people lookup', () => {
  test('summaries by id, bad ids refused', async () => {
    const a = await TestUser.signup(t, 'lookup_a');
    const b = await TestUser.signup(t, 'lookup_b');
    const r = await a.invoke(api.accounts.people, { query: { ids: `${a.id},${b.id},${a.id}` } });
    assert.deepEqual(r.body.items.map((u) => u.handle).sort(), ['lookup_a', 'lookup_b']);
    assertRefused(await a.invoke(api.accounts.people, { query: { ids: 'nope' } }), 400, 'validation_failed');
    // Without the required query: only the raw call can leave it out.
    const none = await a.call<{ error: { code: string } }>('GET', '/api/v1/users');
    assert.equal(none.status, 400);
    assert.equal(none.body.error.code, 'validation_failed');
  });
});

describe('login limits', () => {
  type LoginReply = { status: number; code: string | undefined; ms: number; device: string | undefined };
  /** A login from one network (and optionally with a device mark), as a browser there would send it. */
  async function login(app: TestApp, ip: string, handle: string, password: string, device?: string): Promise<LoginReply> {
    const started = performance.now();
    const res = await app.app.http.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: ip,
      headers: { 'content-type': 'application/json', ...(device ? { cookie: device } : {}) },
      payload: JSON.stringify({ handle, password }),
    });
    const setCookie = res.headers['set-cookie'];
    const mark = (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [])
      .map((c) => c.split(';')[0]!)
      .find((c) => c.startsWith('tremolo_dev='));
    const body = JSON.parse(res.body) as { error?: { code: string } };
    return { status: res.statusCode, code: body.error?.code, ms: performance.now() - started, device: mark };
  }
  const guesses = async (app: TestApp, ip: string, handle: string, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await login(app, ip, handle, `guess-${i}`)).status);
    return out;
  };

  test('failures are refused per (account, network): the attacker is stopped, the owner elsewhere is not', async () => {
    // Ten, the old per-account lock-out: the same burst used to lock the owner out everywhere.
    const app = await startTestApp({}, { RATE_LIMIT_LOGIN_FAILS_PER_ACCOUNT_NETWORK: '10', LOGIN_SLOWDOWN_AFTER_FAILS: '1000' });
    try {
      await TestUser.signup(app, 'victim');
      assert.deepEqual(await guesses(app, '203.0.113.7', 'victim', 12), [...Array<number>(10).fill(401), 429, 429]);
      const attackerRight = await login(app, '203.0.113.7', 'victim', 'correct horse battery');
      assert.equal(attackerRight.status, 429);
      assert.equal(attackerRight.code, 'rate_limited');
      // The owner's network is not the attacker's.
      const owner = await login(app, '198.51.100.20', 'victim', 'correct horse battery');
      assert.equal(owner.status, 200);
    } finally {
      await app.close();
    }
  });

  test('failures per network stop one network guessing across many accounts', async () => {
    const app = await startTestApp({}, { RATE_LIMIT_LOGIN_FAILS_PER_IP_PER_HOUR: '4', LOGIN_SLOWDOWN_AFTER_FAILS: '1000' });
    try {
      for (const h of ['net_a', 'net_b', 'net_c']) await TestUser.signup(app, h);
      const codes: number[] = [];
      for (const h of ['net_a', 'net_b', 'net_c', 'net_a', 'net_b', 'net_c'])
        codes.push((await login(app, '203.0.113.9', h, 'nope')).status);
      assert.deepEqual(codes, [401, 401, 401, 401, 429, 429]);
      const other = await login(app, '198.51.100.30', 'net_b', 'correct horse battery');
      assert.equal(other.status, 200);
      // A successful login does not use up its network's failure budget.
      const app2Codes: number[] = [];
      for (let i = 0; i < 5; i++) app2Codes.push((await login(app, '198.51.100.31', 'net_c', 'correct horse battery')).status);
      assert.deepEqual(app2Codes, [200, 200, 200, 200, 200]);
    } finally {
      await app.close();
    }
  });

  test("strangers' failures from many networks slow the account down, never lock it; a known device is not slowed", async () => {
    const app = await startTestApp({}, { LOGIN_SLOWDOWN_AFTER_FAILS: '2', LOGIN_SLOWDOWN_STEP_MS: '1500', LOGIN_SLOWDOWN_MAX_MS: '1500' });
    try {
      await TestUser.signup(app, 'slowed');
      const first = await login(app, '198.51.100.40', 'slowed', 'correct horse battery');
      assert.equal(first.status, 200);
      assert.ok(first.device, 'a successful login marks the device');
      // A botnet: every guess from another network, so no per-network limit is reached.
      for (let i = 0; i < 4; i++) assert.equal((await login(app, `203.0.113.${100 + i}`, 'slowed', `guess-${i}`)).status, 401);
      const stranger = await login(app, '203.0.113.200', 'slowed', 'guess-again');
      assert.equal(stranger.status, 401);
      assert.ok(stranger.ms >= 1400, `a stranger is slowed down (${Math.round(stranger.ms)} ms)`);
      const ownerDevice = await login(app, '198.51.100.40', 'slowed', 'correct horse battery', first.device);
      assert.equal(ownerDevice.status, 200);
      assert.ok(ownerDevice.ms < 1000, `the owner's device is not slowed down (${Math.round(ownerDevice.ms)} ms)`);
      // A forged mark counts for nothing, and the owner on a new device still gets in (slowly).
      await login(app, '203.0.113.201', 'slowed', 'guess-more');
      const forged = await login(
        app,
        '203.0.113.202',
        'slowed',
        'guess-forged',
        `tremolo_dev=${first.device!.split('=')[1]!.replace(/.$/, 'x')}`,
      );
      assert.ok(forged.ms >= 1400);
      const newDevice = await login(app, '198.51.100.41', 'slowed', 'correct horse battery');
      assert.equal(newDevice.status, 200);
    } finally {
      await app.close();
    }
  });
});

describe('sessions looked up together', () => {
  let u: TestApp;
  // Nothing answered from memory: every request reads its session, so concurrent ones share rounds.
  before(async () => (u = await startTestApp({}, { SESSION_CACHE_SEC: '0' })));
  after(async () => u.close());

  test('a crowd of requests at once: each is answered for its own session, an ended one is refused', async () => {
    const people = await Promise.all(['crowd_a', 'crowd_b', 'crowd_c', 'crowd_d', 'crowd_e'].map((h) => TestUser.signup(u, h)));
    const gone = people[4]!;
    assert.equal((await gone.invoke(api.accounts.logout)).status, 200);
    const asks = Array.from({ length: 4 }, () => people).flat();
    const replies = await Promise.all(asks.map((p) => p.invoke(api.accounts.session)));
    replies.forEach((r, i) => {
      const who = asks[i]!;
      if (who === gone) return assertRefused(r, 401, 'unauthenticated');
      assert.equal(r.status, 200);
      assert.equal(r.body?.user.handle, who.handle);
    });
  });
});
