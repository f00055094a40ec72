import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { apiSignup, type ApiPerson } from './support/api.ts';
import { DESKTOP, MOBILE, type Person } from './support/browser.ts';
import { eventually, fillAddress, payByCard } from './support/people.ts';
import { apiCall, broadcastServerAndBrowser, publishes, signedInAs } from './support/room.ts';
import type { RunningServer } from './support/server.ts';
import { screenshots } from './support/shots.ts';

/**
 * 回放: a host goes live on camera with the broadcast tier on, shows a product (a pin is a
 * 讲解 moment) and ends the room. A fan finds the replay on the host's card, watches it (the
 * recording's picture plays), taps the moment and the player jumps there, and buys the product
 * from the replay; the order counts for the room in the host's summary and insights. The product
 * page links into the replay at that moment.
 */
const shot = screenshots('replay');
const HOST = 'rp_hana';

interface Replay {
  time: number;
  frames: number;
  width: number;
  paused: boolean;
  /** For the failure message: how much is buffered and whether the element is waiting. */
  state: string;
}

/** What the page's replay player shows now, or null before it has a picture element. */
function readReplay(page: Page): Promise<Replay | null> {
  return page.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid="replay-player"] video');
    if (!v) return null;
    const buffered = Array.from(
      { length: v.buffered.length },
      (_, i) => `${v.buffered.start(i).toFixed(1)}-${v.buffered.end(i).toFixed(1)}`,
    );
    return {
      time: v.currentTime,
      frames: v.getVideoPlaybackQuality().totalVideoFrames,
      width: v.videoWidth,
      paused: v.paused,
      state: `ready ${v.readyState} ended ${v.ended} seeking ${v.seeking} buffered ${buffered.join(',')}`,
    };
  });
}

/** The replay's picture plays: decoded frames keep rising and the time advances. */
async function replayPlays(page: Page): Promise<Replay> {
  const first = await eventually(async () => {
    const s = await readReplay(page);
    assert.ok(s && s.width > 0 && s.frames > 0, `no replay picture: ${JSON.stringify(s)}`);
    return s;
  }, 30_000);
  return eventually(async () => {
    const s = await readReplay(page);
    assert.ok(s && s.frames > first.frames + 5, `decoded frames stuck at ${s?.frames} (${JSON.stringify(s)})`);
    assert.ok(s.time > first.time, `the replay stands still at ${s.time}`);
    return s;
  }, 15_000);
}

