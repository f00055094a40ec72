import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { api, pathOf, type Product, type Video } from '@tremolo/protocol';
import { sampleVideo } from '../modules/videos/fixtures.ts';
import { createScratchDatabase, testDb } from '../test/harness.ts';
import { signupOverHttp, startServerProcess, type ServerProcess } from '../test/processes.ts';
import { startTestS3, type TestS3 } from '../test/s3.ts';
import { s3Stores } from './storage-s3.ts';

/**
 * Two server processes, each with its own DATA_DIR, sharing PostgreSQL and one S3-compatible
 * bucket (s3rver on loopback): whatever is uploaded through one node is served by the other —
 * public images to anyone, private video only after the visibility check, with ranges. A third
 * node hands private files out as presigned URLs instead. PGlite is one process's database, so
 * this runs on Postgres only.
 */
type Person = Awaited<ReturnType<typeof signupOverHttp>>;

let s3: TestS3;
let a: ServerProcess;
let b: ServerProcess;
let drop: (() => Promise<void>) | null = null;
let dbUrl = '';

function as(who: Person | null, init: RequestInit = {}): RequestInit {
  return {
    ...init,
    headers: { ...(who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {}), ...(init.headers as Record<string, string>) },
  };
}

async function json<T>(r: Response, status: number): Promise<T> {
  const text = await r.text();
  assert.equal(r.status, status, text);
  return JSON.parse(text) as T;
}

function form(fields: Record<string, string>, file: { name: string; type: string; bytes: Buffer }): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  f.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  return f;
}

async function bytes(r: Response): Promise<Buffer> {
  return Buffer.from(await r.arrayBuffer());
}

