import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { apiSignup, type ApiPerson } from './api.ts';
import { DESKTOP, MOBILE, newPerson, type Person } from './browser.ts';
import { eventually } from './people.ts';
import { apiCall, signedInAs } from './room.ts';

/** What a screen reader or keyboard user cannot get past: axe's two worst levels. */
const BLOCKING = new Set(['serious', 'critical']);

/**
 * A screen to check: where it is, the test id that says it has loaded, and who looks at it (the
 * set-up person, a newcomer who has done nothing yet, or a visitor without an account).
 */
export interface Screen {
  name: string;
  path: string;
  ready: string;
  as: 'ally' | 'newcomer' | 'visitor';
}

/** The serious and critical WCAG 2.1 A/AA violations on the page as it is now, one line each. */
async function violations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => `${n.target.join(' ')}${n.failureSummary ? ` [${n.failureSummary.replace(/\s+/g, ' ').slice(0, 160)}]` : ''}`)
          .slice(0, 4)
          .join(' | ')}`,
    );
}

export interface People {
  ally: ApiPerson;
  newcomer: ApiPerson;
}

interface Page1<T> {
  items: T[];
}

/**
 * Someone with something on every main screen of a demo install: following the demo creator,
 * in her fan group, a product in the cart, hosting a room and a watch party of her video.
 */
export async function setUpScreens(base: string, handle: string): Promise<{ people: People; screens: Screen[] }> {
  const ally = await apiSignup(base, handle, 'Ally');
  const newcomer = await apiSignup(base, `${handle}_new`, 'Newcomer');
  await apiCall(base, ally, 'PUT', '/api/v1/users/lina_beauty/follow');
  await apiCall(base, ally, 'PUT', '/api/v1/match/me', { confirmAdult: true, acceptRules: true, interests: [], languages: [] });
  // The demo clips are made and processed after the server is ready.
  const video = await eventually(async () => {
    const page = (await apiCall(base, ally, 'GET', '/api/v1/users/lina_beauty/videos?limit=10')) as Page1<{ id: string; status: string }>;
    const v = page.items.find((i) => i.status === 'ready');
    assert.ok(v, 'a processed demo video');
    return v;
  }, 180_000);
  const products = (await apiCall(base, ally, 'GET', '/api/v1/shop/sellers/lina_beauty/products')) as Page1<{ id: string }>;
  const productId = products.items[0]!.id;
  const product = (await apiCall(base, ally, 'GET', `/api/v1/shop/products/${productId}`)) as {
    seller: { id: string };
    variants: Array<{ id: string }>;
  };
  await apiCall(base, ally, 'PUT', `/api/v1/shop/cart/items/${product.variants[0]!.id}`, { quantity: 1 });
  const groups = (await apiCall(base, ally, 'GET', '/api/v1/users/lina_beauty/groups')) as Page1<{ id: string }>;
  const group = groups.items[0]!.id;
  await apiCall(base, ally, 'POST', `/api/v1/groups/${group}/join`, {});
  const room = (await apiCall(base, ally, 'POST', '/api/v1/rooms', { title: 'Ally live' })) as { id: string };
  const party = (await apiCall(base, ally, 'POST', '/api/v1/watch', { videoIds: [video.id] })) as { id: string };
  const screens: Screen[] = [
    { name: 'for you', path: '/', ready: 'foryou', as: 'ally' },
    { name: 'friends', path: '/friends', ready: 'friends-page', as: 'ally' },
    { name: 'discover', path: '/discover', ready: 'search-page', as: 'ally' },
    { name: 'search', path: '/discover?q=lina', ready: 'search-results', as: 'ally' },
    { name: 'card', path: '/u/lina_beauty', ready: 'card', as: 'ally' },
    { name: 'video', path: `/v/${video.id}`, ready: 'video-page', as: 'ally' },
    { name: 'product', path: `/p/${productId}`, ready: 'product-page', as: 'ally' },
    { name: 'cart', path: '/shop/cart', ready: 'cart-page', as: 'ally' },
    { name: 'checkout', path: `/shop/checkout?seller=${product.seller.id}`, ready: 'checkout-page', as: 'ally' },
    { name: 'chats', path: '/inbox', ready: 'inbox-page', as: 'ally' },
    { name: 'dm', path: '/dm/lina_beauty', ready: 'dm-page', as: 'ally' },
    { name: 'fan group', path: `/g/${group}`, ready: 'group-page', as: 'ally' },
    { name: 'room', path: `/r/${room.id}`, ready: 'room-page', as: 'ally' },
    { name: 'watch party', path: `/w/${party.id}`, ready: 'watch-page', as: 'ally' },
    { name: '连线', path: '/match', ready: 'match-page', as: 'ally' },
    { name: '连线 first time', path: '/match', ready: 'match-optin', as: 'newcomer' },
    { name: 'empty friends', path: '/friends', ready: 'friends-page', as: 'newcomer' },
    { name: 'empty chats', path: '/inbox', ready: 'inbox-page', as: 'newcomer' },
    { name: 'me', path: '/me', ready: 'me-page', as: 'ally' },
    { name: 'settings', path: '/me/notifications', ready: 'push-settings', as: 'ally' },
    { name: 'visitor feed', path: '/', ready: 'foryou', as: 'visitor' },
    { name: 'login', path: '/login', ready: 'login-submit', as: 'visitor' },
    { name: 'signup', path: '/signup', ready: 'signup-submit', as: 'visitor' },
  ];
  return { people: { ally, newcomer }, screens };
}

/**
 * Opens each screen in one language and size, as whoever it is for, and lists what axe finds there
 * (a screen that does not open is listed too).
 */
export async function checkScreens(
  browser: Browser,
  base: string,
  people: People,
  screens: Screen[],
  opts: { locale: string; viewport: { width: number; height: number } },
): Promise<string[]> {
  const who: Record<Screen['as'], Person> = {
    ally: await signedInAs(browser, base, people.ally, opts),
    newcomer: await signedInAs(browser, base, people.newcomer, opts),
    visitor: await newPerson(browser, base, opts),
  };
  const found: string[] = [];
  try {
    for (const s of screens) {
      const { page } = who[s.as];
      try {
        // A busy machine's first load (bundle, service worker) can take long: the screen's own mark is what counts.
        await page.goto(s.path, { waitUntil: 'domcontentloaded', timeout: 30_000 });
        await page.getByTestId(s.ready).first().waitFor({ timeout: 30_000 });
        for (const v of await violations(page)) found.push(`${s.name} ${s.path}: ${v}`);
      } catch (e) {
        found.push(`${s.name} ${s.path}: did not open (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
      }
    }
  } finally {
    for (const p of Object.values(who)) await p.context.close();
  }
  return found;
}

