import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launch, newPerson, type Person } from './support/browser.ts';
import { eventually, signUp } from './support/people.ts';
import { decodeQr } from './support/qr.ts';
import { startServer, type RunningServer } from './support/server.ts';

/**
 * The story: two people in two browsers sign up; A follows B; B sees the notification
 * appear without reloading; B follows back; both see each other under Friends; A opens B's card
 * and its QR code decodes to B's card URL; the language switch changes the UI text.
 */
describe('two people become friends', () => {
  let server: RunningServer;
  let browser: Browser;
  let alice: Person;
  let bob: Person;

  before(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launch()]);
    alice = await newPerson(browser, server.url);
    bob = await newPerson(browser, server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('both sign up', async () => {
    await signUp(alice.page, 'alice', 'Alice Liu');
    await signUp(bob.page, 'bob', 'Bob Chen');
    await alice.page.getByTestId('tab-me').click();
    assert.equal(await alice.page.getByTestId('me-name').textContent(), 'Alice Liu');
  });

  test('A follows B and B sees the notification arrive live', async () => {
    await bob.page.getByTestId('tab-inbox').click();
    await bob.page.getByTestId('inbox-page').waitFor();
    assert.equal(await bob.page.getByTestId('empty').textContent(), 'No notifications yet.');
    assert.equal(await bob.page.getByTestId('tab-inbox-badge').count(), 0);
    // Bob's socket is listening before Alice acts, so what follows can only arrive by push.
    await eventually(async () => assert.ok(bob.wsFrames.some((f) => f.includes('"t":"subbed"') && f.includes('"user:'))));
    // A mark in the page's memory survives only if the page is never reloaded.
    await bob.page.evaluate(() => document.body.setAttribute('data-e2e-mark', 'same-page'));

    await alice.page.goto('/u/bob');
    assert.equal(await alice.page.getByTestId('card-name').textContent(), 'Bob Chen');
    await alice.page.getByTestId('card-follow').click();
    await alice.page.getByTestId('card-unfollow').waitFor();
    assert.equal(await alice.page.getByTestId('card-unfollow').textContent(), 'Following');
    await eventually(async () => assert.equal(await alice.page.getByTestId('count-followers').locator('strong').textContent(), '1'));

    const item = bob.page.getByTestId('inbox-item').first();
    await item.waitFor();
    assert.match((await item.textContent()) ?? '', /Alice Liu followed you/);
    // On screen, it counts as seen: the badge clears by itself.
    await eventually(async () => assert.equal(await item.getAttribute('data-read'), 'true'));
    assert.equal(await bob.page.getByTestId('tab-inbox-badge').count(), 0);
    assert.ok(
      bob.wsFrames.some((f) => f.includes('"kind":"notification"') && f.includes('"kind":"followed"')),
      'the notification came over the WebSocket',
    );
    assert.equal(await bob.page.evaluate(() => document.body.getAttribute('data-e2e-mark')), 'same-page', 'no page load happened');
  });

  test('B follows back from the notification and both become friends', async () => {
    await bob.page.getByTestId('inbox-item').first().click();
    await bob.page.getByTestId('card-follows-you').waitFor();
    assert.equal(await bob.page.getByTestId('card-follow').textContent(), 'Follow back');
    await bob.page.getByTestId('card-follow').click();
    await bob.page.getByTestId('card-friends-badge').waitFor();
    assert.equal(await bob.page.getByTestId('card-unfollow').textContent(), 'Friends ✓');

    // Alice hears about it live as well.
    await eventually(async () => assert.equal(await alice.page.getByTestId('tab-inbox-badge').textContent(), '1'));
    await alice.page.getByTestId('tab-inbox').click();
    assert.match((await alice.page.getByTestId('inbox-item').first().textContent()) ?? '', /Bob Chen is now your friend/);
    // Opening the list is seeing it: the count clears without "mark all read".
    await eventually(async () => assert.equal(await alice.page.getByTestId('tab-inbox-badge').count(), 0));
    await eventually(async () => assert.equal(await alice.page.getByTestId('inbox-unread').textContent(), 'All caught up'));
  });

  test('both see each other under Friends', async () => {
    for (const [me, other, name] of [
      [alice, 'bob', 'Bob Chen'],
      [bob, 'alice', 'Alice Liu'],
    ] as const) {
      await me.page.getByTestId('tab-friends').click();
      await me.page.getByTestId('friends-page').waitFor();
      const rows = me.page.getByTestId('user-row');
      await rows.first().waitFor();
      assert.equal(await rows.count(), 1);
      assert.equal(await rows.first().getAttribute('data-handle'), other);
      assert.match((await rows.first().textContent()) ?? '', new RegExp(name));
    }
  });

  test("A opens B's card and its QR code decodes to B's card URL", async () => {
    await alice.page.goto('/u/bob');
    const qr = alice.page.getByTestId('card-qr');
    await qr.waitFor();
    assert.equal(await alice.page.getByTestId('count-friends').locator('strong').textContent(), '1');
    assert.equal(await decodeQr(qr), `${server.url}/u/bob`);
    assert.equal(await alice.page.getByTestId('card-url').textContent(), `${server.url}/u/bob`);

    const download = alice.page.waitForEvent('download');
    await alice.page.getByTestId('card-save-image').click();
    assert.equal((await download).suggestedFilename(), 'tremolo-bob.png');
  });

  test('the language switch changes the UI text and is remembered', async () => {
    const page = alice.page;
    const tabFriends = page.getByTestId('tab-friends');
    assert.equal(await tabFriends.textContent(), 'Friends');
    await page.getByTestId('lang-zh-CN').click();
    // The other language's strings load on the switch: the text changes once they are here.
    await eventually(async () => assert.equal(await tabFriends.textContent(), '朋友'));
    assert.equal(await page.getByTestId('tab-foryou').textContent(), '推荐');
    assert.equal(await page.getByTestId('card-unfollow').textContent(), '互相关注 ✓');
    assert.match((await page.getByTestId('count-followers').textContent()) ?? '', /粉丝/);
    assert.equal(await page.getByTestId('card-save-image').textContent(), '保存名片图片');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');

    await page.reload();
    await page.getByTestId('card').waitFor();
    assert.equal(await tabFriends.textContent(), '朋友', 'the choice survives a reload');

    await page.getByTestId('lang-en').click();
    await eventually(async () => assert.equal(await tabFriends.textContent(), 'Friends'));
  });

  test('nothing crashed in either page', () => {
    assert.deepEqual(alice.errors, []);
    assert.deepEqual(bob.errors, []);
  });
});
