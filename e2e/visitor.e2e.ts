import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { apiSignup, type ApiPerson } from './support/api.ts';
import { DESKTOP, launch, MOBILE, newPerson, type Person } from './support/browser.ts';
import { eventually, PASSWORD } from './support/people.ts';
import { apiCall } from './support/room.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { makeVideo } from './support/video.ts';
import { screenshots } from './support/shots.ts';

const shot = screenshots('visitor');

/** Fills the sign-up form the visitor was sent to (it keeps `next`). */
async function fillSignup(page: Page, handle: string, name: string): Promise<void> {
  await page.getByTestId('signup-form').waitFor();
  await page.getByTestId('signup-handle').fill(handle);
  await page.getByTestId('signup-name').fill(name);
  await page.getByTestId('signup-password').fill(PASSWORD);
  await page.getByTestId('signup-submit').click();
}

/**
 * A visitor who is not logged in is not lost: they see sign-up and log-in buttons, a party link
 * shows what they were invited to and signing up lands them in the party, and a like tapped
 * before having an account is there, on the same video, after signing up.
 */
describe('a visitor who is not logged in', () => {
  let server: RunningServer;
  let browser: Browser;
  let host: ApiPerson;
  let videoId = '';
  let partyId = '';

  before(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launch()]);
    host = await apiSignup(server.url, 'vi_host', 'Hana 花');
    const file = await makeVideo({ seconds: 4 });
    const { readFile } = await import('node:fs/promises');
    const form = new FormData();
    form.set('caption', 'Night market tour');
    form.set('visibility', 'public');
    form.set('file', new Blob([await readFile(file)], { type: 'video/mp4' }), 'clip.mp4');
    const up = await fetch(`${server.url}/api/v1/videos`, {
      method: 'POST',
      headers: { cookie: host.cookie, 'x-csrf-token': host.csrf },
      body: form,
    });
    assert.equal(up.status, 202, await up.clone().text());
    videoId = ((await up.json()) as { id: string }).id;
    await eventually(async () => {
      const v = (await apiCall(server.url, host, 'GET', `/api/v1/videos/${videoId}`)) as { status: string };
      assert.equal(v.status, 'ready');
    }, 60_000);
    const party = (await apiCall(server.url, host, 'POST', '/api/v1/watch', { videoIds: [videoId] })) as { id: string };
    partyId = party.id;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('opens a party link, sees who invited them and to what, signs up and lands in the party', async () => {
    const v: Person = await newPerson(browser, server.url);
    const page = v.page;
    await page.goto(`/w/${partyId}`);
    const preview = page.getByTestId('watch-preview');
    await preview.waitFor();
    assert.equal(await preview.getByTestId('invite-heading').textContent(), 'Hana 花 invited you to watch together');
    assert.equal(await preview.getByTestId('invite-title').textContent(), 'Night market tour');
    assert.match((await preview.textContent()) ?? '', /1 watching now/);
    assert.ok(await page.getByTestId('visitor-signup').isVisible(), 'a sign-up button in the top bar');
    assert.ok(await page.getByTestId('visitor-login').isVisible(), 'a log-in button in the top bar');
    await eventually(async () =>
      assert.ok(await preview.locator('img').evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)),
    );
    await shot(page, 'party-preview-en-phone');
    await page.setViewportSize(DESKTOP);
    await shot(page, 'party-preview-en-desktop');
    await page.setViewportSize(MOBILE);
    await preview.getByTestId('invite-signup').click();
    await fillSignup(page, 'vi_guest', 'Guest');
    await page.getByTestId('watch-page').waitFor({ timeout: 15_000 });
    assert.equal(new URL(page.url()).pathname, `/w/${partyId}`);
    assert.equal(await page.getByTestId('watch-page').getAttribute('data-party'), partyId);
    await eventually(async () => assert.equal(await page.locator('[data-testid="watch-member"]').count(), 2));
    await v.context.close();
  });

  test('in Chinese: the party preview, then log in with an account they already have', async () => {
    await apiSignup(server.url, 'vi_known', '老朋友');
    const v = await newPerson(browser, server.url, { locale: 'zh-CN' });
    const page = v.page;
    await page.goto(`/watch/${partyId}`);
    const preview = page.getByTestId('watch-preview');
    await preview.waitFor();
    assert.equal(await preview.getByTestId('invite-heading').textContent(), 'Hana 花 邀请你一起看');
    await shot(page, 'party-preview-zh-phone');
    await page.setViewportSize(DESKTOP);
    await shot(page, 'party-preview-zh-desktop');
    await page.setViewportSize(MOBILE);
    await preview.getByTestId('invite-login').click();
    await page.getByTestId('login-handle').fill('vi_known');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('watch-page').waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('watch-page').getAttribute('data-party'), partyId);
    await v.context.close();
  });

  test('taps like, signs up from the prompt, and is back on the same video with it liked', async () => {
    const v = await newPerson(browser, server.url, { locale: 'zh-CN' });
    const page = v.page;
    await page.goto('/');
    const slide = page.locator(`[data-testid="video-slide"][data-video-id="${videoId}"]`);
    await slide.waitFor({ timeout: 15_000 });
    await slide.getByTestId('video-like').click();
    const prompt = page.getByTestId('auth-prompt');
    await prompt.waitFor();
    assert.match((await prompt.textContent()) ?? '', /注册后即可点赞/);
    await shot(page, 'like-prompt-zh-phone');
    await page.setViewportSize(DESKTOP);
    await shot(page, 'like-prompt-zh-desktop');
    await page.setViewportSize(MOBILE);
    await prompt.getByTestId('auth-prompt-signup').click();
    await fillSignup(page, 'vi_liker', '点赞的人');
    await eventually(async () => assert.equal(new URL(page.url()).pathname, `/v/${videoId}`));
    const back = page.locator(`[data-testid="video-slide"][data-video-id="${videoId}"]`);
    await back.waitFor();
    await eventually(async () => assert.equal(await back.getByTestId('video-like').getAttribute('aria-pressed'), 'true'));
    assert.equal(await back.getByTestId('video-like-count').textContent(), '1');
    await shot(page, 'liked-after-signup-zh-phone');
    await v.context.close();
  });

  test('taps follow on a card, logs in from the prompt, and follows them', async () => {
    await apiSignup(server.url, 'vi_fan', 'Fan');
    const v = await newPerson(browser, server.url);
    const page = v.page;
    await page.goto('/u/vi_host');
    await page.getByTestId('card-login-to-follow').click();
    const prompt = page.getByTestId('auth-prompt');
    assert.match((await prompt.textContent()) ?? '', /Sign up to follow Hana 花/);
    await shot(page, 'follow-prompt-en-phone');
    await prompt.getByTestId('auth-prompt-login').click();
    await page.getByTestId('login-handle').fill('vi_fan');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await eventually(async () => assert.equal(new URL(page.url()).pathname, '/u/vi_host'));
    await page.getByTestId('card-unfollow').waitFor();
    await v.context.close();
  });
});
