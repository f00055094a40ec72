import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { apiFollow, apiSignup } from './support/api.ts';
import { launch, newPerson, type Person } from './support/browser.ts';
import { eventually, signUp } from './support/people.ts';
import { startServer, type RunningServer } from './support/server.ts';

/**
 * The realtime client survives a server restart: it reconnects with backoff, resubscribes with
 * the last sequence it saw, and the inbox shows what arrived meanwhile, without a reload.
 */
describe('live updates across a server restart', () => {
  let dataDir: string;
  let server: RunningServer;
  let browser: Browser;
  let bob: Person;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tremolo-e2e-restart-'));
    [server, browser] = await Promise.all([startServer({ dataDir }), launch()]);
    bob = await newPerson(browser, server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('a notification sent while the server was down and back up reaches the open inbox', { timeout: 90_000 }, async () => {
    await signUp(bob.page, 'bob', 'Bob Chen');
    await bob.page.getByTestId('tab-inbox').click();
    await eventually(async () => assert.ok(bob.wsFrames.some((f) => f.includes('"t":"subbed"'))));

    const alice = await apiSignup(server.url, 'alice', 'Alice Liu');
    await apiFollow(server.url, alice, 'bob');
    await eventually(async () => assert.equal(await bob.page.getByTestId('inbox-item').count(), 1));
    await bob.page.evaluate(() => document.body.setAttribute('data-e2e-mark', 'same-page'));

    const sent: string[] = [];
    bob.page.on('websocket', (ws) => ws.on('framesent', (f) => typeof f.payload === 'string' && sent.push(f.payload)));
    await server.stop();
    await bob.page.getByTestId('realtime-reconnecting').waitFor();

    server = await startServer({ port: server.port, dataDir });
    const carol = await apiSignup(server.url, 'carol', 'Carol Wu');
    await apiFollow(server.url, carol, 'bob');

    await eventually(
      async () => assert.match((await bob.page.getByTestId('inbox-item').first().textContent()) ?? '', /Carol Wu followed you/),
      30_000,
    );
    assert.equal(await bob.page.getByTestId('inbox-item').count(), 2);
    // Both are on screen, so both count as seen: the badge clears by itself.
    await eventually(async () => assert.equal(await bob.page.getByTestId('tab-inbox-badge').count(), 0));
    await bob.page.getByTestId('realtime-reconnecting').waitFor({ state: 'detached' });
    assert.ok(
      sent.some((f) => /"t":"sub".*"since":1/.test(f)),
      `the new socket resumed from the last sequence seen; sent: ${sent.join(' ')}`,
    );
    assert.equal(await bob.page.evaluate(() => document.body.getAttribute('data-e2e-mark')), 'same-page', 'no page load happened');
    assert.deepEqual(bob.errors, []);
  });
});
