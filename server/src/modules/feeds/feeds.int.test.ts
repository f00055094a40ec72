import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { api, type FeedPage, type Video } from '@tremolo/protocol';
import { startTestApp, TestUser, type TestApp } from '../../test/harness.ts';
import { sampleVideo } from '../videos/fixtures.ts';
import { product, seller } from '../shop/fixtures.ts';

let t: TestApp;
let cooks: TestUser[];
let stylists: TestUser[];
const byTag: Record<string, string[]> = { cooking: [], makeup: [] };

async function upload(who: TestUser, caption: string, bytes: Buffer, productIds = ''): Promise<Video> {
  const res = await send(who, caption, bytes, productIds);
  assert.equal(res.statusCode, 202, res.body);
  return JSON.parse(res.body) as Video;
}

async function send(who: TestUser, caption: string, bytes: Buffer, productIds: string) {
  const boundary = 'b' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\n${caption}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="productIds"\r\n\r\n${productIds}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="v.mp4"\r\nContent-Type: video/mp4\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.app.http.inject({
    method: 'POST',
    url: '/api/v1/videos',
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}

before(async () => {
  t = await startTestApp();
  const bytes = await readFile(await sampleVideo('feed', { seconds: 1, width: 120, height: 214 }));
  cooks = [await TestUser.signup(t, 'f_cook1'), await TestUser.signup(t, 'f_cook2'), await TestUser.signup(t, 'f_cook3')];
  stylists = [await TestUser.signup(t, 'f_style1'), await TestUser.signup(t, 'f_style2'), await TestUser.signup(t, 'f_style3')];
  for (let i = 0; i < 4; i++) {
    for (const c of cooks) byTag.cooking!.push((await upload(c, `dish ${i} #cooking`, bytes)).id);
    for (const s of stylists) byTag.makeup!.push((await upload(s, `look ${i} #makeup`, bytes)).id);
  }
  await t.app.services.videos.idle();
});
after(async () => t.close());

const tagOf = (v: Video) => (v.hashtags.includes('cooking') ? 'cooking' : 'makeup');
const videosOf = (p: FeedPage): Video[] => p.items.flatMap((i) => (i.type === 'video' ? [i.video] : []));

describe('For You', () => {
  test('liking one hashtag brings more of it on the very next page', async () => {
    const viewer = await TestUser.signup(t, 'f_viewer');
    await viewer.invoke(api.videos.setInterests, { body: { hashtags: ['travel'] } });
    for (const id of byTag.cooking!.slice(0, 3)) assert.equal((await viewer.invoke(api.videos.like, { params: { id } })).status, 200);
    const page = await viewer.invoke(api.feeds.forYou, { query: { limit: 6 } });
    assert.equal(page.status, 200);
    const tags = videosOf(page.body).map(tagOf);
    const cooking = tags.filter((x) => x === 'cooking').length;
    assert.ok(cooking >= 4, `expected mostly cooking, got ${tags.join(',')}`);
  });

  test('the first page is ranked as the session starts, the next after a like: neither on the request path', async () => {
    const feeds = t.app.services.feeds;
    const viewer = await TestUser.signup(t, 'f_ahead');
    await viewer.invoke(api.videos.setInterests, { body: { hashtags: ['makeup'] } });
    const socket = await viewer.socket(); // the app opens
    await feeds.settled();
    const started = feeds.rankings;
    const first = await viewer.invoke(api.feeds.forYou, { query: { limit: 4 } });
    assert.equal(first.status, 200);
    assert.equal(feeds.rankings.onRequest, started.onRequest, 'the first page was ranked when the session started');
    // The viewer's own likes drop that pool; the next one is ranked in the background.
    for (const id of byTag.cooking!.slice(4, 7)) assert.equal((await viewer.invoke(api.videos.like, { params: { id } })).status, 200);
    await feeds.settled();
    const liked = feeds.rankings;
    assert.ok(liked.ahead > started.ahead, 'the likes had the pool ranked again');
    const next = await viewer.invoke(api.feeds.forYou, { query: { limit: 6 } });
    assert.equal(feeds.rankings.onRequest, liked.onRequest, 'served from the pool ranked after the likes');
    const tags = videosOf(next.body).map(tagOf);
    assert.ok(tags.filter((x) => x === 'cooking').length >= 4, `expected mostly cooking, got ${tags.join(',')}`);
    for (const v of videosOf(next.body)) assert.ok(!videosOf(first.body).some((f) => f.id === v.id), 'repeated');
    socket.ws.close();
  });

  test('people who liked the same videos lead each other to new ones (item-item engine)', async () => {
    const x = await TestUser.signup(t, 'f_twin_x');
    const y = await TestUser.signup(t, 'f_twin_y');
    const target = byTag.makeup![7]!;
    for (const id of [byTag.cooking![8]!, byTag.cooking![9]!, target]) await x.invoke(api.videos.like, { params: { id } });
    for (const id of [byTag.cooking![8]!, byTag.cooking![9]!]) await y.invoke(api.videos.like, { params: { id } });
    const page = await y.invoke(api.feeds.forYou, { query: { limit: 6 } });
    assert.ok(
      videosOf(page.body).some((v) => v.id === target),
      'a video liked by someone with the same taste is offered',
    );
  });

  test('no creator twice in a row, nothing repeated across pages, nothing blocked', async () => {
    const viewer = await TestUser.signup(t, 'f_viewer2');
    await viewer.invoke(api.graph.block, { params: { handle: 'f_style3' } });
    const seen = new Set<string>();
    for (let p = 0; p < 3; p++) {
      const page = await viewer.invoke(api.feeds.forYou, { query: { limit: 6 } });
      const items = videosOf(page.body);
      for (let i = 1; i < items.length; i++) assert.notEqual(items[i]!.author.id, items[i - 1]!.author.id, 'same creator twice in a row');
      for (const v of items) {
        assert.ok(!seen.has(v.id), 'repeated across pages');
        seen.add(v.id);
        assert.notEqual(v.author.handle, 'f_style3', 'blocked creator shown');
      }
    }
    assert.equal(seen.size, 18);
  });

  test('what friends like is blended in, with the reason', async () => {
    const viewer = await TestUser.signup(t, 'f_viewer3');
    const pal = await TestUser.signup(t, 'f_pal');
    await viewer.invoke(api.graph.follow, { params: { handle: 'f_pal' } });
    await pal.invoke(api.graph.follow, { params: { handle: 'f_viewer3' } });
    const liked = byTag.makeup![5]!;
    await pal.invoke(api.videos.like, { params: { id: liked } });
    const page = await viewer.invoke(api.feeds.forYou, { query: { limit: 5 } });
    const item = page.body.items.find((i) => i.type === 'video' && i.video.id === liked);
    assert.ok(item && item.type === 'video', 'the video a friend liked is on the first page');
    assert.equal(item.reason, 'friends');
    assert.deepEqual(
      item.video.likedByFriends.map((u) => u.handle),
      ['f_pal'],
    );
  });

  test('not interested removes a video and cools its hashtag', async () => {
    const viewer = await TestUser.signup(t, 'f_viewer4');
    for (const id of byTag.makeup!.slice(0, 3)) await viewer.invoke(api.videos.notInterested, { params: { id } });
    const page = await viewer.invoke(api.feeds.forYou, { query: { limit: 6 } });
    const ids = videosOf(page.body).map((v) => v.id);
    for (const id of byTag.makeup!.slice(0, 3)) assert.ok(!ids.includes(id));
    const makeup = videosOf(page.body).filter((v) => tagOf(v) === 'makeup').length;
    assert.ok(makeup <= 2, `makeup still ${makeup} of 6`);
  });

  test('videos carry product cards, and For You offers the products of the videos it shows', async () => {
    const bytes = await readFile(await sampleVideo('feed', { seconds: 1, width: 120, height: 214 }));
    const shopper = await seller(t, 'f_seller');
    const other = await seller(t, 'f_other_seller');
    const tee = await product(shopper);
    const notMine = await product(other);
    const refused = await send(shopper, 'wearing #tees', bytes, notMine.id);
    assert.equal(refused.statusCode, 404, "someone else's product cannot be linked");
    const made: Video[] = [];
    for (let i = 0; i < 4; i++) made.push(await upload(shopper, `tee look ${i} #tees`, bytes, tee.id));
    await t.app.services.videos.idle();
    const v = await shopper.invoke(api.videos.get, { params: { id: made[0]!.id } });
    assert.deepEqual(
      v.body.products.map((p) => p.id),
      [tee.id],
    );
    const viewer = await TestUser.signup(t, 'f_viewer5');
    for (const m of made.slice(0, 2)) await viewer.invoke(api.videos.like, { params: { id: m.id } });
    const page = await viewer.invoke(api.feeds.forYou, { query: { limit: 8 } });
    const cardItem = page.body.items.find((i) => i.type === 'product');
    assert.ok(cardItem && cardItem.type === 'product', JSON.stringify(page.body.items.map((i) => i.type)));
    assert.equal(cardItem.product.id, tee.id);
    assert.ok(cardItem.viaVideoId && made.some((m) => m.id === cardItem.viaVideoId));
  });

  test('logged out, For You still works from popularity and freshness', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/api/v1/feeds/for-you?limit=4' });
    assert.equal(res.statusCode, 200);
    assert.equal(videosOf(JSON.parse(res.body) as FeedPage).length, 4);
    assert.equal((await t.app.http.inject({ method: 'GET', url: '/api/v1/feeds/for-you?limit=500' })).statusCode, 400);
    assert.equal((await t.app.http.inject({ method: 'GET', url: '/api/v1/feeds/friends' })).statusCode, 401);
  });
});
