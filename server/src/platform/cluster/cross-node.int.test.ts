import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import sharp from 'sharp';
import { api, pathOf, type Address, type Card, type FlashSale, type Order, type Product, type Room, type Video } from '@tremolo/protocol';
import { sampleVideo } from '../../modules/videos/fixtures.ts';
import { testDb, TestSocket } from '../../test/harness.ts';
import { signupOverHttp } from '../../test/processes.ts';
import { startCluster, type TestCluster } from '../../test/cluster.ts';

/**
 * Stories whose people are on different nodes of a real deployment: two server processes, each
 * with its own DATA_DIR, over one PostgreSQL, Redis and S3-compatible bucket, behind the shipped
 * HAProxy config (round-robin, no stickiness). What one person uploads through node A, another
 * sees through node B and through the balancer; two buyers on different nodes race for the last
 * unit of a flash sale; a video whose node is SIGKILLed mid-processing is finished by the other.
 */
type Person = Awaited<ReturnType<typeof signupOverHttp>>;

const skip = testDb !== 'postgres' && 'needs Postgres shared by two processes';

function as(who: Person | null, init: RequestInit = {}): RequestInit {
  return {
    ...init,
    headers: { ...(who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {}), ...(init.headers as Record<string, string>) },
  };
}

function jsonBody(method: string, body: unknown): RequestInit {
  return { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
}

async function json<T>(r: Response, status: number): Promise<T> {
  const text = await r.text();
  assert.equal(r.status, status, `${r.url}: ${text}`);
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

const png = (color: string) =>
  sharp({ create: { width: 400, height: 400, channels: 3, background: color } })
    .png()
    .toBuffer();

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function readyVideo(base: string, who: Person, id: string, timeoutMs = 60_000): Promise<Video> {
  return until(
    `video ${id} ready`,
    async () => {
      const v = await json<Video>(await fetch(`${base}/api/v1/videos/${id}`, as(who)), 200);
      assert.notEqual(v.status, 'failed', v.error ?? '');
      return v.status === 'ready' && v;
    },
    timeoutMs,
  );
}

/**
 * A public file answers 200 with the same bytes through node B and, several times, through the
 * balancer, which sends consecutive requests to both nodes.
 */
async function servedEverywhere(c: TestCluster, b: string, url: string, expected: Buffer | null = null): Promise<Buffer> {
  const fromB = await fetch(`${b}${url}`);
  assert.equal(fromB.status, 200, `${url} through B`);
  const body = await bytes(fromB);
  if (expected) assert.deepEqual(body, expected, `${url}: B serves what was uploaded`);
  const servedBy = new Set<string>();
  for (let i = 0; i < 4; i++) {
    const r = await fetch(`${c.lb}${url}`);
    assert.equal(r.status, 200, `${url} through HAProxy (${r.headers.get('x-served-by')})`);
    assert.deepEqual(await bytes(r), body, `${url} through HAProxy: the same bytes`);
    servedBy.add(r.headers.get('x-served-by') ?? '?');
  }
  assert.deepEqual([...servedBy].sort(), ['node1', 'node2'], `${url}: both nodes answered through HAProxy`);
  return body;
}

describe('people on different nodes behind HAProxy', { skip }, () => {
  let c: TestCluster;
  let a: string;
  let b: string;
  before(async () => {
    c = await startCluster();
    [a, b] = c.nodes.map((n) => n.url) as [string, string];
  });
  after(async () => c?.close());

  test('an avatar uploaded through A is served through B and HAProxy', async () => {
    const ana = await signupOverHttp(a, 'xn_avatar');
    const me = await json<{ avatarUrl: string }>(
      await fetch(
        `${a}${api.accounts.setAvatar.path}`,
        as(ana, { method: 'PUT', body: form({}, { name: 'me.png', type: 'image/png', bytes: await png('#e33') }) }),
      ),
      200,
    );
    assert.match(me.avatarUrl, /^\/media\/avatars\/.+\.webp$/);
    const fromA = await bytes(await fetch(`${a}${me.avatarUrl}`));
    await servedEverywhere(c, b, me.avatarUrl, fromA);
    // Ben, on B, sees Ana's profile with that avatar.
    const ben = await signupOverHttp(b, 'xn_avatar_ben');
    const card = await json<Card>(await fetch(`${b}/api/v1/users/xn_avatar`, as(ben)), 200);
    assert.equal(card.user.avatarUrl, me.avatarUrl);
  });

  test('a product image uploaded through A is shown to a buyer on B and through HAProxy', async () => {
    const seller = await signupOverHttp(a, 'xn_seller');
    await json(
      await fetch(`${a}${pathOf(api.shop.upsertShop)}`, as(seller, jsonBody('PUT', { name: 'Cross shop', currency: 'CNY' }))),
      200,
    );
    const created = await json<Product>(
      await fetch(
        `${a}${pathOf(api.shop.createProduct)}`,
        as(seller, jsonBody('POST', { title: 'Mug', variants: [{ sku: 'XN-MUG', price: 3900, stock: 3 }] })),
      ),
      201,
    );
    await json<Product>(
      await fetch(
        `${a}${pathOf(api.shop.addImage, { id: created.id })}`,
        as(seller, { method: 'POST', body: form({}, { name: 'p.png', type: 'image/png', bytes: await png('#3a3') }) }),
      ),
      201,
    );
    await json(await fetch(`${a}${pathOf(api.shop.publishProduct, { id: created.id })}`, as(seller, { method: 'POST' })), 200);
    const buyer = await signupOverHttp(b, 'xn_buyer');
    const seen = await json<Product>(await fetch(`${b}${pathOf(api.shop.product, { id: created.id })}`, as(buyer)), 200);
    const img = seen.images[0]!;
    for (const url of [img.url, img.thumbUrl]) {
      const body = await servedEverywhere(c, b, url);
      assert.equal((await sharp(body).metadata()).format, 'webp');
    }
  });

  test('a room cover uploaded by the host through A is shown to a viewer on B and through HAProxy', async () => {
    const host = await signupOverHttp(a, 'xn_host');
    const room = await json<Room>(
      await fetch(`${a}${pathOf(api.rooms.create)}`, as(host, jsonBody('POST', { title: 'Cover story', audience: 'public' }))),
      201,
    );
    const withCover = await json<Room>(
      await fetch(
        `${a}${pathOf(api.rooms.setCover, { id: room.id })}`,
        as(host, { method: 'PUT', body: form({}, { name: 'cover.png', type: 'image/png', bytes: await png('#36c') }) }),
      ),
      200,
    );
    assert.ok(withCover.coverUrl, 'the room has a cover');
    const viewer = await signupOverHttp(b, 'xn_viewer');
    const seen = await json<Room>(await fetch(`${b}${pathOf(api.rooms.get, { id: room.id })}`, as(viewer)), 200);
    assert.equal(seen.coverUrl, withCover.coverUrl);
    const body = await servedEverywhere(c, b, seen.coverUrl!);
    assert.equal((await sharp(body).metadata()).format, 'webp');
  });

  test('a video uploaded through A becomes ready and its stream answers ranges through B and HAProxy', async () => {
    const author = await signupOverHttp(a, 'xn_author');
    const viewer = await signupOverHttp(b, 'xn_watcher');
    const file = await readFile(await sampleVideo('cross-node', { seconds: 2 }));
    const up = await json<Video>(
      await fetch(
        `${a}${pathOf(api.videos.upload)}`,
        as(author, {
          method: 'POST',
          body: form({ caption: 'from node A', visibility: 'public' }, { name: 'clip.mp4', type: 'video/mp4', bytes: file }),
        }),
      ),
      202,
    );
    // Its author follows it through B while A (or whichever node took the job) processes it; others see it once ready.
    await readyVideo(b, author, up.id);
    const v = await json<Video>(await fetch(`${b}/api/v1/videos/${up.id}`, as(viewer)), 200);
    const full = await bytes(await fetch(`${a}${v.streamUrl!}`, as(author)));
    assert.ok(full.length > 1000);
    const part = await fetch(`${b}${v.streamUrl!}`, as(viewer, { headers: { range: 'bytes=100-1099' } }));
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-1099/${full.length}`);
    assert.deepEqual(await bytes(part), full.subarray(100, 1100));
    const servedBy = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const r = await fetch(`${c.lb}${v.streamUrl!}`, as(viewer, { headers: { range: `bytes=${i * 10}-${i * 10 + 99}` } }));
      assert.equal(r.status, 206, `through HAProxy (${r.headers.get('x-served-by')})`);
      assert.deepEqual(await bytes(r), full.subarray(i * 10, i * 10 + 100));
      servedBy.add(r.headers.get('x-served-by') ?? '?');
    }
    assert.deepEqual([...servedBy].sort(), ['node1', 'node2']);
    const poster = await fetch(`${b}${v.posterUrl!}`, as(viewer));
    assert.equal(poster.status, 200);
    await poster.arrayBuffer();
  });

  test('two buyers on different nodes race for a 1-unit flash sale: exactly one wins, stock never goes negative', async (t) => {
    const sql = new pg.Client({ connectionString: c.databaseUrl });
    await sql.connect();
    try {
      const seller = await signupOverHttp(a, 'xn_flash_seller');
      await json(
        await fetch(`${a}${pathOf(api.shop.upsertShop)}`, as(seller, jsonBody('PUT', { name: 'Flash shop', currency: 'CNY' }))),
        200,
      );
      const product = await json<Product>(
        await fetch(
          `${a}${pathOf(api.shop.createProduct)}`,
          as(seller, jsonBody('POST', { title: 'Limited', variants: [{ sku: 'XN-FLASH', price: 9900, stock: 20 }] })),
        ),
        201,
      );
      await json(await fetch(`${a}${pathOf(api.shop.publishProduct, { id: product.id })}`, as(seller, { method: 'POST' })), 200);
      const variantId = product.variants[0]!.id;
      const buyerOn = async (base: string, handle: string) => {
        const user = await signupOverHttp(base, handle);
        const address = await json<Address>(
          await fetch(
            `${base}${pathOf(api.shop.addAddress)}`,
            as(user, jsonBody('POST', { name: handle, phone: '+86 138 0000 0000', line1: '1 Road', city: 'Shanghai' })),
          ),
          201,
        );
        return { base, user, address };
      };
      const onA = await buyerOn(a, 'xn_flash_a');
      const onB = await buyerOn(b, 'xn_flash_b');
      const minStock = async () => {
        const r = await sql.query<{ m: number }>(
          `select least((select min(units) from shop_flash_stock), (select min(stock_left) from shop_flash_sales), (select min(stock) from shop_variants)) as m`,
        );
        return r.rows[0]!.m;
      };

      // Several rounds, each a fresh 1-unit sale created through A, both buyers pressing "buy" at once.
      const rounds = 5;
      const wins = { a: 0, b: 0 };
      for (let round = 0; round < rounds; round++) {
        const sale = await json<FlashSale>(
          await fetch(
            `${a}${pathOf(api.shop.createFlashSale)}`,
            as(
              seller,
              jsonBody('POST', {
                variantId,
                price: 990,
                stock: 1,
                perUserLimit: 1,
                startsAt: new Date(Date.now() - 1000).toISOString(),
                endsAt: new Date(Date.now() + 3600_000).toISOString(),
              }),
            ),
          ),
          201,
        );
        let watching = true;
        const lows: number[] = [];
        const watcher = (async () => {
          while (watching) {
            lows.push(await minStock());
            for (const base of [a, b]) {
              const s = await json<FlashSale>(await fetch(`${base}${pathOf(api.shop.flashSale, { id: sale.id })}`), 200);
              lows.push(s.stockLeft);
            }
          }
        })();
        const buy = (who: typeof onA) =>
          fetch(
            `${who.base}${pathOf(api.shop.flashCheckout, { id: sale.id })}`,
            as(who.user, jsonBody('POST', { addressId: who.address.id, idempotencyKey: `xn-${round}-${who.user.id}` })),
          ).then(async (r) => ({ status: r.status, body: JSON.parse(await r.text()) as Order & { error?: { code: string } } }));
        const [ra, rb] = await Promise.all([buy(onA), buy(onB)]);
        watching = false;
        await watcher;
        const won = [ra, rb].filter((r) => r.status === 201);
        assert.equal(won.length, 1, `round ${round}: exactly one winner (${JSON.stringify([ra, rb])})`);
        const lost = [ra, rb].find((r) => r.status !== 201)!;
        assert.equal(lost.status, 409, JSON.stringify(lost.body));
        assert.equal(lost.body.error?.code, 'sold_out', JSON.stringify(lost.body));
        if (ra.status === 201) wins.a++;
        else wins.b++;
        assert.ok(
          lows.every((n) => n >= 0),
          `round ${round}: stock seen ${lows.join(',')}`,
        );
        for (const base of [a, b, c.lb]) {
          const s = await json<FlashSale>(await fetch(`${base}${pathOf(api.shop.flashSale, { id: sale.id })}`), 200);
          assert.equal(s.stockLeft, 0, `round ${round}: sold out as seen through ${base}`);
        }
        // The winner's order, asked about through the other node and through HAProxy.
        const winner = ra.status === 201 ? onA : onB;
        const other = winner === onA ? b : a;
        for (const base of [other, c.lb]) {
          const o = await json<Order>(await fetch(`${base}${pathOf(api.shop.order, { id: won[0]!.body.id })}`, as(winner.user)), 200);
          assert.equal(o.flashSaleId, sale.id);
          assert.equal(o.status, 'pending_payment');
        }
        // Cancelled, so the next round's sale may be created for the same product.
        await json(await fetch(`${b}${pathOf(api.shop.cancelFlashSale, { id: sale.id })}`, as(seller, { method: 'POST' })), 200);
      }
      // Each round set aside exactly one unit for its winner.
      const variant = await sql.query<{ stock: number }>('select stock from shop_variants where id = $1', [variantId]);
      assert.equal(variant.rows[0]!.stock, 20 - rounds);
      assert.ok((await minStock()) >= 0);
      t.diagnostic(`winners: ${wins.a} on A, ${wins.b} on B`);
    } finally {
      await sql.end();
    }
  });
});

describe('a video whose node dies mid-processing, over S3 and separate data directories', { skip }, () => {
  let c: TestCluster;
  let sql: pg.Client;
  const jobOf = async (videoId: string) =>
    (
      await sql.query<{ state: string; retry_count: number }>(
        `select state, retry_count from pgboss.job where name = 'video-process' and singleton_key = $1 order by created_on desc limit 1`,
        [videoId],
      )
    ).rows[0];
  before(async () => {
    c = await startCluster({
      // B is paused for a moment below: far shorter than this, so nobody declares it dead meanwhile.
      env: {
        CLUSTER_DEAD_AFTER_MS: '15000',
        JOBS_HEARTBEAT_SEC: '10',
        JOBS_SWEEP_SEC: '1',
        JOBS_POLL_MS: '500',
        VIDEO_PROCESS_RETRY_DELAY_SEC: '1',
      },
      // Node 1 holds each processing attempt for a minute before ffmpeg starts: it is certainly mid-job when killed.
      nodeEnv: (i): Record<string, string> => (i === 0 ? { VIDEO_PROCESS_TEST_DELAY_MS: '60000' } : {}),
    });
    sql = new pg.Client({ connectionString: c.databaseUrl });
    await sql.connect();
  });
  after(async () => {
    await sql?.end();
    await c?.close();
  });

  test('node A is SIGKILLed while processing an upload; node B finishes it and its viewers hear it is ready', async (t) => {
    const [a, b] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0]];
    const author = await signupOverHttp(a.url, 'xn_fo_author');
    const viewer = await signupOverHttp(b.url, 'xn_fo_viewer');
    const sock = await TestSocket.open(b.url.replace('http', 'ws') + '/ws?v=1', author.cookie);
    sock.send({ t: 'sub', ch: `user:${author.id}` });
    await sock.next((f) => f.t === 'subbed');

    const file = await readFile(await sampleVideo('landscape', { width: 320, height: 240, seconds: 1 }));
    // B is paused while A takes the job, so it is A's (B would otherwise poll for it too).
    b.child.kill('SIGSTOP');
    let up: Video | null = null;
    try {
      up = await json<Video>(
        await fetch(
          `${a.url}${pathOf(api.videos.upload)}`,
          as(author, {
            method: 'POST',
            body: form({ caption: 'survives its node', visibility: 'public' }, { name: 'clip.mp4', type: 'video/mp4', bytes: file }),
          }),
        ),
        202,
      );
      const id = up.id;
      await until('A to take the job', async () => (await jobOf(id))?.state === 'active', 10_000);
    } finally {
      b.child.kill('SIGCONT');
    }
    assert.ok(up);
    // B is back and leaves the job A holds alone.
    const during = await json<Video>(await fetch(`${b.url}/api/v1/videos/${up.id}`, as(author)), 200);
    assert.equal(during.status, 'processing');
    assert.deepEqual(await jobOf(up.id), { state: 'active', retry_count: 0 });

    await a.stop('SIGKILL');
    const killedAt = Date.now();
    const heard = await sock.next((f) => f.t === 'ev' && f.body.kind === 'video_status', 60_000);
    assert.ok(heard.t === 'ev' && heard.body.kind === 'video_status' && heard.body.videoId === up.id);
    assert.equal(heard.body.status, 'ready');
    t.diagnostic(`ready ${Date.now() - killedAt} ms after the SIGKILL`);
    // The second attempt, on B, completed it (the job is marked so just after the video).
    const id = up.id;
    assert.deepEqual(
      await until(
        'the job to complete',
        async () => {
          const j = await jobOf(id);
          return j?.state !== 'active' && j;
        },
        10_000,
      ),
      { state: 'completed', retry_count: 1 },
    );

    // Its files are in the bucket: the stream answers ranges through B and through HAProxy (now only B).
    const v = await readyVideo(b.url, viewer, up.id, 5_000);
    const full = await bytes(await fetch(`${b.url}${v.streamUrl!}`, as(viewer)));
    assert.ok(full.length > 1000);
    for (const base of [b.url, c.lb]) {
      const r = await fetch(`${base}${v.streamUrl!}`, as(viewer, { headers: { range: 'bytes=0-499' } }));
      assert.equal(r.status, 206, base);
      assert.deepEqual(await bytes(r), full.subarray(0, 500));
    }
  });
});
