import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pools } from './pools.ts';

/**
 * A ranker whose answer is the viewer's "taste" at the time it runs; `hold` makes the next
 * rankings wait until released, to put events in the middle of one.
 */
function setup() {
  const taste = new Map<string, string>([['me', 'cooking']]);
  let clock = 0;
  let gate: Promise<void> | null = null;
  let release = () => {};
  const ranker = {
    calls: 0,
    hold() {
      gate = new Promise<void>((r) => (release = r));
    },
    release: () => {
      gate = null;
      release();
    },
  };
  const rank = async (viewerId: string) => {
    ranker.calls++;
    const t = taste.get(viewerId) ?? 'popular';
    if (gate) await gate;
    return Array.from({ length: 3 }, (_, i) => `${t}-${i}`);
  };
  const pools = new Pools<string, never>({
    rank,
    freshMs: 30_000,
    keepMs: 600_000,
    max: 100,
    now: () => clock,
  });
  const advance = (ms: number) => (clock += ms);
  return { pools, taste, ranker, advance };
}

test('the next pool is ranked ahead, and the request after it only slices what ranking would give', async () => {
  const { pools, taste, advance } = setup();
  const first = await pools.get('me');
  assert.deepEqual(first.ranked, ['cooking-0', 'cooking-1', 'cooking-2']);
  assert.deepEqual(pools.counts, { onRequest: 1, ahead: 0 });
  // A fresh pool: served, nothing more asked.
  advance(29_000);
  assert.equal(await pools.get('me'), first);
  await pools.idle();
  assert.deepEqual(pools.counts, { onRequest: 1, ahead: 0 });
  // Past its freshness: still served from, and the next one ranked in the background.
  taste.set('me', 'makeup'); // what others did meanwhile (not the viewer's own event)
  advance(2_000);
  assert.equal(await pools.get('me'), first);
  await pools.idle();
  assert.deepEqual(pools.counts, { onRequest: 1, ahead: 1 });
  const next = await pools.get('me');
  assert.deepEqual(pools.counts, { onRequest: 1, ahead: 1 }, 'the request ranked nothing');
  assert.deepEqual(next.ranked, ['makeup-0', 'makeup-1', 'makeup-2'], 'what a ranking now gives');
});

test("a viewer's own event drops their pool at once and ranks the next one ahead", async () => {
  const { pools, taste } = setup();
  await pools.get('me');
  taste.set('me', 'makeup');
  pools.invalidate('me');
  await pools.idle();
  assert.deepEqual(pools.counts, { onRequest: 1, ahead: 1 });
  const next = await pools.get('me');
  assert.deepEqual(next.ranked, ['makeup-0', 'makeup-1', 'makeup-2']);
  assert.equal(pools.counts.onRequest, 1);
  // Someone this node never served: nothing is ranked for them until they ask.
  pools.invalidate('stranger');
  await pools.idle();
  assert.equal(pools.counts.ahead, 1);
});

test("never keep a pool ranked across one of the viewer's own events", async () => {
  const { pools, taste, ranker } = setup();
  ranker.hold();
  const asked = pools.get('me');
  // The like lands while the ranking that started before it is still under way.
  taste.set('me', 'makeup');
  pools.invalidate('me');
  ranker.release();
  const pool = await asked;
  assert.deepEqual(pool.ranked, ['makeup-0', 'makeup-1', 'makeup-2'], 'the stale ranking is neither served nor kept');
  await pools.idle();
  assert.deepEqual((await pools.get('me')).ranked, ['makeup-0', 'makeup-1', 'makeup-2']);
});

test('a request that finds a ranking under way waits for it instead of ranking again', async () => {
  const { pools, ranker } = setup();
  ranker.hold();
  pools.ahead('me'); // the session started
  await new Promise<void>((r) => setImmediate(r)); // the background ranking begins
  assert.equal(ranker.calls, 1);
  const asked = pools.get('me');
  ranker.release();
  assert.deepEqual((await asked).ranked, ['cooking-0', 'cooking-1', 'cooking-2']);
  assert.equal(ranker.calls, 1);
  assert.deepEqual(pools.counts, { onRequest: 0, ahead: 1 });
});
