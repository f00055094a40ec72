import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { apiFollow, apiSignup, type ApiPerson } from './support/api.ts';
import { CHROMIUM, CHROMIUM_ARGS, DESKTOP, MEDIA_ARGS, MOBILE, type Person } from './support/browser.ts';
import { eventually } from './support/people.ts';
import { apiCall, signedInAs } from './support/room.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { screenshots } from './support/shots.ts';

const shot = screenshots('unread');

interface Someone {
  api: ApiPerson;
  id: string;
}

async function signup(server: RunningServer, handle: string, name: string): Promise<Someone> {
  const api = await apiSignup(server.url, handle, name);
  const me = (await apiCall(server.url, api, 'GET', '/api/v1/me')) as { id: string };
  return { api, id: me.id };
}

/** Mia's page publishes straight on the DM channel, as the share sheet does. */
async function shareProduct(page: Page, channel: string, text: string): Promise<void> {
  await page.evaluate(
    ({ channel, text }) =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/ws?v=1`);
        ws.onmessage = (m) => {
          const f = JSON.parse(String(m.data)) as { t: string; cid?: string };
          if (f.t === 'hello') {
            const target = { type: 'product', id: '00000000-0000-7000-8000-000000000001' };
            ws.send(JSON.stringify({ t: 'pub', ch: channel, cid: 'share-1', body: { kind: 'share', target, text } }));
          } else if (f.t === 'ack' && f.cid === 'share-1') {
            ws.close();
            resolve();
          } else if (f.t === 'err') reject(new Error(String(m.data)));
        };
      }),
    { channel, text },
  );
}

/**
 * Counts that add up: Mia writes to her friend Leo, who has the app open in two tabs (Chinese, on
 * his phone). The DM counts once, in the chats badge, on both tabs; its preview is worded, never a
 * raw label; reading it on one tab clears the badge on the other, and Mia sees "Seen" at once.
 * Then a host invites Leo and Mia on stage while they are elsewhere in the app: the prompt finds
 * them there, and accepting lands Leo on the stage.
 */
describe('unread counts, read receipts and the stage invitation prompt', () => {
  let server: RunningServer;
  let browser: Browser;
  let mia: Someone;
  let leo: Someone;
  let host: Someone;
  let miaP: Person;
  let leoP: Person;
  let leoTab2: Page;
  let channel = '';

  before(async () => {
    server = await startServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...MEDIA_ARGS] });
    mia = await signup(server, 'mia', 'Mia');
    leo = await signup(server, 'leo', 'Leo');
    host = await signup(server, 'hana', 'Hana');
    for (const [a, b] of [
      [mia, 'leo'],
      [leo, 'mia'],
      [host, 'leo'],
      [leo, 'hana'],
      [host, 'mia'],
      [mia, 'hana'],
    ] as const)
      await apiFollow(server.url, a.api, b);
    // The follows are read: from here on every count is a DM's.
    for (const p of [mia, leo]) await apiCall(server.url, p.api, 'POST', '/api/v1/notifications/read', {});
    channel = ((await apiCall(server.url, mia.api, 'GET', '/api/v1/dms/leo')) as { channel: string }).channel;
    miaP = await signedInAs(browser, server.url, mia.api, { viewport: DESKTOP });
    leoP = await signedInAs(browser, server.url, leo.api, { locale: 'zh-CN', viewport: MOBILE });
    leoTab2 = await leoP.context.newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a DM counts once, in the chats badge, on both of Leo’s tabs, with a worded preview', async () => {
    await leoP.page.goto('/inbox?tab=chats');
    await leoP.page.getByTestId('conversations').waitFor();
    await leoTab2.goto('/');
    await leoTab2.getByTestId('tabbar').waitFor();

    await miaP.page.goto('/dm/leo');
    await miaP.page.getByTestId('composer-input').fill('Hi Leo! Are you coming tonight?');
    await miaP.page.getByTestId('composer-send').click();
    await eventually(async () =>
      assert.equal(await miaP.page.locator('[data-testid="chat-message"][data-mine="true"]').last().getAttribute('data-state'), 'sent'),
    );
    await shareProduct(miaP.page, channel, 'this one');

    for (const page of [leoP.page, leoTab2])
      await eventually(async () => assert.equal(await page.getByTestId('tab-inbox-badge').textContent(), '2'));
    const row = leoP.page.locator('[data-testid="conversation"][data-handle="mia"]');
    await eventually(async () => assert.equal(await row.getAttribute('data-unread'), '2'));
    assert.equal(await row.getByTestId('conversation-preview').textContent(), '[商品] this one');
    assert.equal(await leoP.page.getByTestId('messages-chats-count').textContent(), '2');
    assert.equal(await leoP.page.getByTestId('messages-notifications-count').count(), 0, 'not counted again as a notification');
    await shot(leoP.page, 'chats-zh-phone');

    // Nothing blank and no raw label among the notifications either.
    await leoP.page.getByTestId('messages-tab-notifications').click();
    await leoP.page.getByTestId('inbox-page').waitFor();
    await eventually(async () => assert.ok((await leoP.page.getByTestId('inbox-item').count()) > 0));
    for (const text of await leoP.page.getByTestId('inbox-item').allTextContents()) {
      assert.doesNotMatch(text, /\[(product|video|watch|image)\]|：\s*\d/, text);
    }
    assert.equal(await leoP.page.locator('[data-testid="inbox-item"][data-kind="dm"]').count(), 0);
    assert.equal(await leoTab2.getByTestId('tab-inbox-badge').textContent(), '2');
  });

  test('reading on one tab clears the badge on the other, and Mia sees "Seen" live', async () => {
    assert.equal(await miaP.page.getByTestId('chat-seen').count(), 0);
    assert.ok((await miaP.page.getByTestId('chat-sent').count()) > 0);
    await leoP.page.goto('/inbox?tab=chats');
    await leoP.page.locator('[data-testid="conversation"][data-handle="mia"]').click();
    await leoP.page.getByTestId('dm-page').waitFor();
    await eventually(async () => assert.equal(await leoTab2.getByTestId('tab-inbox-badge').count(), 0));
    assert.equal(await leoP.page.getByTestId('tab-inbox-badge').count(), 0);

    await eventually(async () => assert.equal(await miaP.page.getByTestId('chat-seen').count(), 1));
    const seenOn = miaP.page.locator('[data-testid="chat-message"]').filter({ has: miaP.page.getByTestId('chat-seen') });
    assert.match((await seenOn.textContent()) ?? '', /this one/, 'under my latest message');
    assert.match((await miaP.page.getByTestId('chat-seen').textContent()) ?? '', /Seen/);
    await shot(miaP.page, 'dm-seen-en-desktop');
    await shot(leoP.page, 'dm-read-zh-phone');

    // A reply while Leo reads: his count stays at zero (it is read as it arrives).
    await miaP.page.getByTestId('composer-input').fill('See you!');
    await miaP.page.getByTestId('composer-send').click();
    await leoP.page.locator('[data-testid="chat-message"]').filter({ hasText: 'See you!' }).waitFor();
    await eventually(async () => assert.equal(await miaP.page.getByTestId('chat-seen').count(), 1));
    assert.match(
      (await miaP.page
        .locator('[data-testid="chat-message"]')
        .filter({ has: miaP.page.getByTestId('chat-seen') })
        .textContent()) ?? '',
      /See you!/,
    );
    assert.equal(await leoTab2.getByTestId('tab-inbox-badge').count(), 0);
  });

  test('a stage invitation finds Leo on the feed; accepting puts him on stage', async () => {
    const room = (await apiCall(server.url, host.api, 'POST', '/api/v1/rooms', { title: 'Friday songs' })) as { id: string };
    await apiCall(server.url, host.api, 'POST', `/api/v1/rooms/${room.id}/join`);
    await leoP.page.goto('/');
    await leoP.page.getByTestId('tabbar').waitFor();
    await miaP.page.goto('/me');
    await miaP.page.getByTestId('tabbar').waitFor();
    await apiCall(server.url, host.api, 'POST', `/api/v1/rooms/${room.id}/invites`, { userId: leo.id });
    await apiCall(server.url, host.api, 'POST', `/api/v1/rooms/${room.id}/invites`, { userId: mia.id });

    const prompt = leoP.page.getByTestId('stage-invite-prompt');
    await prompt.waitFor();
    assert.match((await prompt.textContent()) ?? '', /Hana 邀请你在“Friday songs”上麦/);
    await shot(leoP.page, 'stage-prompt-zh-phone');
    const miaPrompt = miaP.page.getByTestId('stage-invite-prompt');
    await miaPrompt.waitFor();
    assert.match((await miaPrompt.textContent()) ?? '', /Hana invites you on stage in “Friday songs”/);
    await shot(miaP.page, 'stage-prompt-en-desktop');

    // Mia declines: the prompt goes and she stays where she was.
    await miaP.page.getByTestId('stage-invite-decline').click();
    await miaPrompt.waitFor({ state: 'detached' });
    assert.equal(new URL(miaP.page.url()).pathname, '/me');

    await leoP.page.getByTestId('stage-invite-accept').click();
    await leoP.page.waitForURL(`**/r/${room.id}`);
    await eventually(async () => assert.equal(await leoP.page.getByTestId('room-page').getAttribute('data-role'), 'guest'), 20_000);
    assert.equal(await prompt.count(), 0);
    await shot(leoP.page, 'stage-accepted-zh-phone');
    assert.deepEqual([...miaP.errors, ...leoP.errors], []);
  });
});
