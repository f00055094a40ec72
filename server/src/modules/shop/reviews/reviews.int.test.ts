import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { api, type Product, type ProductCard, type Review } from '@tremolo/protocol';
import { startTestApp, TestUser, type TestApp } from '../../../test/harness.ts';
import { buyer, order, png, product, seller, uniq, upload } from '../fixtures.ts';

process.env.SHOP_SWEEP_INTERVAL_MS = '0';

let t: TestApp;
before(async () => (t = await startTestApp({}, { ADMIN_HANDLES: 'rv_mod' })));
after(async () => t.close());

const shop = () => t.app.services.shop;

async function addPhoto(
  u: TestUser,
  reviewId: string,
  bytes: Buffer,
): Promise<{ status: number; body: Review & { error?: { code: string } } }> {
  return upload<Review>(t, u, `/api/v1/shop/reviews/${reviewId}/photos`, bytes);
}

const review = (u: TestUser, orderItemId: string, stars: number, text = '') =>
  u.invoke(api.reviews.create, { body: { orderItemId, stars, text } });

describe('delivered', () => {
  test('the buyer confirms receipt: the order is delivered and the seller hears it', async () => {
    const s = await seller(t);
    const p = await product(s);
    const b = await buyer(t);
    const o = await order(b, s, [{ variantId: p.variants[0]!.id, quantity: 1 }], 'shipped');
    assert.equal(o.deliveredAt, null);
    assert.equal((await s.invoke(api.shop.receiveOrder, { params: { id: o.id } })).status, 403, 'only the buyer confirms receipt');
    const got = await b.user.invoke(api.shop.receiveOrder, { params: { id: o.id } });
    assert.equal(got.body.status, 'delivered');
    assert.ok(got.body.deliveredAt);
    assert.equal(got.body.history.at(-1)?.actor, 'buyer');
    const again = await b.user.invoke(api.shop.receiveOrder, { params: { id: o.id } });
    assert.equal(again.error?.code, 'invalid_state');
    const inbox = await s.call<{ items: { payload: { kind: string; status?: string; orderId?: string } }[] }>(
      'GET',
      '/api/v1/notifications',
    );
    assert.ok(inbox.body.items.some((n) => n.payload.kind === 'order' && n.payload.orderId === o.id && n.payload.status === 'delivered'));
  });
});

