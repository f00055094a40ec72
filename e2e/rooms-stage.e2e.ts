import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { apiFollow, apiSignup } from './support/api.ts';
import { CHROMIUM, CHROMIUM_ARGS, DESKTOP, MEDIA_ARGS, MOBILE } from './support/browser.ts';
import { eventually } from './support/people.ts';
import {
  apiCall,
  cuttableSockets,
  decodesAll,
  member,
  publishes,
  received,
  signedInAs,
  stageCount,
  tileOf,
  tiles,
  type Member,
  type Received,
} from './support/room.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { screenshots } from './support/shots.ts';

/**
 * The friends chat room's stage once it is going (e2e/rooms.e2e.ts opens one): a host with a
 * friend on stage and two people in the audience. One raises a hand and is brought on stage
 * while the other's realtime link is down (she catches up from the snapshot); the host mutes the
 * friend (no one receives their sound, their picture keeps coming) and removes the newcomer (their
 * media stops), pins a product (an order placed through the room is counted in the summary the
 * host sees on ending it). Last, a host whose browser refuses the camera is told why.
 *
 * Four pages at most share one Chromium, so two cores keep every feed flowing; the buy sheet
 * itself is e2e/live-buy.e2e.ts, chat and hearts in a room e2e/broadcast.e2e.ts.
 */

/**
 * How much of someone else's media must arrive while a test watches for media that must not:
 * about two seconds of the fake microphone's Opus, and a second or two of a low video layer.
 */
const AUDIO_WINDOW_BYTES = 8_000;
const VIDEO_WINDOW_BYTES = 30_000;
/** The fake camera and microphone without the flag that lets every site use them unasked. */
const MEDIA_ARGS_ASKING = MEDIA_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream');

const shot = screenshots('rooms');

