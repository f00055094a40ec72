import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, launch, MOBILE, newPerson, type Person } from './support/browser.ts';
import { eventually, fillAddress, PASSWORD } from './support/people.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { screenshots } from './support/shots.ts';

const shot = screenshots('shop', { fullPage: true });

async function signUp(page: Page, handle: string, name: string): Promise<void> {
  await page.goto('/signup');
  await page.getByTestId('signup-handle').fill(handle);
  await page.getByTestId('signup-name').fill(name);
  await page.getByTestId('signup-password').fill(PASSWORD);
  await page.getByTestId('signup-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/signup'));
}

/** A 320×320 PNG with a gradient: a real image for the upload, made here. */
function productImage(): Buffer {
  const png = new PNG({ width: 320, height: 320 });
  for (let y = 0; y < 320; y++) {
    for (let x = 0; x < 320; x++) {
      const i = (y * 320 + x) * 4;
      png.data[i] = 200 + Math.round((x / 320) * 55);
      png.data[i + 1] = 40 + Math.round((y / 320) * 80);
      png.data[i + 2] = 90;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/**
 * The story: a creator lists a product and a flash sale of its last unit; two buyers race
 * for it, one pays and the other hears "sold out"; the creator ships; the winner sees "shipped"
 * arrive live; the dashboard counts the sale under the surface the buyer came from.
 */
describe('a flash sale from listing to dashboard', () => {
  let server: RunningServer;
  let browser: Browser;
  let seller: Person;
  let ana: Person;
  let ben: Person;
  let productUrl = '';
  let productPath = '';
  let winner: Person;
  let loser: Person;

  before(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launch()]);
    seller = await newPerson(browser, server.url, { viewport: MOBILE });
    ana = await newPerson(browser, server.url, { locale: 'zh-CN', viewport: DESKTOP });
    ben = await newPerson(browser, server.url, { viewport: MOBILE });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('three people sign up', async () => {
    await signUp(seller.page, 'mia_shop', 'Mia Makes');
    await signUp(ana.page, 'ana', 'Ana Wu');
    await signUp(ben.page, 'ben', 'Ben Li');
  });

  test('the creator opens a shop and lists a product with a variant and an image', async () => {
    const p = seller.page;
    await p.getByTestId('tab-me').click();
    await p.getByTestId('me-shop').click();
    await p.getByTestId('shop-form').waitFor();
    await p.locator('#shop-name').fill("Mia's Scarves");
    await p.getByTestId('shop-save').click();
    await p.getByTestId('seller-view-store').waitFor();

    await p.getByTestId('seller-new-product').click();
    await p.locator('#product-title').fill('Silk Scarf');
    await p.locator('#product-description').fill('Hand-rolled edges, 90 × 90 cm.');
    await p.locator('#v0-sku').fill('SCARF-RED');
    await p.locator('#v0-options').fill('colour=red');
    await p.locator('#v0-price').fill('199');
    await p.locator('#v0-stock').fill('5');
    await shot(p, 'seller-new-product');
    await p.getByTestId('product-create').click();
    await p.getByTestId('edit-product-page').waitFor();
    assert.equal(await p.getByTestId('product-status').getAttribute('data-status'), 'draft');

    await p.getByTestId('image-input').setInputFiles({ name: 'scarf.png', mimeType: 'image/png', buffer: productImage() });
    await p.getByTestId('product-image').first().waitFor();
    await p.getByTestId('product-publish').click();
    await eventually(async () => assert.match((await p.getByTestId('product-status').textContent()) ?? '', /Published/));
    // Stock 5 with the default warning at 5: the seller sees it is low.
    await p.getByTestId('variant-low').waitFor();
    productPath = new URL(p.url()).pathname.replace('/shop/seller/products/', '/p/');
    productUrl = `${productPath}?via=video:v-launch`;
    await shot(p, 'seller-edit-product');
  });

  test('the creator schedules a flash sale of one unit; buyers see the countdown', async () => {
    const p = seller.page;
    await p.getByTestId('product-flash-sale').click();
    await p.getByTestId('flash-form').waitFor();
    await p.locator('#flash-variant').waitFor();
    await p.locator('#flash-price').fill('99');
    await p.locator('#flash-stock').fill('1');
    await p.locator('#flash-start').selectOption('10');
    await p.getByTestId('flash-create').click();
    const row = p.getByTestId('flash-sale-row').first();
    await row.waitFor();
    assert.equal(await row.getAttribute('data-phase'), 'upcoming');
    await shot(p, 'seller-flash-sales');

    // Buyers arrive from a video: the link carries the surface.
    await Promise.all([ana.page.goto(productUrl), ben.page.goto(productUrl)]);
    for (const b of [ana, ben]) {
      await b.page.getByTestId('product-page').waitFor();
      assert.equal(await b.page.getByTestId('flash-strip').getAttribute('data-phase'), 'upcoming');
      assert.ok(await b.page.getByTestId('flash-grab').isDisabled(), 'no buying before the start');
    }
    assert.match((await ben.page.getByTestId('flash-countdown').textContent()) ?? '', /Starts in 00:\d\d/);
    assert.match((await ana.page.getByTestId('flash-countdown').textContent()) ?? '', /后开抢/);
    await shot(ana.page, 'buyer-zh-desktop-countdown');
    await shot(ben.page, 'buyer-en-mobile-countdown');
  });

  test('two buyers race for the last unit: one wins, the other sees sold out', async () => {
    // The seller watches the product page: its stock bar must move without a reload.
    const watch = await seller.context.newPage();
    const watchFrames: string[] = [];
    watch.on('websocket', (ws) => ws.on('framereceived', (f) => typeof f.payload === 'string' && watchFrames.push(f.payload)));
    await watch.goto(productPath);
    await watch.getByTestId('flash-strip').waitFor();

    for (const b of [ana, ben]) {
      await eventually(async () => assert.equal(await b.page.getByTestId('flash-strip').getAttribute('data-phase'), 'live'), 20_000);
      await b.page.getByTestId('flash-grab').click();
      await b.page.getByTestId('checkout-page').waitFor();
      await fillAddress(b.page, b === ana ? 'Ana Wu' : 'Ben Li');
    }
    await eventually(async () => assert.ok(watchFrames.some((f) => f.includes('"t":"subbed"') && f.includes('"product:'))));
    await Promise.all([ana.page.getByTestId('checkout-place').click(), ben.page.getByTestId('checkout-place').click()]);

    const outcome = async (b: Person) => {
      await Promise.race([b.page.getByTestId('order-page').waitFor(), b.page.getByTestId('checkout-sold-out').waitFor()]);
      return (await b.page.getByTestId('order-page').count()) > 0 ? 'won' : 'lost';
    };
    const [a, b] = await Promise.all([outcome(ana), outcome(ben)]);
    assert.deepEqual([a, b].sort(), ['lost', 'won'], 'exactly one buyer gets the unit');
    winner = a === 'won' ? ana : ben;
    loser = a === 'won' ? ben : ana;
    await shot(loser.page, 'loser-sold-out');
    assert.match((await loser.page.getByTestId('checkout-sold-out').textContent()) ?? '', loser === ben ? /Sold out/ : /已抢光/);

    // The product page the seller kept open shows the sale sold out, pushed live.
    await eventually(async () => assert.equal(await watch.getByTestId('flash-strip').getAttribute('data-phase'), 'sold_out'));
    assert.match((await watch.getByTestId('flash-left').textContent()) ?? '', /0 of 1 left/);
    await watch.close();

    // The loser going back to the product sees the grab button say sold out.
    await loser.page.goto(productUrl);
    await eventually(async () => assert.equal(await loser.page.getByTestId('flash-strip').getAttribute('data-phase'), 'sold_out'));
    assert.ok(await loser.page.getByTestId('flash-grab').isDisabled());
  });

  test('the winner pays: a declined card first, then one that works', async () => {
    const p = winner.page;
    const order = p.getByTestId('order');
    assert.equal(await order.getAttribute('data-status'), 'pending_payment');
    await p.getByTestId('pay-due').waitFor();
    await p.locator('#pay-number').fill('4000 0000 0000 0002');
    await p.getByTestId('pay-submit').click();
    await p.getByTestId('pay-error').waitFor();
    await p.locator('#pay-number').fill('4242 4242 4242 4242');
    await p.locator('#pay-exp').fill('12/30');
    await p.locator('#pay-cvc').fill('123');
    await p.getByTestId('pay-submit').click();
    await eventually(async () => assert.equal(await order.getAttribute('data-status'), 'paid'));
    await shot(p, 'winner-paid');
  });

  test('the creator ships and the buyer sees "shipped" arrive live', async () => {
    const p = winner.page;
    await eventually(async () => assert.ok(winner.wsFrames.some((f) => f.includes('"t":"subbed"') && f.includes('"user:'))));
    await p.evaluate(() => document.body.setAttribute('data-e2e-mark', 'same-page'));

    const s = seller.page;
    await s.goto('/shop/seller/orders');
    const row = s.locator('[data-testid="order"][data-status="paid"]').first();
    await row.waitFor();
    assert.match((await row.getByTestId('order-surface').textContent()) ?? '', /Videos/);
    await row.getByTestId('order-confirm').click();
    await row.getByTestId('order-confirmed').waitFor();
    await row.getByTestId('order-ship').click();
    await row.getByTestId('ship-carrier').fill('SF Express');
    await row.getByTestId('ship-tracking').fill('SF1234567890');
    await shot(s, 'seller-ship');
    await row.getByTestId('ship-submit').click();
    await s.locator('[data-testid="order"][data-status="shipped"]').first().waitFor();

    await eventually(async () => assert.equal(await p.getByTestId('order').getAttribute('data-status'), 'shipped'));
    const words = winner === ben ? /Shipped/ : /已发货/;
    assert.match((await p.getByTestId('order-status').textContent()) ?? '', words);
    assert.match((await p.getByTestId('order-shipment').textContent()) ?? '', /SF1234567890/);
    assert.equal(await p.evaluate(() => document.body.getAttribute('data-e2e-mark')), 'same-page', 'no reload happened');
    assert.ok(
      winner.wsFrames.some((f) => f.includes('"kind":"order"') && f.includes('"status":"shipped"')),
      'the change came over the socket',
    );
    await shot(p, 'winner-shipped');

    // The order history lists it as shipped too.
    await p.getByTestId('nav-orders').count();
    await p.goto('/shop/orders');
    await eventually(async () => assert.equal(await p.getByTestId('order-row-status').first().getAttribute('data-status'), 'shipped'));
  });

  test('the dashboard shows the sale under the video surface', async () => {
    const s = seller.page;
    await s.goto('/shop/seller/insights');
    await s.getByTestId('surface-table').waitFor();
    const video = s.locator('[data-testid="surface-row"][data-surface="video"]');
    await video.waitFor();
    assert.equal(await video.getByTestId('surface-paid').textContent(), '1');
    assert.match((await video.getByTestId('surface-revenue').textContent()) ?? '', /99/);
    assert.match((await s.getByTestId('total-paid').textContent()) ?? '', /1/);
    await s.getByTestId('chart-funnel').locator('svg').first().waitFor();
    await shot(s, 'seller-insights-en-mobile');
    await s.setViewportSize(DESKTOP);
    await s.evaluate(() => localStorage.setItem('tremolo.lang', 'zh-CN'));
    await s.reload();
    await s.getByTestId('surface-table').waitFor();
    await s.getByTestId('chart-funnel').locator('svg').first().waitFor();
    await shot(s, 'seller-insights-zh-desktop');
  });

  test('nobody saw a broken page', () => {
    for (const who of [seller, ana, ben]) assert.deepEqual(who.errors, []);
    void loser;
  });
});
