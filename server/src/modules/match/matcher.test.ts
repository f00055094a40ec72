import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matcher, type QueueEntry } from './matcher.ts';
import { ShakePairer, estimateShakeTime } from './shake.ts';

const entry = (userId: string, interests: string[], languages: string[], joinedAt = 0, excluded: string[] = []): QueueEntry => ({
  userId,
  interests,
  languages,
  joinedAt,
  excluded: new Set(excluded),
});

test('people who share a language and an interest are matched first, oldest first', () => {
  const m = new Matcher({ fallbackMs: 3000 });
  assert.equal(m.join(entry('a', ['music'], ['zh']), 0), null);
  assert.equal(m.join(entry('b', ['games'], ['zh']), 10), null);
  const p = m.join(entry('c', ['music'], ['zh']), 20);
  assert.equal(p?.b.userId, 'a');
  assert.equal(m.size, 1);
});

test('shared interest wins over an older stranger; language must be shared too', () => {
  const m = new Matcher({ fallbackMs: 3000 });
  m.join(entry('old', ['games'], ['zh']), 0);
  m.join(entry('en', ['music'], ['en']), 5);
  m.join(entry('zh', ['music'], ['zh']), 10);
  const p = m.join(entry('me', ['music', 'travel'], ['zh']), 20);
  assert.equal(p?.b.userId, 'zh');
  assert.equal(p?.tier, 'shared');
  assert.equal(m.size, 2);
});

test('after the fallback anyone compatible is taken', () => {
  const m = new Matcher({ fallbackMs: 3000 });
  m.join(entry('a', ['games'], ['zh']), 0);
  assert.equal(m.join(entry('b', ['music'], ['en']), 100), null);
  assert.deepEqual(m.tick(2000), []);
  const pairs = m.tick(3100);
  assert.equal(pairs.length, 1);
  assert.deepEqual([pairs[0]!.a.userId, pairs[0]!.b.userId].sort(), ['a', 'b']);
  assert.equal(pairs[0]!.tier, 'fallback');
  assert.equal(m.size, 0);
});

test('a newcomer is paired at once with someone past their fallback; no interests means anyone', () => {
  const m = new Matcher({ fallbackMs: 3000 });
  m.join(entry('waiting', ['games'], ['zh']), 0);
  assert.equal(m.join(entry('x', ['music'], ['en']), 4000)?.b.userId, 'waiting');
  m.join(entry('y', ['music'], ['en']), 4000);
  assert.equal(m.join(entry('open', [], []), 4001)?.b.userId, 'y');
});

test('blocked or reported people, either way, and people just matched are never paired', () => {
  const m = new Matcher({ fallbackMs: 0, recentMs: 60_000 });
  m.join(entry('a', ['music'], ['zh'], 0, ['b']), 0);
  assert.equal(m.join(entry('b', ['music'], ['zh'], 1), 1), null);
  assert.equal(m.join(entry('c', ['music'], ['zh'], 2, []), 2)?.b.userId, 'a');
  // b excludes d (d does not know): still never paired
  m.join(entry('d', ['music'], ['zh'], 3, ['b']), 3);
  assert.deepEqual(m.tick(10), []);
  // a and c were just matched: not again within recentMs
  m.remove('b');
  m.remove('d');
  m.join(entry('a', ['music'], ['zh'], 20), 20);
  assert.equal(m.join(entry('c', ['music'], ['zh'], 21), 21), null);
  assert.deepEqual(m.tick(30), []);
  m.join(entry('e', ['music'], ['zh'], 40), 40);
  assert.equal(m.size, 1);
  // an exclusion that arrives during the wait holds too
  const m2 = new Matcher({ fallbackMs: 0 });
  m2.join(entry('p', ['x'], ['en']), 0);
  m2.exclude('p', 'q');
  assert.equal(m2.join(entry('q', ['x'], ['en']), 1), null);
});

