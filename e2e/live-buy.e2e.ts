import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { apiSignup, type ApiPerson } from './support/api.ts';
import { CHROMIUM, CHROMIUM_ARGS, MOBILE } from './support/browser.ts';
import { eventually, fillAddress, payByCard } from './support/people.ts';
import { apiCall, signedInAs } from './support/room.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { screenshots } from './support/shots.ts';

/**
 * Buying without leaving the live: a host pins a product in a live room, a viewer taps it, buys
 * in the sheet over the room (a declined card first, in words), and the room is still there with
 * the order attributed to it. Then 预约: a viewer reserves a scheduled room and is told when the
 * host starts it, and the product page points back at the ended live it was shown in (讲解).
 * No camera: the room page works without anyone publishing.
 */
const shot = screenshots('live-buy');

describe('live buy and reservations', () => {
  let server: RunningServer;
  let browser: Browser;
  let host: ApiPerson;
  let productId = '';
  const call = (who: ApiPerson, method: string, p: string, body?: unknown) => apiCall(server.url, who, method, p, body);

  before(async () => {
    [server, browser] = await Promise.all([
      startServer({ seedDemo: false }),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
    ]);
    host = await apiSignup(server.url, 'lb_host', 'Lan Host');
    await call(host, 'PUT', '/api/v1/shop', { name: 'Lan Shop', currency: 'CNY' });
    const p = (await call(host, 'POST', '/api/v1/shop/products', {
      title: 'Live Teapot',
      description: 'A teapot',
      variants: [
        { sku: 'TEA-RED', price: 8800, stock: 5, options: { colour: 'red' } },
        { sku: 'TEA-BLUE', price: 9900, stock: 5, options: { colour: 'blue' } },
      ],
    })) as { id: string };
    await call(host, 'POST', `/api/v1/shop/products/${p.id}/publish`);
    productId = p.id;
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a viewer buys the pinned product in a sheet over the room; the order counts for the room', async () => {
    const room = (await call(host, 'POST', '/api/v1/rooms', { title: 'Teapot hour' })) as { id: string };
    await call(host, 'PUT', `/api/v1/rooms/${room.id}/pin`, { productId });
    const viewerApi = await apiSignup(server.url, 'lb_viewer', 'Vi Viewer');
    const viewer = await signedInAs(browser, server.url, viewerApi, { viewport: MOBILE });
    const page = viewer.page;
    await page.goto(`/r/${room.id}`);
    await page.getByTestId('room-product').waitFor();
    await page.getByTestId('room-product').getByTestId('product-card-buy').click();

    const sheet = page.getByTestId('buy-sheet');
    await sheet.getByTestId('buy-sheet-title').waitFor();
    await sheet.getByTestId('variant-option').nth(1).click();
    await sheet.getByTestId('product-qty-plus').click();
    await fillAddress(page, 'Vi');
    assert.match((await sheet.getByTestId('buy-sheet-order').textContent()) ?? '', /198/, 'two blue teapots');
    await shot(page, 'buy-sheet-en-mobile');
    await sheet.getByTestId('buy-sheet-order').click();
    await sheet.getByTestId('pay-form').waitFor();

    await payByCard(page, '4000 0000 0000 0002');
    assert.match((await sheet.getByTestId('pay-error').textContent()) ?? '', /declined/i);
    await shot(page, 'buy-sheet-declined-en-mobile');
    await payByCard(page);
    await sheet.getByTestId('buy-sheet-paid').waitFor();
    await shot(page, 'buy-sheet-paid-en-mobile');

    // The room never went away underneath.
    assert.equal(new URL(page.url()).pathname, `/r/${room.id}`);
    await page.getByTestId('buy-sheet-done').click();
    await page.getByTestId('room-page').waitFor();
    await page.getByTestId('room-chat-input').waitFor();
    assert.equal(await page.getByTestId('buy-sheet').count(), 0);

    const orders = (await call(viewerApi, 'GET', '/api/v1/shop/orders')) as { items: { status: string; total: number }[] };
    assert.equal(orders.items.length, 1);
    assert.equal(orders.items[0]!.status, 'paid');
    assert.equal(orders.items[0]!.total, 19_800);
    const summary = (await call(host, 'GET', `/api/v1/rooms/${room.id}/summary`)) as { orders: number; revenue: number };
    assert.equal(summary.orders, 1, 'the sale is attributed to the room');

    // The same sheet in Chinese, for a second viewer.
    const zhApi = await apiSignup(server.url, 'lb_zh', '小周');
    const zh = await signedInAs(browser, server.url, zhApi, { viewport: MOBILE, locale: 'zh-CN' });
    await zh.page.goto(`/r/${room.id}`);
    await zh.page.getByTestId('room-product').getByTestId('product-card-buy').click();
    await zh.page.getByTestId('buy-sheet').getByTestId('buy-sheet-title').waitFor();
    await fillAddress(zh.page, '小周');
    assert.match((await zh.page.getByTestId('buy-sheet-order').textContent()) ?? '', /下单/);
    await shot(zh.page, 'buy-sheet-zh-mobile');

    // 讲解: once the room has ended, the product page points back at the live it was shown in.
    await call(host, 'POST', `/api/v1/rooms/${room.id}/end`);
    for (const [p, lang] of [
      [page, 'en'],
      [zh.page, 'zh'],
    ] as const) {
      await p.goto(`/p/${productId}`);
      await p.getByTestId('product-live-moment').first().scrollIntoViewIfNeeded();
      assert.match((await p.getByTestId('product-live-moments').textContent()) ?? '', /Teapot hour/);
      await shot(p, `product-live-moments-${lang}-mobile`);
    }
    await page.getByTestId('product-live-moment').first().click();
    await eventually(async () => assert.equal(new URL(page.url()).pathname, `/r/${room.id}`));
    await zh.context.close();
    await viewer.context.close();
  });

  test('a viewer reserves a scheduled room and is told when the host starts it', async () => {
    const scheduledAt = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const room = (await call(host, 'POST', '/api/v1/rooms', { title: 'Sunday tasting', scheduledAt })) as { id: string };
    const fanApi = await apiSignup(server.url, 'lb_fan', 'Fa Fan');
    const fan = await signedInAs(browser, server.url, fanApi, { viewport: MOBILE });
    await fan.page.goto(`/r/${room.id}`);
    await fan.page.getByTestId('room-scheduled').waitFor();
    const count = fan.page.getByTestId('room-reserve-count');
    await eventually(async () => assert.equal(await count.getAttribute('data-count'), '0'));
    await fan.page.getByTestId('room-reserve-button').click();
    await eventually(async () => assert.equal(await fan.page.getByTestId('room-reserve-button').getAttribute('data-mine'), 'true'));
    assert.match((await count.textContent()) ?? '', /1 reserved/);
    await shot(fan.page, 'reserve-en-mobile');

    const zhApi = await apiSignup(server.url, 'lb_zh2', '小雨');
    const zh = await signedInAs(browser, server.url, zhApi, { viewport: MOBILE, locale: 'zh-CN' });
    await zh.page.goto(`/r/${room.id}`);
    await zh.page.getByTestId('room-reserve-button').click();
    await eventually(async () => assert.equal(await zh.page.getByTestId('room-reserve-count').getAttribute('data-count'), '2'));
    assert.match((await zh.page.getByTestId('room-reserve-count').textContent()) ?? '', /2 人已预约/);
    await shot(zh.page, 'reserve-zh-mobile');
    // The host's card shows the count to visitors of the profile.
    await zh.page.goto('/u/lb_host');
    await eventually(async () => assert.equal(await zh.page.getByTestId('card-live-room-reservations').getAttribute('data-count'), '2'));
    // Centred: the tab bar covers the bottom of the screen.
    await zh.page.getByTestId('card-live-room-reservations').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(zh.page, 'reserve-card-zh-mobile');

    // The host's own list shows how many reserved, in both languages.
    for (const locale of ['en', 'zh-CN']) {
      const h = await signedInAs(browser, server.url, host, { viewport: MOBILE, locale });
      await h.page.goto('/rooms');
      const item = h.page.locator(`[data-testid="room-list-item"][data-room="${room.id}"]`);
      await eventually(async () => assert.match((await item.textContent()) ?? '', locale === 'en' ? /2 reserved/ : /2 人已预约/));
      await shot(h.page, `rooms-mine-reservations-${locale}-mobile`);
      await h.context.close();
    }

    await call(host, 'POST', `/api/v1/rooms/${room.id}/start`);
    await fan.page.goto('/inbox');
    await eventually(async () => {
      const item = fan.page.locator('[data-testid="inbox-item"][data-kind="room_live"]');
      assert.match((await item.first().textContent()) ?? '', /started the room you reserved/);
    }, 15_000);
    await shot(fan.page, 'reserved-live-inbox-en-mobile');
    await fan.page.locator('[data-testid="inbox-item"][data-kind="room_live"]').first().getByRole('link').first().click();
    await fan.page.getByTestId('room-page').waitFor();
    await zh.context.close();
    await fan.context.close();
  });
});
