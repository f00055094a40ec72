import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launch, MOBILE, newPerson, type Person } from './support/browser.ts';
import { apiAs, eventually, signUp } from './support/people.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { screenshots } from './support/shots.ts';
import { makeVideo, uploadVideo } from './support/video.ts';

const shot = screenshots('moderation', { fullPage: true });

/**
 * The stories: a fan's group message with a word on the creator's filter is held, not
 * delivered, and the creator releases it; a report on a video reaches a moderator, who removes it.
 */
describe('moderation', () => {
  let server: RunningServer;
  let browser: Browser;
  let lina: Person;
  let mia: Person;
  let mod: Person;
  let groupId = '';

  before(async () => {
    process.env.ADMIN_HANDLES = 'e2e_mod,e2e_mod_zh';
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launch()]);
    delete process.env.ADMIN_HANDLES;
    lina = await newPerson(browser, server.url, { viewport: MOBILE });
    mia = await newPerson(browser, server.url, { locale: 'zh-CN', viewport: MOBILE });
    mod = await newPerson(browser, server.url, { viewport: MOBILE });
    await signUp(lina.page, 'e2e_lina', 'Lina');
    await signUp(mia.page, 'e2e_mia', 'Mia Fan');
    await signUp(mod.page, 'e2e_mod', 'Mod');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the creator holds a word; a fan’s message with it is held, and the creator releases it', async () => {
    const { page } = lina;
    await page.goto('/me');
    await page.getByTestId('me-safety').click();
    await page.getByTestId('safety-page').waitFor();
    await page.getByTestId('word-input').fill('spoiler');
    await page.getByTestId('word-action').selectOption('hold');
    await page.getByTestId('word-add').click();
    await page.getByTestId('word').filter({ hasText: 'spoiler' }).waitFor();

    const g = await apiAs(page, 'POST', '/api/v1/groups', { name: 'Lina fans', joinRule: 'anyone' });
    assert.equal(g.status, 201, JSON.stringify(g.body));
    groupId = (g.body as { id: string }).id;
    assert.equal((await apiAs(mia.page, 'POST', `/api/v1/groups/${groupId}/join`, {})).status, 200);

    await mia.page.goto(`/g/${groupId}`);
    const input = mia.page.getByTestId('composer-input');
    await input.fill('No SP0 ILER please');
    await mia.page.getByTestId('composer-send').click();
    // Not delivered: the fan is told it waits for review (in Chinese), not that it failed.
    const held = mia.page.getByTestId('chat-held').last();
    await held.waitFor();
    assert.match((await held.textContent()) ?? '', /审核中/);
    assert.equal(await mia.page.getByTestId('chat-failed').count(), 0);
    await shot(mia.page, 'held-message-zh');

    await page.reload();
    const queued = page.getByTestId('held-item').filter({ hasText: 'No SP0 ILER please' });
    await queued.waitFor();
    await shot(page, 'safety-held-en');
    await page.goto(`/g/${groupId}`);
    assert.equal(await page.locator('[data-testid="chat-message"]', { hasText: 'No SP0 ILER please' }).count(), 0, 'not delivered');
    await page.goto('/me/safety');
    await page.getByTestId('held-item').filter({ hasText: 'No SP0 ILER please' }).getByTestId('held-release').click();
    await page.getByTestId('held-empty').waitFor();
    await page.goto(`/g/${groupId}`);
    await page.locator('[data-testid="chat-message"]', { hasText: 'No SP0 ILER please' }).waitFor();
    // The fan, still in the chat, sees it delivered where the held line was.
    await mia.page.locator('[data-testid="chat-message"][data-state="sent"]', { hasText: 'No SP0 ILER please' }).waitFor();
    assert.equal(await mia.page.getByTestId('chat-held').count(), 0, 'the held line is gone');
    await mia.page.goto('/me/safety');
    await mia.page.getByTestId('safety-page').waitFor();
    await shot(mia.page, 'safety-zh');
  });

  test('a fan reports a video; a moderator sees it in the queue and removes it', async () => {
    const videoId = await uploadVideo(lina.context.request, await makeVideo({ seconds: 1 }), 'watch this');
    const { page } = mia;
    await page.goto(`/v/${videoId}`);
    await page.getByTestId('video-more').first().click();
    await page.getByTestId('video-report').first().click();
    await page.getByTestId('report-sheet').waitFor();
    await page.getByTestId('report-reason-spam').check();
    await page.getByTestId('report-details').fill('刷屏广告');
    await shot(page, 'report-sheet-zh');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-sent').waitFor();

    await mod.page.goto('/moderation/queue');
    await mod.page.getByTestId('mod-surface').selectOption('video');
    const item = mod.page.locator('[data-testid="mod-report"][data-surface="video"]', { hasText: 'watch this' });
    await item.waitFor();
    assert.match((await item.textContent()) ?? '', /刷屏广告/);
    await shot(mod.page, 'queue-en');
    await item.getByTestId('mod-note').fill('Spam');
    await item.getByTestId('mod-act-remove').click();
    await eventually(async () => assert.equal((await apiAs(mia.page, 'GET', `/api/v1/videos/${videoId}`)).status, 404));
    await mod.page.getByTestId('mod-tab-audit').click();
    await mod.page.getByTestId('mod-audit-entry').filter({ hasText: 'remove' }).first().waitFor();
    await shot(mod.page, 'audit-en');

    // The creator sees the notice and appeals; the Chinese queue shows the appeal to another moderator.
    await lina.page.goto('/me/safety');
    const notice = lina.page.getByTestId('safety-notice').first();
    await notice.getByTestId('safety-appeal').click();
    await notice.getByTestId('safety-appeal-text').fill('It was a tutorial, not spam.');
    await notice.getByTestId('safety-appeal-send').click();
    await notice.getByTestId('safety-appeal-status').waitFor();
    await shot(lina.page, 'notice-appeal-en');
    const zh = await newPerson(browser, server.url, { locale: 'zh-CN', viewport: MOBILE });
    await signUp(zh.page, 'e2e_mod_zh', '审核员');
    await zh.page.goto('/moderation/queue');
    await zh.page.getByTestId('mod-tab-appeals').click();
    await zh.page.getByTestId('mod-appeal').first().waitFor();
    await shot(zh.page, 'appeals-zh');
    await zh.page.getByTestId('mod-tab-reports').click();
    await zh.page.getByTestId('mod-status').selectOption('actioned');
    await zh.page.getByTestId('mod-report').first().waitFor();
    await shot(zh.page, 'queue-zh');

    // The second moderator overturns the removal: the video is back where it was, for the fan too.
    await zh.page.getByTestId('mod-tab-appeals').click();
    const appeal = zh.page.getByTestId('mod-appeal').filter({ hasText: 'It was a tutorial' });
    await appeal.getByTestId('mod-appeal-overturn').click();
    await appeal.getByTestId('mod-appeal-overturn').waitFor({ state: 'detached' });
    await page.goto(`/v/${videoId}`);
    await page.getByTestId('video-more').first().waitFor();
    await lina.page.goto('/inbox');
    await lina.page.getByText('Your appeal was accepted').first().waitFor();
    for (const p of [lina, mia, mod, zh]) assert.deepEqual(p.errors, []);
  });

  test('one line of a room’s chat is reported and the moderator removes it for everyone live', async () => {
    const room = await apiAs(lina.page, 'POST', '/api/v1/rooms', { title: 'Lina live' });
    assert.equal(room.status, 201, JSON.stringify(room.body));
    const roomId = (room.body as { id: string }).id;
    const ana = await newPerson(browser, server.url, { viewport: MOBILE });
    await signUp(ana.page, 'e2e_ana', 'Ana');
    await ana.page.goto(`/r/${roomId}`);
    await mia.page.goto(`/r/${roomId}`);
    await ana.page.getByTestId('room-chat-input').fill('hello everyone');
    await ana.page.getByTestId('room-chat-send').click();
    await mia.page.getByTestId('room-chat-input').fill('买粉丝加我');
    await mia.page.getByTestId('room-chat-send').click();
    // Someone else's line has a menu with “report”; one's own has none.
    const theirs = mia.page.getByTestId('room-chat-line').filter({ hasText: 'hello everyone' });
    await theirs.getByTestId('room-chat-more').click();
    await theirs.getByTestId('room-chat-report').waitFor();
    assert.equal(await mia.page.getByTestId('room-chat-line').filter({ hasText: '买粉丝加我' }).getByTestId('room-chat-more').count(), 0);
    await shot(mia.page, 'room-line-menu-zh');

    const line = ana.page.getByTestId('room-chat-line').filter({ hasText: '买粉丝加我' });
    await line.getByTestId('room-chat-more').click();
    await line.getByTestId('room-chat-report').click();
    await ana.page.getByTestId('report-reason-spam').check();
    await shot(ana.page, 'room-line-report-en');
    await ana.page.getByTestId('report-submit').click();
    await ana.page.getByTestId('report-sent').waitFor();
    await ana.page.getByTestId('report-close').click();

    await mod.page.goto('/moderation/queue');
    await mod.page.getByTestId('mod-surface').selectOption('room');
    const item = mod.page.locator('[data-testid="mod-report"][data-surface="room"]', { hasText: '买粉丝加我' });
    await item.waitFor();
    assert.match((await item.textContent()) ?? '', /hello everyone/, 'the lines around it are copied');
    await shot(mod.page, 'queue-room-line-en');
    await item.getByTestId('mod-note').fill('Spam');
    await item.getByTestId('mod-act-remove').click();
    // Gone live for both, the reporter and its author; the rest of the chat stays.
    await line.waitFor({ state: 'detached' });
    await mia.page.getByTestId('room-chat-line').filter({ hasText: '买粉丝加我' }).waitFor({ state: 'detached' });
    await ana.page.getByTestId('room-chat-line').filter({ hasText: 'hello everyone' }).waitFor();
    assert.equal(await ana.page.getByText('买粉丝加我').count(), 0, 'nor flying over the stage');
    await shot(ana.page, 'room-line-removed-en');
    for (const p of [lina, mia, mod, ana]) assert.deepEqual(p.errors, []);
  });
});
