import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { api, type SearchResults, type Video } from '@tremolo/protocol';
import { startTestApp, TestUser, type TestApp } from '../../test/harness.ts';
import { sampleVideo } from '../videos/fixtures.ts';
import { seller } from '../shop/fixtures.ts';

let t: TestApp;
let bytes: Buffer;

/** Uploads and waits until the video is processed (the job may start late on a busy machine). */
async function upload(who: TestUser, caption: string, visibility = 'public', productIds = ''): Promise<Video> {
  const v = await who.uploadVideo(bytes, { caption, visibility, productIds });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const now = await who.invoke(api.videos.get, { params: { id: v.id } });
    if (now.body.status === 'ready') return now.body;
    assert.notEqual(now.body.status, 'failed', `processing ${caption} failed`);
    assert.ok(Date.now() < deadline, `${caption} still ${now.body.status} after 60 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until processing and the index have caught up with everything done so far. */
async function settled(): Promise<void> {
  await t.app.services.videos.idle();
  await t.app.services.search.idle();
}

async function search(
  who: TestUser,
  q: string,
  tab: SearchResults['tab'] = 'top',
  extra: Record<string, unknown> = {},
): Promise<SearchResults> {
  const r = await who.invoke(api.search.search, { query: { q, tab, ...extra } });
  assert.equal(r.status, 200, JSON.stringify(r.error));
  return r.body;
}

async function newProduct(s: TestUser, title: string, price = 9900, stock = 10): Promise<string> {
  const r = await s.invoke(api.shop.createProduct, {
    body: { title, description: '', variants: [{ sku: `S${Math.random().toString(36).slice(2, 8)}`, price, stock }] },
  });
  assert.equal(r.status, 201, JSON.stringify(r.error));
  assert.equal((await s.invoke(api.shop.publishProduct, { params: { id: r.body.id } })).status, 200);
  return r.body.id;
}

async function befriend(a: TestUser, b: TestUser): Promise<void> {
  await a.invoke(api.graph.follow, { params: { handle: b.handle } });
  await b.invoke(api.graph.follow, { params: { handle: a.handle } });
}

let creator: TestUser;
let shop: TestUser;
let stranger: TestUser;
let lipstickVideo: Video;
let lipstickProduct: string;

before(async () => {
  t = await startTestApp();
  bytes = await readFile(await sampleVideo('search', { seconds: 1, width: 120, height: 214 }));
  creator = await TestUser.signup(t, 's_creator', '美妆小红');
  shop = await seller(t, 's_shop');
  stranger = await TestUser.signup(t, 's_stranger');
  lipstickProduct = await newProduct(shop, '丝绒口红试色套装 Velvet lipstick set', 12900);
  await newProduct(shop, '保湿面霜 Moisturizing cream', 5900, 0);
  lipstickVideo = await upload(creator, '今天的口红试色，超好看 lipstick swatch #美妆 #lipstick', 'public', '');
  await settled();
});
after(async () => t.close());

describe('finding things in Chinese and English', () => {
  for (const q of ['口红试色', '口红 试色', 'lipstick', 'LIPSTICK']) {
    test(`"${q}" finds the video and the product`, async () => {
      const r = await search(stranger, q);
      assert.ok(
        r.videos.some((v) => v.id === lipstickVideo.id),
        `video for ${q}`,
      );
      assert.ok(
        r.products.some((p) => p.id === lipstickProduct),
        `product for ${q}`,
      );
    });
  }

  test('a prefix suggests while typing, and a typo still finds', async () => {
    const s = await stranger.invoke(api.search.suggest, { query: { q: 'lipst' } });
    assert.ok(s.body.items.some((i) => i.kind === 'product' && i.product.id === lipstickProduct));
    assert.ok(s.body.items.some((i) => i.kind === 'hashtag' && i.hashtag.tag === 'lipstick'));
    const typo = await search(stranger, 'lipstik', 'products');
    assert.ok(
      typo.products.some((p) => p.id === lipstickProduct),
      'one letter missing',
    );
    const swapped = await search(stranger, 'lipstcik', 'videos');
    assert.ok(
      swapped.videos.some((v) => v.id === lipstickVideo.id),
      'two letters swapped',
    );
  });

  test('a person is found by name, handle and pinyin initials', async () => {
    for (const q of ['美妆小红', 's_creator', 'mzxh']) {
      const s = await stranger.invoke(api.search.suggest, { query: { q } });
      assert.ok(
        s.body.items.some((i) => i.kind === 'person' && i.person.user.id === creator.id),
        `${q}: ${JSON.stringify(s.body.items.map((i) => i.kind))}`,
      );
    }
  });

  test('products filter by price and stock and sort by price', async () => {
    const cheap = await search(stranger, 'cream', 'products', { maxPrice: 6000 });
    assert.equal(cheap.products.length, 1);
    const inStock = await search(stranger, 'cream', 'products', { inStock: true });
    assert.equal(inStock.products.length, 0, 'the cream is out of stock');
    const inShop = await stranger.invoke(api.search.shop, { params: { sellerId: shop.id }, query: { sort: 'price_asc' } });
    assert.deepEqual(
      inShop.body.items.map((p) => p.price.min),
      [5900, 12900],
    );
  });
});

describe('privacy', () => {
  test('private and friends-only videos reach only who may see them', async () => {
    const friend = await TestUser.signup(t, 's_friend');
    await befriend(creator, friend);
    const secret = await upload(creator, 'zebracorn private diary', 'private');
    const close = await upload(creator, 'zebracorn friends party', 'friends');
    await settled();
    const ids = async (who: TestUser) => (await search(who, 'zebracorn', 'videos')).videos.map((v) => v.id).sort();
    assert.deepEqual(await ids(stranger), []);
    assert.deepEqual(await ids(friend), [close.id]);
    assert.deepEqual(await ids(creator), [secret.id, close.id].sort());
  });

  test('nothing across a block, either way', async () => {
    const blocker = await TestUser.signup(t, 's_blocker', 'Quokka Fan');
    await upload(blocker, 'quokkaland adventures');
    await settled();
    assert.equal((await search(stranger, 'quokkaland', 'videos')).videos.length, 1);
    await blocker.invoke(api.graph.block, { params: { handle: stranger.handle } });
    assert.equal((await search(stranger, 'quokkaland', 'videos')).videos.length, 0);
    assert.equal((await search(stranger, 'quokka', 'people')).people.length, 0);
  });

  test('a person who opts out is not found, and can opt back in', async () => {
    const shy = await TestUser.signup(t, 's_shy', 'Narwhal Person');
    await settled();
    assert.equal((await search(stranger, 'narwhal', 'people')).people.length, 1);
    const r = await shy.invoke(api.accounts.updateMe, { body: { discoverable: false } });
    assert.equal(r.body.discoverable, false);
    await settled();
    assert.equal((await search(stranger, 'narwhal', 'people')).people.length, 0);
    await shy.invoke(api.accounts.updateMe, { body: { discoverable: true } });
    await settled();
    assert.equal((await search(stranger, 'narwhal', 'people')).people.length, 1);
  });
});

describe('ranking by the social graph', () => {
  test('friends, then people I follow, then friends of friends, then others', async () => {
    const me = await TestUser.signup(t, 's_me');
    const none = await TestUser.signup(t, 'okapi_none', 'Okapi');
    const fof = await TestUser.signup(t, 'okapi_fof', 'Okapi');
    const followed = await TestUser.signup(t, 'okapi_follow', 'Okapi');
    const friend = await TestUser.signup(t, 'okapi_friend', 'Okapi');
    const bridge = await TestUser.signup(t, 's_bridge');
    // The stranger is popular: popularity alone must not beat the graph.
    for (const u of [stranger, shop, creator]) await u.invoke(api.graph.follow, { params: { handle: none.handle } });
    await befriend(me, friend);
    await me.invoke(api.graph.follow, { params: { handle: followed.handle } });
    await befriend(me, bridge);
    await befriend(bridge, fof);
    await settled();
    const r = await search(me, 'okapi', 'people');
    assert.deepEqual(
      r.people.map((p) => [p.user.handle, p.relation]),
      [
        ['okapi_friend', 'friend'],
        ['okapi_follow', 'following'],
        ['okapi_fof', 'friend_of_friend'],
        ['okapi_none', 'none'],
      ],
    );
  });
});

describe('the index follows changes', () => {
  test('an edited caption, a visibility change and a deleted video', async () => {
    const v = await upload(creator, 'platypus morning');
    await settled();
    assert.equal((await search(stranger, 'platypus', 'videos')).videos.length, 1);
    await creator.invoke(api.videos.update, { params: { id: v.id }, body: { caption: 'axolotl evening #pets' } });
    await settled();
    assert.equal((await search(stranger, 'platypus', 'videos')).videos.length, 0);
    assert.equal((await search(stranger, 'axolotl', 'videos')).videos.length, 1);
    const tag = await stranger.invoke(api.search.hashtag, { params: { tag: 'pets' } });
    assert.equal(tag.body.videos, 1);
    await creator.invoke(api.videos.update, { params: { id: v.id }, body: { visibility: 'private' } });
    await settled();
    assert.equal((await search(stranger, 'axolotl', 'videos')).videos.length, 0);
    await creator.invoke(api.videos.update, { params: { id: v.id }, body: { visibility: 'public' } });
    await settled();
    assert.equal((await search(stranger, 'axolotl', 'videos')).videos.length, 1);
    await creator.invoke(api.videos.remove, { params: { id: v.id } });
    await settled();
    assert.equal((await search(stranger, 'axolotl', 'videos')).videos.length, 0);
    assert.equal((await stranger.invoke(api.search.hashtag, { params: { tag: 'pets' } })).body.videos, 0);
  });

  test('a renamed and an unpublished product', async () => {
    const id = await newProduct(shop, 'Wombat mug');
    await settled();
    assert.equal((await search(stranger, 'wombat', 'products')).products.length, 1);
    await shop.invoke(api.shop.updateProduct, { params: { id }, body: { title: '袋熊杯子 Koala mug' } });
    await settled();
    assert.equal((await search(stranger, 'wombat', 'products')).products.length, 0);
    assert.equal((await search(stranger, '袋熊', 'products')).products.length, 1);
    await shop.invoke(api.shop.unpublishProduct, { params: { id } });
    await settled();
    assert.equal((await search(stranger, 'koala', 'products')).products.length, 0);
  });

  test('a renamed person', async () => {
    const p = await TestUser.signup(t, 's_rename', 'Capybara');
    await settled();
    await p.invoke(api.accounts.updateMe, { body: { displayName: '水豚' } });
    await settled();
    assert.equal((await search(stranger, 'capybara', 'people')).people.length, 0);
    assert.equal((await search(stranger, '水豚', 'people')).people.length, 1);
  });
});

describe('recent searches, hashtags and signals', () => {
  test('recent searches are kept per person and can be deleted and cleared', async () => {
    const u = await TestUser.signup(t, 's_recent');
    await search(u, '口红');
    await search(u, 'lipstick');
    await t.app.services.search.idle();
    const eventually = async () => {
      for (let i = 0; i < 50; i++) {
        const r = await u.invoke(api.search.recent);
        if (r.body.items.length === 2) return r.body.items;
        await new Promise((res) => setImmediate(res));
      }
      return (await u.invoke(api.search.recent)).body.items;
    };
    const items = await eventually();
    assert.deepEqual(
      items.map((i) => i.q),
      ['lipstick', '口红'],
    );
    assert.equal(
      (await stranger.invoke(api.search.recent)).body.items.some((i) => i.q === '口红'),
      false,
      'per person',
    );
    await u.invoke(api.search.deleteRecent, { params: { id: items[0]!.id } });
    assert.deepEqual(
      (await u.invoke(api.search.recent)).body.items.map((i) => i.q),
      ['口红'],
    );
    await u.invoke(api.search.clearRecent);
    assert.equal((await u.invoke(api.search.recent)).body.items.length, 0);
  });

  test('hashtag page, its feed and trending', async () => {
    const page = await stranger.invoke(api.search.hashtag, { params: { tag: '#美妆' } });
    assert.equal(page.body.tag, '美妆');
    assert.equal(page.body.videos, 1);
    assert.ok(page.body.related.some((r) => r.tag === 'lipstick'));
    for (const sort of ['hot', 'new'] as const) {
      const feed = await stranger.invoke(api.search.hashtagVideos, { params: { tag: '美妆' }, query: { sort } });
      assert.deepEqual(
        feed.body.items.map((i) => (i.type === 'video' ? i.video.id : '')),
        [lipstickVideo.id],
      );
    }
    const trending = await stranger.invoke(api.search.trending, { query: { limit: 5 } });
    assert.ok(trending.body.items.some((h) => h.tag === 'lipstick'));
  });

  test('opening a search result is accepted as a signal', async () => {
    const r = await stranger.invoke(api.search.open, { body: { q: '口红', kind: 'video', id: lipstickVideo.id } });
    assert.equal(r.status, 200);
  });
});
