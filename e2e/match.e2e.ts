import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { apiSignup } from './support/api.ts';
import { CHROMIUM, CHROMIUM_ARGS, MEDIA_ARGS, newPerson, type Person } from './support/browser.ts';
import { eventually } from './support/people.ts';
import { startServer, type RunningServer } from './support/server.ts';

/**
 * 连线 and shake, as people use them: two browsers with fake cameras meet in the queue and see
 * each other's live video; "next" puts both back to waiting; a report with a snapshot reaches
 * the moderators and keeps the pair apart; two phones shaken together swap cards.
 */

// Fake camera and microphone, no permission prompt, and WebRTC allowed over loopback.

const ADMIN = 'mt_admin';
/** How long 连线 waits for shared picks before taking anyone compatible (`MATCH_FALLBACK_MS`). */
const FALLBACK_MS = 3000;

/** What the tests read of the server's frames: events (opened out of batches) and pongs. */
interface Received {
  t: string;
  at?: number;
  serverTime?: number;
  body?: { kind: string; state?: string };
}

/** The frames a page's sockets received from index `from` on, batches opened. */
function received(p: Person, from: number): Received[] {
  return p.wsFrames.slice(from).flatMap((raw) => {
    const f = JSON.parse(raw) as Received & { events?: Received[] };
    return f.t === 'batch' ? (f.events ?? []) : [f];
  });
}

async function person(browser: Browser, server: RunningServer, handle: string, name: string): Promise<Person> {
  const who = await apiSignup(server.url, handle, name);
  const p = await newPerson(browser, server.url);
  const [cookieName = '', ...rest] = who.cookie.split('=');
  await p.context.addCookies([{ name: cookieName, value: rest.join('='), url: server.url }]);
  return p;
}

/** Opt in once (18+ and the rules), then the lobby. */
async function optIn(page: Page): Promise<void> {
  await page.goto('/match');
  await page.getByTestId('match-optin').waitFor();
  // The button stays off until both boxes are ticked.
  assert.equal(await page.getByTestId('match-optin-submit').isDisabled(), true);
  await page.getByTestId('match-adult').check();
  await page.getByTestId('match-rules').check();
  await page.getByTestId('match-optin-submit').click();
  await page.getByTestId('match-lobby').waitFor();
}

async function start(page: Page): Promise<void> {
  await page.getByTestId('match-start').click();
}

/** The other person's video is decoding: it has a size and its frame count keeps rising. */
async function seesVideo(page: Page, testId = 'match-remote-video'): Promise<void> {
  const frames = () =>
    page.getByTestId(testId).evaluate((el) => {
      const v = el as HTMLVideoElement;
      return { width: v.videoWidth, frames: v.getVideoPlaybackQuality().totalVideoFrames };
    });
  const first = await eventually(async () => {
    const f = await frames();
    assert.ok(f.width > 0, 'remote video has no picture yet');
    return f;
  }, 20_000);
  await eventually(async () => {
    const f = await frames();
    assert.ok(f.frames > first.frames, `frames stuck at ${f.frames}`);
  }, 5_000);
}

async function waiting(page: Page): Promise<void> {
  await page.getByTestId('match-waiting').waitFor({ timeout: 10_000 });
}

