import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { checkScreens, layoutShots, setUpScreens, type People, type Screen } from './support/a11y.ts';
import { DESKTOP, launch, MOBILE } from './support/browser.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { screenshots, shotsWanted } from './support/shots.ts';

/**
 * Every main screen, at phone and desktop size and in both languages, has no serious or critical
 * accessibility violation (axe-core): names on every control, contrast, labels, landmarks.
 */
describe('accessibility of the main screens', () => {
  let server: RunningServer;
  let browser: Browser;
  let people: People;
  let screens: Screen[];

  before(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: true, readyWithinMs: 240_000 }), launch()]);
    ({ people, screens } = await setUpScreens(server.url, 'ally_a11y'));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const locale of ['en-US', 'zh-CN']) {
    for (const [size, viewport] of [
      ['phone', MOBILE],
      ['desktop', DESKTOP],
    ] as const) {
      test(`${locale} at ${size} size`, async () => {
        assert.deepEqual(await checkScreens(browser, server.url, people, screens, { locale, viewport }), []);
      });
    }
  }

  test('screenshots of the watch controls, insights, a group announcement, the room and the party', {
    skip: !shotsWanted() && 'only with SHOTS=1',
  }, async () => {
    await layoutShots(browser, server.url, people, screens, screenshots('a11y'));
  });
});