describe('reviews', () => {
  test('only the buyer of a delivered order reviews a line, once; the seller replies once', async () => {
    const s = await seller(t);
    const p = await product(s, [
      { sku: 'R-S', price: 1000, stock: 10, options: { size: 'S' } },
      { sku: 'R-M', price: 1200, stock: 10, options: { size: 'M' } },
    ]);
    const b = await buyer(t);
    const shipped = await order(
      b,
      s,
      p.variants.map((v) => ({ variantId: v.id, quantity: 1 })),
      'shipped',
    );
    const [lineS, lineM] = shipped.items;
    const early = await review(b.user, lineS!.id, 5);
    assert.equal(early.error?.code, 'invalid_state', 'not before delivery');
    await b.user.invoke(api.shop.receiveOrder, { params: { id: shipped.id } });
    const stranger = await TestUser.signup(t, uniq('stranger'));
    assert.equal((await review(stranger, lineS!.id, 1)).status, 404, 'a stranger cannot review a line they did not buy');
    assert.equal((await review(s, lineS!.id, 5)).status, 404, 'nor can the seller');
    assert.equal((await b.user.call('POST', api.reviews.create.path, { orderItemId: lineS!.id, stars: 6 })).status, 400);
    assert.equal((await b.user.call('POST', api.reviews.create.path, { orderItemId: lineS!.id, stars: 4.5 })).status, 400);
    const r = await review(b.user, lineS!.id, 4, 'Soft, runs small');
    assert.equal(r.status, 201, JSON.stringify(r.error));
    assert.deepEqual([r.body.stars, r.body.text, r.body.options, r.body.author.id], [4, 'Soft, runs small', { size: 'S' }, b.user.id]);
    assert.equal((await review(b.user, lineS!.id, 5)).error?.code, 'conflict', 'a line is reviewed once');

    // Two reviews of the same line at once: exactly one is stored.
    const race = await Promise.all([review(b.user, lineM!.id, 5, 'first'), review(b.user, lineM!.id, 3, 'second')]);
    assert.deepEqual(race.map((x) => x.status).sort(), [201, 409]);
    const mine = await b.user.invoke(api.reviews.ofOrder, { params: { id: shipped.id } });
    assert.equal(mine.body.items.length, 2);
    assert.equal(mine.body.items.filter((x) => x.orderItemId === lineM!.id).length, 1);
    assert.equal((await stranger.invoke(api.reviews.ofOrder, { params: { id: shipped.id } })).status, 404);

    // Replies: the seller only, once, even when two arrive together.
    assert.equal((await b.user.invoke(api.reviews.reply, { params: { id: r.body.id }, body: { text: 'me' } })).status, 403);
    assert.equal((await stranger.invoke(api.reviews.reply, { params: { id: r.body.id }, body: { text: 'me' } })).status, 403);
    const replies = await Promise.all(
      ['Thanks! Size up next time.', 'Thank you'].map((text) => s.invoke(api.reviews.reply, { params: { id: r.body.id }, body: { text } })),
    );
    assert.deepEqual(replies.map((x) => x.status).sort(), [200, 409]);
    const seen = await s.invoke(api.reviews.ofOrder, { params: { id: shipped.id } });
    const replied = seen.body.items.find((x) => x.id === r.body.id)!;
    assert.ok(replied.reply && ['Thanks! Size up next time.', 'Thank you'].includes(replied.reply.text));
    assert.equal((await s.invoke(api.reviews.reply, { params: { id: r.body.id }, body: { text: 'again' } })).error?.code, 'conflict');

    // Each side hears of the other: the seller of each review, the buyer of the reply.
    const sellerInbox = (await s.invoke(api.notifications.list, { query: {} })).body.items.flatMap((n) =>
      n.payload.kind === 'review' ? [n.payload] : [],
    );
    assert.deepEqual(
      sellerInbox.map((n) => [n.role, n.actor.id, n.productId, n.stars]).sort(),
      [
        ['seller', b.user.id, p.id, 4],
        ['seller', b.user.id, p.id, race.find((x) => x.status === 201)!.body.stars],
      ].sort(),
    );
    const buyerInbox = (await b.user.invoke(api.notifications.list, { query: {} })).body.items.flatMap((n) =>
      n.payload.kind === 'review' ? [n.payload] : [],
    );
    assert.deepEqual(
      buyerInbox.map((n) => [n.role, n.actor.id, n.title]),
      [['buyer', s.id, p.title]],
    );
  });

  test('photos go through the image intake: resized, at most 6, the author only', async () => {
    const s = await seller(t);
    const p = await product(s);
    const b = await buyer(t);
    const o = await order(b, s, [{ variantId: p.variants[0]!.id, quantity: 1 }]);
    const r = await review(b.user, o.items[0]!.id, 5, 'Lovely');
    const first = await addPhoto(b.user, r.body.id, await png(1600));
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const photo = first.body.photos[0]!;
    assert.deepEqual([photo.width, photo.height], [1280, 1280]);
    const thumb = await t.app.http.inject({ method: 'GET', url: photo.thumbUrl });
    const meta = await sharp(thumb.rawPayload).metadata();
    assert.deepEqual([meta.format, meta.width], ['webp', 400]);
    assert.equal((await addPhoto(s, r.body.id, await png())).status, 404, 'the seller cannot add photos to a review');
    const fake = await addPhoto(b.user, r.body.id, Buffer.from('<?php echo 1; ?>'));
    assert.equal(fake.status, 415);
    assert.equal((await addPhoto(b.user, r.body.id, await png(50))).status, 422, 'too small');
    // Seven more at once: five fit (six in all), the rest are refused.
    const img = await png(240, '#48c');
    const more = await Promise.all(Array.from({ length: 7 }, () => addPhoto(b.user, r.body.id, img)));
    assert.equal(more.filter((x) => x.status === 201).length, 5);
    assert.ok(more.filter((x) => x.status !== 201).every((x) => x.body.error?.code === 'limit_reached'));
    const list = await b.user.invoke(api.reviews.ofOrder, { params: { id: o.id } });
    assert.equal(list.body.items[0]!.photos.length, 6);
  });

  test('the product page: summary, photo reviews first, filters, cursor paging; cards, shop and creator card show ratings', async () => {
    const s = await seller(t);
    const p = await product(s, [{ sku: 'SUM-1', price: 500, stock: 50 }]);
    const v = p.variants[0]!.id;
    const stars = [5, 4, 4, 1, 5];
    const written: Review[] = [];
    for (const [i, n] of stars.entries()) {
      const b = await buyer(t);
      const o = await order(b, s, [{ variantId: v, quantity: 1 }]);
      const r = await review(b.user, o.items[0]!.id, n, `review ${i}`);
      assert.equal(r.status, 201);
      written.push(r.body);
      // The second and the fourth have photos.
      if (i === 1 || i === 3) assert.equal((await addPhoto(b.user, r.body.id, await png())).status, 201);
    }
    const anon = new TestUser(t);
    const sum = await anon.invoke(api.reviews.summary, { params: { id: p.id } });
    assert.deepEqual(sum.body, { average: 3.8, count: 5, histogram: [1, 0, 0, 2, 2], withPhotos: 2 });

    const all = await anon.invoke(api.reviews.ofProduct, { params: { id: p.id }, query: { limit: 10 } });
    assert.deepEqual(
      all.body.items.map((r) => r.text),
      ['review 3', 'review 1', 'review 4', 'review 2', 'review 0'],
      'photo reviews first, then newest first',
    );
    assert.equal(all.body.nextCursor, null);
    const fours = await anon.invoke(api.reviews.ofProduct, { params: { id: p.id }, query: { stars: 4 } });
    assert.deepEqual(
      fours.body.items.map((r) => r.text),
      ['review 1', 'review 2'],
    );
    const photos = await anon.invoke(api.reviews.ofProduct, { params: { id: p.id }, query: { withPhotos: 'true' } });
    assert.deepEqual(
      photos.body.items.map((r) => r.text),
      ['review 3', 'review 1'],
    );
    // Paging two at a time crosses from photo reviews to the rest without losing or repeating one.
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const pg = await anon.invoke(api.reviews.ofProduct, { params: { id: p.id }, query: { limit: 2, ...(cursor ? { cursor } : {}) } });
      seen.push(...pg.body.items.map((r) => r.text));
      if (!pg.body.nextCursor) break;
      cursor = pg.body.nextCursor;
    }
    assert.deepEqual(
      seen,
      all.body.items.map((r) => r.text),
    );
    assert.equal((await anon.invoke(api.reviews.ofProduct, { params: { id: p.id }, query: { cursor: 'nonsense' } })).status, 400);

    const cards = await anon.call<{ items: ProductCard[] }>('GET', `/api/v1/shop/cards?ids=${p.id}`);
    assert.deepEqual(cards.body.items[0]!.rating, { average: 3.8, count: 5 });
    const page = await anon.invoke(api.shop.product, { params: { id: p.id } });
    assert.deepEqual((page.body as Product).card.rating, { average: 3.8, count: 5 });

    const shopInfo = await anon.invoke(api.shop.shopOf, { params: { handle: s.handle } });
    const score = shopInfo.body.score!;
    assert.ok(score, 'the shop has a score');
    assert.deepEqual([score.rating?.count, score.rating?.average, score.shipping?.count, score.refunds?.rate], [5, 3.8, 5, 0]);
    assert.ok(score.score >= 1 && score.score <= 5);
    assert.deepEqual((await anon.invoke(api.reviews.storeScore, { params: { handle: s.handle } })).body, score);
    const card = await anon.call<{ sections: { kind: string; score?: unknown }[] }>('GET', `/api/v1/users/${s.handle}`);
    assert.deepEqual(card.body.sections.find((x) => x.kind === 'showcase')?.score, score, "the creator's card shows it too");

    // A hidden review (a moderator's decision) leaves the summary, the lists and the average.
    assert.equal(await shop().reviews.setHidden(written[3]!.id, true), true);
    const after = await anon.invoke(api.reviews.summary, { params: { id: p.id } });
    assert.deepEqual(after.body, { average: 4.5, count: 4, histogram: [0, 0, 0, 2, 2], withPhotos: 1 });
    const snap = await shop().reviews.report(written[0]!.id);
    assert.deepEqual([snap?.text, snap?.stars, snap?.authorId], ['review 0', 5, written[0]!.author.id]);
    assert.equal(await shop().reviews.report('00000000-0000-7000-8000-000000000000'), null);
  });

  test('a new shop has no score; reviews of a product nobody may see are not found', async () => {
    const s = await seller(t);
    const draft = await product(s, undefined, false);
    const anon = new TestUser(t);
    assert.equal((await anon.invoke(api.shop.shopOf, { params: { handle: s.handle } })).body.score, null);
    assert.equal((await anon.invoke(api.reviews.storeScore, { params: { handle: s.handle } })).status, 404);
    assert.equal((await anon.invoke(api.reviews.ofProduct, { params: { id: draft.id } })).status, 404);
    assert.equal((await anon.invoke(api.reviews.summary, { params: { id: draft.id } })).status, 404);
    assert.equal((await s.invoke(api.reviews.summary, { params: { id: draft.id } })).body.count, 0, 'its seller may');
  });

  test('blocks: a buyer blocked by the shop cannot review; a viewer does not see reviews by people they blocked', async () => {
    const s = await seller(t);
    const p = await product(s);
    const v = p.variants[0]!.id;
    const blocked = await buyer(t);
    const o1 = await order(blocked, s, [{ variantId: v, quantity: 1 }]);
    const other = await buyer(t);
    const o2 = await order(other, s, [{ variantId: v, quantity: 1 }]);
    assert.equal((await review(other.user, o2.items[0]!.id, 2, 'meh')).status, 201);
    await s.invoke(api.graph.block, { params: { handle: blocked.user.handle } });
    assert.equal((await review(blocked.user, o1.items[0]!.id, 1)).error?.code, 'blocked');

    const viewer = await TestUser.signup(t, uniq('viewer'));
    const before = await viewer.invoke(api.reviews.ofProduct, { params: { id: p.id } });
    assert.equal(before.body.items.length, 1);
    await viewer.invoke(api.graph.block, { params: { handle: other.user.handle } });
    const afterBlock = await viewer.invoke(api.reviews.ofProduct, { params: { id: p.id } });
    assert.equal(afterBlock.body.items.length, 0);
    const theirView = await other.user.invoke(api.reviews.ofProduct, { params: { id: p.id } });
    assert.equal(theirView.body.items.length, 1, 'the author still sees their own review');
  });
});