async function readyVideo(base: string, who: Person, id: string): Promise<Video> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await json<Video>(await fetch(`${base}/api/v1/videos/${id}`, as(who)), 200);
    if (v.status === 'ready') return v;
    assert.notEqual(v.status, 'failed', v.error ?? '');
    if (Date.now() > deadline) throw new Error(`video ${id} still ${v.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('two nodes over one S3 bucket', { skip: testDb !== 'postgres' && 'needs Postgres shared by two processes' }, () => {
  before(async () => {
    s3 = await startTestS3();
    const scratch = await createScratchDatabase();
    drop = scratch.drop;
    dbUrl = scratch.url;
    const env = { DATABASE_URL: scratch.url, ...s3.env };
    // Two fresh nodes (migrations, feed warm-up) on a shared two-core machine may take longer than the default 30 s.
    [a, b] = (await Promise.all([startServerProcess(env, undefined, [], 90_000), startServerProcess(env, undefined, [], 90_000)])) as [
      ServerProcess,
      ServerProcess,
    ];
  });
  after(async () => {
    await Promise.all([a, b].map((n) => n?.stop('SIGKILL')));
    await drop?.();
    await s3?.stop();
  });

  test('an avatar and a product image uploaded through A are served by B', async () => {
    const owner = await signupOverHttp(a.url, 's3_owner');
    const png = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#e33' } })
      .png()
      .toBuffer();
    const me = await json<{ avatarUrl: string }>(
      await fetch(
        `${a.url}${api.accounts.setAvatar.path}`,
        as(owner, { method: 'PUT', body: form({}, { name: 'me.png', type: 'image/png', bytes: png }) }),
      ),
      200,
    );
    assert.match(me.avatarUrl, /^\/media\/avatars\/.+\.webp$/);
    const fromA = await fetch(`${a.url}${me.avatarUrl}`);
    const fromB = await fetch(`${b.url}${me.avatarUrl}`);
    assert.equal(fromB.status, 200);
    assert.equal(fromB.headers.get('content-type'), 'image/webp');
    const avatar = await bytes(fromB);
    assert.deepEqual(avatar, await bytes(fromA));
    assert.equal((await sharp(avatar).metadata()).format, 'webp');
    // Anyone may fetch public files, logged in or not, from any node.
    const part = await fetch(`${b.url}${me.avatarUrl}`, { headers: { range: 'bytes=0-11' } });
    assert.equal(part.status, 206);
    assert.equal((await bytes(part)).subarray(8, 12).toString(), 'WEBP');

    await json(
      await fetch(`${a.url}${pathOf(api.shop.upsertShop)}`, as(owner, jsonBody('PUT', { name: 'S3 shop', currency: 'CNY' }))),
      200,
    );
    const created = await json<Product>(
      await fetch(
        `${a.url}${pathOf(api.shop.createProduct)}`,
        as(owner, jsonBody('POST', { title: 'Tee', variants: [{ sku: 'S3-TEE', price: 9900, stock: 3 }] })),
      ),
      201,
    );
    const withImage = await json<Product>(
      await fetch(
        `${a.url}${pathOf(api.shop.addImage, { id: created.id })}`,
        as(owner, { method: 'POST', body: form({}, { name: 'p.png', type: 'image/png', bytes: png }) }),
      ),
      201,
    );
    const img = withImage.images[0]!;
    for (const url of [img.url, img.thumbUrl]) {
      const r = await fetch(`${b.url}${url}`);
      assert.equal(r.status, 200, url);
      assert.equal((await sharp(await bytes(r)).metadata()).format, 'webp');
    }
    // Removed through B: gone for A too.
    await json(
      await fetch(`${b.url}${pathOf(api.shop.removeImage, { id: created.id, imageId: img.id })}`, as(owner, { method: 'DELETE' })),
      200,
    );
    assert.equal((await fetch(`${a.url}${img.url}`)).status, 404);
  });

  test('a private video uploaded through A plays through B with ranges, for its owner only; deleting it through B removes its files', async () => {
    const owner = await signupOverHttp(a.url, 's3_author');
    const stranger = await signupOverHttp(b.url, 's3_stranger');
    const file = await readFile(await sampleVideo('s3-clip', { seconds: 2 }));
    const up = await json<Video>(
      await fetch(
        `${a.url}${pathOf(api.videos.upload)}`,
        as(owner, {
          method: 'POST',
          body: form({ caption: 'through S3', visibility: 'private' }, { name: 'clip.mp4', type: 'video/mp4', bytes: file }),
        }),
      ),
      202,
    );
    // Processed by A (downloaded from the bucket for ffmpeg, results uploaded), asked about on B.
    const v = await readyVideo(b.url, owner, up.id);
    const streamUrl = v.streamUrl!;
    const full = await fetch(`${b.url}${streamUrl}`, as(owner));
    assert.equal(full.status, 200);
    assert.equal(full.headers.get('content-type'), 'video/mp4');
    assert.equal(full.headers.get('cache-control'), 'private, max-age=3600');
    const mp4 = await bytes(full);
    assert.ok(mp4.indexOf('moov') > 0 && mp4.indexOf('moov') < mp4.indexOf('mdat'), 'a transcoded, fast-start MP4');
    assert.deepEqual(await bytes(await fetch(`${a.url}${streamUrl}`, as(owner))), mp4, 'both nodes serve the same bytes');

    const part = await fetch(`${b.url}${streamUrl}`, as(owner, { headers: { range: 'bytes=100-199' } }));
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-199/${mp4.length}`);
    assert.deepEqual(await bytes(part), mp4.subarray(100, 200));
    const tail = await fetch(`${b.url}${streamUrl}`, as(owner, { headers: { range: 'bytes=-500' } }));
    assert.equal(tail.status, 206);
    assert.deepEqual(await bytes(tail), mp4.subarray(mp4.length - 500));
    const poster = await fetch(`${b.url}${v.posterUrl!}`, as(owner));
    assert.equal(poster.status, 200);
    assert.equal((await bytes(poster)).subarray(0, 2).toString('hex'), 'ffd8', 'the poster is a JPEG');

    for (const who of [stranger, null]) {
      for (const url of [streamUrl, v.posterUrl!]) {
        const r = await fetch(`${b.url}${url}`, as(who, { headers: { range: 'bytes=0-99' } }));
        assert.equal(r.status, 404, `${who ? 'stranger' : 'logged out'} ${url}`);
        await r.arrayBuffer();
      }
    }
    // No public path reaches the private area.
    for (const url of [
      `/media/videos/${v.id}/video.mp4`,
      `/media/../private/videos/${v.id}/video.mp4`,
      `/media/%2e%2e/private/videos/${v.id}/video.mp4`,
    ]) {
      const r = await fetch(`${b.url}${url}`);
      assert.equal(r.status, 404, url);
      await r.arrayBuffer();
    }

    await json(await fetch(`${b.url}${pathOf(api.videos.remove, { id: v.id })}`, as(owner, { method: 'DELETE' })), 200);
    assert.equal((await fetch(`${a.url}${streamUrl}`, as(owner))).status, 404);
    const stores = await s3Stores(s3.config, dataDir());
    try {
      for (const name of ['source', 'video.mp4', 'poster.jpg'])
        assert.equal(await stores.privateFiles.stat(`videos/${v.id}/${name}`), null, name);
    } finally {
      stores.close();
    }
  });

  test('with S3_SIGNED_URL_SEC a node answers a viewer who passed the check with a short-lived presigned URL', async () => {
    const c = await startServerProcess({ DATABASE_URL: dbUrl, ...s3.env, S3_SIGNED_URL_SEC: '60' }, undefined, [], 90_000);
    try {
      const owner = await signupOverHttp(a.url, 's3_signed');
      const stranger = await signupOverHttp(a.url, 's3_signed_x');
      const file = await readFile(await sampleVideo('s3-clip', { seconds: 2 }));
      const up = await json<Video>(
        await fetch(
          `${a.url}${pathOf(api.videos.upload)}`,
          as(owner, { method: 'POST', body: form({ visibility: 'private' }, { name: 'clip.mp4', type: 'video/mp4', bytes: file }) }),
        ),
        202,
      );
      const v = await readyVideo(c.url, owner, up.id);
      const mp4 = await bytes(await fetch(`${a.url}${v.streamUrl!}`, as(owner)));

      const r = await fetch(`${c.url}${v.streamUrl!}`, as(owner, { redirect: 'manual' }));
      assert.equal(r.status, 302);
      assert.equal(r.headers.get('cache-control'), 'private, no-store');
      const location = r.headers.get('location') ?? '';
      assert.ok(location.startsWith(`${s3.endpoint}/`), location);
      assert.match(location, /X-Amz-Expires=60/);
      // What a video element does next: range requests straight to the bucket.
      const part = await fetch(location, { headers: { range: 'bytes=100-199' } });
      assert.equal(part.status, 206);
      assert.deepEqual(await bytes(part), mp4.subarray(100, 200));
      // The page may load media from there.
      assert.match(r.headers.get('content-security-policy') ?? '', new RegExp(`media-src [^;]*${s3.endpoint.replace(/[.:/]/g, '\\$&')}`));

      const refused = await fetch(`${c.url}${v.streamUrl!}`, as(stranger, { redirect: 'manual' }));
      assert.equal(refused.status, 404);
      assert.equal(refused.headers.get('location'), null);
    } finally {
      await c.stop('SIGKILL');
    }
  });
});

function jsonBody(method: string, body: unknown): RequestInit {
  return { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
}

function dataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'tremolo-s3-check-'));
}