describe('连线 and shake', () => {
  let server: RunningServer;
  let browser: Browser;
  const people: Person[] = [];

  before(async () => {
    process.env.ADMIN_HANDLES = ADMIN;
    // People who just met may meet again after 2 s (not 10 min), so only a report can keep a pair apart below.
    process.env.MATCH_RECENT_MS = '2000';
    process.env.MATCH_FALLBACK_MS = String(FALLBACK_MS);
    // Two "next" a minute, so a person reaches the limit within the story.
    process.env.MATCH_SKIPS_PER_MIN = '2';
    // A shake video call rings for 5 s (not 30) before the caller hears "no answer".
    process.env.SHAKE_RING_MS = '5000';
    [server, browser] = await Promise.all([
      startServer({ seedDemo: false }),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...MEDIA_ARGS] }),
    ]);
  });

  after(async () => {
    delete process.env.ADMIN_HANDLES;
    delete process.env.MATCH_RECENT_MS;
    delete process.env.MATCH_FALLBACK_MS;
    delete process.env.MATCH_SKIPS_PER_MIN;
    delete process.env.SHAKE_RING_MS;
    await browser?.close();
    await server?.stop();
    for (const p of people) assert.deepEqual(p.errors, [], 'uncaught errors in a page');
  });

  const join = async (handle: string, name: string) => {
    const p = await person(browser, server, handle, name);
    people.push(p);
    return p;
  };

  test('two people opt in, meet, see each other, chat, and "next" puts both back to waiting', { timeout: 90_000 }, async () => {
    const ann = await join('mt_ann', 'Ann Match');
    const bob = await join('mt_bob', 'Bob Match');
    await Promise.all([optIn(ann.page), optIn(bob.page)]);

    // Ann's picks in the lobby are kept for next time.
    await ann.page.getByTestId('match-interest-games').click();
    await ann.page.getByTestId('match-language-en').click();
    await start(ann.page);
    await waiting(ann.page);
    await start(bob.page);

    await Promise.all([ann.page.getByTestId('match-call').waitFor(), bob.page.getByTestId('match-call').waitFor()]);
    assert.equal(await ann.page.getByTestId('match-peer-name').textContent(), 'Bob Match');
    assert.equal(await bob.page.getByTestId('match-peer-name').textContent(), 'Ann Match');
    await Promise.all([seesVideo(ann.page), seesVideo(bob.page)]);

    // A short chat beside the video.
    await bob.page.getByTestId('match-chat-input').fill('hello from bob');
    await bob.page.getByTestId('match-chat-send').click();
    await ann.page.getByTestId('match-chat-line').filter({ hasText: 'hello from bob' }).waitFor();

    // Follow from the call.
    await ann.page.getByTestId('match-follow').click();
    await ann.page.getByTestId('match-following').waitFor();

    await ann.page.getByTestId('match-next').click();
    await Promise.all([waiting(ann.page), waiting(bob.page)]);
    await bob.page.getByTestId('match-notice').waitFor();

    await Promise.all([ann.page.getByTestId('match-leave').click(), bob.page.getByTestId('match-leave').click()]);
    await Promise.all([ann.page.getByTestId('match-lobby').waitFor(), bob.page.getByTestId('match-lobby').waitFor()]);
    await ann.page.reload();
    await ann.page.getByTestId('match-lobby').waitFor();
    assert.equal(await ann.page.getByTestId('match-interest-games').getAttribute('aria-pressed'), 'true');
    assert.equal(await ann.page.getByTestId('match-language-en').getAttribute('aria-pressed'), 'true');
    assert.equal(await ann.page.getByTestId('match-interest-movies').getAttribute('aria-pressed'), 'false');
    await Promise.all([ann.context.close(), bob.context.close()]);
  });

  test('a report with a snapshot reaches the moderators, the pair never meets again, and a ban is shown', { timeout: 90_000 }, async () => {
    const cat = await join('mt_cat', 'Cat Match');
    const dan = await join('mt_dan', 'Dan Match');
    const admin = await join(ADMIN, 'Mod Match');
    await Promise.all([optIn(cat.page), optIn(dan.page)]);
    await start(cat.page);
    await waiting(cat.page);
    await start(dan.page);
    await Promise.all([cat.page.getByTestId('match-call').waitFor(), dan.page.getByTestId('match-call').waitFor()]);
    await seesVideo(cat.page);

    await cat.page.getByTestId('match-report').click();
    await cat.page.getByTestId('match-report-sheet').waitFor();
    // The snapshot is a frame of Dan's video, taken by Cat's browser.
    await cat.page.getByTestId('match-report-snapshot').waitFor();
    assert.ok(await cat.page.getByTestId('match-report-attach').isChecked());
    await cat.page.getByTestId('match-reason-harassment').check();
    await cat.page.getByTestId('match-report-details').fill('rude on camera');
    await cat.page.getByTestId('match-report-submit').click();
    await cat.page.getByTestId('match-lobby').waitFor();
    await cat.page.getByTestId('match-notice').waitFor();
    // Dan's call ended and he waits for someone new.
    await waiting(dan.page);

    // The moderator sees the report with its snapshot.
    await admin.page.goto('/moderation');
    const item = admin.page.getByTestId('moderation-report').filter({ hasText: 'Dan Match' });
    await item.waitFor();
    assert.match((await item.getByTestId('moderation-reason').textContent()) ?? '', /Harassment/);
    assert.match((await item.textContent()) ?? '', /rude on camera/);
    await eventually(async () => {
      const size = await item.getByTestId('moderation-snapshot').evaluate((el) => (el as HTMLImageElement).naturalWidth);
      assert.ok(size > 0, 'snapshot not loaded');
    });

    // Both queue again: never matched with each other, even past the fallback and the 2 s in which
    // people who just met are kept apart anyway (that window began with their call, before Cat queues).
    const since = new Map([cat, dan].map((p) => [p, p.wsFrames.length]));
    await start(cat.page);
    await waiting(cat.page);
    // The server stamps Cat's "queued" with its clock; a pass over the queue after the fallback
    // would pair them. Its pongs (each page pings every few seconds) show that clock going by.
    const queuedAt = await eventually(async () => {
      const queued = received(cat, since.get(cat)!).find(
        (f) => f.t === 'ev' && f.body?.kind === 'match_status' && f.body.state === 'queued',
      );
      assert.ok(queued?.at, 'no queued status yet');
      return queued.at;
    });
    const deadline = queuedAt + FALLBACK_MS + 500;
    const witness = await eventually(async () => {
      const p = [cat, dan].find((x) => received(x, since.get(x)!).some((f) => f.t === 'pong' && (f.serverTime ?? 0) >= deadline));
      assert.ok(p, 'the server clock has not passed the fallback yet');
      return p;
    }, 20_000);
    // A match would have reached both before that pong: the frames of one socket arrive in order.
    assert.ok(!received(witness, since.get(witness)!).some((f) => f.t === 'ev' && f.body?.kind === 'match_found'), 'they met again');
    assert.equal(await cat.page.getByTestId('match-call').count(), 0);
    assert.equal(await dan.page.getByTestId('match-call').count(), 0);

    // A third person is matched with one of them.
    const eve = await join('mt_eve', 'Eve Match');
    await optIn(eve.page);
    await start(eve.page);
    await eve.page.getByTestId('match-call').waitFor({ timeout: 10_000 });
    const peer = await eve.page.getByTestId('match-peer-name').textContent();
    assert.ok(peer === 'Cat Match' || peer === 'Dan Match', `eve met ${peer}`);
    const other = peer === 'Cat Match' ? dan : cat;
    assert.equal(await other.page.getByTestId('match-call').count(), 0);

    // The moderator bans Dan from the report; Dan is told.
    await item.getByTestId('moderation-ban').click();
    await item.getByTestId('moderation-ban-confirm').click();
    await dan.page.getByTestId('match-banned').waitFor({ timeout: 5_000 });
    await dan.page.reload();
    await dan.page.getByTestId('match-banned').waitFor();
    for (const p of [cat, dan, admin, eve]) await p.context.close();
  });

  test("two phones shaken at the same moment see each other's card, then a video call", { timeout: 90_000 }, async () => {
    const fay = await join('mt_fay', 'Fay Shake');
    const gus = await join('mt_gus', 'Gus Shake');
    await Promise.all([fay.page.goto('/shake'), gus.page.goto('/shake')]);
    for (const p of [fay, gus]) {
      await p.page.getByTestId('shake-delay').filter({ hasText: 'ms' }).waitFor();
      // Where motion needs a permission (iOS, and this Chromium), a tap asks for it first.
      if (await p.page.getByTestId('shake-enable-motion').count()) {
        await p.context.grantPermissions(['accelerometer', 'gyroscope']);
        await p.page.getByTestId('shake-enable-motion').click();
        await p.page.getByTestId('shake-enable-motion').waitFor({ state: 'detached' });
      }
    }

    // Two strong samples 60 ms apart on each phone, at the same moment.
    // A string, not a function: the test runner's transpiler would add helpers the page lacks.
    const shake = (page: Page) =>
      page.evaluate(`(async () => {
        for (let i = 0; i < 2; i++) {
          window.dispatchEvent(new DeviceMotionEvent('devicemotion', { accelerationIncludingGravity: { x: 18, y: 6, z: 9.8 }, interval: 16 }));
          await new Promise((r) => setTimeout(r, 60));
        }
      })()`);
    await Promise.all([shake(fay.page), shake(gus.page)]);

    await Promise.all([fay.page.getByTestId('shake-card').waitFor(), gus.page.getByTestId('shake-card').waitFor()]);
    assert.equal(await fay.page.getByTestId('shake-card-name').textContent(), 'Gus Shake');
    assert.equal(await gus.page.getByTestId('shake-card-name').textContent(), 'Fay Shake');
    assert.equal(await fay.page.getByTestId('shake-say-hi').getAttribute('href'), '/dm/mt_gus');
    await gus.page.getByTestId('match-follow').click();
    await gus.page.getByTestId('match-following').waitFor();

    // A video call is for adults, as 连线 is: Fay confirms 18+ and the rules first, then it rings.
    await fay.page.getByTestId('shake-video').click();
    const fayOptIn = fay.page.getByTestId('shake-optin');
    await fayOptIn.waitFor();
    assert.equal(await gus.page.getByTestId('shake-incoming').count(), 0);
    await fayOptIn.getByTestId('match-adult').check();
    await fayOptIn.getByTestId('match-rules').check();
    await fayOptIn.getByTestId('match-optin-submit').click();
    await fay.page.getByTestId('shake-calling').waitFor();

    // Gus declines: Fay is told and is back on the card.
    await gus.page.getByTestId('shake-incoming').waitFor();
    await gus.page.getByTestId('shake-decline').click();
    await fay.page.getByTestId('shake-notice').filter({ hasText: 'declined' }).waitFor();
    await fay.page.getByTestId('shake-card').waitFor();
    assert.equal(await fay.page.getByTestId('shake-calling').count(), 0);

    // Fay calls again (no second confirmation) and Gus lets it ring: both are told after the ring time.
    await fay.page.getByTestId('shake-video').click();
    await fay.page.getByTestId('shake-calling').waitFor();
    await gus.page.getByTestId('shake-incoming').waitFor();
    await fay.page.getByTestId('shake-notice').filter({ hasText: 'did not answer' }).waitFor({ timeout: 10_000 });
    await gus.page.getByTestId('shake-notice').filter({ hasText: 'missed' }).waitFor();
    assert.equal(await gus.page.getByTestId('shake-incoming').count(), 0);
    await fay.page.getByTestId('shake-card').waitFor();

    // The third time Gus accepts; he confirms 18+ first, then both see each other's video.
    await fay.page.getByTestId('shake-video').click();
    await gus.page.getByTestId('shake-incoming').waitFor();
    await gus.page.getByTestId('shake-accept').click();
    const gusOptIn = gus.page.getByTestId('shake-optin');
    await gusOptIn.waitFor();
    await gusOptIn.getByTestId('match-adult').check();
    await gusOptIn.getByTestId('match-rules').check();
    await gusOptIn.getByTestId('match-optin-submit').click();
    await Promise.all([seesVideo(fay.page), seesVideo(gus.page)]);
    await fay.page.getByTestId('shake-hangup').click();
    await Promise.all([fay.page.getByTestId('shake-call-ended').waitFor(), gus.page.getByTestId('shake-call-ended').waitFor()]);
  });

  test('a refused camera is explained, and nothing is queued', { timeout: 30_000 }, async () => {
    const hal = await join('mt_hal', 'Hal Match');
    // What the browser answers when the person said no to the camera prompt.
    await hal.page.addInitScript(
      `navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));`,
    );
    await optIn(hal.page);
    await start(hal.page);
    const problem = hal.page.getByTestId('match-camera-error');
    await problem.waitFor();
    assert.match((await problem.textContent()) ?? '', /refused/);
    assert.equal(await hal.page.getByTestId('match-waiting').count(), 0);
    await hal.context.close();
  });

  test('skipping too fast is explained and the call goes on; three reports put a person in a cool-down they are told about', {
    timeout: 90_000,
  }, async () => {
    const ivy = await join('mt_ivy', 'Ivy Match');
    const jon = await join('mt_jon', 'Jon Match');
    await Promise.all([optIn(ivy.page), optIn(jon.page)]);
    await start(ivy.page);
    await waiting(ivy.page);
    await start(jon.page);
    // Two skips are allowed (they meet again once the 2 s apart are over); the third is refused.
    for (let i = 0; i < 2; i++) {
      await ivy.page.getByTestId('match-call').waitFor({ timeout: 15_000 });
      await ivy.page.getByTestId('match-next').click();
      await waiting(ivy.page);
    }
    await ivy.page.getByTestId('match-call').waitFor({ timeout: 15_000 });
    await ivy.page.getByTestId('match-next').click();
    await ivy.page.getByTestId('match-notice').filter({ hasText: 'skipping very fast' }).waitFor();
    assert.equal(await ivy.page.getByTestId('match-call').count(), 1);
    assert.equal(await jon.page.getByTestId('match-call').count(), 1);
    await ivy.page.getByTestId('match-leave').click();
    await ivy.context.close();

    // Jon is back in the queue; three different people meet him and report him.
    await waiting(jon.page);
    for (const n of [1, 2, 3]) {
      const r = await join(`mt_rep${n}`, `Reporter ${n}`);
      await optIn(r.page);
      await start(r.page);
      await r.page.getByTestId('match-call').waitFor({ timeout: 15_000 });
      assert.equal(await r.page.getByTestId('match-peer-name').textContent(), 'Jon Match');
      await r.page.getByTestId('match-report').click();
      await r.page.getByTestId('match-reason-spam').check();
      await r.page.getByTestId('match-report-submit').click();
      await r.page.getByTestId('match-lobby').waitFor();
      await r.context.close();
    }
    const notice = jon.page.getByTestId('match-notice').filter({ hasText: 'Take a break' });
    await notice.waitFor();
    await jon.page.getByTestId('match-lobby').waitFor();
    await jon.page.reload();
    await jon.page.getByTestId('match-cooldown').waitFor();
    await jon.context.close();
  });
});
