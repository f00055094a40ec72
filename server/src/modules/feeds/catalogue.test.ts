import { test } from 'node:test';
import assert from 'node:assert/strict';
import { videoRow } from './fixtures.ts';
import { Catalogue } from './catalogue.ts';

const row = (id: string, authorId: string, hashtags: string[]) => videoRow(id, authorId, { hashtags, createdAt: new Date() });

test('newest by tag and author walk back from the end, skipping removed videos', () => {
  const c = new Catalogue();
  c.load([row('03', 'b', ['x']), row('01', 'a', ['x', 'y']), row('02', 'a', ['y'])]);
  c.add(row('04', 'a', ['x']));
  assert.deepEqual(c.withTag('x', 10), ['04', '03', '01']);
  assert.deepEqual(c.byCreator('a', 2), ['04', '02']);
  c.remove('04');
  assert.deepEqual(c.withTag('x', 10), ['03', '01']);
  assert.deepEqual(c.newest(2), ['03', '02']);
  c.add(row('00', 'c', ['x']));
  assert.deepEqual(c.withTag('x', 10), ['03', '01', '00'], 'an older id lands in order');
  assert.equal(c.size, 4);
});

test('popularity ranks and ignores removed videos', () => {
  const c = new Catalogue();
  c.load([row('01', 'a', []), row('02', 'b', []), row('03', 'c', [])]);
  c.bump('02', 3);
  c.bump('03', 1);
  c.bump('01', -1);
  assert.deepEqual(c.popular(5), ['02', '03']);
  assert.equal(c.maxPopularity(), 3);
});

test('the kept popular list matches a full sort over thousands of videos, bumps, removals and returns', () => {
  const c = new Catalogue();
  const n = 5000;
  const rows = Array.from({ length: n }, (_, i) => row(String(i).padStart(5, '0'), `a${i % 7}`, []));
  c.load(rows.slice());
  let seed = 3;
  const rnd = (m: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % m;
  };
  const pop = new Map<string, number>();
  const live = new Set(rows.map((r) => r.id));
  const expected = (k: number) =>
    [...pop]
      .filter(([id, p]) => p > 0 && live.has(id))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, k)
      .map(([, p]) => p);
  for (let step = 0; step < 40_000; step++) {
    const id = rows[Math.min(rnd(n), rnd(n))]!.id;
    c.bump(id, 1 + rnd(3));
    pop.set(id, c.popularityOf(id));
    if (step % 5000 === 4999) {
      const gone = rows[rnd(50)]!.id;
      c.remove(gone);
      live.delete(gone);
      // popularity values are compared, ties may order either way
      assert.deepEqual(
        c.popular(300).map((id) => c.popularityOf(id)),
        expected(300),
      );
      c.add(rows.find((r) => r.id === gone)!);
      live.add(gone);
    }
  }
  assert.deepEqual(
    c.popular(1000).map((id) => c.popularityOf(id)),
    expected(1000),
  );
  assert.equal(c.maxPopularity(), expected(1)[0]);
});