describe('reporting a review', () => {
  test('a review goes through the one report flow; a moderator removing it hides it from the product', async () => {
    const mod = await TestUser.signup(t, 'rv_mod');
    const s = await seller(t);
    const p = await product(s);
    const b = await buyer(t);
    const o = await order(b, s, [{ variantId: p.variants[0]!.id, quantity: 1 }]);
    const r = await review(b.user, o.items[0]!.id, 1, 'spam spam visit my shop');
    assert.equal(r.status, 201, JSON.stringify(r.error));
    const reader = await TestUser.signup(t, uniq('reader'));
    assert.equal(
      (await b.user.invoke(api.moderation.report, { body: { surface: 'review', targetId: r.body.id, reason: 'spam' } })).status,
      400,
      'nobody reports their own review',
    );
    const rep = await reader.invoke(api.moderation.report, { body: { surface: 'review', targetId: r.body.id, reason: 'spam' } });
    assert.equal(rep.status, 201, JSON.stringify(rep.error));
    const open = await mod.invoke(api.moderation.queue, { query: { status: 'open', surface: 'review' } });
    const item = open.body.items.find((i) => i.id === rep.body.id);
    assert.equal(item?.snapshot.text, 'spam spam visit my shop', 'the words are kept as reported');
    const act = await mod.invoke(api.moderation.act, { body: { kind: 'remove', reportId: rep.body.id, note: 'spam' } });
    assert.equal(act.status, 201, JSON.stringify(act.error));
    const list = await reader.invoke(api.reviews.ofProduct, { params: { id: p.id } });
    assert.equal(list.body.items.length, 0, 'the removed review left the product page');
    const again = await reader.invoke(api.moderation.report, { body: { surface: 'review', targetId: r.body.id, reason: 'spam' } });
    assert.equal(again.status, 404, 'a removed review cannot be reported again');
  });
});

