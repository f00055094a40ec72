import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launch, MOBILE, newPerson, type Person } from './support/browser.ts';
import { eventually, logIn, PASSWORD, signUp } from './support/people.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { screenshots } from './support/shots.ts';
import { makeVideo, uploadVideo } from './support/video.ts';

const shot = screenshots('account-rights', { fullPage: true });

/**
 * The story: a person downloads their data and deletes their account, and their
 * comments show as removed. The grace period is a few seconds here (and the sweep runs every
 * second), so the deletion happens within the story; logging in during it shows the offer to keep the account.
 */
describe('a person downloads their data and deletes their account', () => {
  let server: RunningServer;
  let browser: Browser;
  let ana: Person;
  let bo: Person;
  let videoId = '';

  before(async () => {
    process.env.ACCOUNT_DELETION_GRACE_DAYS = String(45 / 86_400);
    process.env.ACCOUNT_SWEEP_SEC = '1';
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launch()]);
    ana = await newPerson(browser, server.url, { viewport: MOBILE });
    bo = await newPerson(browser, server.url, { locale: 'zh-CN', viewport: MOBILE });
  });

  after(async () => {
    delete process.env.ACCOUNT_DELETION_GRACE_DAYS;
    delete process.env.ACCOUNT_SWEEP_SEC;
    await browser?.close();
    await server?.stop();
  });

  test('two people sign up; one posts a video and the other comments on it', async () => {
    await signUp(ana.page, 'ana_rights', 'Ana Rights');
    await signUp(bo.page, 'bo_rights', 'Bo 博');
    videoId = await uploadVideo(bo.context.request, await makeVideo({ seconds: 2 }), 'bo clip');
    const p = ana.page;
    await p.goto(`/v/${videoId}`);
    const slide = p.locator(`[data-testid="video-slide"][data-video-id="${videoId}"]`);
    await slide.getByTestId('video-comments').click();
    const sheet = p.getByTestId('comments-sheet');
    await sheet.getByTestId('comment-input').fill('Lovely, from Ana');
    await sheet.getByTestId('comment-send').click();
    await sheet.getByTestId('comment-text').filter({ hasText: 'Lovely, from Ana' }).waitFor();
  });

  test('privacy settings, in both languages', async () => {
    for (const who of [ana, bo]) {
      await who.page.goto('/me');
      await who.page.getByTestId('me-privacy').click();
      await who.page.getByTestId('privacy-messages-friends').waitFor();
      await shot(who.page, `privacy-${who === ana ? 'en' : 'zh-CN'}`);
    }
    const p = ana.page;
    await p.getByTestId('privacy-likesVisible').click();
    await p.getByTestId('privacy-saved').waitFor();
    const res = await p.context().request.get('/api/v1/me/privacy');
    assert.equal(((await res.json()) as { likesVisible: boolean }).likesVisible, false);
  });

  test('she asks for her data, watches it being prepared and downloads the archive', async () => {
    const p = ana.page;
    await p.goto('/me');
    await p.getByTestId('me-data').click();
    await shot(p, 'data-before-en');
    await p.getByTestId('data-export-request').click();
    const link = p.getByTestId('data-export-download');
    await link.waitFor({ timeout: 60_000 });
    assert.equal(await p.getByTestId('data-export-state').getAttribute('data-state'), 'ready');
    // One a day: the button is gone, the page says when.
    assert.equal(await p.getByTestId('data-export-request').count(), 0);
    await shot(p, 'data-ready-en');
    const [download] = await Promise.all([p.waitForEvent('download'), link.click()]);
    assert.match(download.suggestedFilename(), /^tremolo-data-.*\.zip$/);
    const bytes = await readFile(await download.path());
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'a zip');
    assert.ok(bytes.includes(Buffer.from('profile.json')) && bytes.includes(Buffer.from('comments.json')));
    // The inbox says it too.
    await p.goto('/inbox');
    await p.getByText('Your data archive is ready to download').waitFor();

    await bo.page.goto('/me/settings/data');
    await bo.page.getByTestId('data-export-request').waitFor();
    await shot(bo.page, 'data-before-zh-CN');
  });

  test('she deletes her account with her password; logging in during the grace period offers to keep it', async () => {
    await bo.page.goto('/me/settings/delete');
    await bo.page.getByTestId('delete-form').waitFor();
    await shot(bo.page, 'delete-zh-CN');

    const p = ana.page;
    await p.goto('/me');
    await p.getByTestId('me-delete').click();
    await p.getByTestId('delete-password').fill('not my password');
    await p.getByTestId('delete-submit').click();
    await p.getByTestId('delete-error').waitFor();
    await p.getByTestId('delete-password').fill(PASSWORD);
    await shot(p, 'delete-en');
    await p.getByTestId('delete-submit').click();
    await p.getByTestId('login-deletion-note').waitFor();
    await shot(p, 'deletion-scheduled-en');

    await logIn(p, 'ana_rights');
    await p.getByTestId('deletion-banner').waitFor();
    await shot(p, 'deletion-banner-en');
  });

  test('after the grace period she is signed out everywhere and her comment shows as removed', async () => {
    const p = ana.page;
    // The sweep deletes the account and revokes the session she just opened.
    await eventually(async () => {
      const res = await p.context().request.get('/api/v1/auth/session');
      assert.equal(res.status(), 401);
    }, 120_000);
    await p.goto('/login');
    await p.getByTestId('login-handle').fill('ana_rights');
    await p.getByTestId('login-password').fill(PASSWORD);
    await p.getByTestId('login-submit').click();
    await p.getByTestId('login-error').waitFor();

    const b = bo.page;
    await b.goto(`/v/${videoId}`);
    const slide = b.locator(`[data-testid="video-slide"][data-video-id="${videoId}"]`);
    await slide.getByTestId('video-comments').click();
    const sheet = b.getByTestId('comments-sheet');
    await sheet.getByTestId('comment-removed').waitFor();
    assert.equal(await sheet.getByText('Lovely, from Ana').count(), 0);
    assert.match((await sheet.getByTestId('comment-removed').textContent()) ?? '', /评论已删除/);
    await shot(b, 'comment-removed-zh-CN');
    for (const who of [ana, bo]) assert.deepEqual(who.errors, []);
  });
});
