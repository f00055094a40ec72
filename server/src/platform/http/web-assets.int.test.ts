import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from '../../test/harness.ts';

const SCRIPT = `console.log(${JSON.stringify('tremolo '.repeat(400))});`;
const ASSET = '/assets/index-AbC123xY.js';

/** A built web app as `vite build` leaves it: hashed files under assets/ with their .br and .gz copies. */
function fakeWebDist(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tremolo-web-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(
    path.join(dir, 'index.html'),
    `<!doctype html><html><head><script type="module" crossorigin src="${ASSET}"></script></head><body><div id="root"></div></body></html>`,
  );
  const file = path.join(dir, ASSET);
  writeFileSync(file, SCRIPT);
  writeFileSync(`${file}.br`, brotliCompressSync(SCRIPT));
  writeFileSync(`${file}.gz`, gzipSync(SCRIPT));
  return dir;
}

let t: TestApp;
before(async () => {
  t = await startTestApp({ webDistDir: fakeWebDist() });
});
after(() => t.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.http.inject({ method: 'GET', url, headers });

describe('the built web app', () => {
  test('a hashed file is sent in the encoding the browser accepts, cached for a year', async () => {
    const br = await get(ASSET, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.statusCode, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(String(br.headers['content-type']), /javascript/);
    assert.equal(brotliDecompressSync(br.rawPayload).toString(), SCRIPT);

    const gz = await get(ASSET, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.rawPayload).toString(), SCRIPT);

    for (const accept of [undefined, 'identity']) {
      const plain = await get(ASSET, accept ? { 'accept-encoding': accept } : {});
      assert.equal(plain.statusCode, 200);
      assert.equal(plain.headers['content-encoding'], undefined, `accept-encoding: ${accept}`);
      assert.equal(plain.body, SCRIPT);
    }

    for (const res of [br, gz]) {
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.match(String(res.headers.vary), /accept-encoding/i);
      // Compression does not cost the security headers.
      assert.match(String(res.headers['content-security-policy']), /script-src 'self'(;|$)/);
    }
    assert.ok(Number(br.headers['content-length']) < SCRIPT.length / 4, 'the compressed copy is what went out');
  });

  test('the app shell and client routes are revalidated on every visit', async () => {
    for (const url of ['/u/someone', '/shop/cart', '/me']) {
      const res = await get(url, { 'accept-encoding': 'gzip, br' });
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers['content-type']), /text\/html/, url);
      assert.equal(res.headers['cache-control'], 'no-cache', url);
      assert.ok(res.headers.etag, `${url}: an ETag to revalidate with`);
      const again = await get(url, { 'if-none-match': String(res.headers.etag) });
      assert.equal(again.statusCode, 304, `${url}: unchanged shell is not sent again`);
    }
  });

  test('the landing page carries the person’s own first answers, so no cache keeps it', async () => {
    const res = await get('/', { 'accept-encoding': 'gzip, br' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.equal(res.headers['cache-control'], 'private, no-store');
    assert.match(String(res.headers.vary), /cookie/i);
    assert.equal(res.headers.etag, undefined);
    assert.match(res.body, /<script type="application\/json" id="tremolo-first">/);
    // The script the shell names is still first in its head; the answers end the body.
    assert.ok(res.body.indexOf(ASSET) < res.body.indexOf('tremolo-first'));
  });

  test('API answers keep their own caching', async () => {
    const res = await get('/api/v1/me');
    assert.notEqual(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  });
});
