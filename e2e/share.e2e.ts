import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DESKTOP, launch, MOBILE, newPerson, type Person } from './support/browser.ts';
import { eventually, follow, signUp } from './support/people.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { makeVideo, uploadVideo } from './support/video.ts';
import { screenshots } from './support/shots.ts';

const shot = screenshots('share');

/**
 * Sharing beyond "copy link": A sends a video to her friend from the share sheet; the friend,
 * whose app is in Chinese, finds it as a card in their DMs and plays it there; A saves the
 * video's card image; and the link, fetched as a crawler would, carries its title and poster.
 */
describe('share a video with a friend', () => {
  let server: RunningServer;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let videoId = '';

  before(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launch()]);
    alice = await newPerson(browser, server.url);
    bob = await newPerson(browser, server.url, { locale: 'zh-CN' });
    await signUp(alice.page, 'sh_alice', 'Alice');
    await signUp(bob.page, 'sh_bob', 'Bob 小波');
    await follow(alice, 'sh_bob');
    await follow(bob, 'sh_alice');
    videoId = await uploadVideo(alice.context.request, await makeVideo({ seconds: 4 }), 'Dumplings by hand');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('A opens the share sheet on her video, picks Bob and sends it', async () => {
    const page = alice.page;
    await page.goto(`/v/${videoId}`);
    const slide = page.locator(`[data-testid="video-slide"][data-video-id="${videoId}"]`);
    await slide.waitFor({ timeout: 20_000 });
    await slide.getByTestId('video-share').click();
    const sheet = page.getByTestId('share-to-sheet');
    await sheet.waitFor();
    assert.equal(await sheet.getAttribute('data-type'), 'video');
    const friend = sheet.locator('[data-testid="share-to-friend"][data-handle="sh_bob"]');
    await friend.click();
    assert.equal(await friend.getAttribute('aria-pressed'), 'true');
    await sheet.getByTestId('share-to-note').fill('Try these!');
    assert.equal(await sheet.getByTestId('share-to-send').textContent(), 'Send to 1');
    await shot(page, 'sheet-en-phone');
    await sheet.getByTestId('share-to-send').click();
    await eventually(async () => assert.equal(await sheet.getByTestId('share-to-sent').textContent(), 'Sent to 1'));
    await page.setViewportSize(DESKTOP);
    await shot(page, 'sheet-en-desktop');
    await page.setViewportSize(MOBILE);
  });

  test('A saves the card image: a PNG download', async () => {
    const page = alice.page;
    const sheet = page.getByTestId('share-to-sheet');
    const [download] = await Promise.all([page.waitForEvent('download'), sheet.getByTestId('share-to-image').click()]);
    assert.match(download.suggestedFilename(), /^tremolo-video-[0-9a-f]{8}\.png$/);
    const file = await download.path();
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(file);
    assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG');
    assert.equal(await sheet.getByTestId('share-to-notice').textContent(), 'Card image saved');
    await sheet.getByTestId('share-to-close').click();
    await sheet.waitFor({ state: 'detached' });
  });

  test('Bob sees the card in his DM with A, and plays the video there', async () => {
    const page = bob.page;
    await page.goto('/dm/sh_alice');
    const card = page.locator('[data-testid="share-card"][data-type="video"]');
    await card.waitFor({ timeout: 15_000 });
    assert.match((await card.textContent()) ?? '', /视频 · @sh_alice/);
    assert.match((await card.textContent()) ?? '', /Try these!/);
    await shot(page, 'dm-card-zh-phone');
    await card.getByTestId('share-video-open').click();
    const player = card.getByTestId('share-video-player');
    await player.waitFor();
    assert.match((await player.getAttribute('src')) ?? '', new RegExp(`/api/v1/videos/${videoId}/stream`));
    await page.setViewportSize(DESKTOP);
    await shot(page, 'dm-card-zh-desktop');
    await page.setViewportSize(MOBILE);
  });

  test('Bob shares A’s card from her profile; A gets it as a card and opens it', async () => {
    const page = bob.page;
    await page.goto('/u/sh_alice');
    await page.getByTestId('card-share').click();
    const sheet = page.getByTestId('share-to-sheet');
    assert.equal(await sheet.getAttribute('data-type'), 'card');
    await sheet.locator('[data-testid="share-to-friend"][data-handle="sh_alice"]').click();
    await sheet.getByTestId('share-to-send').click();
    await eventually(async () => assert.equal(await sheet.getByTestId('share-to-sent').textContent(), '已发给 1 人'));
    await shot(page, 'card-sheet-zh-phone');
    await alice.page.goto('/dm/sh_bob');
    const card = alice.page.locator('[data-testid="share-card"][data-type="card"]');
    await card.waitFor({ timeout: 15_000 });
    await card.getByTestId('share-person').click();
    await alice.page.getByTestId('card-name').waitFor();
    assert.equal(await alice.page.getByTestId('card-handle').textContent(), '@sh_alice');
  });

  test('a crawler fetching the video link gets its title and poster', async () => {
    const res = await fetch(`${server.url}/v/${videoId}`, { headers: { 'user-agent': 'Twitterbot/1.0' } });
    assert.equal(res.status, 200);
    const html = await res.text();
    const meta = (key: string) => new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)"`).exec(html)?.[1] ?? null;
    assert.equal(meta('og:title'), 'Dumplings by hand');
    assert.equal(meta('og:image'), `${server.url}/api/v1/videos/${videoId}/poster`);
    assert.equal(meta('twitter:card'), 'summary_large_image');
    const poster = await fetch(meta('og:image')!);
    assert.equal(poster.status, 200);
    assert.match(poster.headers.get('content-type') ?? '', /image\//);
  });
});