describe('delivered by assumption', () => {
  test('a shipped order the buyer never confirms is delivered ORDER_AUTO_DELIVER_DAYS after shipping, then reviewable', async () => {
    const s = await seller(t);
    const p = await product(s);
    const b = await buyer(t);
    const o = await order(b, s, [{ variantId: p.variants[0]!.id, quantity: 1 }], 'shipped');
    const days = t.app.config.shop.autoDeliverDays;
    shop().advanceClock((days - 1) * 86_400_000);
    await shop().sweep();
    assert.equal((await b.user.invoke(api.shop.order, { params: { id: o.id } })).body.status, 'shipped', 'not yet');
    assert.equal((await review(b.user, o.items[0]!.id, 5)).error?.code, 'invalid_state');
    shop().advanceClock(2 * 86_400_000);
    const fresh = await order(b, s, [{ variantId: p.variants[0]!.id, quantity: 1 }], 'shipped');
    await shop().sweep();
    const got = await b.user.invoke(api.shop.order, { params: { id: o.id } });
    assert.equal(got.body.status, 'delivered');
    assert.equal(got.body.history.at(-1)?.actor, 'system');
    assert.ok(got.body.deliveredAt);
    assert.equal((await b.user.invoke(api.shop.order, { params: { id: fresh.id } })).body.status, 'shipped', 'a recent shipment waits');
    const inbox = await s.call<{ items: { payload: { kind: string; status?: string; orderId?: string } }[] }>(
      'GET',
      '/api/v1/notifications',
    );
    assert.ok(inbox.body.items.some((n) => n.payload.kind === 'order' && n.payload.orderId === o.id && n.payload.status === 'delivered'));
    assert.equal((await review(b.user, o.items[0]!.id, 5, 'Arrived fine')).status, 201);
  });
});
