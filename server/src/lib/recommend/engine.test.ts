import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecommendEngine, type Interaction } from './engine.ts';
import { IdMap } from './ids.ts';

const ev = (user: number, item: number, weight = 1): Interaction => ({ user, item, weight });

/** Graph term only, no popularity damping: the ranking is the plain 3-step walk. */
function walkOnly(): RecommendEngine {
  return new RecommendEngine({ graphWeight: 1, socialWeight: 0, graphPopularityExponent: 0 });
}

test('the graph walk ranks co-occurring items first and never returns seen items', () => {
  const e = walkOnly();
  // u0 {0,1}, u1 {2,3}, u2 {0}
  e.load([ev(0, 0), ev(0, 1), ev(1, 2), ev(1, 3), ev(2, 0)]);
  const r = e.rank(2, { k: 10 });
  assert.equal(r.items[0], 1);
  assert.ok(![...r.items].includes(0));
  // walk mass: u2 →(1) item0 →(1/2) u0 →(1/2) item1
  assert.ok(Math.abs(r.scores[0]! - 1) < 1e-6); // normalised by the max
});

test('observe changes the very next ranking', () => {
  const e = walkOnly();
  e.load([ev(0, 0), ev(0, 1), ev(1, 2), ev(1, 3), ev(2, 0)]);
  assert.equal(e.rank(2, { k: 1 }).items[0], 1);
  // a strong signal on item 2: p(u2→2)=3/4, p(2→u1)=1/4, p(u1→3)=1/2 → 3/32 for item 3,
  // against 1/4·1/2·1/2 = 2/32 for item 1
  e.observe(ev(2, 2, 3));
  const r = e.rank(2, { k: 3 });
  assert.deepEqual([...r.items].slice(0, 2), [3, 1]);
});

test('exclude, candidates and negative feedback filter the ranking', () => {
  const e = walkOnly();
  e.load([ev(0, 0), ev(0, 1), ev(0, 4), ev(1, 2), ev(1, 3), ev(2, 0), ev(2, 2)]);
  assert.ok(![...e.rank(2, { k: 10, exclude: new Set([1]) }).items].includes(1));
  assert.ok(![...e.rank(2, { k: 10, exclude: Int32Array.from([3]) }).items].includes(3));
  assert.deepEqual([...e.rank(2, { k: 10, candidates: Int32Array.from([3, 4, 0]) }).items].sort(), [3, 4]);
  e.observe(ev(2, 1, -2)); // "not interested"
  assert.ok(![...e.rank(2, { k: 10 }).items].includes(1));
  // weights add up: back at 0 the pair is forgotten and the item can come back
  e.observe(ev(2, 1, 2));
  assert.ok([...e.rank(2, { k: 10 }).items].includes(1));
  // now liked: seen, so left out unless includeSeen
  e.observe(ev(2, 1, 1));
  assert.ok(![...e.rank(2, { k: 10 }).items].includes(1));
  assert.ok([...e.rank(2, { k: 10, includeSeen: true }).items].includes(1));
});

test('users without history get the popularity prior, friends first when they have some', () => {
  const e = new RecommendEngine();
  e.load([ev(0, 5), ev(1, 5), ev(2, 5), ev(0, 7), ev(1, 7), ev(3, 9), ev(3, 2)]);
  e.fitSync();
  assert.deepEqual([...e.rank(42, { k: 3 }).items], [5, 7, 2]);
  assert.deepEqual([...e.popular(2)], [5, 7]);
  e.setSocial(42, [3]);
  assert.deepEqual([...e.rank(42, { k: 2 }).items].sort(), [2, 9]);
});

test('EASE after a fit: items that co-occur with the history rank first', () => {
  const e = new RecommendEngine({ graphWeight: 0, socialWeight: 0, lambda: 1, popularityExponent: 1 });
  // two taste clusters {0,1,2} and {3,4,5}
  const data: Interaction[] = [];
  for (let u = 0; u < 6; u++) for (const i of [0, 1, 2]) if ((u + i) % 3 !== 0) data.push(ev(u, i));
  for (let u = 6; u < 12; u++) for (const i of [3, 4, 5]) if ((u + i) % 3 !== 0) data.push(ev(u, i));
  const report = e.fitSync(data);
  assert.equal(report.headSize, 6);
  e.observe(ev(20, 0));
  const r = e.rank(20, { k: 5 });
  assert.deepEqual([...r.items].slice(0, 2).sort(), [1, 2]);
  // a purchase of item 3 pulls the other cluster up at once
  e.observe(ev(20, 3, 4));
  assert.deepEqual([...e.rank(20, { k: 2 }).items].sort(), [4, 5]);
});

test('rankForSeeds ranks from seed items without a user', () => {
  const e = new RecommendEngine({ lambda: 1 });
  e.fitSync([ev(0, 0), ev(0, 1), ev(1, 0), ev(1, 1), ev(2, 2), ev(2, 3), ev(3, 2), ev(3, 3)]);
  assert.equal(e.rankForSeeds([2], { k: 1 }).items[0], 3);
  assert.equal(e.rankForSeeds([0], { k: 1 }).items[0], 1);
});

test('refit runs off the request path and swaps the model atomically', async () => {
  const e = new RecommendEngine({ lambda: 1 });
  e.load([ev(0, 0), ev(0, 1), ev(1, 0), ev(1, 1), ev(2, 2)]);
  assert.equal(e.currentModel, null);
  const pending = e.refit();
  assert.equal(e.refit(), pending); // concurrent callers share one refit
  const report = await pending;
  assert.equal(report.interactions, 5);
  assert.notEqual(e.currentModel, null);
});

