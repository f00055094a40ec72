import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startCluster, type TestCluster } from '../server/src/test/cluster.ts';
import { apiSignup, type ApiPerson } from './support/api.ts';
import { CHROMIUM, CHROMIUM_ARGS, DESKTOP, MEDIA_ARGS, type Person } from './support/browser.ts';
import { eventually } from './support/people.ts';
import { apiCall, publishes, seesVideoOf, signedInAs } from './support/room.ts';
import { GENEROUS_LIMITS } from './support/server.ts';

/**
 * A live room on three nodes behind HAProxy, werift carrying the media. The room goes live
 * through node 1, so node 1 runs its media; the host's browser talks only to node 2 and the
 * viewer's only to node 3, so every offer and answer of both is handed to node 1. Then node 1
 * is killed: the room's media starts over on a live node and the viewer sees the host again,
 * neither of them reloading.
 */

const DIST_TEST = path.resolve(import.meta.dirname, '..', 'web', 'dist-test');

describe('a live room across nodes', () => {
  let cluster: TestCluster;
  let browser: Browser;
  let host: Person;
  let viewer: Person;
  let hostApi: ApiPerson;
  let roomId = '';

  before(async () => {
    [cluster, browser] = await Promise.all([
      startCluster({ nodes: 3, env: { ...GENEROUS_LIMITS, WEB_DIST_DIR: DIST_TEST } }),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...MEDIA_ARGS] }),
    ]);
    const [n1, n2, n3] = cluster.nodes.map((n) => n.url) as [string, string, string];
    hostApi = await apiSignup(cluster.lb, 'cl_hana', 'Hana Host');
    const viewerApi = await apiSignup(cluster.lb, 'cl_ava', 'Ava Viewer');
    // Live now, through node 1: the room's media is opened there.
    ({ id: roomId } = (await apiCall(n1, hostApi, 'POST', '/api/v1/rooms', { title: 'Across nodes' })) as { id: string });
    host = await signedInAs(browser, n2, hostApi, { locale: 'zh-CN', viewport: DESKTOP });
    viewer = await signedInAs(browser, n3, viewerApi);
  });

  after(async () => {
    await host?.context.close().catch(() => undefined);
    await viewer?.context.close().catch(() => undefined);
    await browser?.close();
    await cluster?.close();
  });

  test('the host on one node is seen by a viewer on another, through the node that runs the media', async () => {
    await host.page.goto(`/r/${roomId}`);
    await publishes(host.page, 'cl_hana');
    await viewer.page.goto(`/r/${roomId}`);
    await viewer.page.getByTestId('room-page').waitFor();
    await seesVideoOf(viewer.page, 'cl_hana', 25_000);
    assert.deepEqual(host.errors, []);
    assert.deepEqual(viewer.errors, []);
  });

  test('the node running the media dies: within seconds the viewer sees the host again, nobody reloads', async () => {
    const [n1, n2] = cluster.nodes as [TestCluster['nodes'][number], TestCluster['nodes'][number]];
    const killedAt = Date.now();
    await n1.stop('SIGKILL');
    // A survivor notices the silent node (CLUSTER_DEAD_AFTER_MS) and the room's media starts over.
    await eventually(async () => {
      const state = (await apiCall(n2.url, hostApi, 'GET', `/api/v1/rooms/${roomId}/state`)) as { mediaEpoch: number };
      assert.equal(state.mediaEpoch, 1);
    }, 20_000);
    // Its old connection has carried nothing since the kill: rising frames now are the new media.
    await seesVideoOf(viewer.page, 'cl_hana', 30_000);
    const back = Date.now() - killedAt;
    console.log(`media back ${back} ms after the node running it was killed`);
    assert.ok(back < 30_000, `media took ${back} ms to come back`);
    assert.equal(await viewer.page.locator('[data-testid="room-tile"][data-handle="cl_hana"]').getAttribute('data-publishing'), 'yes');
    assert.equal(await host.page.getByTestId('room-publish-error').count(), 0, 'the host is not left with an error');
    assert.deepEqual(host.errors, []);
    assert.deepEqual(viewer.errors, []);
  });
});
