import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VideoRow } from '../videos/repo.ts';
import { Catalogue } from './catalogue.ts';

const row = (id: string, authorId: string, hashtags: string[]): VideoRow => ({
  id, authorId, hashtags, caption: '', visibility: 'public', status: 'ready', error: null, durationMs: 1000, width: 1, height: 1,
  coverTimeMs: 0, videoKey: 'k', posterKey: 'p', productIds: [], createdAt: new Date(),
});

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