/** A demo person signed in through the API (the demo password is the seed's). */
async function apiDemoLogin(base: string, handle: string): Promise<ApiPerson> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, password: 'tremolo-demo' }),
  });
  if (!res.ok) throw new Error(`login ${handle}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: body.csrfToken };
}

/**
 * Screenshots of the screens whose layout is easiest to break, in both languages: the watch
 * controls, the creator's insights and a collapsed group announcement on a phone; the room and
 * the watch party at desktop width.
 */
export async function layoutShots(
  browser: Browser,
  base: string,
  people: People,
  screens: Screen[],
  shot: (page: Page, name: string) => Promise<void>,
): Promise<void> {
  const pathOf = (name: string) => screens.find((s) => s.name === name)!.path;
  const lina = await apiDemoLogin(base, 'lina_beauty');
  for (const [lang, locale] of [
    ['en', 'en-US'],
    ['zh', 'zh-CN'],
  ] as const) {
    const phone = await signedInAs(browser, base, people.ally, { locale, viewport: MOBILE });
    const seller = await signedInAs(browser, base, lina, { locale, viewport: MOBILE });
    const desk = await signedInAs(browser, base, people.ally, { locale, viewport: DESKTOP });
    try {
      const p = phone.page;
      await p.goto(pathOf('watch party'));
      await p.getByTestId('watch-page').waitFor({ timeout: 15_000 });
      await shot(p, `watch-controls-${lang}-phone`);
      await p.goto(pathOf('fan group'));
      await p.getByTestId('group-announcement').waitFor({ timeout: 15_000 });
      await p.getByTestId('chat-message').first().waitFor({ timeout: 15_000 });
      assert.equal(await p.getByTestId('group-announcement').getAttribute('aria-expanded'), 'false');
      await shot(p, `group-announcement-${lang}-phone`);
      const s = seller.page;
      await s.goto('/shop/seller/insights');
      await s.getByTestId('insights-totals').waitFor({ timeout: 15_000 });
      await shot(s, `insights-${lang}-phone`);
      await s.getByTestId('surface-table').scrollIntoViewIfNeeded();
      await shot(s, `insights-table-${lang}-phone`);
      const d = desk.page;
      await d.goto(pathOf('room'));
      await d.getByTestId('room-page').waitFor({ timeout: 15_000 });
      await shot(d, `room-${lang}-desktop`);
      await d.goto(pathOf('watch party'));
      await d.getByTestId('watch-page').waitFor({ timeout: 15_000 });
      await shot(d, `watch-party-${lang}-desktop`);
    } finally {
      for (const x of [phone, seller, desk]) await x.context.close();
    }
  }
}
