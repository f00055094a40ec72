import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startTestApp, TestUser, type TestApp } from '../../test/harness.ts';

let t: TestApp;
before(async () => (t = await startTestApp()));
after(async () => t.close());

function multipart(field: string, filename: string, type: string, bytes: Buffer) {
  const boundary = '----tremolo' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, bytes, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('accounts', () => {
  test('sign up, read session, log out, log in again', async () => {
    const ana = await TestUser.signup(t, 'ana');
    assert.ok(ana.cookie.startsWith('tremolo_sid='));
    const s = await ana.call<{ user: { handle: string } }>('GET', '/api/v1/auth/session');
    assert.equal(s.status, 200);
    assert.equal(s.body.user.handle, 'ana');
    assert.equal((await ana.call('POST', '/api/v1/auth/logout')).status, 200);
    assert.equal((await ana.call('GET', '/api/v1/auth/session')).status, 401);
    const bad = await ana.call<{ error: { code: string } }>('POST', '/api/v1/auth/login', { handle: 'ana', password: 'wrong password' });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error.code, 'invalid_credentials');
    const ok = await ana.call('POST', '/api/v1/auth/login', { handle: 'ana', password: 'correct horse battery' });
    assert.equal(ok.status, 200);
    assert.equal((await ana.call('GET', '/api/v1/me')).status, 200);
  });

  test('a taken handle is a 409 with a code', async () => {
    await TestUser.signup(t, 'taken');
    const u = new TestUser(t);
    const r = await u.call<{ error: { code: string } }>('POST', '/api/v1/auth/signup', { handle: 'taken', displayName: 'x', password: 'long enough pw' });
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'handle_taken');
  });

  test('state changes need the CSRF token', async () => {
    const u = await TestUser.signup(t, 'csrfer');
    const r = await u.call<{ error: { code: string } }>('PATCH', '/api/v1/me', { bio: 'hi' }, { 'x-csrf-token': 'nope' });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'csrf_failed');
    const me = await u.call<{ bio: string }>('GET', '/api/v1/me');
    assert.equal(me.body.bio, '');
  });

  test('change password logs out other sessions and keeps this one', async () => {
    const a = await TestUser.signup(t, 'pwchanger');
    const other = new TestUser(t);
    await other.call('POST', '/api/v1/auth/login', { handle: 'pwchanger', password: 'correct horse battery' });
    const r = await a.call('POST', '/api/v1/auth/password', { currentPassword: 'correct horse battery', newPassword: 'new secret words' });
    assert.equal(r.status, 200);
    assert.equal((await a.call('GET', '/api/v1/me')).status, 200);
    assert.equal((await other.call('GET', '/api/v1/me')).status, 401);
    const wrong = await a.call('POST', '/api/v1/auth/password', { currentPassword: 'nope nope', newPassword: 'another secret' });
    assert.equal(wrong.status, 401);
  });

  test('profile edits are validated', async () => {
    const u = await TestUser.signup(t, 'editor');
    const ok = await u.call<{ bio: string; links: unknown[] }>('PATCH', '/api/v1/me', { bio: '你好', links: [{ label: 'shop', url: 'https://example.com' }] });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.bio, '你好');
    const bad = await u.call<{ error: { code: string } }>('PATCH', '/api/v1/me', { links: [{ label: 'x', url: 'javascript:alert(1)' }] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'validation_failed');
    const unknown = await u.call('PATCH', '/api/v1/me', { isAdmin: true });
    assert.equal(unknown.status, 400);
  });

  test('avatar upload accepts images by content and rejects everything else', async () => {
    const u = await TestUser.signup(t, 'avatarist');
    const png = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#e33' } }).png().toBuffer();
    const up = multipart('file', 'me.png', 'image/png', png);
    const r = await t.app.http.inject({ method: 'PUT', url: '/api/v1/me/avatar', headers: { cookie: u.cookie, 'x-csrf-token': u.csrf, 'content-type': up.contentType }, payload: up.payload });
    assert.equal(r.statusCode, 200, r.body);
    const avatarUrl = (JSON.parse(r.body) as { avatarUrl: string }).avatarUrl;
    const img = await t.app.http.inject({ method: 'GET', url: avatarUrl });
    assert.equal(img.statusCode, 200);
    const meta = await sharp(img.rawPayload).metadata();
    assert.equal(meta.format, 'webp');
    assert.equal(meta.width, 512);

    const fake = multipart('file', 'me.png', 'image/png', Buffer.from('this is not an image at all'));
    const bad = await t.app.http.inject({ method: 'PUT', url: '/api/v1/me/avatar', headers: { cookie: u.cookie, 'x-csrf-token': u.csrf, 'content-type': fake.contentType }, payload: fake.payload });
    assert.equal(bad.statusCode, 415);
    assert.equal(JSON.parse(bad.body).error.code, 'unsupported_media_type');

    const huge = multipart('file', 'big.png', 'image/png', Buffer.alloc(6 * 1024 * 1024, 1));
    const big = await t.app.http.inject({ method: 'PUT', url: '/api/v1/me/avatar', headers: { cookie: u.cookie, 'x-csrf-token': u.csrf, 'content-type': huge.contentType }, payload: huge.payload });
    assert.equal(big.statusCode, 413);
    const me = await u.call<{ avatarUrl: string }>('GET', '/api/v1/me');
    assert.equal(me.body.avatarUrl, avatarUrl, 'a rejected upload leaves the old avatar');
  });
});

describe('people lookup', () => {
  test('summaries by id, bad ids refused', async () => {
    const a = await TestUser.signup(t, 'lookup_a');
    const b = await TestUser.signup(t, 'lookup_b');
    const r = await a.call<{ items: { handle: string }[] }>('GET', `/api/v1/users?ids=${a.id},${b.id},${a.id}`);
    assert.deepEqual(r.body.items.map((u) => u.handle).sort(), ['lookup_a', 'lookup_b']);
    assert.equal((await a.call('GET', '/api/v1/users?ids=nope')).status, 400);
    assert.equal((await a.call('GET', '/api/v1/users')).status, 400);
  });
});

describe('rate limits', () => {
  test('logins are limited per account after repeated failures', async () => {
    const limited = await startTestApp({ rateLimits: { loginPerIpPerMin: 1000, loginFailsPerAccountPer15Min: 3, signupPerIpPerHour: 1000 } });
    try {
      await TestUser.signup(limited, 'victim');
      const attacker = new TestUser(limited);
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await attacker.call('POST', '/api/v1/auth/login', { handle: 'victim', password: `guess-${i}` })).status);
      assert.deepEqual(codes, [401, 401, 401, 429, 429]);
      const real = await attacker.call<{ error: { code: string } }>('POST', '/api/v1/auth/login', { handle: 'victim', password: 'correct horse battery' });
      assert.equal(real.status, 429);
      assert.equal(real.body.error.code, 'rate_limited');
    } finally {
      await limited.close();
    }
  });
});