describe('friends chat room: the stage', () => {
  let server: RunningServer;
  let browser: Browser;
  let host: Member;
  let gus: Member;
  let bo: Member;
  let cy: Member;
  let roomId = '';
  let productId = '';
  let variantId = '';
  let addressId = '';
  const call = (who: Member, method: string, p: string, body?: unknown) => apiCall(server.url, who.api, method, p, body);
  const open = () => [host, gus, bo, cy].filter((m) => !m.person.page.isClosed());

  before(async () => {
    [server, browser] = await Promise.all([
      startServer({ seedDemo: false }),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...MEDIA_ARGS] }),
    ]);
    host = await member(browser, server.url, 'st_hana', 'Hana Host', { locale: 'zh-CN', viewport: DESKTOP });
    gus = await member(browser, server.url, 'st_gus', 'Gus Guest');
    bo = await member(browser, server.url, 'st_bo', 'Bo Viewer');
    cy = await member(browser, server.url, 'st_cy', 'Cy Viewer', { locale: 'zh-CN' });
    await cy.person.context.addInitScript(cuttableSockets);
    // Gus is the host's friend (mutual follows), invited on stage before he comes in.
    await apiFollow(server.url, host.api, gus.handle);
    await apiFollow(server.url, gus.api, host.handle);
    ({ id: roomId } = (await call(host, 'POST', '/api/v1/rooms', { title: 'Friday night' })) as { id: string });
    await call(host, 'POST', `/api/v1/rooms/${roomId}/invites`, { userId: gus.id });
    // The host sells a mug; Cy has an address to ship it to.
    await call(host, 'PUT', '/api/v1/shop', { name: 'Hana Shop', currency: 'CNY' });
    const p = (await call(host, 'POST', '/api/v1/shop/products', {
      title: 'Room Mug',
      description: 'A mug',
      variants: [{ sku: 'MUG', price: 2500, stock: 5 }],
    })) as { id: string; variants: { id: string }[] };
    await call(host, 'POST', `/api/v1/shop/products/${p.id}/publish`);
    productId = p.id;
    variantId = p.variants[0]!.id;
    ({ id: addressId } = (await call(cy, 'POST', '/api/v1/shop/addresses', {
      name: 'Cy',
      phone: '+86 138 0000 0000',
      line1: '1 Road',
      city: 'Shanghai',
    })) as { id: string });
  });

  after(async () => {
    for (const m of [host, gus, bo, cy]) await m?.person.context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  test('the host and a friend on stage, two viewers decode both', async () => {
    const h = host.person.page;
    await h.goto(`/r/${roomId}`);
    await publishes(h, host.handle);
    const g = gus.person.page;
    await g.goto(`/r/${roomId}`);
    await g.getByTestId('room-invited').waitFor();
    await g.getByTestId('room-invite-accept').click();
    await publishes(h, gus.handle);
    for (const v of [bo, cy]) await v.person.page.goto(`/r/${roomId}`, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    for (const m of open()) await stageCount(m.person.page, 2);
    await Promise.all([bo, cy].map((v) => decodesAll(v.person.page, [host.handle, gus.handle])));
  });

  test('a viewer raises a hand and the host brings them on stage: three tiles everywhere', async () => {
    const b = bo.person.page;
    await b.getByTestId('room-raise-hand').click();
    await b.getByTestId('room-lower-hand').waitFor();
    const h = host.person.page;
    const hand = h.locator(`[data-testid="room-hand"][data-handle="${bo.handle}"]`);
    await hand.waitFor();
    // Cy's connection drops while the stage changes: she rebuilds from the snapshot on reconnect.
    const c = cy.person.page;
    const resyncs = Number(await c.getByTestId('room-page').getAttribute('data-resyncs'));
    await c.evaluate(() => {
      window.__ws!.block = true;
      for (const s of window.__ws!.sockets) s.close();
    });
    await c.getByTestId('realtime-reconnecting').waitFor();
    await hand.getByTestId('hand-accept').click();
    await stageCount(h, 3);
    assert.equal(await tiles(c).count(), 2, 'offline, Cy has not heard of the change');
    await c.evaluate(() => void (window.__ws!.block = false));
    await eventually(
      async () => assert.ok(Number(await c.getByTestId('room-page').getAttribute('data-resyncs')) > resyncs, 'snapshot refetched'),
      15_000,
    );
    for (const m of open()) await stageCount(m.person.page, 3);
    assert.equal(await b.getByTestId('room-page').getAttribute('data-role'), 'guest');
    await publishes(h, bo.handle);
    await Promise.all([decodesAll(c, [host.handle, gus.handle, bo.handle]), decodesAll(h, [gus.handle, bo.handle])]);
    await shot(c, 'room-hand-zh-mobile');
    const gp = gus.person.page;
    await shot(gp, 'room-stage-en-mobile');
    await gp.setViewportSize(DESKTOP);
    await shot(gp, 'room-stage-en-desktop');
    await gp.setViewportSize(MOBILE);
  });

  test('the host mutes a guest: their tile shows it and no one receives their sound', async () => {
    const h = host.person.page;
    await tileOf(h, gus.handle).getByTestId('guest-menu').click();
    await tileOf(h, gus.handle).getByTestId('guest-mute_mic').click();
    for (const m of open())
      await eventually(async () => assert.equal(await tileOf(m.person.page, gus.handle).getAttribute('data-mic'), 'off'));
    await gus.person.page.getByTestId('room-muted-by-host').waitFor();
    const c = cy.person.page;
    // Packets already on the way land: the muted guest's sound stops growing between two reads.
    let before = await received(c);
    await eventually(async () => {
      const now = await received(c);
      const still = now[gus.id]?.audioBytes !== before[gus.id]?.audioBytes;
      before = now;
      assert.ok(!still, 'the muted guest’s last packets are still landing');
    });
    // Then watch while Bo's sound keeps arriving (so the measurement can see audio): none may come
    // from the muted guest meanwhile.
    const later = await eventually(async () => {
      const now = await received(c);
      assert.ok((now[bo.id]?.audioBytes ?? 0) > (before[bo.id]?.audioBytes ?? 0) + AUDIO_WINDOW_BYTES, 'Bo is heard');
      return now;
    });
    assert.ok(before[gus.id] && later[gus.id], 'the muted guest is still received (video)');
    assert.equal(later[gus.id]!.audioBytes, before[gus.id]!.audioBytes, 'no audio from the muted guest');
    // Only the sound stopped: the muted guest's picture keeps coming (a layer switch may pause it briefly).
    await eventually(
      async () => assert.ok((await received(c))[gus.id]!.videoBytes > later[gus.id]!.videoBytes, 'their video still flows'),
      8_000,
    );
    await shot(h, 'room-muted-zh-desktop');

    // The guest's own camera switch shows on their tile for everyone, and back.
    const gp = gus.person.page;
    await gp.getByTestId('room-camera').click();
    await eventually(async () => assert.equal(await tileOf(c, gus.handle).getAttribute('data-camera'), 'off'));
    await gp.getByTestId('room-camera').click();
    await eventually(async () => assert.equal(await tileOf(c, gus.handle).getAttribute('data-camera'), 'on'));
  });

  test('the host removes a guest: their tile disappears and their media stops', async () => {
    const h = host.person.page;
    const b = bo.person.page;
    const c = cy.person.page;
    await tileOf(h, bo.handle).getByTestId('guest-menu').click();
    await tileOf(h, bo.handle).getByTestId('guest-kick').click();
    await b.getByTestId('room-removed').waitFor();
    for (const m of [host, gus, cy]) await stageCount(m.person.page, 2);
    // The removed guest's camera is released.
    await eventually(async () => assert.equal(await b.evaluate(() => window.__room?.publisher ?? null), null));
    const before = await received(c);
    // Watch while the others' pictures keep arriving: nothing may come from the removed guest meanwhile.
    const othersVideo = (r: Received) => Object.entries(r).reduce((sum, [id, x]) => (id === bo.id ? sum : sum + x.videoBytes), 0);
    const later = await eventually(async () => {
      const now = await received(c);
      assert.ok(othersVideo(now) > othersVideo(before) + VIDEO_WINDOW_BYTES, 'the others are still received');
      return now;
    });
    const was = before[bo.id];
    const now = later[bo.id];
    assert.ok(
      !now || (was && now.videoBytes === was.videoBytes && now.audioBytes === was.audioBytes),
      'nothing more arrives from the removed guest',
    );
    await shot(b, 'room-removed-en-mobile');
    assert.deepEqual(bo.person.errors, []);
    await bo.person.context.close();
  });

  test('a product pinned in the room reaches the audience, and a sale through the room is in the host’s summary', async () => {
    const h = host.person.page;
    const c = cy.person.page;
    await h.getByTestId('room-pin-open').click();
    await h.locator(`[data-testid="pin-product"][data-product-id="${productId}"] [data-testid="pin-send"]`).click();
    await c.getByTestId('room-product').waitFor();
    assert.match((await c.getByTestId('room-product').textContent()) ?? '', /Room Mug/);
    await shot(c, 'room-pinned-zh-mobile');
    await c.getByTestId('room-chat-input').fill('love the mug');
    await c.getByTestId('room-chat-send').click();
    await eventually(async () => assert.match((await h.getByTestId('room-chat').textContent()) ?? '', /love the mug/));

    // Cy buys it through the room (the sheet she would use is e2e/live-buy.e2e.ts's story).
    const order = (await call(cy, 'POST', '/api/v1/shop/checkout', {
      sellerId: host.id,
      items: [{ variantId, quantity: 1 }],
      addressId,
      touch: { surface: 'room', surfaceId: roomId },
      idempotencyKey: 'rooms-stage-mug',
    })) as { id: string };
    await call(cy, 'POST', `/api/v1/shop/orders/${order.id}/pay`, {
      paymentMethod: { type: 'card', number: '4242 4242 4242 4242' },
      idempotencyKey: 'rooms-stage-mug-pay',
    });

    // The host ends the room and sees the sale attributed to it.
    h.once('dialog', (d) => void d.accept());
    await h.getByTestId('room-end').click();
    await h.getByTestId('room-summary').waitFor();
    const figure = async (id: string) => ((await h.getByTestId(id).locator('dd').textContent()) ?? '').trim();
    assert.equal(await figure('summary-orders'), '1');
    assert.match(await figure('summary-revenue'), /25/);
    assert.equal(await figure('summary-peak'), '4', 'the host, Gus, Bo and Cy were in at once');
    assert.equal(await figure('summary-messages'), '1');
    await shot(h, 'room-summary-zh-desktop');
    await c.getByTestId('room-ended').waitFor();
    for (const m of open()) assert.deepEqual(m.person.errors, [], `${m.handle} had page errors`);
    for (const m of open()) await m.person.context.close();
  });

  test('a host whose browser refuses the camera is told why and what to do', async () => {
    const dee = await apiSignup(server.url, 'st_dee', 'Dee Denied');
    const room = (await apiCall(server.url, dee, 'POST', '/api/v1/rooms', { title: 'No camera here' })) as { id: string };
    // Her browser has a camera but she blocked the site from it. The fake-media browser above says
    // yes to every site, so this one runs without that flag, and the site's permission is denied.
    const own = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...MEDIA_ARGS_ASKING] });
    try {
      const p = await signedInAs(own, server.url, dee, { viewport: MOBILE });
      const target = (await (await p.context.newCDPSession(p.page)).send('Target.getTargetInfo')) as {
        targetInfo: { browserContextId: string };
      };
      const cdp = await own.newBrowserCDPSession();
      for (const name of ['camera', 'microphone'])
        await cdp.send('Browser.setPermission', {
          permission: { name },
          setting: 'denied',
          origin: server.url,
          browserContextId: target.targetInfo.browserContextId,
        });
      await p.page.goto(`/r/${room.id}`);
      const problem = p.page.getByTestId('room-media-problem');
      await problem.waitFor();
      assert.equal(await problem.getAttribute('data-problem'), 'denied');
      assert.match((await problem.textContent()) ?? '', /Allow them in the site settings/);
      await shot(p.page, 'room-camera-denied-en-mobile');
      assert.deepEqual(p.errors, []);
    } finally {
      await own.close();
    }
  });
});