describe('a live’s replay (回放) and its product moments', () => {
  let server: RunningServer;
  let browser: Browser;
  let hostApi: ApiPerson;
  let fanApi: ApiPerson;
  let host: Person;
  let fan: Person;
  let zh: Person;
  let roomId = '';
  let productId = '';
  let momentSec = 0;
  const call = (who: ApiPerson, method: string, p: string, body?: unknown) => apiCall(server.url, who, method, p, body);

  before(async () => {
    [server, browser] = await broadcastServerAndBrowser(400);
    hostApi = await apiSignup(server.url, HOST, 'Hana 花');
    await call(hostApi, 'PUT', '/api/v1/shop', { name: 'Hana Tea', currency: 'CNY' });
    const p = (await call(hostApi, 'POST', '/api/v1/shop/products', {
      title: 'Jasmine Tea',
      description: 'Spring jasmine tea',
      variants: [{ sku: 'JAS-50', price: 6800, stock: 10, options: { size: '50 g' } }],
    })) as { id: string };
    await call(hostApi, 'POST', `/api/v1/shop/products/${p.id}/publish`);
    productId = p.id;
    fanApi = await apiSignup(server.url, 'rp_fan', 'Finn Fan');
    host = await signedInAs(browser, server.url, hostApi, { viewport: DESKTOP, locale: 'zh-CN' });
    fan = await signedInAs(browser, server.url, fanApi, { viewport: MOBILE });
    zh = await signedInAs(browser, server.url, await apiSignup(server.url, 'rp_xiao', '小周'), { viewport: MOBILE, locale: 'zh-CN' });
  });

  after(async () => {
    for (const p of [host, fan, zh]) await p?.context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  test('the host goes live on camera, shows a product and ends the room; the recording becomes a replay', async () => {
    const room = (await call(hostApi, 'POST', '/api/v1/rooms', { title: '茉莉花茶 tasting' })) as { id: string };
    roomId = room.id;
    const h = host.page;
    await h.goto(`/r/${roomId}`);
    await publishes(h, HOST);

    // The compositor records some seconds before the product is shown.
    const segments = async () => {
      const text = await fetch(`${server.url}/api/v1/rooms/${roomId}/hls/replay.m3u8`, { headers: { cookie: fanApi.cookie } }).then((r) =>
        r.ok ? r.text() : '',
      );
      return text.split('\n').filter((l) => l.endsWith('.ts')).length;
    };
    await eventually(async () => assert.ok((await segments()) >= 8, 'eight seconds recorded'), 90_000);
    await h.getByTestId('room-pin-open').click();
    await h.locator(`[data-testid="pin-product"][data-product-id="${productId}"]`).getByTestId('pin-send').click();
    await h.getByTestId('room-pinned').waitFor();
    const before = await segments();
    await eventually(async () => assert.ok((await segments()) >= before + 6, 'six more seconds recorded'), 60_000);

    // 小周 watches the live to its end.
    await zh.page.goto(`/r/${roomId}`);
    await zh.page.getByTestId('room-broadcast').waitFor();

    h.once('dialog', (d) => void d.accept());
    await h.getByTestId('room-end').click();
    await h.getByTestId('room-summary').waitFor();
    // Who watched to the end is offered the replay once the recording is closed, on the same page.
    await zh.page.getByTestId('room-ended').waitFor();
    await zh.page.getByTestId('room-watch-replay').click({ timeout: 30_000 });
    await zh.page.getByTestId('room-replay').waitFor();
    await replayPlays(zh.page);
    // The broadcast job closes the recording a moment after the end.
    const replay = await eventually(async () => {
      const r = (await call(fanApi, 'GET', `/api/v1/rooms/${roomId}`)) as { replay: { durationSec: number } | null };
      assert.ok(r.replay, 'the room has a replay');
      return r.replay;
    }, 30_000);
    assert.ok(replay.durationSec >= 14, `the replay lasts what was recorded (${replay.durationSec} s)`);
    const moments = (await call(fanApi, 'GET', `/api/v1/rooms/${roomId}/moments`)) as { items: { replayOffsetMs: number | null }[] };
    assert.equal(moments.items.length, 1);
    momentSec = (moments.items[0]!.replayOffsetMs ?? -1) / 1000;
    assert.ok(momentSec >= 6 && momentSec < replay.durationSec, `the moment is inside the recording (${momentSec} s)`);
  });

  test('a fan opens the replay from the host’s card, watches it, jumps to the moment and buys from it', async () => {
    const f = fan.page;
    await f.goto(`/u/${HOST}`);
    const card = f.getByTestId('card-replay');
    await card.waitFor();
    assert.equal(await card.getAttribute('data-room'), roomId);
    await f.getByTestId('card-section-replays').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(f, 'card-en-mobile');
    await card.click();

    await f.getByTestId('room-replay').waitFor();
    const playing = await replayPlays(f);
    assert.ok(playing.time < momentSec - 2, `the replay starts from the beginning (${playing.time} s)`);
    const moment = f.getByTestId('replay-moment');
    assert.equal(await moment.count(), 1);
    assert.match((await moment.textContent()) ?? '', /Jasmine Tea/);
    await shot(f, 'replay-en-mobile');

    await moment.getByTestId('replay-moment-seek').click();
    await eventually(async () => {
      const s = await readReplay(f);
      assert.ok(
        s && s.time >= momentSec - 0.5 && s.time < momentSec + 3,
        `the player is at the moment (${s?.time} s, moment ${momentSec} s)`,
      );
    }, 10_000);
    await eventually(async () => assert.equal(await moment.getAttribute('data-current'), 'true'));
    // And plays on from there.
    await replayPlays(f);
    await shot(f, 'replay-moment-en-mobile');

    await moment.getByTestId('replay-product').getByTestId('product-card-buy').click();
    const sheet = f.getByTestId('buy-sheet');
    await sheet.getByTestId('buy-sheet-title').waitFor();
    await fillAddress(f, 'Finn');
    await sheet.getByTestId('buy-sheet-order').click();
    await sheet.getByTestId('pay-form').waitFor();
    await payByCard(f);
    await sheet.getByTestId('buy-sheet-paid').waitFor();
    await sheet.getByTestId('buy-sheet-done').click();
    // The replay is still there underneath.
    assert.equal(new URL(f.url()).pathname, `/r/${roomId}`);
    await f.getByTestId('replay-player').waitFor();
  });

  test('the order counts for the room in the host’s summary and insights', async () => {
    const h = host.page;
    await h.goto(`/r/${roomId}`);
    await h.getByTestId('room-replay').waitFor();
    const orders = h.getByTestId('replay-summary').getByTestId('summary-orders');
    await eventually(async () => assert.match((await orders.textContent()) ?? '', /1$/));
    await replayPlays(h);
    await shot(h, 'replay-host-zh-desktop');

    await h.goto('/shop/seller/insights');
    const row = h.locator('[data-testid="surface-row"][data-surface="room"]');
    await eventually(async () => assert.equal((await row.getByTestId('surface-paid').textContent())?.trim(), '1'), 15_000);
  });

  test('the product page links into the replay at the moment; the card and replay in Chinese', async () => {
    const z = zh.page;
    await z.goto(`/u/${HOST}`);
    await z.getByTestId('card-section-replays').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    assert.match((await z.getByTestId('card-section-replays').textContent()) ?? '', /直播回放/);
    await shot(z, 'card-zh-mobile');

    await z.goto(`/p/${productId}`);
    const link = z.getByTestId('product-live-moment');
    await link.scrollIntoViewIfNeeded();
    assert.equal(await link.getAttribute('data-replay'), 'true');
    await link.click();
    await z.getByTestId('room-replay').waitFor();
    assert.equal(new URL(z.url()).searchParams.get('t'), String(Math.floor(momentSec)));
    const s = await replayPlays(z);
    assert.ok(s.time >= Math.floor(momentSec) - 0.5, `the replay starts at the moment (${s.time} s)`);
    assert.match((await z.getByTestId('replay-moments').textContent()) ?? '', /Jasmine Tea/);
    await shot(z, 'replay-zh-mobile');
    for (const p of [host, fan, zh]) assert.deepEqual(p.errors, [], 'no page errors');
  });
});
