import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import type { Browser } from 'playwright-core';
import { apiFollow, apiSignup } from './support/api.ts';
import { launch, newPerson, type Person } from './support/browser.ts';
import { PASSWORD, eventually, logIn } from './support/people.ts';
import { startServer, type RunningServer } from './support/server.ts';

/** A small valid PNG: a red square. */
function redSquare(size = 64): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let i = 0; i < size * size; i++) png.data.set([230, 40, 70, 255], i * 4);
  return PNG.sync.write(png);
}

/**
 * A visitor discovers a demo creator, signs up from the card, edits their profile (a bad avatar
 * file is refused with a message they can read), changes password and blocks someone.
 */
describe('profile, card and avatar', () => {
  let server: RunningServer;
  let browser: Browser;
  let mia: Person;
  let files: string;

  before(async () => {
    [server, browser, files] = await Promise.all([
      startServer({ seedDemo: true }),
      launch(),
      mkdtemp(path.join(tmpdir(), 'tremolo-e2e-files-')),
    ]);
    mia = await newPerson(browser, server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await rm(files, { recursive: true, force: true });
  });

  test('a logged-out visitor discovers the demo creators and opens a card', async () => {
    const page = mia.page;
    await page.goto('/discover');
    const items = page.getByTestId('discover-item');
    await items.first().waitFor();
    // The demo's most-followed people, most first (Lina and Chef Wang have four followers, Mia two).
    assert.deepEqual(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-handle'))), [
      'lina_beauty',
      'chef_wang',
      'mia_fan',
    ]);

    await items.first().click();
    await page.getByTestId('card').waitFor();
    assert.equal(await page.getByTestId('card-name').textContent(), '琳娜 Lina');
    assert.match((await page.getByTestId('card-avatar').getAttribute('src')) ?? '', /^\/media\/avatars\//);
    assert.equal(await page.getByTestId('count-followers').locator('strong').textContent(), '4');
    await page.getByTestId('card-qr').waitFor(); // drawn once the QR library has loaded
  });

  test('following while logged out leads through sign up and back to the card', async () => {
    const page = mia.page;
    await page.getByTestId('card-login-to-follow').click();
    // The prompt says what signing up is for, over the card.
    await page.getByTestId('auth-prompt').waitFor();
    await page.getByTestId('auth-prompt-signup').click();
    await page.getByTestId('signup-submit').click();
    // The form explains what is missing before anything is sent.
    assert.equal(await page.getByTestId('signup-handle-problem').textContent(), 'A handle has 3 to 24 characters');
    await page.getByTestId('signup-handle').fill('mia_e2e');
    await page.getByTestId('signup-name').fill('Mia E2E');
    await page.getByTestId('signup-password').fill(PASSWORD);
    await page.getByTestId('signup-submit').click();

    // Back on the card, and the follow tapped before signing up is done.
    await page.getByTestId('card').waitFor();
    assert.equal(new URL(page.url()).pathname, '/u/lina_beauty');
    await page.getByTestId('card-unfollow').waitFor();
    await eventually(async () => assert.equal(await page.getByTestId('count-followers').locator('strong').textContent(), '5'));
  });

  test('a taken handle is refused with the reason', async () => {
    const other = await newPerson(browser, server.url);
    await other.page.goto('/signup');
    await other.page.getByTestId('signup-handle').fill('chef_wang');
    await other.page.getByTestId('signup-name').fill('Impostor');
    await other.page.getByTestId('signup-password').fill(PASSWORD);
    await other.page.getByTestId('signup-submit').click();
    assert.equal(await other.page.getByTestId('signup-error').textContent(), '@chef_wang is taken; pick another handle');
    await other.context.close();
  });

  test('a bad avatar file shows the error to the person, in either language', async () => {
    const page = mia.page;
    const notAnImage = path.join(files, 'holiday.png');
    await writeFile(notAnImage, 'this is a text file pretending to be a picture\n');
    await page.getByTestId('tab-me').click();
    await page.getByTestId('me-edit').click();
    await page.getByTestId('avatar-input').setInputFiles(notAnImage);
    const error = page.getByTestId('avatar-error');
    await error.waitFor();
    assert.equal(await error.textContent(), 'Avatar must be a JPEG, PNG or WebP image');
    assert.equal(await page.getByTestId('profile-avatar').evaluate((e) => e.tagName), 'SPAN', 'still the letter avatar');

    await page.getByTestId('lang-zh-CN').click();
    await page.getByTestId('avatar-input').setInputFiles(notAnImage);
    await eventually(async () => assert.equal(await error.textContent(), '头像必须是 JPEG、PNG 或 WebP 图片'));
    // A page opened in Chinese has only the Chinese strings; switching fetches the English ones.
    await page.reload();
    await page.getByTestId('lang-en').waitFor();
    assert.equal(await page.title(), '颤音');
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await page.getByTestId('lang-en').click();
    await eventually(async () => assert.equal(await page.title(), 'Tremolo'));
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  });

  test('a good avatar replaces the letter everywhere', async () => {
    const page = mia.page;
    const good = path.join(files, 'me.png');
    await writeFile(good, redSquare());
    await page.getByTestId('avatar-input').setInputFiles(good);
    await page.getByTestId('avatar-done').waitFor();
    assert.equal(await page.getByTestId('avatar-error').count(), 0);
    assert.match((await page.getByTestId('profile-avatar').getAttribute('src')) ?? '', /^\/media\/avatars\/.+\.webp$/);
  });

  test('bio and links show on the card', async () => {
    const page = mia.page;
    await page.getByTestId('profile-bio').fill('Makeup and noodles.');
    await page.getByTestId('profile-add-link').click();
    await page.getByTestId('profile-link-label').fill('Blog');
    await page.getByTestId('profile-link-url').fill('not a url');
    await page.getByTestId('profile-save').click();
    assert.match((await page.getByTestId('profile-form').textContent()) ?? '', /Enter a full web address/);
    await page.getByTestId('profile-link-url').fill('https://mia.example.com/blog');
    await page.getByTestId('profile-save').click();
    await page.getByTestId('profile-saved').waitFor();

    await page.goto('/u/mia_e2e');
    assert.equal(await page.getByTestId('card-bio').textContent(), 'Makeup and noodles.');
    const link = page.getByTestId('card-section-links').locator('a');
    assert.equal(await link.getAttribute('href'), 'https://mia.example.com/blog');
    assert.match((await link.textContent()) ?? '', /Blog/);
    assert.equal(await page.getByTestId('card-edit').isVisible(), true, 'my own card offers editing, not following');
  });

  test('the followers list of a creator pages through people', async () => {
    const page = mia.page;
    await page.goto('/u/lina_beauty');
    await page.getByTestId('count-followers').click();
    await page.getByTestId('list-followers').waitFor();
    const rows = page.getByTestId('user-row');
    await eventually(async () => assert.equal(await rows.count(), 5));
    assert.equal(await rows.first().getAttribute('data-handle'), 'mia_e2e', 'newest first');
    await page.getByTestId('connections-tab-friends').click();
    await eventually(async () =>
      assert.deepEqual((await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-handle')))).sort(), ['chef_wang', 'mia_fan']),
    );
  });

  test('a long followers list loads more with the cursor', async () => {
    for (let i = 0; i < 21; i++) {
      const fan = await apiSignup(server.url, `fan_${String(i).padStart(2, '0')}`, `Fan ${i}`);
      await apiFollow(server.url, fan, 'mia_e2e');
    }
    const page = mia.page;
    await page.goto('/u/mia_e2e/followers');
    const rows = page.getByTestId('user-row');
    await eventually(async () => assert.equal(await rows.count(), 20));
    assert.equal(await rows.first().getAttribute('data-handle'), 'fan_20', 'newest first');
    await page.getByTestId('list-load-more').click();
    await eventually(async () => assert.equal(await rows.count(), 21));
    assert.equal(await rows.last().getAttribute('data-handle'), 'fan_00');
    assert.equal(await page.getByTestId('list-load-more').count(), 0, 'nothing more to load');
  });

  test('blocking and unblocking from the card', async () => {
    const page = mia.page;
    await page.goto('/u/tech_zhou');
    await page.getByTestId('card-block').click();
    await page.getByTestId('card-block-confirm').click();
    await page.getByTestId('card-blocking').waitFor();
    assert.equal(await page.getByTestId('card-blocking').textContent(), 'You blocked @tech_zhou.');
    assert.equal(await page.getByTestId('card-follow').count(), 0);
    await page.getByTestId('card-unblock').click();
    await page.getByTestId('card-follow').waitFor();
  });

  test('changing the password: a wrong current one is refused, the new one logs in', async () => {
    const page = mia.page;
    await page.goto('/me/password');
    await page.getByTestId('pw-current').fill('not my password');
    await page.getByTestId('pw-new').fill('a brand new secret');
    await page.getByTestId('pw-repeat').fill('a brand new secret');
    await page.getByTestId('password-submit').click();
    assert.equal(await page.getByTestId('password-error').textContent(), 'Your current password is wrong');

    await page.getByTestId('pw-current').fill(PASSWORD);
    await page.getByTestId('password-submit').click();
    await page.getByTestId('password-done').waitFor();

    await page.goto('/me');
    await page.getByTestId('logout').click();
    await page.getByTestId('foryou').waitFor();
    await page.getByTestId('tab-me').click();
    await page.getByTestId('login-form').waitFor();
    await logIn(page, 'mia_e2e', 'a brand new secret');
    await page.getByTestId('tab-me').click();
    assert.equal(await page.getByTestId('me-name').textContent(), 'Mia E2E');
  });

  test('nothing crashed in the page', () => {
    assert.deepEqual(mia.errors, []);
  });
});