test('IdMap hands out dense indices and maps them back', () => {
  const ids = new IdMap();
  assert.equal(ids.intern('b1c7'), 0);
  assert.equal(ids.intern('9f00'), 1);
  assert.equal(ids.intern('b1c7'), 0);
  assert.equal(ids.get('nope'), undefined);
  assert.deepEqual(ids.keys(Int32Array.from([1, 0])), ['9f00', 'b1c7']);
  assert.equal(ids.size, 2);
});

test('with more active users than maxSolveSize the head shrinks to it (primal solve)', () => {
  const data: Interaction[] = [];
  for (let u = 0; u < 5; u++) for (let i = 0; i < 4; i++) if ((u + i) % 4 !== 0) data.push(ev(u, i));
  const wide = new RecommendEngine({ headSize: 4, maxSolveSize: 10, lambda: 1 }).fitSync(data);
  assert.deepEqual([wide.headSize, wide.solver], [4, 'primal']);
  const capped = new RecommendEngine({ headSize: 4, maxSolveSize: 3, lambda: 1 }).fitSync(data);
  assert.deepEqual([capped.headSize, capped.solver], [3, 'primal']);
  const few = new RecommendEngine({ headSize: 4, maxSolveSize: 3, lambda: 1 }).fitSync(data.filter((e) => e.user < 2));
  assert.deepEqual([few.headSize, few.solver], [4, 'dual']);
});

test('a refit keeps requests flowing: ranking works between its pauses', async () => {
  const data: Interaction[] = [];
  for (let u = 0; u < 300; u++) for (let i = 0; i < 12; i++) data.push(ev(u, (u * 5 + i * 7) % 400));
  const e = new RecommendEngine({ lambda: 5 });
  e.load(data);
  let ranksDuringRefit = 0;
  const refit = e.refit(async () => {
    ranksDuringRefit += e.rank(1, { k: 5 }).items.length > 0 ? 1 : 0;
    await new Promise<void>((resolve) => setImmediate(resolve));
  });
  await refit;
  assert.ok(ranksDuringRefit > 0);
  assert.equal(e.currentModel?.interactions, data.length);
});

test('rankReachable ranks like rank() on the items any signal reaches, without scanning the catalogue', () => {
  // A random population, fitted, with friends; then a ranking per user both ways.
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const events: Interaction[] = [];
  for (let u = 0; u < 120; u++) for (let t = 0; t < 8; t++) events.push(ev(u, Math.min(rnd(300), rnd(300)), 1 + rnd(3)));
  for (let u = 0; u < 40; u++) events.push(ev(u, rnd(300), -2));
  // mfWeight 0: the MF term is the one normalised differently (over the reached items only).
  const e = new RecommendEngine({ headSize: 80, maxSolveSize: 200, mfWeight: 0 });
  e.load(events, [
    { user: 3, friend: 9 },
    { user: 3, friend: 10 },
  ]);
  e.fitSync();
  // and a walk-only engine (no fit), where the degree damping decides the order
  const w = new RecommendEngine({ graphPopularityExponent: 0.8, socialWeight: 0, mfWeight: 0 });
  w.load(events);
  const agree = () => {
    for (const [x, u] of [e, w].flatMap((x) => [0, 3, 17, 55, 119].map((u) => [x, u] as const))) {
      const dense = x.rank(u, { k: 15 });
      const sparse = x.rankReachable(u, { k: 15 });
      // ties may order differently; the scores must agree
      assert.deepEqual(
        [...sparse.scores].map((s) => s.toFixed(5)),
        [...dense.scores].map((s) => s.toFixed(5)),
        `user ${u}`,
      );
    }
  };
  agree();
  // live events (degrees, histories) reach both rankings alike
  for (let t = 0; t < 200; t++) {
    const x = ev(rnd(120), Math.min(rnd(300), rnd(300)), 1 + rnd(3));
    e.observe(x);
    w.observe(x);
  }
  e.observe(ev(0, 310, 2));
  agree();
  // extra items join even when no signal reaches them, and seen items never come back
  const seen = new Set(events.filter((x) => x.user === 5).map((x) => x.item));
  const withExtra = e.rankReachable(5, { k: 1000, extra: [299, ...seen] });
  assert.ok([...withExtra.items].every((i) => !seen.has(i)));
  // a user with no history falls back to the popularity prior
  assert.deepEqual([...e.rankReachable(500, { k: 3 }).items], [...e.rank(500, { k: 3 }).items]);
  // repeated calls leave no state behind
  assert.deepEqual([...e.rankReachable(0, { k: 15 }).scores], [...e.rankReachable(0, { k: 15 }).scores]);
});

test('rankReachable folds the MF term in over the reached items', () => {
  const events: Interaction[] = [];
  for (let u = 0; u < 60; u++) for (let t = 0; t < 6; t++) events.push(ev(u, (u * 7 + t * 13) % 90));
  const e = new RecommendEngine({ headSize: 30, maxSolveSize: 100, mfFactors: 8, mfIterations: 3 });
  e.load(events);
  e.fitSync();
  const r = e.rankReachable(4, { k: 10 });
  assert.equal(r.items.length, 10);
  for (let t = 1; t < r.scores.length; t++) assert.ok(r.scores[t - 1]! >= r.scores[t]!);
  // the best of the dense ranking is reached and ranked high too
  const dense = e.rank(4, { k: 10 });
  assert.ok([...r.items].includes(dense.items[0]!));
});
