import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DESKTOP, MOBILE, launch, newPerson, type Person } from './support/browser.ts';
import { apiAs, eventually, signUp } from './support/people.ts';
import { startServer, type RunningServer } from './support/server.ts';

const SHOTS = process.env.E2E_SCREENSHOTS;

/**
 * The story: a fan follows a creator, joins the group from the card, reads the
 * announcement, sends a message that the creator sees live; the creator drops a coupon and two
 * fans race for the last one: exactly one gets it. Then two friends exchange a direct message.
 */
describe('fan groups and direct messages', () => {
  let server: RunningServer;
  let browser: Browser;
  let lina: Person;
  let mia: Person;
  let leo: Person;
  let groupId = '';

  before(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launch()]);
    lina = await newPerson(browser, server.url, { viewport: DESKTOP });
    mia = await newPerson(browser, server.url);
    leo = await newPerson(browser, server.url, { locale: 'zh-CN' });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('three people sign up', async () => {
    await signUp(lina.page, 'lina', 'Lina Beauty');
    await signUp(mia.page, 'mia', 'Mia Fan');
    await signUp(leo.page, 'leo', 'Leo Fan');
  });

  test('the creator opens a followers-only fan group and pins an announcement', async () => {
    const page = lina.page;
    await page.goto('/inbox?tab=chats');
    await page.getByTestId('conversations-empty').waitFor();
    await page.getByTestId('new-group').click();
    await page.getByTestId('new-group-submit').click();
    await page.getByTestId('group-name-problem').waitFor();
    await page.getByTestId('group-name-input').fill('Lina’s Glow Club');
    await page.getByTestId('group-description-input').fill('Tips, swatches and coupons.');
    await page.getByTestId('rule-followers').check();
    await page.getByTestId('new-group-submit').click();
    await page.getByTestId('group-page').waitFor();
    groupId = (await page.getByTestId('group-page').getAttribute('data-group')) ?? '';
    assert.match(groupId, /^[0-9a-f-]{36}$/);
    assert.equal(await page.getByTestId('group-name').textContent(), 'Lina’s Glow Club');

    await page.getByTestId('group-manage').click();
    await page.getByTestId('admin-announcement').fill('Welcome! New coupons every Friday.');
    await page.getByTestId('admin-announcement-save').click();
    await page.getByTestId('admin-saved').waitFor();
    await page.goto(`/g/${groupId}`);
    assert.equal(await page.getByTestId('group-announcement-text').textContent(), 'Welcome! New coupons every Friday.');
  });

  test('a fan follows, joins from the card and reads the announcement', async () => {
    const page = mia.page;
    await page.goto('/u/lina');
    const row = page.getByTestId('card-fan-group');
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Followers only/);
    // Not a follower yet: the card says what to do, with the follow right there instead of a join.
    assert.match((await row.getByTestId('join-blocked').textContent()) ?? '', /Follow Lina.* to join this group/);
    assert.equal(await row.getByTestId('card-group-join').count(), 0);

    await page.getByTestId('card-follow').click();
    await page.getByTestId('card-unfollow').waitFor();
    await page.getByTestId('card-group-join').click();
    await page.getByTestId('group-page').waitFor();
    assert.equal(await page.getByTestId('group-announcement-text').textContent(), 'Welcome! New coupons every Friday.');
    // The announcement also sits in the history, where it was posted.
    await page.getByTestId('chat-announcement-event').waitFor();
  });

  test('the fan writes and the creator sees it live, with the fan level badge', async () => {
    // Lina's chat is open and subscribed before Mia writes: what follows can only come by push.
    await eventually(async () => assert.ok(lina.wsFrames.some((f) => f.includes('"t":"subbed"') && f.includes(`group:${groupId}`))));
    await lina.page.evaluate(() => document.body.setAttribute('data-e2e-mark', 'same-page'));
    await eventually(async () => assert.ok(mia.wsFrames.some((f) => f.includes('"t":"subbed"') && f.includes(`group:${groupId}`))));

    const input = mia.page.getByTestId('composer-input');
    await input.fill('Hi Lina! Love the new palette ');
    await mia.page.getByTestId('composer-emoji').click();
    await mia.page.getByTestId('emoji').first().click();
    await mia.page.getByTestId('composer-send').click();
    const mine = mia.page.locator('[data-testid="chat-message"][data-mine="true"]').last();
    await eventually(async () => assert.equal(await mine.getAttribute('data-state'), 'sent'));
    assert.match((await mine.textContent()) ?? '', /Hi Lina! Love the new palette 😀/);
    assert.equal(await input.inputValue(), '');

    const seen = lina.page.locator('[data-testid="chat-message"][data-mine="false"]').last();
    await seen.waitFor();
    assert.match((await seen.textContent()) ?? '', /Hi Lina! Love the new palette 😀/);
    assert.equal(await seen.getByTestId('chat-sender').textContent(), 'Mia Fan');
    assert.equal(await seen.getByTestId('fan-badge').count(), 1, 'the fan level badge sits next to the name');
    assert.equal(await lina.page.evaluate(() => document.body.getAttribute('data-e2e-mark')), 'same-page', 'no reload');

    // The creator replies to that message; the fan sees the quote live.
    await seen.getByTestId('chat-more').click();
    await seen.getByTestId('chat-reply').click();
    await lina.page.getByTestId('composer-reply').waitFor();
    await lina.page.getByTestId('composer-input').fill('Thank you! Coupons soon.');
    await lina.page.getByTestId('composer-input').press('Enter');
    const reply = mia.page.locator('[data-testid="chat-message"][data-mine="false"]').last();
    await eventually(async () => assert.match((await reply.textContent()) ?? '', /Thank you! Coupons soon\./));
    assert.match((await reply.getByTestId('chat-quote').textContent()) ?? '', /You.*Hi Lina/);
    assert.equal(await reply.getByTestId('role-tag').getAttribute('data-role'), 'owner');
  });

  test('a second fan joins; the creator drops a coupon and the two race for the last one', async () => {
    await leo.page.goto('/u/lina');
    await leo.page.getByTestId('card-follow').click();
    await leo.page.getByTestId('card-unfollow').waitFor();
    await leo.page.getByTestId('card-group-join').click();
    await leo.page.getByTestId('group-page').waitFor();
    await eventually(async () => assert.ok(leo.wsFrames.some((f) => f.includes('"t":"subbed"') && f.includes(`group:${groupId}`))));
    // Mia sees Leo arrive.
    await eventually(async () =>
      assert.match((await mia.page.getByTestId('chat-member-event').last().textContent()) ?? '', /Leo Fan joined/),
    );

    // One coupon for the group, in Lina's shop.
    assert.equal((await apiAs(lina.page, 'PUT', '/api/v1/shop', { name: 'Lina Beauty Shop' })).status < 300, true);
    const now = Date.now();
    const coupon = await apiAs(lina.page, 'POST', '/api/v1/shop/coupons', {
      title: 'Glow Club ¥5 off',
      discount: { kind: 'amount', amountOff: 500 },
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      totalQuantity: 1,
      audience: { kind: 'group_members', groupId },
    });
    assert.equal(coupon.status, 201, JSON.stringify(coupon.body));

    await lina.page.getByTestId('composer-coupon').click();
    await lina.page.getByTestId('coupon-option').first().waitFor();
    assert.match((await lina.page.getByTestId('coupon-option').first().textContent()) ?? '', /Glow Club ¥5 off/);
    await lina.page.getByTestId('coupon-drop-it').first().click();
    await lina.page.getByTestId('coupon-sheet').waitFor({ state: 'detached' });
    await eventually(async () => assert.equal(await lina.page.getByTestId('coupon-card').last().getAttribute('data-state'), 'owner'));

    const miaCard = mia.page.getByTestId('coupon-card').last();
    const leoCard = leo.page.getByTestId('coupon-card').last();
    await eventually(async () => {
      assert.equal(await miaCard.getAttribute('data-state'), 'available');
      assert.equal(await leoCard.getAttribute('data-state'), 'available');
    });
    assert.match((await miaCard.textContent()) ?? '', /1 left/);

    await Promise.all([miaCard.getByTestId('coupon-claim').click(), leoCard.getByTestId('coupon-claim').click()]);
    const states = await eventually(async () => {
      const s = [await miaCard.getAttribute('data-state'), await leoCard.getAttribute('data-state')];
      assert.ok(
        s.every((x) => x === 'claimed' || x === 'gone'),
        `settled: ${s.join(',')}`,
      );
      return s;
    });
    assert.deepEqual([...states].sort(), ['claimed', 'gone'], 'exactly one of the two got it');
    const [winner, loser] = states[0] === 'claimed' ? [mia, leo] : [leo, mia];
    const winText = (await winner.page.getByTestId('coupon-status').last().textContent()) ?? '';
    const loseText = (await loser.page.getByTestId('coupon-status').last().textContent()) ?? '';
    assert.ok(/Claimed ✓|已领取 ✓/.test(winText), winText);
    assert.ok(/All gone|已抢光/.test(loseText), loseText);

    // The server agrees: one claim in total.
    const mine = await apiAs(winner.page, 'GET', '/api/v1/shop/me/coupons');
    assert.equal((mine.body as { items: unknown[] }).items.length, 1);
    const theirs = await apiAs(loser.page, 'GET', '/api/v1/shop/me/coupons');
    assert.equal((theirs.body as { items: unknown[] }).items.length, 0);
  });

  test('admin tools: the creator deletes a message and mutes a fan, who sees it at once', async () => {
    const theirs = lina.page.locator('[data-testid="chat-message"][data-from]', { hasText: 'Love the new palette' }).first();
    await theirs.getByTestId('chat-more').click();
    await theirs.getByTestId('chat-delete').click();
    await theirs.getByTestId('chat-delete-confirm').click();
    await eventually(async () => assert.equal(await mia.page.getByTestId('chat-deleted').count(), 1));
    assert.equal(await mia.page.locator('[data-testid="chat-message"]', { hasText: 'Love the new palette' }).count(), 0);

    await lina.page.getByTestId('group-manage').click();
    const row = lina.page.locator('[data-testid="admin-member"][data-handle="mia"]');
    await row.getByTestId('admin-member-actions').click();
    await row.getByTestId('admin-mute').click();
    await eventually(async () => assert.match((await row.textContent()) ?? '', /Muted until/));
    await mia.page.getByTestId('composer-readonly').waitFor();
    assert.match((await mia.page.getByTestId('composer-readonly').textContent()) ?? '', /You are muted until/);

    await row.getByTestId('admin-member-actions').click();
    await row.getByTestId('admin-unmute').click();
    await mia.page.getByTestId('composer-input').waitFor();
    await lina.page.goto(`/g/${groupId}`);
    await lina.page.getByTestId('chat-list').waitFor();
  });

  test('the group shows in Chats with its unread count', async () => {
    // Leo leaves the chat; Lina writes; Leo's list counts it.
    await leo.page.goto('/inbox?tab=chats');
    const row = leo.page.locator(`[data-testid="conversation"][data-group="${groupId}"]`);
    await row.waitFor();
    await lina.page.getByTestId('composer-input').fill('Congrats to the lucky one!');
    await lina.page.getByTestId('composer-send').click();
    await eventually(async () =>
      assert.equal(await lina.page.locator('[data-testid="chat-message"][data-mine="true"]').last().getAttribute('data-state'), 'sent'),
    );
    await leo.page.reload();
    await eventually(async () => assert.equal(await row.getByTestId('conversation-unread').textContent(), '1'));
    // Group messages count in the Chats badge, as DMs do.
    await eventually(async () => assert.equal(await leo.page.getByTestId('messages-tab-chats').textContent(), '聊天1'));
  });

  test('two friends exchange a direct message, delivered live', async () => {
    // Mia and Leo become friends.
    for (const [who, whom] of [
      [mia, 'leo'],
      [leo, 'mia'],
    ] as const) {
      const r = await apiAs(who.page, 'PUT', `/api/v1/users/${whom}/follow`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }

    await leo.page.goto('/dm/mia');
    await leo.page.getByTestId('dm-page').waitFor();
    assert.equal(await leo.page.getByTestId('dm-page').getAttribute('data-status'), 'open');
    await eventually(async () => assert.ok(leo.wsFrames.some((f) => f.includes('"t":"subbed"') && f.includes('"dm:'))));

    await mia.page.goto('/u/leo');
    await mia.page.getByTestId('card-message').click();
    await mia.page.getByTestId('dm-page').waitFor();
    assert.equal(await mia.page.getByTestId('dm-name').textContent(), 'Leo Fan');
    await mia.page.getByTestId('composer-input').fill('Did you get the coupon?');
    await mia.page.getByTestId('composer-send').click();
    await eventually(async () =>
      assert.equal(await mia.page.locator('[data-testid="chat-message"][data-mine="true"]').last().getAttribute('data-state'), 'sent'),
    );

    const got = leo.page.locator('[data-testid="chat-message"][data-mine="false"]').last();
    await got.waitFor();
    assert.match((await got.textContent()) ?? '', /Did you get the coupon\?/);
    await leo.page.getByTestId('composer-input').fill('哈哈 运气好');
    await leo.page.getByTestId('composer-input').press('Enter');
    await eventually(async () =>
      assert.match((await mia.page.locator('[data-testid="chat-message"][data-mine="false"]').last().textContent()) ?? '', /哈哈 运气好/),
    );
  });

  test('a message request from a non-friend shows the allowance; a block stops it with the server’s words', async () => {
    // Lina does not follow Leo back: his message to her is a request.
    await leo.page.goto('/dm/lina');
    await leo.page.getByTestId('dm-request-sent').waitFor();
    assert.equal(await leo.page.getByTestId('dm-request-sent').getAttribute('data-allowance'), '3');
    await leo.page.getByTestId('composer-input').fill('你好，请问有现货吗？');
    await leo.page.getByTestId('composer-send').click();
    await eventually(async () => assert.equal(await leo.page.getByTestId('dm-request-sent').getAttribute('data-allowance'), '2'));

    await lina.page.goto('/dm/leo');
    await lina.page.getByTestId('dm-request-received').waitFor();
    assert.match((await lina.page.locator('[data-testid="chat-message"]').last().textContent()) ?? '', /你好，请问有现货吗？/);

    // Mia blocks Leo; Leo's next message to her is refused, and he reads why.
    assert.equal((await apiAs(mia.page, 'PUT', '/api/v1/users/leo/block')).status, 200);
    await leo.page.goto('/dm/mia');
    await leo.page.getByTestId('composer-input').fill('still there?');
    await leo.page.getByTestId('composer-send').click();
    await leo.page.getByTestId('chat-failed').waitFor();
    await leo.page.getByTestId('dm-blocked').waitFor();
  });

  test('screens in both languages and sizes', { skip: !SHOTS }, async () => {
    const dir = SHOTS ?? '';
    await mkdir(dir, { recursive: true });
    for (const [who, name] of [
      [mia, 'mia'],
      [lina, 'lina'],
    ] as const) {
      for (const lang of ['en', 'zh-CN'] as const) {
        for (const [size, vp] of [
          ['mobile', MOBILE],
          ['desktop', DESKTOP],
        ] as const) {
          await who.page.setViewportSize(vp);
          await who.page.goto(`/g/${groupId}`);
          await who.page.getByTestId(`lang-${lang}`).click();
          await who.page.getByTestId('chat-list').waitFor();
          await who.page.waitForTimeout(400);
          await who.page.screenshot({ path: path.join(dir, `group-${name}-${lang}-${size}.png`) });
          await who.page.goto('/inbox?tab=chats');
          await who.page.getByTestId('conversation-list').waitFor();
          await who.page.screenshot({ path: path.join(dir, `chats-${name}-${lang}-${size}.png`) });
        }
      }
    }
    await lina.page.goto('/u/lina');
    await lina.page.getByTestId('card-fan-group').waitFor();
    await lina.page.screenshot({ path: path.join(dir, 'card-lina.png'), fullPage: true });
    await lina.page.goto(`/g/${groupId}/manage`);
    await lina.page.getByTestId('admin-member').first().waitFor();
    await lina.page.screenshot({ path: path.join(dir, 'manage-lina.png'), fullPage: true });
    await mia.page.goto('/dm/leo');
    await mia.page.getByTestId('chat-list').waitFor();
    await mia.page.screenshot({ path: path.join(dir, 'dm-mia.png') });
  });

  test('nothing crashed in any page', () => {
    assert.deepEqual(lina.errors, []);
    assert.deepEqual(mia.errors, []);
    assert.deepEqual(leo.errors, []);
  });
});
