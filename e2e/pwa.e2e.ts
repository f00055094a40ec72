import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, DESKTOP, launch, MOBILE, newPerson, type Person } from './support/browser.ts';
import { eventually, signUp } from './support/people.ts';
import { startServer, type RunningServer } from './support/server.ts';

const SHOTS = process.env.E2E_SCREENSHOTS;

/** Waits until the service worker controls the page (it registers after the page has loaded). */
async function controlled(page: Page): Promise<void> {
  await page.waitForFunction(
    async () => (await navigator.serviceWorker.ready).active?.state === 'activated' && !!navigator.serviceWorker.controller,
    null,
    {
      timeout: 20_000,
    },
  );
}

/** The registration the DevTools Protocol knows for this origin. */
async function registrationId(cdp: CDPSession, origin: string): Promise<string> {
  const regs: Array<{ registrationId: string; scopeURL: string; isDeleted: boolean }> = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => regs.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  return eventually(async () => {
    const r = regs.find((x) => x.scopeURL === `${origin}/` && !x.isDeleted);
    assert.ok(r, 'no registration yet');
    return r.registrationId;
  });
}

async function shownNotifications(page: Page): Promise<Array<{ title: string; body: string; tag: string; url: string }>> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return (await reg.getNotifications()).map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      url: (n.data as { url?: string } | null)?.url ?? '',
    }));
  });
}

/**
 * Sara installs Tremolo: the browser finds it installable, it opens offline, and a push that
 * arrives while the app is closed shows a notification, closed again when she reads it elsewhere.
 */
describe('installable app and push notifications', () => {
  let server: RunningServer;
  let browser: Browser;
  let sara: Person;

  before(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    sara = await newPerson(browser, server.url);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the browser finds the app installable, with its icons, and it opens offline', async () => {
    const { page, context } = sara;
    for (const f of ['/favicon.ico', '/apple-touch-icon.png', '/icon-192.png', '/icon-512.png', '/manifest.webmanifest', '/sw.js']) {
      const r = await page.request.get(f);
      assert.equal(r.status(), 200, f);
    }
    // Chromium never offers to install from an incognito profile (every test context is one), so
    // the check runs in a profile kept on disk, as a person's browser is.
    const profile = await mkdtemp(path.join(tmpdir(), 'tremolo-pwa-profile-'));
    const own = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const p = own.pages()[0] ?? (await own.newPage());
      await p.goto(server.url);
      await controlled(p);
      const cdp = await own.newCDPSession(p);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      assert.deepEqual(installabilityErrors, []);
      const manifest = await cdp.send('Page.getAppManifest');
      assert.equal(manifest.errors.length, 0, JSON.stringify(manifest.errors));
    } finally {
      await own.close();
      await rm(profile, { recursive: true, force: true });
    }

    await signUp(page, 'sara_pwa', 'Sara');
    await controlled(page);

    // Offline: the shell and the screen's code come from the cache; the app says it cannot reach the server.
    await context.setOffline(true);
    await page.reload();
    await page.locator('.app').waitFor();
    assert.ok(await page.locator('#root').isVisible());
    await context.setOffline(false);
    await page.reload();
    await page.getByTestId('foryou').waitFor();
  });

  test('a push shows a notification while the app is closed, and a "clear" from another device closes it', async () => {
    const { page, context } = sara;
    await context.grantPermissions(['notifications'], { origin: server.url });
    const cdp = await context.newCDPSession(page);
    const reg = await registrationId(cdp, server.url);
    // The app is closed on this device: nothing of it is open in a window.
    await page.goto('about:blank');
    const show = {
      type: 'show',
      tag: '0190a000-0000-7000-8000-000000000001',
      title: 'Ava',
      body: 'dinner at 7?',
      url: '/dm/ava',
      kind: 'messages',
    };
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId: reg, data: JSON.stringify(show) });

    const other = await context.newPage();
    await other.goto('/me/notifications');
    await eventually(async () => {
      const shown = await shownNotifications(other);
      assert.deepEqual(shown, [{ title: 'Ava', body: 'dinner at 7?', tag: show.tag, url: '/dm/ava' }]);
    });
    await other.close();

    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: server.url,
      registrationId: reg,
      data: JSON.stringify({ type: 'clear', upTo: show.tag }),
    });
    await page.goto('/me/notifications');
    await eventually(async () => assert.deepEqual(await shownNotifications(page), []));
  });

  test('she chooses which kinds of notifications she gets, and they stay chosen', async () => {
    const { page } = sara;
    await page.goto('/me');
    await page.getByTestId('me-notifications').click();
    await page.getByTestId('push-settings').waitFor();
    const lives = page.getByTestId('push-kind-lives');
    assert.equal(await lives.isChecked(), true);
    await lives.click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.reload();
    await page.getByTestId('push-kind-messages').waitFor();
    assert.equal(await page.getByTestId('push-kind-lives').isChecked(), false);
    assert.equal(await page.getByTestId('push-kind-messages').isChecked(), true);
    // This browser can subscribe or says why not; either way the button is there to try.
    await page.getByTestId('push-device-toggle').waitFor();
    assert.deepEqual(sara.errors, []);
  });

  test('screens in both languages and sizes', { skip: !SHOTS }, async () => {
    const dir = SHOTS ?? '';
    await mkdir(dir, { recursive: true });
    for (const locale of ['en-US', 'zh-CN']) {
      for (const [size, viewport] of [
        ['phone', MOBILE],
        ['desktop', DESKTOP],
      ] as const) {
        const p = await newPerson(browser, server.url, { locale, viewport });
        await signUp(p.page, `shot_${locale.slice(0, 2)}_${size}`, 'Shot');
        await p.page.goto('/me/notifications');
        await p.page.getByTestId('push-kind-messages').waitFor();
        await p.page.getByTestId('push-device-toggle').waitFor();
        await p.page.screenshot({ path: path.join(dir, `push-settings-${locale}-${size}.png`) });
        await p.context.close();
      }
    }
  });
});
