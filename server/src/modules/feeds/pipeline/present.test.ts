import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProductCard, Video } from '@tremolo/protocol';
import { videoRow } from '../fixtures.ts';
import { arrangeForYou, presentForYou, presentFriends } from './present.ts';
import type { History, Reason, Scored } from './types.ts';

const row = (id: string, authorId: string) => videoRow(id, authorId);

const scored = (id: string, authorId: string, unpopular = false, reason: Reason = 'interest'): Scored => ({
  c: { id, reason, social: 0 },
  v: row(id, authorId),
  s: 1,
  unpopular,
});

const person = (id: string) => ({ id, handle: `h${id}`, displayName: id, avatarUrl: null });

const product = (id: string, inStock = true): ProductCard => ({
  id,
  seller: person('s'),
  title: id,
  imageUrl: null,
  price: { min: 100, max: 100, currency: 'CNY' },
  inStock,
  stock: inStock ? 5 : 0,
  status: 'published',
  flashSale: null,
  rating: null,
  url: `/p/${id}`,
  realtimeChannel: `product:${id}`,
});

const video = (id: string, authorId: string, products: ProductCard[] = []): Video => ({
  id,
  author: person(authorId),
  caption: '',
  hashtags: [],
  visibility: 'public',
  status: 'ready',
  error: null,
  durationMs: 1000,
  width: 1,
  height: 1,
  streamUrl: null,
  posterUrl: null,
  productIds: products.map((p) => p.id),
  products,
  likes: 0,
  comments: 0,
  views: 0,
  likedByMe: false,
  likedByFriends: [],
  createdAt: new Date(0).toISOString(),
});

const ids = (xs: { c: { id: string } }[]) => xs.map((x) => x.c.id);

test('no creator twice in a row while another is available; the input is left as it was', () => {
  const fresh = [scored('1', 'a'), scored('2', 'a'), scored('3', 'b'), scored('4', 'a')];
  const filtered = { fresh, recycled: [] };
  assert.deepEqual(ids(arrangeForYou(filtered, 3, null)), ['1', '3', '2']);
  assert.deepEqual(ids(filtered.fresh), ['1', '2', '3', '4']);
  // Only one creator left: theirs again, rather than a short page (or a video served already).
  assert.deepEqual(ids(arrangeForYou({ fresh: [scored('1', 'a'), scored('2', 'a')], recycled: [] }, 3, null)), ['1', '2']);
});

test('every fifth slot goes to a little-liked video, shown as fresh, without changing the pool candidate', () => {
  const fresh = [scored('1', 'a'), scored('2', 'b'), scored('3', 'c'), scored('4', 'd'), scored('5', 'e'), scored('u', 'f', true)];
  const picked = arrangeForYou({ fresh, recycled: [] }, 5, null);
  assert.deepEqual(ids(picked), ['1', '2', '3', '4', 'u']);
  assert.equal(picked[4]!.c.reason, 'fresh');
  assert.equal(fresh[5]!.c.reason, 'interest');
});

test('when fresh ones run out, what was served longest ago comes back', () => {
  const history: History = {
    seen: new Set(),
    served: new Map([
      ['r1', 300],
      ['r2', 100],
      ['r3', 200],
    ]),
  };
  const recycled = [scored('r1', 'x'), scored('r2', 'y'), scored('r3', 'z')];
  const picked = arrangeForYou({ fresh: [scored('1', 'a')], recycled }, 3, history);
  assert.deepEqual(ids(picked), ['1', 'r2', 'r3']);
  assert.deepEqual(ids(recycled), ['r1', 'r2', 'r3']);
});

test('a fresh video of the same author comes before anything served already', () => {
  const history: History = { seen: new Set(), served: new Map([['r1', 100]]) };
  const fresh = [scored('1', 'a'), scored('2', 'a'), scored('3', 'a')];
  const picked = arrangeForYou({ fresh, recycled: [scored('r1', 'x')] }, 3, history);
  assert.deepEqual(ids(picked), ['1', '2', '3']);
});

test('items keep the picked reasons; a product card follows every fourth video, once per page and served window', () => {
  const p1 = product('p1');
  const p2 = product('p2');
  const sold = product('p-sold', false);
  const videos = [video('1', 'a', [sold, p1]), video('2', 'b'), video('3', 'c', [p2]), video('4', 'd'), video('5', 'e'), video('6', 'f')];
  videos.push(video('7', 'g'), video('8', 'h', [p1]));
  const reasons = new Map<string, Reason>([
    ['1', 'friends'],
    ['2', 'fresh'],
  ]);
  const history: History = { seen: new Set(), served: new Map([['product:p2', 1]]) };
  const { page, served } = presentForYou({ videos, reasons, following: new Set(['a']), history });
  assert.deepEqual(
    page.items.map((x) => (x.type === 'video' ? `${x.video.id}:${x.reason}` : `${x.product.id}:${x.reason}:${x.viaVideoId}`)),
    ['1:friends', '2:fresh', '3:popular', '4:popular', 'p1:following:1', '5:popular', '6:popular', '7:popular', '8:popular'],
  );
  assert.deepEqual(served, ['product:p1']);
  assert.equal(page.nextCursor, 'more');
  assert.equal(history.served.size, 1, 'presenting remembers nothing itself');
  assert.deepEqual(presentForYou({ videos: [], reasons, following: new Set(), history: null }).page, { items: [], nextCursor: null });
});

test('Friends: every video as it came, with the skeleton cursor', () => {
  const page = presentFriends([video('2', 'a'), video('1', 'b')], '1');
  assert.deepEqual(
    page.items.map((x) => x.type === 'video' && [x.video.id, x.reason]),
    [
      ['2', 'friends'],
      ['1', 'friends'],
    ],
  );
  assert.equal(page.nextCursor, '1');
});
