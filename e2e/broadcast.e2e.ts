import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { tileLayout } from '../server/src/modules/rooms/layout.ts';
import { apiFollow, apiSignup, type ApiPerson } from './support/api.ts';
import { DESKTOP, MOBILE, newPerson, type Person } from './support/browser.ts';
import { eventually, fillAddress, payByCard } from './support/people.ts';
import { apiCall, BROADCAST_PICTURE, broadcastServerAndBrowser, publishes, seesVideoOf } from './support/room.ts';
import type { RunningServer } from './support/server.ts';
import { screenshots } from './support/shots.ts';

/**
 * A live room for the whole fan base: the host goes live and brings a friend on stage (both over
 * WebRTC); two people in the audience watch the composed broadcast (HLS in hls.js), chat and send
 * hearts; one buys the product the host pins in a sheet while the broadcast plays on; one raises a hand, is accepted, switches to WebRTC and is seen by the host, then leaves
 * the stage and is back on the broadcast, all without a reload; the host ends the room.
 *
 * The broadcast picture is small and slow here (the machine is small and shared); the player and
 * the compositor are the production ones.
 */

declare global {
  interface Window {
    /** Set before the person's first action: gone if the page reloads. */
    __sameDocument?: boolean;
  }
}

const PICTURE = BROADCAST_PICTURE;
const shot = screenshots('broadcast');

interface Member {
  handle: string;
  api: ApiPerson;
  person: Person;
}

const tileOf = (page: Page, handle: string) => page.locator(`[data-testid="room-tile"][data-handle="${handle}"]`);

/** What the page's broadcast player shows now, or null when it has none. */
function readPlayer(page: Page) {
  return page.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid="room-broadcast"] video');
    if (!v) return null;
    return { time: v.currentTime, frames: v.getVideoPlaybackQuality().totalVideoFrames, width: v.videoWidth, height: v.videoHeight };
  });
}

/** The page watches the broadcast (and says so), and its video plays: time advances, frames are decoded. */
async function watchesBroadcast(page: Page, timeoutMs = 60_000): Promise<void> {
  await eventually(async () => assert.equal(await page.getByTestId('room-page').getAttribute('data-media'), 'broadcast'), timeoutMs);
  const first = await eventually(async () => {
    const s = await readPlayer(page);
    assert.ok(s && s.width > 0 && s.frames > 0, `no broadcast picture on ${page.url()}: ${JSON.stringify(s)}`);
    return s;
  }, timeoutMs);
  await eventually(async () => {
    const s = await readPlayer(page);
    assert.ok(s && s.time > first.time + 1, `the broadcast stands still at ${s?.time}`);
    assert.ok(s.frames > first.frames + 10, `decoded frames stuck at ${s.frames}`);
  }, 15_000);
  assert.equal(await page.getByTestId('room-broadcast').getAttribute('data-status'), 'playing');
  assert.equal(await page.getByTestId('room-broadcast-notice').count(), 0);
  assert.deepEqual({ w: first.width, h: first.height }, { w: PICTURE.width, h: PICTURE.height });
}

/**
 * The broadcast picture shows `n` tiles: each cell of the stage grid holds a moving green picture
 * (Chromium's fake camera), where a cell without a camera would be still and grey.
 */
async function showsTiles(page: Page, n: number, timeoutMs = 45_000): Promise<void> {
  const cells = tileLayout(n, PICTURE.width, PICTURE.height);
  // The upper half of each cell: away from the name drawn in its lower left.
  const regions = cells.map((c) => ({ x: c.x + 4, y: c.y + 4, w: c.w - 8, h: Math.floor(c.h / 2) }));
  /** Per cell, every 4th pixel's green lead over red and blue, and its green. */
  const sample = () =>
    page.evaluate((rs) => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="room-broadcast"] video');
      if (!v || v.videoWidth === 0) return null;
      const canvas = document.createElement('canvas');
      canvas.width = v.videoWidth;
      canvas.height = v.videoHeight;
      const g = canvas.getContext('2d', { willReadFrequently: true });
      if (!g) return null;
      g.drawImage(v, 0, 0);
      return rs.map((r) => {
        const d = g.getImageData(r.x, r.y, r.w, r.h).data;
        const lead: number[] = [];
        const green: number[] = [];
        for (let i = 0; i < d.length; i += 16) {
          lead.push(d[i + 1]! - (d[i]! + d[i + 2]!) / 2);
          green.push(d[i + 1]!);
        }
        return { lead, green };
      });
    }, regions);
  await eventually(async () => {
    const a = await sample();
    await new Promise((r) => setTimeout(r, 700));
    const b = await sample();
    assert.ok(a && b, 'no picture');
    for (const [i, cell] of a.entries()) {
      const later = b[i]!;
      const lead = cell.lead.reduce((s, v) => s + v, 0) / cell.lead.length;
      const moved = cell.green.reduce((s, v, j) => s + Math.abs(v - later.green[j]!), 0) / cell.green.length;
      assert.ok(lead > 20 && moved > 0.5, `tile ${i + 1} of ${n} shows no camera (green ${lead.toFixed(1)}, motion ${moved.toFixed(2)})`);
    }
  }, timeoutMs);
}

