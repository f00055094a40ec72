import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import { apiSignup, type ApiPerson } from './support/api.ts';
import { launch, MOBILE, type Person } from './support/browser.ts';
import { eventually } from './support/people.ts';
import { apiCall, signedInAs } from './support/room.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { screenshots } from './support/shots.ts';
import { photo, shippedOrder, teaShop, type Id } from './support/shop.ts';

const shot = screenshots('aftersales', { fullPage: true });
/** The part of the page in view (the tab bar is fixed: a full-page capture would draw it over the timeline). */
const view = screenshots('aftersales');

/**
 * The story: a buyer asks to return one of two units with a photo, the seller accepts, the buyer
 * ships it back, the seller confirms receipt, and the buyer sees "refunded" on the timeline.
 * A second buyer, in Chinese, asks for a refund only and sees it refunded once accepted.
 */
/** The request's first photo has loaded (it comes through the party-checked photo route). */
async function photoShows(req: Locator): Promise<void> {
  await eventually(async () =>
    assert.ok(
      await req
        .locator('img')
        .first()
        .evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0),
      'the photo shows',
    ),
  );
}

describe('a buyer returns one unit and is refunded', () => {
  let server: RunningServer;
  let browser: Browser;
  let seller: ApiPerson;
  let ana: Person;
  let bo: Person;
  let mia: Person;
  let anaApi: ApiPerson;
  let anaOrder = '';
  let boOrder = '';

  before(async () => {
    process.env.ADMIN_HANDLES = 'as_admin';
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launch()]);
    const base = server.url;
    const shop = await teaShop(base);
    seller = shop.seller;
    const { product } = shop;
    await apiCall(base, seller, 'POST', `/api/v1/shop/products/${product.id}/publish`);
    anaApi = await apiSignup(base, 'ana_buys', 'Ana Wu');
    const boApi = await apiSignup(base, 'bo_buys', '小波');
    anaOrder = await shippedOrder(base, seller, anaApi, shop.sellerId, product.variants[0]!.id, 2);
    boOrder = await shippedOrder(base, seller, boApi, shop.sellerId, product.variants[0]!.id, 1);
    ana = await signedInAs(browser, base, anaApi, { viewport: MOBILE });
    bo = await signedInAs(browser, base, boApi, { locale: 'zh-CN', viewport: MOBILE });
    mia = await signedInAs(browser, base, seller, { viewport: MOBILE });
  });

  after(async () => {
    delete process.env.ADMIN_HANDLES;
    await browser?.close();
    await server?.stop();
  });

  test('the buyer asks to return one unit with a photo', async () => {
    const p = ana.page;
    await p.goto(`/shop/orders/${anaOrder}`);
    await p.getByTestId('order').waitFor();
    await p.getByTestId('order-receive').click();
    await eventually(async () => assert.equal(await p.getByTestId('order').getAttribute('data-status'), 'delivered'));
    await p.getByTestId('aftersales-open').click();
    const sheet = p.getByTestId('aftersales-sheet');
    await sheet.waitFor();
    await sheet.getByTestId('aftersales-kind-return_refund').check();
    await sheet.getByTestId('aftersales-submit').click();
    // No reason yet: refused on the spot.
    await sheet.getByTestId('aftersales-problem').waitFor();
    await sheet.getByTestId('aftersales-reason-damaged').check();
    await sheet.getByTestId('aftersales-more').click();
    assert.equal(await sheet.getByTestId('aftersales-quantity').textContent(), '2');
    assert.equal(await sheet.getByTestId('aftersales-more').isDisabled(), true, 'at most the units bought');
    await sheet.getByLabel('One fewer').click();
    await sheet
      .getByTestId('aftersales-photo-input')
      .setInputFiles({ name: 'crack.png', mimeType: 'image/png', buffer: photo(170, 90, 40) });
    await sheet.getByTestId('aftersales-picked').waitFor();
    await shot(p, 'en-sheet');
    await sheet.getByTestId('aftersales-submit').click();
    const req = p.getByTestId('aftersales-request');
    await req.waitFor();
    assert.equal(await p.getByTestId('aftersales-sheet').count(), 0);
    assert.equal(await req.getAttribute('data-status'), 'requested');
    await req.locator('img').first().waitFor();
    await photoShows(req);
    assert.deepEqual(ana.errors, []);
  });

  test('the seller accepts, the buyer ships it back, the seller confirms receipt', async () => {
    const s = mia.page;
    await s.goto(`/shop/orders/${anaOrder}`);
    const req = s.getByTestId('aftersales-request');
    await req.waitFor();
    await req.getByTestId('aftersales-accept').evaluate((e) => e.scrollIntoView({ block: 'center' }));
    // The seller sees the buyer's photo (served only to the two of them and moderators), and
    // the whole-order refund waits for the request.
    await photoShows(req);
    await s.getByTestId('order-refund-waits').waitFor();
    assert.equal(await s.getByTestId('order-refund').count(), 0);
    await view(s, 'en-seller-request');
    await req.getByTestId('aftersales-accept').click();
    await eventually(async () => assert.equal(await req.getAttribute('data-status'), 'accepted'));

    // No reload: each side's page hears the other's step (the after-sales notification) and shows it.
    const p = ana.page;
    const mine = p.getByTestId('aftersales-request');
    await mine.getByTestId('aftersales-ship-form').waitFor();
    await mine.getByTestId('aftersales-carrier').fill('SF Express');
    await mine.getByTestId('aftersales-tracking').fill('SF5550001');
    await mine.getByTestId('aftersales-ship-submit').click();
    await eventually(async () => assert.equal(await mine.getAttribute('data-status'), 'returning'));

    await req.getByTestId('aftersales-receive').click();
    await eventually(async () => assert.equal(await req.getAttribute('data-status'), 'refunded'));
    assert.deepEqual(mia.errors, []);
  });

  test('the buyer sees the refund on the timeline', async () => {
    const p = ana.page;
    const req = p.getByTestId('aftersales-request');
    await eventually(async () => assert.equal(await req.getAttribute('data-status'), 'refunded'));
    const kinds = await req
      .getByTestId('aftersales-timeline')
      .locator('li')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    assert.deepEqual(kinds, ['opened', 'accepted', 'shipped_back', 'received', 'refunded']);
    assert.match((await req.getByTestId('aftersales-refund').textContent()) ?? '', /68/);
    assert.equal(await p.getByTestId('order').getAttribute('data-status'), 'delivered', 'one unit is still kept');
    await req.getByTestId('aftersales-timeline').scrollIntoViewIfNeeded();
    await view(p, 'en-timeline');
    assert.deepEqual(ana.errors, []);
  });

  test('in Chinese: a refund-only request, accepted, shows refunded', async () => {
    const p = bo.page;
    await p.goto(`/shop/orders/${boOrder}`);
    await p.getByTestId('aftersales-open').click();
    const sheet = p.getByTestId('aftersales-sheet');
    await sheet.getByTestId('aftersales-reason-not_as_described').check();
    await sheet.locator('#aftersales-text').fill('颜色和图片不一样');
    await shot(p, 'zh-sheet');
    await sheet.getByTestId('aftersales-submit').click();
    const req = p.getByTestId('aftersales-request');
    await req.waitFor();
    const miaZh = await signedInAs(browser, server.url, seller, { locale: 'zh-CN', viewport: MOBILE });
    await miaZh.page.goto(`/shop/orders/${boOrder}`);
    const accept = miaZh.page.getByTestId('aftersales-accept');
    await accept.evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await view(miaZh.page, 'zh-seller-request');
    await accept.click();
    await eventually(async () => assert.equal(await miaZh.page.getByTestId('aftersales-request').getAttribute('data-status'), 'refunded'));
    assert.deepEqual(miaZh.errors, []);
    await miaZh.context.close();
    await p.reload();
    await eventually(async () => assert.equal(await req.getAttribute('data-status'), 'refunded'));
    await eventually(async () => assert.equal(await p.getByTestId('order').getAttribute('data-status'), 'refunded'));
    await req.getByTestId('aftersales-timeline').scrollIntoViewIfNeeded();
    await view(p, 'zh-timeline');
    assert.deepEqual(bo.errors, []);
  });

  test('a declined request goes to moderators, who refund it (queue in both languages)', async () => {
    const base = server.url;
    const order = (await apiCall(base, anaApi, 'GET', `/api/v1/shop/orders/${anaOrder}`)) as { items: Id[] };
    const opened = (await apiCall(base, anaApi, 'POST', '/api/v1/shop/aftersales', {
      orderItemId: order.items[0]!.id,
      kind: 'refund_only',
      quantity: 1,
      reason: 'not_as_described',
      text: 'Tastes stale',
    })) as Id;
    await apiCall(base, seller, 'POST', `/api/v1/shop/aftersales/${opened.id}/decline`, { reason: 'Opened and half drunk' });
    const p = ana.page;
    await p.reload();
    const req = p.locator(`[data-request-id="${opened.id}"]`);
    await req.getByTestId('aftersales-escalate').click();
    await req.getByTestId('aftersales-note').fill('It was stale when it arrived');
    await req.getByTestId('aftersales-note-submit').click();
    await eventually(async () => assert.equal(await req.getAttribute('data-status'), 'escalated'));

    const admin = await apiSignup(base, 'as_admin', 'Ada Admin');
    const modZh = await signedInAs(browser, base, admin, { locale: 'zh-CN', viewport: MOBILE });
    await modZh.page.goto('/moderation/queue');
    await modZh.page.getByTestId('mod-tab-aftersales').click();
    await modZh.page.locator(`[data-request-id="${opened.id}"]`).waitFor();
    await shot(modZh.page, 'zh-mod-queue');
    await modZh.context.close();

    const mod = await signedInAs(browser, base, admin, { viewport: MOBILE });
    const m = mod.page;
    await m.goto('/moderation/queue');
    await m.getByTestId('mod-tab-aftersales').click();
    const item = m.locator(`[data-request-id="${opened.id}"]`);
    await item.waitFor();
    await shot(m, 'en-mod-queue');
    await item.getByTestId('aftersales-decide-refund').click();
    await eventually(async () => assert.equal(await item.count(), 0));
    await p.reload();
    await eventually(async () => assert.equal(await req.getAttribute('data-status'), 'refunded'));
    await eventually(async () => assert.equal(await p.getByTestId('order').getAttribute('data-status'), 'refunded'));
    assert.deepEqual(mod.errors, []);
    assert.deepEqual(ana.errors, []);
  });
});
