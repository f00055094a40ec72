import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, launch, MOBILE, newPerson, type Person } from './support/browser.ts';
import { eventually, signUp } from './support/people.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { screenshots } from './support/shots.ts';

const shot = screenshots('shop-gaps');

/** The same call the page would make, as the person signed in on `page` (for the set-up a story starts from). */
async function as<T>(page: Page, method: 'POST' | 'PUT', path: string, body: unknown): Promise<T> {
  const session = await page.request.get('/api/v1/auth/session');
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  const res = await page.request.fetch(path, { method, headers: { 'x-csrf-token': csrfToken }, data: body as object });
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

const DECLINED = '4000 0000 0000 0002';
const OK = '4242 4242 4242 4242';

/**
 * Issue 17, item 7: a creator with a shop, a coupon and a followers-only fan group; a buyer in
 * English on a phone and a fan in Chinese on a phone; the creator at a desk in Chinese.
 */
describe('shop gaps: cart count, declined card, full address, coupon count, fan level, follow to join', () => {
  let server: RunningServer;
  let browser: Browser;
  let mia: Person;
  let ben: Person;
  let ana: Person;
  let productId = '';
  let variantId = '';
  let sellerId = '';
  let groupId = '';
  let benAddress = '';
  let anaAddress = '';

  before(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launch()]);
    mia = await newPerson(browser, server.url, { locale: 'zh-CN', viewport: DESKTOP });
    ben = await newPerson(browser, server.url, { viewport: MOBILE });
    ana = await newPerson(browser, server.url, { locale: 'zh-CN', viewport: MOBILE });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a creator opens a shop with a product, a coupon and a followers-only fan group', async () => {
    await signUp(mia.page, 'mia', 'Mia Makes');
    await signUp(ben.page, 'ben', 'Ben Li');
    await signUp(ana.page, 'ana', 'Ana Wu');
    const p = mia.page;
    await as(p, 'PUT', '/api/v1/shop', { name: "Mia's Scarves", currency: 'CNY' });
    const product = await as<{ id: string; variants: { id: string }[]; seller: { id: string } }>(p, 'POST', '/api/v1/shop/products', {
      title: 'Silk Scarf',
      description: 'Hand-rolled edges.\n'.repeat(30),
      variants: [{ sku: 'SCARF', price: 19900, stock: 20 }],
    });
    productId = product.id;
    variantId = product.variants[0]!.id;
    sellerId = product.seller.id;
    await as(p, 'POST', `/api/v1/shop/products/${productId}/publish`, {});
    const now = Date.now();
    const coupon = await as<{ id: string }>(p, 'POST', '/api/v1/shop/coupons', {
      title: '¥10 off',
      discount: { kind: 'amount', amountOff: 1000 },
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 86_400_000).toISOString(),
      totalQuantity: 200,
    });
    const group = await as<{ id: string }>(p, 'POST', '/api/v1/groups', { name: 'Scarf fans', joinRule: 'followers' });
    groupId = group.id;
    await as(p, 'POST', `/api/v1/groups/${groupId}/coupon-drops`, { couponId: coupon.id });
    benAddress = (
      await as<{ id: string }>(ben.page, 'POST', '/api/v1/shop/addresses', {
        name: 'Ben Li',
        phone: '+86 139 1234 5678',
        line1: '88 Nanjing West Road, Flat 12B',
        city: 'Shanghai',
      })
    ).id;
    anaAddress = (
      await as<{ id: string }>(ana.page, 'POST', '/api/v1/shop/addresses', {
        name: '吴安娜',
        phone: '+86 138 0000 1111',
        line1: '朝阳区建国路 1 号',
        city: '北京',
      })
    ).id;
  });

  test('the buyer adds to the cart: the cart icon counts it, and the buy buttons stay in view while scrolling', async () => {
    const p = ben.page;
    await p.goto(`/p/${productId}`);
    await p.getByTestId('product-page').waitFor();
    const bar = p.getByTestId('buy-bar');
    const inView = async () => {
      const box = await bar.boundingBox();
      assert.ok(box, 'the buy bar is on the page');
      assert.ok(box.y >= 0 && box.y + box.height <= MOBILE.height, `the buy bar is in view (${box.y}+${box.height})`);
    };
    await inView();
    await p.mouse.wheel(0, 3000);
    await eventually(inView);
    await shot(p, 'gaps-product-buybar-en');
    assert.equal(await p.getByTestId('topbar-cart-count').count(), 0);
    await p.getByTestId('add-to-cart').click();
    await eventually(async () => assert.equal(await p.getByTestId('topbar-cart-count').textContent(), '1'));
    assert.match((await p.getByTestId('topbar-cart').getAttribute('aria-label')) ?? '', /Cart, 1 items?/);
    await p.getByTestId('product-qty').getByRole('button').last().click();
    await p.getByTestId('add-to-cart').click();
    await eventually(async () => assert.equal(await p.getByTestId('topbar-cart-count').textContent(), '2'));
    await shot(p, 'gaps-cart-badge-en');
  });

  test('a declined card says so in words, in English and in Chinese, never "card_declined"', async () => {
    for (const [person, address, words] of [
      [ben, benAddress, /The card was declined; nothing was charged/],
      [ana, anaAddress, /支付被拒绝/],
    ] as const) {
      const p = person.page;
      const order = await as<{ id: string }>(p, 'POST', '/api/v1/shop/checkout', {
        sellerId,
        items: [{ variantId, quantity: 1 }],
        addressId: address,
        idempotencyKey: `co-${Math.random().toString(36).slice(2)}`,
      });
      const id = order.id;
      await p.goto(`/shop/orders/${id}`);
      await p.locator('#pay-number').fill(DECLINED);
      await p.getByTestId('pay-submit').click();
      const error = p.getByTestId('pay-error');
      await error.waitFor();
      const text = (await error.textContent()) ?? '';
      assert.match(text, words);
      assert.doesNotMatch(text, /card_declined/);
      await eventually(async () => {
        const line = (await p.getByTestId('order-payment').textContent()) ?? '';
        assert.doesNotMatch(line, /card_declined/);
        assert.match(line, person === ben ? /the card was declined/ : /银行卡被拒绝/);
      });
      await shot(p, `gaps-declined-${person === ben ? 'en' : 'zh'}`);
      await p.locator('#pay-number').fill(OK);
      await p.getByTestId('pay-submit').click();
      await eventually(async () => assert.equal(await p.getByTestId('order').getAttribute('data-status'), 'paid'));
    }
  });

  test('the seller’s order list shows the street and phone to ship to', async () => {
    const p = mia.page;
    await p.goto('/shop/seller/orders');
    const rows = p.getByTestId('order');
    await eventually(async () => assert.equal(await rows.count(), 2));
    const text = (await p.getByTestId('order-address').allTextContents()).join('\n');
    assert.match(text, /88 Nanjing West Road, Flat 12B/);
    assert.match(text, /\+86 139 1234 5678/);
    assert.match(text, /朝阳区建国路 1 号/);
    assert.match(text, /\+86 138 0000 1111/);
    // Statuses are words in the seller's language, not lowercase codes.
    assert.match((await rows.first().getByTestId('order-status').textContent()) ?? '', /已付款/);
    await shot(p, 'gaps-seller-orders-zh');
  });

  test('a fan not following yet is told to follow, follows right there, joins, and sees their fan level', async () => {
    // In English first: the prompt names the creator and offers the follow.
    await ben.page.goto('/u/mia');
    const benRow = ben.page.getByTestId('card-fan-group');
    await benRow.getByTestId('join-blocked').waitFor();
    assert.match((await benRow.getByTestId('join-blocked').textContent()) ?? '', /Follow Mia Makes to join this group/);
    assert.equal(await benRow.getByTestId('card-group-join').count(), 0);
    await shot(ben.page, 'gaps-follow-to-join-en');

    const p = ana.page;
    await p.goto('/u/mia');
    const row = p.getByTestId('card-fan-group');
    await row.getByTestId('join-blocked').waitFor();
    assert.match((await row.getByTestId('join-blocked').textContent()) ?? '', /关注 Mia Makes 后即可加入本群/);
    const level = p.getByTestId('card-my-fan-level');
    assert.match((await level.textContent()) ?? '', /你的粉丝等级：\d+/);
    await shot(p, 'gaps-follow-to-join-zh');
    await row.getByTestId('join-follow').click();
    await row.getByTestId('card-group-join').waitFor();
    await row.getByTestId('card-group-join').click();
    await p.waitForURL((u) => u.pathname === `/g/${groupId}`);
    const mine = p.getByTestId('group-my-level');
    await mine.waitFor();
    assert.ok(Number(await mine.getAttribute('data-level')) >= 1);
    await shot(p, 'gaps-group-level-zh');
  });

  test('the creator’s coupon card counts a fan’s claim', async () => {
    const owner = mia.page;
    await owner.goto(`/g/${groupId}`);
    const card = owner.getByTestId('coupon-card');
    await card.waitFor();
    await eventually(async () => assert.equal(await card.getAttribute('data-state'), 'owner'));
    assert.match((await card.getByTestId('coupon-left').textContent()) ?? '', /0\D+200/);

    const fan = ana.page;
    const fanCard = fan.getByTestId('coupon-card');
    await fanCard.getByTestId('coupon-claim').click();
    await eventually(async () => assert.equal(await fanCard.getAttribute('data-state'), 'claimed'));

    await eventually(async () => assert.match((await card.getByTestId('coupon-left').textContent()) ?? '', /1\D+200/), 20_000);
    await shot(owner, 'gaps-coupon-owner-zh');
  });
});
