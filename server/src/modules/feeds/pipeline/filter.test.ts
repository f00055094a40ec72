import assert from 'node:assert/strict';
import { test } from 'node:test';
import { videoRow } from '../fixtures.ts';
import { filterForYou, SERVED_TTL_MS, type FilterInput } from './filter.ts';
import type { History, Scored } from './types.ts';

const row = (id: string, authorId: string) => videoRow(id, authorId);

const scored = (id: string, authorId: string, unpopular = false): Scored => ({
  c: { id, reason: 'popular', social: 0 },
  v: row(id, authorId),
  s: 1,
  unpopular,
});

const NOW = 10 * SERVED_TTL_MS;
const input = (pool: Scored[], over: Partial<FilterInput> = {}): FilterInput => ({
  pool,
  limit: 10,
  viewerId: 'me',
  blocked: [],
  history: null,
  now: NOW,
  isCurrent: () => true,
  ...over,
});
const ids = (xs: Scored[]) => xs.map((x) => x.c.id);

test('my own videos, blocked creators and rows the catalogue no longer holds are dropped', () => {
  const pool = [scored('1', 'me'), scored('2', 'a'), scored('3', 'enemy'), scored('4', 'b'), scored('5', 'c')];
  const out = filterForYou(input(pool, { blocked: ['enemy'], isCurrent: (id) => id !== '4' }));
  assert.deepEqual(ids(out.fresh), ['2', '5']);
  assert.deepEqual(out.recycled, []);
});

test('seen, or served within the window, is recycled rather than fresh; order is kept', () => {
  const history: History = {
    seen: new Set(['1']),
    served: new Map([
      ['2', NOW - 1000],
      ['3', NOW - SERVED_TTL_MS - 1],
    ]),
  };
  const pool = [scored('1', 'a'), scored('2', 'b'), scored('3', 'c'), scored('4', 'd')];
  const out = filterForYou(input(pool, { history }));
  assert.deepEqual(ids(out.fresh), ['3', '4']);
  assert.deepEqual(ids(out.recycled), ['1', '2']);
  // Logged out: nothing is remembered, so nothing is recycled.
  assert.deepEqual(ids(filterForYou(input(pool, { viewerId: null })).fresh), ['1', '2', '3', '4']);
});

test('past the page window only unpopular candidates are looked at, until the exploration slots are covered', () => {
  // limit 2: window 3 × 2 + 10 = 16 fresh; exploration needs ceil(2 / 5) + 1 = 2 unpopular ones.
  const pool: Scored[] = [];
  for (let i = 0; i < 20; i++) pool.push(scored(`p${i}`, `a${i}`));
  pool.push(scored('u1', 'x', true), scored('p-late', 'y'), scored('u2', 'z', true), scored('u3', 'w', true));
  const out = filterForYou(input(pool, { limit: 2 }));
  assert.deepEqual(ids(out.fresh), [...pool.slice(0, 16).map((x) => x.c.id), 'u1', 'u2']);
});
