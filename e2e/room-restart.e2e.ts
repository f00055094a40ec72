import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { apiSignup, type ApiPerson } from './support/api.ts';
import { CHROMIUM, CHROMIUM_ARGS, MEDIA_ARGS, type Person } from './support/browser.ts';
import { eventually } from './support/people.ts';
import { apiCall, publishes, seesVideoOf, signedInAs } from './support/room.ts';
import { startServer, type RunningServer } from './support/server.ts';

/**
 * One server, a live room, and a restart in the middle of it (a deploy): the server's media
 * went with the old process, so when it is back the room's media starts over and the viewer sees
 * the host again — neither reloads the page.
 */
describe('a live room across a server restart', () => {
  let dataDir: string;
  let server: RunningServer;
  let browser: Browser;
  let host: Person;
  let viewer: Person;
  let hostApi: ApiPerson;
  let roomId = '';

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tremolo-e2e-room-restart-'));
    [server, browser] = await Promise.all([
      startServer({ dataDir }),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...MEDIA_ARGS] }),
    ]);
    hostApi = await apiSignup(server.url, 'rs_hana', 'Hana Host');
    const viewerApi = await apiSignup(server.url, 'rs_ava', 'Ava Viewer');
    ({ id: roomId } = (await apiCall(server.url, hostApi, 'POST', '/api/v1/rooms', { title: 'Restart night' })) as { id: string });
    host = await signedInAs(browser, server.url, hostApi, { locale: 'zh-CN' });
    viewer = await signedInAs(browser, server.url, viewerApi);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('the server restarts during the live: the viewer sees the host again without a reload', { timeout: 120_000 }, async () => {
    await host.page.goto(`/r/${roomId}`);
    await publishes(host.page, 'rs_hana');
    await viewer.page.goto(`/r/${roomId}`);
    await seesVideoOf(viewer.page, 'rs_hana', 25_000);
    for (const p of [host.page, viewer.page]) await p.evaluate(() => document.body.setAttribute('data-e2e-mark', 'same-page'));

    await server.stop();
    await viewer.page.getByTestId('realtime-reconnecting').waitFor();
    server = await startServer({ port: server.port, dataDir });
    const state = await eventually(async () => {
      const s = (await apiCall(server.url, hostApi, 'GET', `/api/v1/rooms/${roomId}/state`)) as { mediaEpoch: number; status: string };
      assert.ok(s.mediaEpoch >= 1, 'the room’s media started over');
      return s;
    }, 15_000);
    assert.equal(state.status, 'live');
    // Nothing arrives on the old connections since the stop: rising frames are the new media.
    await seesVideoOf(viewer.page, 'rs_hana', 40_000);
    await publishes(host.page, 'rs_hana');
    for (const p of [host.page, viewer.page])
      assert.equal(await p.evaluate(() => document.body.getAttribute('data-e2e-mark')), 'same-page', 'no page load happened');
    assert.deepEqual(host.errors, []);
    assert.deepEqual(viewer.errors, []);
  });
});
