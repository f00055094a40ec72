import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestApp, TestUser, type TestApp } from '../../test/harness.ts';

/** A built web app of two files, so the test needs no Vite build. */
function fakeWebDist(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tremolo-web-'));
  writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/app.js"></script></body></html>',
  );
  writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'app.js.map'), '{"version":3,"sources":["secret.tsx"]}');
  return dir;
}

let t: TestApp;
let https: TestApp;
let user: TestUser;

before(async () => {
  t = await startTestApp({ webDistDir: fakeWebDist() });
  https = await startTestApp({ webDistDir: fakeWebDist(), cookieSecure: true });
  user = await TestUser.signup(t, 'headers_person');
});
after(async () => {
  await t.close();
  await https.close();
});

function assertHardened(headers: Record<string, unknown>, what: string) {
  const csp = String(headers['content-security-policy'] ?? '');
  assert.match(csp, /default-src 'self'/, `${what}: CSP`);
  assert.match(csp, /script-src 'self'(;|$)/, `${what}: no inline script`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${what}: nothing unsafe`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: not framed`);
  assert.equal(headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  assert.equal(headers['referrer-policy'], 'strict-origin-when-cross-origin', `${what}: referrer`);
  assert.equal(headers['cross-origin-opener-policy'], 'same-origin', `${what}: COOP`);
  const pp = String(headers['permissions-policy'] ?? '');
  assert.match(pp, /camera=\(self\)/, `${what}: camera for us only`);
  assert.match(pp, /microphone=\(self\)/, `${what}: microphone for us only`);
  assert.match(pp, /payment=\(\)/, `${what}: nothing else`);
}

describe('security headers', () => {
  test('HTML, API, errors and media all carry them; HSTS only behind HTTPS', async () => {
    const pages: [string, string][] = [
      ['the app shell', '/'],
      ['a client-side route', '/u/headers_person'],
      ['an API response', '/api/v1/me'],
      ['an API error', '/api/v1/videos/not-an-id'],
      ['the OpenAPI document', '/api/openapi.json'],
      ['a missing media file', '/media/avatars/nope.webp'],
    ];
    for (const [what, url] of pages) {
      const res = await t.app.http.inject({ method: 'GET', url, headers: { cookie: user.cookie } });
      assertHardened(res.headers, what);
      assert.equal(res.headers['strict-transport-security'], undefined, `${what}: no HSTS over plain HTTP`);
    }
    // A video stream route answering for a file it will not show.
    const media = await t.app.http.inject({ method: 'GET', url: '/api/v1/videos/00000000-0000-7000-8000-000000000000/stream' });
    assertHardened(media.headers, 'a video stream answer');
    const secure = await https.app.http.inject({ method: 'GET', url: '/' });
    assertHardened(secure.headers, 'the app shell over HTTPS');
    assert.match(String(secure.headers['strict-transport-security']), /max-age=\d{7,}/);
  });

  test('the built app’s source maps are not served', async () => {
    assert.equal((await t.app.http.inject({ method: 'GET', url: '/app.js' })).statusCode, 200);
    const map = await t.app.http.inject({ method: 'GET', url: '/app.js.map' });
    assert.equal(map.statusCode, 404);
    assert.ok(!map.body.includes('secret.tsx'));
  });

  test('X-Forwarded-For is believed only from the configured proxies', async () => {
    const proxied = await startTestApp({ trustProxy: 1 }, { RATE_LIMIT_LOGIN_PER_IP_PER_MIN: '3' });
    try {
      const login = (forwarded: string, remoteAddress = '127.0.0.1') =>
        proxied.app.http.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress,
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwarded },
          payload: JSON.stringify({ handle: 'nobody_here', password: 'wrong-password-1' }),
        });
      // One client behind our one proxy: whatever it writes in front, the proxy appends its real address.
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await login(`10.9.${i}.${i}, 203.0.113.7`)).statusCode);
      assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429], 'forged hops do not reset the per-network limit');
      // Another client behind the same proxy has its own budget.
      assert.equal((await login('198.51.100.20')).statusCode, 401);
    } finally {
      await proxied.close();
    }
    // With no proxy configured, the header is ignored altogether.
    const direct = await startTestApp({}, { RATE_LIMIT_LOGIN_PER_IP_PER_MIN: '2' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await direct.app.http.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `192.0.2.${i}` },
          payload: JSON.stringify({ handle: 'nobody_here', password: 'wrong-password-1' }),
        });
        statuses.push(res.statusCode);
      }
      assert.deepEqual(statuses, [401, 401, 429, 429]);
    } finally {
      await direct.close();
    }
  });
});
