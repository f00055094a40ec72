import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startTestApp, type TestApp } from '../test/harness.ts';
import { startTestS3, type TestS3 } from '../test/s3.ts';
import { diskStores, type Stores } from './storage.ts';
import { s3Stores } from './storage-s3.ts';

/**
 * The two stores keep the same contract: what the disk store does for one node, object storage
 * does for many. Every case runs against both (the S3 one against s3rver on loopback).
 */
async function bytesOf(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

let s3: TestS3;
const dirs: string[] = [];
const scratch = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tremolo-store-'));
  dirs.push(d);
  return d;
};

before(async () => {
  s3 = await startTestS3();
});
after(async () => {
  await s3.stop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

for (const kind of ['disk', 's3'] as const) {
  describe(`${kind} store`, () => {
    let stores: Stores;
    before(async () => {
      stores = kind === 'disk' ? await diskStores(scratch()) : await s3Stores(s3.config, scratch());
    });
    after(() => stores.close());

    test('public files: put, stat, read whole and in part, remove; a missing key is null', async () => {
      const { storage } = stores;
      const bytes = randomBytes(10_000);
      await storage.put('avatars/u1-abc.webp', bytes);
      assert.equal(storage.url('avatars/u1-abc.webp'), '/media/avatars/u1-abc.webp');
      const st = await storage.stat('avatars/u1-abc.webp');
      assert.ok(st);
      assert.equal(st.size, 10_000);
      assert.equal(st.contentType, 'image/webp');
      assert.match(st.etag, /^(W\/)?".+"$/);
      assert.deepEqual(await bytesOf(await storage.read('avatars/u1-abc.webp')), bytes);
      assert.deepEqual(await bytesOf(await storage.read('avatars/u1-abc.webp', { start: 100, end: 199 })), bytes.subarray(100, 200));
      assert.deepEqual(await bytesOf(await storage.read('avatars/u1-abc.webp', { start: 9_990, end: 9_999 })), bytes.subarray(9_990));
      await storage.remove('avatars/u1-abc.webp');
      assert.equal(await storage.stat('avatars/u1-abc.webp'), null);
      await storage.remove('avatars/u1-abc.webp'); // removing twice is fine
      assert.equal(await storage.stat('avatars/never.webp'), null);
    });

    test('the two areas are apart: a private file is not a public one, whatever the key says', async () => {
      const { storage, privateFiles } = stores;
      const local = path.join(scratch(), 'v');
      await writeFile(local, 'secret video');
      await privateFiles.putFile('videos/v1/video.mp4', local);
      assert.equal(existsSync(local), false, 'putFile takes the local file');
      assert.equal((await privateFiles.stat('videos/v1/video.mp4'))?.contentType, 'video/mp4');
      assert.equal(await storage.stat('videos/v1/video.mp4'), null);
      for (const key of ['../private/videos/v1/video.mp4', '..%2fprivate/videos/v1/video.mp4', 'a/../../private/videos/v1/video.mp4']) {
        const found = await storage.stat(key).catch(() => null);
        assert.equal(found, null, key);
      }
    });

    test('private files: a local copy for tools, removal of a whole prefix', async () => {
      const { privateFiles } = stores;
      const bytes = randomBytes(50_000);
      for (const name of ['source', 'video.mp4', 'poster.jpg']) {
        const local = path.join(scratch(), name);
        await writeFile(local, bytes);
        await privateFiles.putFile(`videos/v2/${name}`, local);
      }
      const copy = await privateFiles.localCopy('videos/v2/source');
      assert.deepEqual(await readFile(copy.path), bytes);
      await copy.release();
      assert.ok(await privateFiles.stat('videos/v2/source'), 'releasing a copy keeps the stored file');
      await privateFiles.removeAll('videos/v2');
      for (const name of ['source', 'video.mp4', 'poster.jpg']) assert.equal(await privateFiles.stat(`videos/v2/${name}`), null, name);
      await assert.rejects(privateFiles.localCopy('videos/v2/source'));
      assert.equal(await privateFiles.signedUrl('videos/v2/source'), null, 'no signed URLs unless S3_SIGNED_URL_SEC');
    });
  });
}

test('a bucket that already holds several objects: another node opens it (its check lists one key of many) and reads them all', async () => {
  const prefix = 'several/';
  const first = await s3Stores({ ...s3.config, prefix }, scratch());
  const files = Array.from({ length: 5 }, (_, i) => ({ key: `avatars/u${i}.webp`, bytes: randomBytes(1000 + i) }));
  try {
    for (const f of files) await first.storage.put(f.key, f.bytes);
  } finally {
    first.close();
  }
  const later = await s3Stores({ ...s3.config, prefix }, scratch());
  try {
    for (const f of files) assert.deepEqual(await bytesOf(await later.storage.read(f.key)), f.bytes, f.key);
    for (let i = 0; i < 3; i++) {
      const local = path.join(scratch(), `part${i}`);
      await writeFile(local, `part ${i}`);
      await later.privateFiles.putFile(`videos/many/part${i}`, local);
    }
    await later.privateFiles.removeAll('videos/many');
    assert.equal(await later.privateFiles.stat('videos/many/part0'), null);
  } finally {
    later.close();
  }
});

test('with S3_PUBLIC_URL public files are linked to the bucket (and CSP may load them); presigned URLs need S3_SIGNED_URL_SEC', async () => {
  const stores = await s3Stores({ ...s3.config, prefix: 'site/', publicUrl: 'https://media.example/', signedUrlSec: 120 }, scratch());
  try {
    assert.equal(stores.storage.url('avatars/a.webp'), 'https://media.example/site/public/avatars/a.webp');
    assert.deepEqual(stores.mediaOrigins.sort(), ['https://media.example', s3.endpoint].sort());
    const local = path.join(scratch(), 'p');
    await writeFile(local, 'poster');
    await stores.privateFiles.putFile('videos/v3/poster.jpg', local);
    const signed = await stores.privateFiles.signedUrl('videos/v3/poster.jpg');
    assert.ok(signed?.startsWith(`${s3.endpoint}/${s3.bucket}/site/private/videos/v3/poster.jpg?`), signed ?? '');
    assert.equal(await (await fetch(signed ?? '')).text(), 'poster');
  } finally {
    stores.close();
  }
});

describe('an app on object storage', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ s3: { ...s3.config, prefix: 'one-app/' } });
  });
  after(() => t.close());

  test('serves public files under /media/ from the bucket: whole, ranges, conditional, missing', async () => {
    const bytes = randomBytes(4096);
    const storage = (await s3Stores({ ...s3.config, prefix: 'one-app/' }, scratch())).storage;
    await storage.put('products/p1/i1.webp', bytes);
    const full = await fetch(`${t.url}/media/products/p1/i1.webp`);
    assert.equal(full.status, 200);
    assert.equal(full.headers.get('content-type'), 'image/webp');
    assert.equal(full.headers.get('cache-control'), 'public, max-age=604800');
    assert.deepEqual(Buffer.from(await full.arrayBuffer()), bytes);
    const etag = full.headers.get('etag') ?? '';

    const part = await fetch(`${t.url}/media/products/p1/i1.webp`, { headers: { range: 'bytes=10-19' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), 'bytes 10-19/4096');
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(10, 20));
    const tail = await fetch(`${t.url}/media/products/p1/i1.webp`, { headers: { range: 'bytes=-6' } });
    assert.equal(tail.status, 206);
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), bytes.subarray(4090));
    const beyond = await fetch(`${t.url}/media/products/p1/i1.webp`, { headers: { range: 'bytes=5000-' } });
    assert.equal(beyond.status, 400);
    assert.equal(beyond.headers.get('content-range'), 'bytes */4096');
    await beyond.arrayBuffer();

    const again = await fetch(`${t.url}/media/products/p1/i1.webp`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    const head = await fetch(`${t.url}/media/products/p1/i1.webp`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '4096');

    for (const url of ['/media/products/p1/nope.webp', '/media/../private/x', '/media/%2e%2e/private/x', '/media/products//i1.webp']) {
      const r = await fetch(`${t.url}${url}`);
      assert.equal(r.status, 404, url);
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'not_found');
    }
  });
});

