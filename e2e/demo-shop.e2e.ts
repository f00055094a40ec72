import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DESKTOP, launch, MOBILE, newPerson, type Person } from './support/browser.ts';
import { eventually, signUp } from './support/people.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { screenshots } from './support/shots.ts';

const shot = screenshots('demo-shop');

interface VideoPage {
  items: { id: string; status: string; caption: string; products: { id: string; title: string; seller: { handle: string } }[] }[];
}

/**
 * The headline story on a fresh install, with nothing uploaded: a newcomer finds a demo video
 * that shows its creator's product, taps it and buys it.
 */
describe('a fresh demo install sells from a video', () => {
  let server: RunningServer;
  let browser: Browser;
  let buyer: Person;
  let video: VideoPage['items'][number];

  before(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: true, readyWithinMs: 240_000 }), launch()]);
    // The demo clips are made and processed after the server is ready.
    video = await eventually(async () => {
      const res = await fetch(`${server.url}/api/v1/users/chef_wang/videos?limit=10`);
      const page = (await res.json()) as VideoPage;
      const v = page.items.find((i) => i.status === 'ready' && i.products.length > 0);
      assert.ok(v, 'a demo video with a product link');
      return v;
    }, 120_000);
    buyer = await newPerson(browser, server.url);
    await signUp(buyer.page, 'demo_buyer', 'Demo Buyer');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the demo video links a product of its own creator', () => {
    assert.equal(video.products[0]!.seller.handle, 'chef_wang');
  });

  test('the buyer taps the product on the video, buys it and pays', async () => {
    const page = buyer.page;
    await page.goto(`/v/${video.id}`);
    const chip = page.locator(`[data-testid="video-slide"][data-video-id="${video.id}"]`).getByTestId('video-product');
    await chip.waitFor({ timeout: 15_000 });
    assert.match((await chip.textContent()) ?? '', new RegExp(video.products[0]!.title.slice(0, 10).replace(/[()]/g, '.')));
    await shot(page, 'video-with-product-en-phone');
    await chip.click();
    await page.getByTestId('product-page').waitFor();
    await page.getByTestId('buy-now').click();
    await page.getByTestId('checkout-page').waitFor();
    await page.getByTestId('address-form').waitFor();
    await page.locator('#addr-name').fill('Demo Buyer');
    await page.locator('#addr-phone').fill('+86 138 0000 0000');
    await page.locator('#addr-line1').fill('1 Huaihai Road');
    await page.locator('#addr-city').fill('Shanghai');
    await page.getByTestId('address-save').click();
    await page.getByTestId('address-option').first().waitFor();
    await page.getByTestId('checkout-place').click();
    await page.getByTestId('order-page').waitFor();
    await page.getByTestId('pay-due').waitFor();
    await page.locator('#pay-number').fill('4242 4242 4242 4242');
    await page.locator('#pay-exp').fill('12/30');
    await page.locator('#pay-cvc').fill('123');
    await page.getByTestId('pay-submit').click();
    await eventually(async () => assert.equal(await page.getByTestId('order').getAttribute('data-status'), 'paid'));
    await page.setViewportSize(DESKTOP);
    await shot(page, 'paid-en-desktop');
    await page.setViewportSize(MOBILE);
  });
});
