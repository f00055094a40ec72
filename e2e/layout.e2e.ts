import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import { DESKTOP, launch, MOBILE, newPerson, type Person } from './support/browser.ts';
import { eventually, signUp } from './support/people.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { makeVideo, uploadVideo } from './support/video.ts';
import { screenshots } from './support/shots.ts';

const shot = screenshots('layout');

async function box(l: Locator) {
  const b = await l.boundingBox();
  assert.ok(b, 'on screen');
  return b;
}

/** A finger needs about 44 CSS px each way. */
async function fingerSized(l: Locator, what: string): Promise<void> {
  const b = await box(l);
  assert.ok(b.width >= 44 && b.height >= 44, `${what} is ${b.width}×${b.height}`);
}

/**
 * Issue 17, item 9: a creator's video in the feed of a viewer on a phone (Chinese) and one at a desk
 * (English). Tap pauses, "+" follows, the desktop uses its width, and small controls are finger-sized.
 */
describe('layout: feed taps, follow "+", desktop width, finger-sized controls', () => {
  let server: RunningServer;
  let browser: Browser;
  let mia: Person;
  let phone: Person;
  let desk: Person;

  before(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launch()]);
    mia = await newPerson(browser, server.url, { viewport: MOBILE });
    phone = await newPerson(browser, server.url, { locale: 'zh-CN', viewport: MOBILE });
    desk = await newPerson(browser, server.url, { viewport: DESKTOP });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a creator posts a video; two viewers sign up', async () => {
    await signUp(mia.page, 'mia', 'Mia Makes');
    await uploadVideo(mia.page.request, await makeVideo({ seconds: 6, width: 360, height: 640 }), 'bright morning');
    for (const [person, handle, name] of [
      [phone, 'ana', 'Ana Wu'],
      [desk, 'ben', 'Ben Li'],
    ] as const) {
      await signUp(person.page, handle, name);
      // A newcomer is first asked for interests; they skip.
      await person.page.getByTestId('interests-skip').click();
      await person.page.getByTestId('interests-overlay').waitFor({ state: 'detached' });
    }
  });

  test('on a phone a single tap pauses and plays, and sound stays its own button', async () => {
    const p = phone.page;
    await p.goto('/');
    const slide = p.locator('[data-testid="video-slide"][data-active="true"]');
    await slide.waitFor();
    const player = slide.getByTestId('video-player');
    await eventually(async () => assert.equal(await player.evaluate((v: HTMLVideoElement) => v.paused), false), 20_000);
    const mutedBefore = await player.evaluate((v: HTMLVideoElement) => v.muted);
    await slide.getByTestId('video-tap').click();
    await eventually(async () => assert.equal(await player.evaluate((v: HTMLVideoElement) => v.paused), true));
    assert.equal(await slide.getByTestId('video-tap').getAttribute('data-paused'), 'true');
    assert.equal(await player.evaluate((v: HTMLVideoElement) => v.muted), mutedBefore, 'a tap leaves the sound alone');
    await shot(p, 'layout-feed-paused-zh');
    await slide.getByTestId('video-tap').click();
    await eventually(async () => assert.equal(await player.evaluate((v: HTMLVideoElement) => v.paused), false));
    await fingerSized(slide.getByTestId('video-sound'), 'the sound button');
  });

  test('the "+" on the author’s face follows them and then goes away', async () => {
    const p = phone.page;
    const slide = p.locator('[data-testid="video-slide"][data-active="true"]');
    const plus = slide.getByTestId('video-follow');
    await fingerSized(plus, 'the follow "+"');
    await plus.click();
    await eventually(async () => assert.equal(await slide.getByTestId('video-follow').count(), 0));
    const rel = (await (await p.request.get('/api/v1/users/mia')).json()) as { relationship: { following: boolean } | null };
    assert.equal(rel.relationship?.following, true);
    await shot(p, 'layout-feed-followed-zh');
  });

  test('at a desk the feed is centred, the comments open beside it, and no tab bar covers the page', async () => {
    const p = desk.page;
    await p.goto('/');
    const slide = p.locator('[data-testid="video-slide"][data-active="true"]');
    await slide.waitFor();
    const video = await box(slide);
    const centre = video.x + video.width / 2;
    const main = await box(p.locator('main.page'));
    assert.ok(Math.abs(centre - (main.x + main.width / 2)) < 40, `the feed is centred (${centre} vs ${main.x + main.width / 2})`);
    assert.ok(video.width < DESKTOP.width / 2, 'not stretched across the desk');
    await slide.getByTestId('video-comments').click();
    const sheet = await box(p.getByTestId('comments-sheet'));
    // The feed and the comments share the middle: the video moves aside, it is not covered or squeezed.
    const beside = await box(slide);
    assert.ok(sheet.x >= beside.x + beside.width - 1, `comments (${sheet.x}) are right of the video (${beside.x + beside.width})`);
    assert.ok(sheet.y < beside.y + beside.height && sheet.y + sheet.height > beside.y, 'side by side');
    assert.equal(Math.round(beside.width), Math.round(video.width), 'the video keeps its size');
    // The tab bar is a rail on the left, not a strip over the bottom of the page.
    const tabs = await box(p.getByTestId('tabbar'));
    assert.ok(tabs.x + tabs.width <= main.x + 1, 'the tab bar is beside the page');
    await shot(p, 'layout-desktop-feed-comments-en');
  });

  test('controls a finger must hit are at least 44 px: match chips, checkboxes, the chat message menu', async () => {
    const p = phone.page;
    await p.goto('/match');
    await p.getByTestId('match-optin').waitFor();
    await fingerSized(p.getByTestId('match-optin-interest-music'), 'an interest chip');
    const label = p.locator('label', { has: p.getByTestId('match-adult') });
    const b = await box(label);
    assert.ok(b.height >= 44, `the checkbox's label is ${b.height} px tall`);
    await shot(p, 'layout-match-chips-zh');

    const group = await desk.page.evaluate(async () => {
      const s = (await (await fetch('/api/v1/auth/session')).json()) as { csrfToken: string };
      const r = await fetch('/api/v1/groups', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
        body: JSON.stringify({ name: 'Desk crew' }),
      });
      return (await r.json()) as { id: string };
    });
    const d = desk.page;
    await d.goto(`/g/${group.id}`);
    await d.getByTestId('composer-input').fill('hello there');
    await d.getByTestId('composer-send').click();
    const more = d.getByTestId('chat-more').first();
    await more.waitFor();
    await fingerSized(more, 'the message menu button');
    await more.click();
    await fingerSized(d.getByTestId('chat-reply'), 'reply in the message menu');
    await shot(d, 'layout-desktop-group-en');
  });
});