describe('a live room’s audience watches the broadcast', () => {
  let server: RunningServer;
  let browser: Browser;
  let host: Member;
  let guest: Member;
  let ava: Member;
  let bo: Member;
  let roomUrl = '';

  before(async () => {
    [server, browser] = await broadcastServerAndBrowser(500);
    const make = async (handle: string, name: string, opts: { locale?: string; viewport?: { width: number; height: number } } = {}) => {
      const api = await apiSignup(server.url, handle, name);
      const person = await newPerson(browser, server.url, opts);
      const [cookieName = '', ...rest] = api.cookie.split('=');
      await person.context.addCookies([{ name: cookieName, value: rest.join('='), url: server.url }]);
      return { handle, api, person };
    };
    host = await make('bc_hana', 'Hana 花', { locale: 'zh-CN', viewport: DESKTOP });
    guest = await make('bc_gus', 'Gus Guest');
    ava = await make('bc_ava', 'Ava Viewer', { viewport: MOBILE });
    bo = await make('bc_bo', '小波', { locale: 'zh-CN', viewport: MOBILE });
    // The guest is the host's friend (mutual follows), so the host can invite him.
    await apiFollow(server.url, host.api, guest.handle);
    await apiFollow(server.url, guest.api, host.handle);
  });

  after(async () => {
    for (const m of [host, guest, ava, bo]) await m?.person.context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  test('the host goes live and a friend joins the stage, both over WebRTC', async () => {
    const h = host.person.page;
    await h.goto('/me');
    await h.getByTestId('me-rooms').click();
    await h.getByTestId('rooms-start').click();
    await h.getByTestId('room-new-title').fill('直播 Friday night');
    await h.getByTestId('room-new-submit').click();
    await h.getByTestId('room-page').waitFor();
    roomUrl = new URL(h.url()).pathname;
    assert.equal(await h.getByTestId('room-page').getAttribute('data-media'), 'webrtc');
    await publishes(h, host.handle);

    const g = guest.person.page;
    await g.goto(roomUrl, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    // Before the invitation the guest is audience, on the broadcast like everyone else.
    await g.getByTestId('room-page').waitFor();
    await h.getByTestId('room-invite-open').click();
    const friend = h.locator(`[data-testid="invite-friend"][data-handle="${guest.handle}"]`);
    await friend.getByTestId('invite-send').click();
    await friend.getByTestId('invite-sent').waitFor();
    await g.getByTestId('room-invited').waitFor();
    await g.getByTestId('room-invite-accept').click();
    await eventually(async () => assert.equal(await g.getByTestId('room-page').getAttribute('data-media'), 'webrtc'), 15_000);
    await eventually(async () => assert.equal(await tileOf(h, guest.handle).getAttribute('data-publishing'), 'yes'), 20_000);
    await seesVideoOf(h, guest.handle, 25_000);
    await seesVideoOf(g, host.handle, 25_000);
  });

  test('two people in the audience each watch the broadcast of both tiles, and say so', async () => {
    for (const m of [ava, bo]) {
      await m.person.page.goto(roomUrl, { waitUntil: 'domcontentloaded', timeout: 30_000 });
      await m.person.page.evaluate(() => void (window.__sameDocument = true));
    }
    await Promise.all([ava, bo].map((m) => watchesBroadcast(m.person.page)));
    for (const m of [ava, bo]) {
      const p = m.person.page;
      assert.equal(await p.getByTestId('room-page').getAttribute('data-role'), 'audience');
      // The audience holds no WebRTC connection: the SFU sees the stage and the compositor only.
      assert.equal(await p.evaluate(() => window.__room?.subscriber ?? null), null);
      assert.equal(await p.getByTestId('room-tile').count(), 0);
    }
    await Promise.all([ava, bo].map((m) => showsTiles(m.person.page, 2)));
    await shot(ava.person.page, 'audience-en-mobile');
    await shot(bo.person.page, 'audience-zh-mobile');
  });

  test('chat and hearts from the audience reach the host', async () => {
    const h = host.person.page;
    const a = ava.person.page;
    await a.getByTestId('room-chat-input').fill('hello from the broadcast');
    await a.getByTestId('room-chat-send').click();
    await eventually(async () => assert.match((await h.getByTestId('room-chat').textContent()) ?? '', /hello from the broadcast/));
    // Bo reads it too, floating over the broadcast.
    await bo.person.page.getByTestId('room-danmaku').getByText('hello from the broadcast').waitFor();
    for (let i = 0; i < 4; i++) await bo.person.page.getByTestId('room-heart').click();
    await eventually(async () => assert.match((await h.getByTestId('room-hearts').textContent()) ?? '', /4/), 8_000);
    await shot(bo.person.page, 'audience-chat-zh-mobile');
  });

  test('Bo buys the product the host pins, in a sheet over the broadcast, which plays on', async () => {
    const call = (who: ApiPerson, method: string, path: string, body?: unknown) => apiCall(server.url, who, method, path, body);
    await call(host.api, 'PUT', '/api/v1/shop', { name: 'Hana Shop', currency: 'CNY' });
    const product = (await call(host.api, 'POST', '/api/v1/shop/products', {
      title: 'Jade Teacup',
      description: 'Shown live',
      variants: [{ sku: 'CUP-1', price: 6800, stock: 3, options: {} }],
    })) as { id: string };
    await call(host.api, 'POST', `/api/v1/shop/products/${product.id}/publish`);
    const roomId = roomUrl.split('/').pop() ?? '';
    await call(host.api, 'PUT', `/api/v1/rooms/${roomId}/pin`, { productId: product.id });

    const b = bo.person.page;
    await b.getByTestId('room-product').getByTestId('product-card-buy').click();
    const sheet = b.getByTestId('buy-sheet');
    await sheet.getByTestId('buy-sheet-title').waitFor();
    const before = await readPlayer(b);
    assert.ok(before, 'the broadcast is still under the sheet');
    await fillAddress(b, '小波');
    await sheet.getByTestId('buy-sheet-order').click();
    await sheet.getByTestId('pay-form').waitFor();
    await payByCard(b);
    await sheet.getByTestId('buy-sheet-paid').waitFor();
    await shot(b, 'buy-over-broadcast-zh-mobile');
    // The same video element went on decoding the whole time: no reload, no new player.
    await eventually(async () => {
      const now = await readPlayer(b);
      assert.ok(now && now.time > before.time + 2 && now.frames > before.frames + 20, `the broadcast stood still: ${JSON.stringify(now)}`);
    });
    assert.equal(await b.getByTestId('room-broadcast').getAttribute('data-status'), 'playing');
    assert.equal(await b.evaluate(() => window.__sameDocument), true);
    await b.getByTestId('buy-sheet-done').click();
    const summary = (await call(host.api, 'GET', `/api/v1/rooms/${roomId}/summary`)) as { orders: number };
    assert.equal(summary.orders, 1, 'the sale counts for the room');
  });

  test('Ava raises a hand, is accepted and switches to WebRTC without a reload; leaving the stage puts her back on the broadcast', async () => {
    const a = ava.person.page;
    const h = host.person.page;
    await a.getByTestId('room-raise-hand').click();
    await a.getByTestId('room-lower-hand').waitFor();
    const hand = h.locator(`[data-testid="room-hand"][data-handle="${ava.handle}"]`);
    await hand.waitFor();
    await hand.getByTestId('hand-accept').click();

    await eventually(async () => assert.equal(await a.getByTestId('room-page').getAttribute('data-media'), 'webrtc'), 15_000);
    assert.equal(await a.getByTestId('room-page').getAttribute('data-role'), 'guest');
    assert.equal(await a.getByTestId('room-broadcast').count(), 0);
    await publishes(a, ava.handle);
    await eventually(async () => assert.equal(await tileOf(h, ava.handle).getAttribute('data-publishing'), 'yes'), 20_000);
    await seesVideoOf(h, ava.handle, 25_000);
    await seesVideoOf(a, host.handle, 25_000).catch(async (e: unknown) => {
      // What the new receive connection got, to tell a stalled decoder from nothing arriving.
      const stats = await a.evaluate(async () => {
        const sub = window.__room?.subscriber as { stats(): Promise<unknown> } | null | undefined;
        return sub ? sub.stats() : 'no subscriber';
      });
      throw new Error(`${String(e)}; Ava's receive connection: ${JSON.stringify(stats)}`);
    });
    await shot(a, 'on-stage-en-mobile');
    // Bo stays on the broadcast, which now shows the three on stage.
    await showsTiles(bo.person.page, 3, 60_000);

    await a.getByTestId('room-leave-stage').click();
    await watchesBroadcast(a);
    assert.equal(await a.getByTestId('room-page').getAttribute('data-role'), 'audience');
    await eventually(async () => assert.equal(await a.evaluate(() => window.__room?.publisher ?? null), null));
    assert.equal(await a.evaluate(() => window.__sameDocument), true, 'no reload on the way');
    await eventually(async () => assert.equal(await tileOf(h, ava.handle).count(), 0));
  });

  test('the host ends the room: the audience is told', async () => {
    const h = host.person.page;
    h.once('dialog', (d) => void d.accept());
    await h.getByTestId('room-end').click();
    await h.getByTestId('room-summary').waitFor();
    for (const m of [ava, bo, guest]) await m.person.page.getByTestId('room-ended').waitFor({ timeout: 15_000 });
    assert.equal(await bo.person.page.evaluate(() => window.__sameDocument), true);
    // The recording is there once the room is over.
    const roomId = roomUrl.split('/').pop() ?? '';
    const replay = await fetch(`${server.url}/api/v1/rooms/${roomId}/hls/replay.m3u8`, { headers: { cookie: bo.api.cookie } });
    assert.equal(replay.status, 200);
    assert.match(await replay.text(), /#EXT-X-ENDLIST/);
    for (const m of [host, guest, ava, bo]) assert.deepEqual(m.person.errors, [], `${m.handle} had page errors`);
  });
});
