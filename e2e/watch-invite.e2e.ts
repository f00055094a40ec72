import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DESKTOP, launch, MOBILE, newPerson, type Person } from './support/browser.ts';
import { eventually, follow, signUp } from './support/people.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { makeVideo, uploadVideo } from './support/video.ts';
import { screenshots } from './support/shots.ts';

const shot = screenshots('watch-invite');

/**
 * The newcomer's story: Watch together is found where people look. A taps it on a video in
 * the feed, invites a friend from the party; the friend, whose app is in Chinese, finds the
 * invitation as a card in their DMs, taps it, and both watch the same video in the party.
 */
describe('watch together, found and shared', () => {
  let server: RunningServer;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let videoId = '';
  let partyId = '';

  before(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launch()]);
    alice = await newPerson(browser, server.url);
    bob = await newPerson(browser, server.url, { locale: 'zh-CN' });
    await signUp(alice.page, 'wi_alice', 'Alice');
    await signUp(bob.page, 'wi_bob', 'Bob 小波');
    await follow(alice, 'wi_bob');
    await follow(bob, 'wi_alice');
    videoId = await uploadVideo(bob.context.request, await makeVideo({ seconds: 30 }), 'Sunset by the sea');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('A taps Watch together on a video in the feed and lands in a party she hosts', async () => {
    const page = alice.page;
    await page.getByTestId('tab-friends').click();
    const slide = page.locator(`[data-testid="video-slide"][data-video-id="${videoId}"]`);
    await slide.waitFor({ timeout: 15_000 });
    const button = slide.getByTestId('video-watch-together');
    assert.equal(await button.getAttribute('aria-label'), 'Watch together');
    await shot(page, 'feed-en-phone');
    await button.click();
    await page.getByTestId('watch-page').waitFor({ timeout: 15_000 });
    partyId = (await page.getByTestId('watch-page').getAttribute('data-party')) ?? '';
    assert.match(partyId, /^[0-9a-f-]{36}$/);
    assert.equal(await page.getByTestId('watch-member').first().getAttribute('data-role'), 'host');
  });

  test('A invites her friend from the party', async () => {
    const page = alice.page;
    await page.getByTestId('watch-invite').click();
    const row = page.locator('[data-testid="watch-invite-friend"][data-handle="wi_bob"]');
    await row.waitFor();
    await row.getByTestId('watch-invite-send').click();
    await eventually(async () => assert.equal(await row.getByTestId('watch-invite-send').textContent(), 'Invited'));
    await shot(page, 'party-invite-en-phone');
    await page.setViewportSize(DESKTOP);
    await shot(page, 'party-invite-en-desktop');
    await page.setViewportSize(MOBILE);
    await page.getByTestId('watch-invite-close').click();
  });

  test('the friend sees the invitation as a card in Chinese, taps it, and both watch the same video', async () => {
    const page = bob.page;
    await page.goto('/dm/wi_alice');
    const card = page.locator(`[data-testid="watch-invite-card"][data-party="${partyId}"]`);
    await card.waitFor({ timeout: 15_000 });
    assert.match((await card.textContent()) ?? '', /Alice 邀你一起看/);
    assert.match((await card.textContent()) ?? '', /Sunset by the sea/);
    assert.equal(await card.getByTestId('watch-invite-join').textContent(), '加入');
    await shot(page, 'dm-card-zh-phone');
    await card.getByTestId('watch-invite-join').click();
    await page.getByTestId('watch-page').waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('watch-page').getAttribute('data-party'), partyId);
    await eventually(async () => assert.equal(await alice.page.getByTestId('watch-member').count(), 2));
    // The same video on both screens, and it plays for both.
    for (const p of [alice.page, page]) {
      assert.equal(await p.getByTestId('watch-page').getAttribute('data-video'), videoId);
      // On a loaded machine Chromium can take seconds to decode its first frames; what the
      // player saw is in the message when it never plays.
      await eventually(async () => {
        const seen = await p
          .locator('video')
          .first()
          .evaluate((v: HTMLVideoElement) => ({
            currentTime: v.currentTime,
            paused: v.paused,
            muted: v.muted,
            readyState: v.readyState,
            networkState: v.networkState,
            error: v.error?.message ?? null,
            party: (window as { __watch?: { current: unknown } }).__watch?.current ?? null,
          }));
        assert.ok(seen.currentTime > 0.3, `${p === page ? 'Bob' : 'Alice'}'s video: ${JSON.stringify(seen)}`);
      }, 30_000);
    }
    await shot(page, 'party-zh-phone');
    // Everyone Bob could invite is already in: the sheet says so.
    await page.getByTestId('watch-invite').click();
    await page.getByText('你的好友都已经在这里了。').waitFor();
    await shot(page, 'party-invite-zh-phone');
    await page.getByTestId('watch-invite-close').click();
  });

  test('the friends list and a friend’s card offer Watch together: the DM + sheet starts a party and invites', async () => {
    const page = bob.page;
    await page.goto(`/v/${videoId}`);
    assert.equal(await page.getByTestId('video-watch-together').getAttribute('aria-label'), '一起看');
    await shot(page, 'video-zh-phone');
    await alice.page.goto('/friends?view=list');
    await alice.page.getByTestId('friend-watch-together').waitFor();
    await shot(alice.page, 'friends-en-phone');

    await page.goto('/friends?view=list');
    const row = page.locator('li', { has: page.locator('[data-testid="user-row"][data-handle="wi_alice"]') });
    await row.getByTestId('friend-watch-together').waitFor();
    assert.match((await row.getByTestId('friend-watch-together').textContent()) ?? '', /一起看/);
    await shot(page, 'friends-zh-phone');

    await page.goto('/u/wi_alice');
    await page.getByTestId('card-watch-together').waitFor();
    await shot(page, 'card-zh-phone');
    await page.getByTestId('card-watch-together').click();
    const sheet = page.locator('[data-testid="share-sheet"][data-mode="watch"]');
    await sheet.waitFor();
    await sheet.getByTestId('watch-pick-video').first().waitFor();
    await shot(page, 'dm-sheet-zh-phone');

    await alice.page.goto('/u/wi_bob');
    await alice.page.getByTestId('card-watch-together').waitFor();
    await shot(alice.page, 'card-en-phone');
    await alice.page.goto('/dm/wi_bob?watch=1');
    await alice.page.locator('[data-testid="share-sheet"][data-mode="watch"]').getByTestId('watch-pick-video').first().waitFor();
    await shot(alice.page, 'dm-sheet-en-phone');
    await alice.page.getByTestId('share-close').click();

    // Bob picks the video in his sheet: a new party starts, he lands in it, and Alice's chat shows his invitation.
    await sheet.getByTestId('watch-pick-video').first().click();
    await page.getByTestId('watch-page').waitFor({ timeout: 15_000 });
    const second = (await page.getByTestId('watch-page').getAttribute('data-party')) ?? '';
    assert.notEqual(second, partyId);
    assert.equal(await page.getByTestId('watch-page').getAttribute('data-video'), videoId);
    const card = alice.page.locator(`[data-testid="watch-invite-card"][data-party="${second}"]`);
    await card.waitFor({ timeout: 15_000 });
    assert.match((await card.textContent()) ?? '', /Bob 小波 invites you to watch together/);
    await shot(alice.page, 'dm-card-en-phone');
  });

  test('no page error on either side', () => {
    assert.deepEqual(alice.errors, []);
    assert.deepEqual(bob.errors, []);
  });
});
