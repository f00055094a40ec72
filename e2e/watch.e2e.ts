import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launch, newPerson, type Person } from './support/browser.ts';
import { eventually, signUp } from './support/people.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { makeVideo, uploadVideo } from './support/video.ts';

interface Sample {
  wallMs: number;
  currentTimeMs: number;
  paused: boolean;
  rate: number;
  version: number;
}

declare global {
  interface Window {
    /** The watch page's player (web/src/routes/watch/player.ts). */
    __watch?: { sample(): Sample; control(action: string, extra?: { positionMs?: number }): void };
  }
}

/** Drags the seek bar: sets the value the way a person's input does, so React sees the change. */
async function seekBar(page: Page, ms: number): Promise<void> {
  await page.getByTestId('watch-seek').evaluate((el, value) => {
    const input = el as HTMLInputElement;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, String(value));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms);
}

const sample = (page: Page): Promise<Sample> =>
  page.evaluate(() => {
    const w = window.__watch;
    if (!w) throw new Error('no player yet');
    return w.sample();
  });

/** B's position at the moment A was sampled, extrapolated along B's own clock. */
async function gapMs(a: Page, b: Page): Promise<number> {
  const [sa, sb] = await Promise.all([sample(a), sample(b)]);
  const bAtA = sb.paused ? sb.currentTimeMs : sb.currentTimeMs + (sa.wallMs - sb.wallMs) * sb.rate;
  return Math.abs(sa.currentTimeMs - bAtA);
}

/**
 * The story: A starts a party from a video and sends the link; B opens it and both
 * watch the same moment. A pauses: B is paused at the same position (within 100 ms). A
 * seeks: B follows. A locks control: B's attempt to move the position is refused.
 */
describe('watch together', () => {
  let server: RunningServer;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let link = '';

  before(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launch()]);
    alice = await newPerson(browser, server.url);
    bob = await newPerson(browser, server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('A starts a party from a video and B joins from the link', async () => {
    await signUp(alice.page, 'w_alice', 'Alice Watch');
    await signUp(bob.page, 'w_bob', 'Bob Watch');
    assert.equal(
      await alice.page.evaluate(() => document.createElement('video').canPlayType('video/mp4; codecs="avc1.64001F, mp4a.40.2"')),
      'probably',
    );
    const videoId = await uploadVideo(alice.context.request, await makeVideo({ seconds: 30 }), 'Sunset');

    await alice.page.goto(`/w/new?video=${videoId}`);
    await alice.page.getByTestId('watch-page').waitFor();
    link = (await alice.page.getByTestId('watch-link').textContent()) ?? '';
    assert.match(link, new RegExp(`^${server.url}/w/[0-9a-f-]{36}$`));

    await bob.page.goto(link);
    await bob.page.getByTestId('watch-page').waitFor();
    await eventually(async () => assert.equal(await alice.page.getByTestId('watch-member').count(), 2));
    assert.equal(await bob.page.getByTestId('watch-member').first().getAttribute('data-role'), 'host');
    // Both play, and at the same moment.
    await eventually(async () => {
      const [a, b] = await Promise.all([sample(alice.page), sample(bob.page)]);
      assert.ok(!a.paused && !b.paused && a.currentTimeMs > 500 && b.currentTimeMs > 500);
    }, 15_000);
    await eventually(async () => assert.ok((await gapMs(alice.page, bob.page)) < 100), 10_000);
  });

  test('A pauses: B is paused at the same position within 100 ms', async () => {
    await alice.page.getByTestId('watch-pause').click();
    await eventually(async () => {
      const [a, b] = await Promise.all([sample(alice.page), sample(bob.page)]);
      assert.ok(a.paused && b.paused, 'both paused');
      assert.ok(Math.abs(a.currentTimeMs - b.currentTimeMs) < 100, `A at ${a.currentTimeMs}, B at ${b.currentTimeMs}`);
    });
    await bob.page.getByTestId('watch-play').waitFor();
  });

  test('A seeks: B follows, and they play on together', async () => {
    await seekBar(alice.page, 12_000);
    await eventually(async () => {
      const [a, b] = await Promise.all([sample(alice.page), sample(bob.page)]);
      assert.ok(a.paused && b.paused);
      assert.ok(Math.abs(b.currentTimeMs - 12_000) < 100, `B at ${b.currentTimeMs}`);
      assert.ok(Math.abs(a.currentTimeMs - 12_000) < 100, `A at ${a.currentTimeMs}`);
    });
    await alice.page.getByTestId('watch-play').click();
    await eventually(async () => {
      const b = await sample(bob.page);
      assert.ok(!b.paused && b.currentTimeMs > 12_300);
    });
    await eventually(async () => assert.ok((await gapMs(alice.page, bob.page)) < 100));
  });

  test('with control locked to the host, B cannot change the position', async () => {
    await alice.page.getByTestId('watch-control-mode').selectOption('host');
    await eventually(async () => assert.equal(await bob.page.getByTestId(/^watch-(play|pause)$/).isDisabled(), true));
    const before = await sample(bob.page);
    // Past the disabled button, straight at the server: it refuses.
    await bob.page.evaluate(() => window.__watch?.control('seek', { positionMs: 1000 }));
    await bob.page.getByTestId('watch-notice').waitFor();
    assert.match((await bob.page.getByTestId('watch-status').textContent()) ?? '', /The host controls playback/);
    // A marker on the same channel: its events reach B in order, so a state the refused seek
    // had made would have arrived before B sees this line.
    await bob.page.getByTestId('watch-chat-input').fill('(after the refused seek)');
    await bob.page.getByTestId('watch-chat-send').click();
    await bob.page.getByTestId('watch-chat-line').filter({ hasText: '(after the refused seek)' }).waitFor();
    const [a, b] = await Promise.all([sample(alice.page), sample(bob.page)]);
    assert.equal(b.version, before.version, 'no new state');
    assert.ok(b.currentTimeMs > 12_500 && a.currentTimeMs > 12_500, 'nobody jumped back');
    assert.ok((await gapMs(alice.page, bob.page)) < 100);
  });

  test('chat and reactions reach the other person over the video', async () => {
    await bob.page.getByTestId('watch-chat-input').fill('this part!');
    await bob.page.getByTestId('watch-chat-send').click();
    await alice.page.getByTestId('watch-chat-line').filter({ hasText: 'this part!' }).waitFor();
    assert.match((await alice.page.getByTestId('watch-chat-line').first().textContent()) ?? '', /Bob Watch/);
  });

  test('B leaves and rejoins; the party is still playing where it should', async () => {
    await bob.page.getByTestId('watch-leave').click();
    await bob.page.getByTestId('watch-left').waitFor();
    await eventually(async () => assert.equal(await alice.page.getByTestId('watch-member').count(), 1));
    await bob.page.getByTestId('watch-rejoin').click();
    await bob.page.getByTestId('watch-page').waitFor();
    await eventually(async () => assert.ok((await gapMs(alice.page, bob.page)) < 100), 10_000);
  });

  test('nothing crashed in either page', () => {
    assert.deepEqual(alice.errors, []);
    assert.deepEqual(bob.errors, []);
  });
});
