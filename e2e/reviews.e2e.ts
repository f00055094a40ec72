import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { apiSignup, type ApiPerson } from './support/api.ts';
import { launch, MOBILE, newPerson, type Person } from './support/browser.ts';
import { eventually } from './support/people.ts';
import { apiCall, signedInAs } from './support/room.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { screenshots } from './support/shots.ts';
import { photo, shippedOrder, teaShop } from './support/shop.ts';

const shot = screenshots('reviews', { fullPage: true });

/**
 * The story: a buyer receives the goods, reviews them with a photo, the seller replies,
 * and the review shows on the product page (photo reviews first), with the rating on the product
 * card and the store score on the shop and the creator's card; in English and in Chinese.
 */
describe('a buyer receives, reviews with a photo, the seller replies', () => {
  let server: RunningServer;
  let browser: Browser;
  let seller: ApiPerson;
  let productId = '';
  let ana: Person;
  let bo: Person;
  let mia: Person;
  let anaOrder = '';
  let boOrder = '';

  before(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launch()]);
    const base = server.url;
    const shop = await teaShop(base);
    seller = shop.seller;
    const { product } = shop;
    productId = product.id;
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(photo(60, 120, 60))], { type: 'image/png' }), 'tea.png');
    const up = await fetch(`${base}/api/v1/shop/products/${productId}/images`, {
      method: 'POST',
      headers: { cookie: seller.cookie, 'x-csrf-token': seller.csrf },
      body: form,
    });
    assert.equal(up.status, 201, await up.text());
    await apiCall(base, seller, 'POST', `/api/v1/shop/products/${productId}/publish`);
    const anaApi = await apiSignup(base, 'ana_buys', 'Ana Wu');
    const boApi = await apiSignup(base, 'bo_buys', '小波');
    anaOrder = await shippedOrder(base, seller, anaApi, shop.sellerId, product.variants[0]!.id);
    boOrder = await shippedOrder(base, seller, boApi, shop.sellerId, product.variants[0]!.id);
    ana = await signedInAs(browser, base, anaApi, { viewport: MOBILE });
    bo = await signedInAs(browser, base, boApi, { locale: 'zh-CN', viewport: MOBILE });
    mia = await signedInAs(browser, base, seller, { viewport: MOBILE });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the buyer confirms receipt and reviews the line with stars, words and a photo', async () => {
    const p = ana.page;
    await p.goto(`/shop/orders/${anaOrder}`);
    const order = p.getByTestId('order');
    await order.waitFor();
    assert.equal(await order.getAttribute('data-status'), 'shipped');
    assert.equal(await p.getByTestId('review-write').count(), 0, 'nothing to review before delivery');
    await p.getByTestId('order-receive').click();
    await eventually(async () => assert.equal(await order.getAttribute('data-status'), 'delivered'));
    await p.getByTestId('review-write').click();
    // Posting without stars is refused on the spot.
    await p.getByTestId('review-submit').click();
    await p.getByTestId('review-problem').waitFor();
    await p.getByTestId('review-star-4').check({ force: true });
    await p.getByTestId('review-text-input').fill('Lovely roast, a little strong. Packed well.');
    await p.getByTestId('review-photo-input').setInputFiles({ name: 'cup.png', mimeType: 'image/png', buffer: photo(170, 90, 40) });
    await p.getByTestId('review-picked').waitFor();
    await shot(p, 'en-review-form');
    await p.getByTestId('review-submit').click();
    const mine = p.locator('[data-testid="line-review"] [data-testid="review"]');
    await mine.waitFor();
    assert.equal(await mine.getAttribute('data-stars'), '4');
    await mine.getByTestId('review-photo').waitFor();
    assert.equal(await p.getByTestId('review-form').count(), 0, 'the line is reviewed once');
    await shot(p, 'en-order-reviewed');
    assert.deepEqual(ana.errors, []);
  });

  test('a second buyer reviews in Chinese, without a photo', async () => {
    const p = bo.page;
    await p.goto(`/shop/orders/${boOrder}`);
    await p.getByTestId('order-receive').click();
    await p.getByTestId('review-write').click();
    await p.getByTestId('review-star-5').check({ force: true });
    await p.getByTestId('review-text-input').fill('茶香浓郁，回甘明显，会回购。');
    await shot(p, 'zh-review-form');
    await p.getByTestId('review-submit').click();
    await p.locator('[data-testid="line-review"] [data-testid="review"]').waitFor();
    await shot(p, 'zh-order-reviewed');
    assert.deepEqual(bo.errors, []);
  });

  test('the seller replies once on the product page', async () => {
    const p = mia.page;
    await p.goto(`/p/${productId}`);
    const review = p.locator('[data-testid="review"][data-stars="4"]');
    await review.waitFor();
    await review.getByTestId('review-reply-open').click();
    await review.getByTestId('review-reply-text').fill('Thank you! Try it at 90 °C for a softer cup.');
    await review.getByTestId('review-reply-send').click();
    await review.getByTestId('review-reply').waitFor();
    assert.equal(await review.getByTestId('review-reply-open').count(), 0, 'one reply only');
    assert.deepEqual(mia.errors, []);
  });

  for (const locale of ['en-US', 'zh-CN'] as const) {
    test(`anyone sees the review on the product, with the rating and the store score (${locale})`, async () => {
      const viewer = await newPerson(browser, server.url, { locale, viewport: MOBILE });
      const p = viewer.page;
      const tag = locale === 'en-US' ? 'en' : 'zh';
      await p.goto(`/p/${productId}`);
      await p.getByTestId('rating-summary').waitFor();
      assert.equal(await p.getByTestId('rating-average').textContent(), '4.5');
      assert.equal(await p.getByTestId('product-rating').count(), 1);
      const first = p.getByTestId('review').first();
      // The photo review comes first, with the seller's reply.
      assert.equal(await first.getAttribute('data-stars'), '4');
      await first.getByTestId('review-photo').waitFor();
      assert.match((await first.getByTestId('review-reply').textContent()) ?? '', /90 °C/);
      await p.getByTestId('review-filter-5').click();
      await eventually(async () => assert.equal(await p.getByTestId('review').count(), 1));
      assert.equal(await p.getByTestId('review').first().getAttribute('data-stars'), '5');
      await p.getByTestId('review-filter-all').click();
      await eventually(async () => assert.equal(await p.getByTestId('review').count(), 2));
      await p.getByTestId('product-reviews').scrollIntoViewIfNeeded();
      await shot(p, `${tag}-product-reviews`);

      await p.goto('/shop/store/mia_tea');
      await p.getByTestId('store-score').waitFor();
      await p.getByTestId('product-card-rating').waitFor();
      assert.match((await p.getByTestId('product-card-rating').textContent()) ?? '', /4\.5/);
      await shot(p, `${tag}-store`);

      await p.goto('/u/mia_tea');
      await p.getByTestId('card-store-score').waitFor();
      await shot(p, `${tag}-creator-card`);
      assert.deepEqual(viewer.errors, []);
      await viewer.context.close();
    });
  }
});