describe('readiness on object storage', () => {
  let own: TestS3;
  let t: TestApp;
  before(async () => {
    // A bucket of its own: this one is taken down and deleted.
    own = await startTestS3('ready');
    t = await startTestApp({ s3: own.config });
  });
  after(async () => {
    await t.close();
    await own.stop();
  });

  async function ready(): Promise<{ status: number; body: { ok?: boolean; storage?: string; error?: { code: string; message: string } } }> {
    const r = await fetch(`${t.url}/readyz`);
    return { status: r.status, body: (await r.json()) as { ok?: boolean; error?: { code: string; message: string } } };
  }

  test('/readyz is 503 naming the bucket while it is unreachable or gone, 200 when it answers', async () => {
    assert.deepEqual(await ready(), { status: 200, body: { ok: true, database: t.app.database.kind, storage: 's3' } });

    await own.pause();
    const down = await ready();
    assert.equal(down.status, 503);
    assert.equal(down.body.error?.code, 'internal');
    assert.match(
      down.body.error?.message ?? '',
      /^Object storage unreachable \(.*bucket "ready" is not reachable at http:\/\/127\.0\.0\.1:\d+/,
    );

    await own.resume();
    assert.equal((await ready()).status, 200);

    const client = new S3Client({
      region: own.config.region,
      endpoint: own.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    // s3rver checks a bucket request's signature against `/ready`, not `/ready/` (as `storage-s3.ts` does for listings).
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { path?: unknown };
        if (request.path === '/ready/') request.path = '/ready';
        return next(args);
      },
      { step: 'build', name: 'bucketPathWithoutSlash' },
    );
    try {
      await client.send(new DeleteBucketCommand({ Bucket: 'ready' }));
    } finally {
      client.destroy();
    }
    const gone = await ready();
    assert.equal(gone.status, 503);
    assert.match(gone.body.error?.message ?? '', /NoSuchBucket \(HTTP 404\)/);
  });
});
