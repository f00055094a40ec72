import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { FeedPage, Video } from '@tremolo/protocol';
import { startNodes, type TestNodes } from '../../test/cluster.ts';
import { testDb } from '../../test/harness.ts';
import { signupOverHttp, type ServerProcess } from '../../test/processes.ts';
import { sampleVideo } from '../videos/fixtures.ts';

/**
 * For You on two server processes sharing PostgreSQL and Redis behaves as on one: a video
 * published through either node is a candidate on both, paging alternately through the two
 * never repeats a video, and a like through one node changes the other's next page. PGlite is
 * one process's database, so this runs on Postgres only.
 */
type Person = Awaited<ReturnType<typeof signupOverHttp>>;

let a: ServerProcess;
let b: ServerProcess;
let cluster: TestNodes | null = null;
const byTag: Record<'cooking' | 'makeup', string[]> = { cooking: [], makeup: [] };

const as = (who: Person | null, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {}), ...(init.headers as Record<string, string>) },
});

async function json<T>(r: Response, status: number): Promise<T> {
  const text = await r.text();
  assert.equal(r.status, status, text);
  return JSON.parse(text) as T;
}

async function upload(base: string, who: Person, caption: string, bytes: Buffer): Promise<string> {
  const f = new FormData();
  f.append('caption', caption);
  f.append('file', new Blob([new Uint8Array(bytes)], { type: 'video/mp4' }), 'v.mp4');
  return (await json<Video>(await fetch(`${base}/api/v1/videos`, as(who, { method: 'POST', body: f })), 202)).id;
}

async function whenReady(base: string, who: Person, id: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const v = await json<Video>(await fetch(`${base}/api/v1/videos/${id}`, as(who)), 200);
    if (v.status === 'ready') return;
    assert.notEqual(v.status, 'failed', v.error ?? '');
    if (Date.now() > deadline) throw new Error(`video ${id} still ${v.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function forYou(base: string, who: Person | null, limit: number): Promise<Video[]> {
  const page = await json<FeedPage>(await fetch(`${base}/api/v1/feeds/for-you?limit=${limit}`, as(who)), 200);
  return page.items.flatMap((i) => (i.type === 'video' ? [i.video] : []));
}

const like = async (base: string, who: Person, id: string) =>
  assert.equal((await fetch(`${base}/api/v1/videos/${id}/like`, as(who, { method: 'PUT' }))).status, 200);

/** How many signals from other nodes a node's ranker has applied, from its `/metrics`. */
async function peerSignals(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^tremolo_feeds_signals_applied_total\{origin="peer"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

/** Waits until a node's ranker has applied `count` more signals from the others than `from` (they take a millisecond or so to cross Redis). */
async function applied(base: string, from: number, count: number): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    const now = await peerSignals(base);
    if (now >= from + count) return;
    if (Date.now() > until) throw new Error(`${base} applied ${now - from} of ${count} signals from the other node`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('For You on two nodes', { skip: testDb !== 'postgres' && 'needs Postgres shared by two processes' }, () => {
  before(async () => {
    cluster = await startNodes();
    [a, b] = cluster.nodes as [ServerProcess, ServerProcess];
    // Uploaded while both run, so each node learns of the other's videos only as they happen.
    const bytes = await readFile(await sampleVideo('feed-nodes', { seconds: 1, width: 120, height: 214 }));
    const cooks = [await signupOverHttp(a.url, 'fn_cook1'), await signupOverHttp(b.url, 'fn_cook2')];
    const stylists = [await signupOverHttp(a.url, 'fn_style1'), await signupOverHttp(b.url, 'fn_style2')];
    const made: [Person, string][] = [];
    for (let i = 0; i < 5; i++) {
      for (const c of cooks) {
        const id = await upload(a.url, c, `dish ${i} #cooking`, bytes);
        byTag.cooking.push(id);
        made.push([c, id]);
      }
      for (const s of stylists.slice(0, i < 4 ? 2 : 0)) {
        const id = await upload(a.url, s, `look ${i} #makeup`, bytes);
        byTag.makeup.push(id);
        made.push([s, id]);
      }
    }
    for (const [who, id] of made) await whenReady(b.url, who, id);
  });
  after(async () => {
    await cluster?.close();
  });

  test('a video published through one node is in For You on both', async () => {
    const all = [...byTag.cooking, ...byTag.makeup].sort();
    // Each node hears of the other's videos over the bus: it must come to offer every one, and
    // soon (a loaded machine may take longer than the millisecond it usually takes).
    for (const node of [a, b]) {
      const until = Date.now() + 10_000;
      let ids: string[] = [];
      for (;;) {
        ids = (await forYou(node.url, null, 30)).map((v) => v.id).sort();
        if (ids.length === all.length || Date.now() > until) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(ids, all, `node ${node.url} offers every published video`);
    }
  });

  test('paging alternately through the two nodes never repeats a video', async () => {
    const viewer = await signupOverHttp(a.url, 'fn_pager');
    const shown = new Set<string>();
    const total = byTag.cooking.length + byTag.makeup.length;
    for (let p = 0; p < total / 3; p++) {
      const page = await forYou((p % 2 ? b : a).url, viewer, 3);
      assert.equal(page.length, 3);
      for (const v of page) {
        assert.ok(!shown.has(v.id), `page ${p} repeats ${v.id}`);
        shown.add(v.id);
      }
    }
    assert.equal(shown.size, total);
  });

  test('likes of a hashtag through one node bring more of it on the other node’s next page', async () => {
    const viewer = await signupOverHttp(a.url, 'fn_liker');
    const before = await peerSignals(b.url);
    assert.equal(
      (
        await fetch(
          `${a.url}/api/v1/me/interests`,
          as(viewer, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hashtags: ['travel'] }) }),
        )
      ).status,
      200,
    );
    // A first page on B leaves B a ranked pool for this viewer; the likes must drop it.
    const first = await forYou(b.url, viewer, 3);
    const cookingShown = first.filter((v) => v.hashtags.includes('cooking')).map((v) => v.id);
    const liked = [...cookingShown, ...byTag.cooking.filter((id) => !cookingShown.includes(id))].slice(0, 3);
    for (const id of liked) await like(a.url, viewer, id);
    // The picked interests and the three likes, all through A, applied on B before B's next page.
    await applied(b.url, before, 1 + liked.length);
    const next = await forYou(b.url, viewer, 6);
    const tags = next.map((v) => (v.hashtags.includes('cooking') ? 'cooking' : 'makeup'));
    assert.ok(tags.filter((x) => x === 'cooking').length >= 4, `expected mostly cooking, got ${tags.join(',')}`);
    for (const v of next) assert.ok(!first.some((f) => f.id === v.id), 'repeated across nodes');
  });
});