test('no double match: every pairing removes both people, rejoining replaces the old entry', () => {
  const m = new Matcher({ fallbackMs: 50, scanLimit: 1000 });
  const inCall = new Set<string>();
  let now = 0;
  const interests = ['music', 'games', 'food', 'travel', 'pets'];
  for (let i = 0; i < 5000; i++) {
    now += 1;
    const id = `u${i % 300}`;
    if (inCall.has(id)) continue;
    const p = m.join(entry(id, [interests[i % 5]!], [i % 3 ? 'zh' : 'en'], now), now);
    const found = p ? [p] : [];
    if (i % 10 === 0) found.push(...m.tick(now));
    for (const x of found) {
      assert.ok(!inCall.has(x.a.userId) && !inCall.has(x.b.userId), 'someone matched twice');
      assert.ok(!m.has(x.a.userId) && !m.has(x.b.userId));
      inCall.add(x.a.userId).add(x.b.userId);
    }
    if (i % 7 === 0) inCall.clear();
  }
});

test('shake: delay-compensated moments within the window pair; a lone shake expires', () => {
  const s = new ShakePairer({ windowMs: 400, maxOneWayMs: 300 });
  // Both shook at t=1000; one has 250 ms delay, the other 30 ms.
  s.add({ userId: 'a', at: estimateShakeTime(1030, 30) });
  s.add({ userId: 'b', at: estimateShakeTime(1250, 250) });
  s.add({ userId: 'lonely', at: estimateShakeTime(5000, 40) });
  assert.deepEqual(s.settle(1200).pairs, []); // too early to decide
  const r = s.settle(3000);
  assert.equal(r.pairs.length, 1);
  assert.deepEqual([r.pairs[0]!.a.userId, r.pairs[0]!.b.userId].sort(), ['a', 'b']);
  assert.equal(s.settle(10_000).unmatched[0]?.userId, 'lonely');
  assert.equal(s.size, 0);
});

test('shake: the nearest place wins within the window; far apart never pairs; blocked never pairs', () => {
  const s = new ShakePairer({ windowMs: 400, maxOneWayMs: 300, maxDistanceKm: 50 });
  s.add({ userId: 'bj1', at: 1000, lat: 39.9, lng: 116.4 });
  s.add({ userId: 'sh1', at: 1010, lat: 31.2, lng: 121.5 });
  s.add({ userId: 'bj2', at: 1150, lat: 39.91, lng: 116.41 });
  s.add({ userId: 'sh2', at: 1200, lat: 31.21, lng: 121.49 });
  const r = s.settle(5000);
  const got = r.pairs.map((p) => [p.a.userId, p.b.userId].sort().join('+')).sort();
  assert.deepEqual(got, ['bj1+bj2', 'sh1+sh2']);

  const t = new ShakePairer({ windowMs: 400 });
  t.add({ userId: 'x', at: 0, excluded: new Set(['y']) });
  t.add({ userId: 'y', at: 10 });
  t.add({ userId: 'z', at: 300 });
  const r2 = t.settle(5000);
  // x may not have y; z is nearer in time to y, so the mutual nearest pair is y+z
  assert.deepEqual(
    r2.pairs.map((p) => [p.a.userId, p.b.userId].sort().join('+')),
    ['y+z'],
  );
  // without locations: anyone in the window, the nearest in time
  const u = new ShakePairer({ windowMs: 400 });
  u.add({ userId: 'p', at: 0 });
  u.add({ userId: 'q', at: 500 });
  assert.equal(u.settle(5000).pairs.length, 0);
});

test('a matcher loaded from a shared queue (restore, remember) decides as the one that built it', () => {
  const live = new Matcher({ fallbackMs: 3000, recentMs: 60_000 });
  live.join(entry('a', ['music'], ['zh'], 0), 0);
  live.join(entry('b', ['games'], ['zh'], 10), 10);
  const loaded = new Matcher({ fallbackMs: 3000, recentMs: 60_000 });
  for (const e of live.entries()) loaded.restore(e);
  loaded.remember('a', 'c', 5);
  assert.deepEqual(
    loaded.entries().map((e) => e.userId),
    ['a', 'b'],
  );
  // Restoring never pairs, even two people who would suit each other.
  loaded.restore(entry('d', ['music'], ['zh'], 20));
  assert.equal(loaded.size, 3);
  // A remembered recent pair is not matched again: c skips a and takes d.
  assert.equal(loaded.join(entry('c', ['music'], ['zh'], 30), 30)?.b.userId, 'd');
});
