import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { apiFollow, apiSignup, type ApiPerson } from './support/api.ts';
import { launch, newPerson, type Person } from './support/browser.ts';
import { eventually, signUp } from './support/people.ts';
import { startServer, type RunningServer } from './support/server.ts';

const run = promisify(execFile);

/** A real H.264/AAC clip from ffmpeg's test sources, as a phone would record one. */
async function makeVideo(dir: string, name: string, opts: { seconds: number; source: string; tone: number }): Promise<string> {
  const file = path.join(dir, `${name}.mp4`);
  await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `${opts.source}=size=240x426:rate=25`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${opts.tone}:sample_rate=44100`,
    '-t',
    String(opts.seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    '-movflags',
    '+faststart',
    file,
  ]);
  return file;
}

async function apiUpload(baseUrl: string, who: ApiPerson, file: string, fields: Record<string, string>): Promise<string> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([await readFile(file)], { type: 'video/mp4' }), path.basename(file));
  const res = await fetch(`${baseUrl}/api/v1/videos`, {
    method: 'POST',
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf },
    body: form,
  });
  if (res.status !== 202) throw new Error(`upload: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

async function videoStatus(baseUrl: string, who: ApiPerson, id: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/videos/${id}`, { headers: { cookie: who.cookie } });
  return ((await res.json()) as { status: string }).status;
}

/**
 * The story: a creator uploads a real video file through the UI and watches it get
 * processed; a friend sees it in the Friends feed and it plays; a stranger does not see the
 * friends-only post anywhere; a person who likes videos with one hashtag gets more of it in For You.
 */
describe('short videos', () => {
  let server: RunningServer;
  let browser: Browser;
  let files: string;
  let cora: Person; // creator
  let finn: Person; // her friend
  let sam: Person; // a stranger
  let postId = '';

  before(async () => {
    [server, browser, files] = await Promise.all([
      startServer({ seedDemo: false }),
      launch(),
      mkdtemp(path.join(tmpdir(), 'tremolo-e2e-videos-')),
    ]);
    cora = await newPerson(browser, server.url);
    finn = await newPerson(browser, server.url);
    sam = await newPerson(browser, server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (files) await rm(files, { recursive: true, force: true });
  });

  test('the creator uploads a video through the UI and sees it processed live', async () => {
    const clip = await makeVideo(files, 'sunset', { seconds: 4, source: 'testsrc2', tone: 440 });
    const junk = path.join(files, 'notes.mp4');
    await writeFile(junk, 'these are notes, not a video\n'.repeat(20));

    await signUp(cora.page, 'cora', 'Cora Lin');
    // The cold-start question comes first on For You; she skips it.
    await cora.page.getByTestId('interests-skip').click();
    await cora.page.getByTestId('interests-overlay').waitFor({ state: 'detached' });
    await signUp(finn.page, 'finn', 'Finn Wu');
    await finn.page.getByTestId('interests-skip').click();
    await signUp(sam.page, 'sam', 'Sam Stranger');
    await sam.page.getByTestId('interests-skip').click();
    // Cora and Finn become friends (the follow UI has its own story).
    const coraApi = await loginApi(server.url, 'cora');
    const finnApi = await loginApi(server.url, 'finn');
    await apiFollow(server.url, coraApi, 'finn');
    await apiFollow(server.url, finnApi, 'cora');

    const page = cora.page;
    await page.getByTestId('tab-create').click();
    await page.getByTestId('upload-form').waitFor();

    // A file that only pretends to be a video is refused with a clear sentence.
    await page.getByTestId('upload-file').setInputFiles(junk);
    await page.getByTestId('upload-submit').click();
    const error = page.getByTestId('upload-error');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /not a video/);

    await page.getByTestId('upload-file').setInputFiles(clip);
    await page.getByTestId('upload-preview').waitFor();
    // The cover slider appears once the browser knows the clip's length, and moves the preview.
    const cover = page.getByTestId('upload-cover');
    await cover.waitFor();
    await cover.fill('2000');
    await eventually(async () =>
      assert.ok((await page.getByTestId('upload-preview').evaluate((v: HTMLVideoElement) => v.currentTime)) > 1.5),
    );
    await page.getByTestId('upload-caption').fill('Sunset run with friends #running');
    await page.getByTestId('upload-hashtags').fill('sunset');
    await page.getByTestId('upload-visibility-friends').click();
    await page.getByTestId('upload-submit').click();

    const sent = page.getByTestId('upload-sent');
    await sent.waitFor({ timeout: 20_000 });
    postId = (await sent.getAttribute('data-video-id')) ?? '';
    assert.ok(postId);
    // Processing finishes in the background and the page hears it over the socket.
    await page.getByTestId('upload-ready').waitFor({ timeout: 30_000 });
    assert.ok(
      cora.wsFrames.some((f) => f.includes('"kind":"video_status"') && f.includes(postId)),
      'the ready state came over the WebSocket',
    );

    await page.getByTestId('upload-sent-my-videos').click();
    const mine = page.locator(`[data-testid="my-video"][data-video-id="${postId}"]`);
    await mine.waitFor();
    assert.equal(await mine.getAttribute('data-status'), 'ready');
  });

  test('a friend sees it in the Friends feed, it plays, and they like and comment', async () => {
    const page = finn.page;
    await page.getByTestId('tab-friends').click();
    const slide = page.locator(`[data-testid="video-slide"][data-video-id="${postId}"]`);
    await slide.waitFor({ timeout: 15_000 });
    assert.equal(await slide.getByTestId('video-caption').textContent(), 'Sunset run with friends #running');
    assert.match((await slide.getByTestId('video-author').textContent()) ?? '', /@cora/);

    // It plays by itself (muted), and time moves.
    const watch = page.waitForRequest((r) => r.url().endsWith(`/api/v1/videos/${postId}/watch`) && r.method() === 'POST', {
      timeout: 15_000,
    });
    const player = slide.locator('video');
    const t0 = await eventually(async () => {
      const t = await player.evaluate((v: HTMLVideoElement) => v.currentTime);
      assert.ok(t > 0.3, `currentTime ${t}`);
      return t;
    });
    await eventually(async () => assert.ok((await player.evaluate((v: HTMLVideoElement) => v.currentTime)) !== t0));
    assert.equal(await player.evaluate((v: HTMLVideoElement) => v.muted), true, 'autoplay starts muted');
    assert.ok(((await watch).postDataJSON() as { watchedMs: number }).watchedMs >= 1000, 'watch time is reported');

    // The sound button turns the sound on; a tap pauses and another plays; a double tap likes.
    await slide.getByTestId('video-sound').click();
    await eventually(async () => assert.equal(await player.evaluate((v: HTMLVideoElement) => v.muted), false));
    await slide.getByTestId('video-tap').click();
    await eventually(async () => assert.equal(await player.evaluate((v: HTMLVideoElement) => v.paused), true));
    await slide.getByTestId('video-tap').click();
    await eventually(async () => assert.equal(await player.evaluate((v: HTMLVideoElement) => v.paused), false));
    await slide.getByTestId('video-tap').dblclick();
    await eventually(async () => assert.equal(await slide.getByTestId('video-like-count').textContent(), '1'));
    assert.equal(await slide.getByTestId('video-like').getAttribute('aria-pressed'), 'true');

    // A comment, then a reply under it.
    await slide.getByTestId('video-comments').click();
    const sheet = page.getByTestId('comments-sheet');
    await sheet.waitFor();
    await sheet.getByTestId('comment-input').fill('Beautiful light!');
    await sheet.getByTestId('comment-send').click();
    await sheet.getByTestId('comment').first().waitFor();
    await sheet.getByTestId('comment-reply').first().click();
    await sheet.getByTestId('comment-input').fill('Where was this?');
    await sheet.getByTestId('comment-send').click();
    await eventually(async () => assert.equal(await sheet.getByTestId('reply').count(), 1));
    assert.equal(await sheet.getByTestId('reply').getByTestId('comment-text').textContent(), 'Where was this?');
    assert.equal(await sheet.getByTestId('comments-count').textContent(), '2 comments');
    await sheet.getByTestId('comments-close').click();
    assert.equal(await slide.getByTestId('video-comments-count').textContent(), '2');
  });

  test('a stranger does not see the friends-only post anywhere', async () => {
    const page = sam.page;
    await page.getByTestId('tab-friends').click();
    await page.getByTestId('friends-feed-empty').waitFor();
    await page.getByTestId('tab-foryou').click();
    await page.getByTestId('foryou').waitFor();
    await eventually(async () => assert.equal(await page.getByTestId('feed-loading').count(), 0));
    assert.equal(await page.locator(`[data-video-id="${postId}"]`).count(), 0);
    await page.goto(`/u/cora`);
    await page.getByTestId('creator-videos-empty').waitFor();
    await page.goto(`/v/${postId}`);
    await page.getByTestId('video-page-error').waitFor();

    // The friend can open the shared link.
    await finn.page.goto(`/v/${postId}`);
    await finn.page.locator(`[data-testid="video-slide"][data-video-id="${postId}"]`).waitFor();
  });

  test('liking videos with one hashtag brings more of it in For You', async () => {
    // Two creators post cats and cars videos, alternating.
    const [ann, ben] = await Promise.all([apiSignup(server.url, 'ann_creator', 'Ann'), apiSignup(server.url, 'ben_creator', 'Ben')]);
    const clips = await Promise.all([
      makeVideo(files, 'a', { seconds: 4, source: 'testsrc', tone: 300 }),
      makeVideo(files, 'b', { seconds: 4, source: 'smptebars', tone: 500 }),
    ]);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      for (const [who, tag] of [
        [ann, 'cats'],
        [ben, 'cars'],
        [ben, 'cats'],
        [ann, 'cars'],
      ] as const) {
        if (ids.length >= 12) break;
        ids.push(
          await apiUpload(server.url, who, clips[ids.length % 2]!, {
            caption: `${tag} clip ${ids.length}`,
            hashtags: tag,
            visibility: 'public',
          }),
        );
      }
    }
    await eventually(async () => {
      for (const id of ids) assert.equal(await videoStatus(server.url, ann, id), 'ready');
    }, 90_000);

    const pia = await newPerson(browser, server.url);
    const page = pia.page;
    await signUp(page, 'pia', 'Pia');
    await page.getByTestId('interests-skip').click();
    // First page: she likes every cats video she meets and swipes past the rest quickly.
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      const slide = page.locator('[data-testid="video-slide"][data-active="true"]');
      await slide.waitFor();
      const tags = (await slide.getAttribute('data-hashtags')) ?? '';
      seen.push(tags);
      if (tags.includes('cats')) {
        await slide.getByTestId('video-like').click();
        await eventually(async () => assert.equal(await slide.getByTestId('video-like').getAttribute('aria-pressed'), 'true'));
      }
      // Swiping on means the next slide is the active one: wait for that, not for a fixed time.
      const left = await slide.getAttribute('data-video-id');
      await page.keyboard.press('ArrowDown');
      await eventually(async () =>
        assert.notEqual(await page.locator('[data-testid="video-slide"][data-active="true"]').getAttribute('data-video-id'), left),
      );
    }
    assert.ok(
      seen.some((t) => t.includes('cats')),
      `she met cats videos: ${seen.join(', ')}`,
    );

    // A new For You page ranks what she has not seen: cats come first.
    await page.goto('/');
    await page.locator('[data-testid="video-slide"]').first().waitFor();
    const next = await page
      .locator('[data-testid="video-slide"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-hashtags') ?? ''));
    const top = next.slice(0, 3);
    const cats = top.filter((t) => t.includes('cats')).length;
    assert.ok(cats >= 2, `first videos of the next page: ${top.join(', ')} (first page: ${seen.join(', ')})`);
    assert.deepEqual(pia.errors, []);
  });

  test('nothing crashed in the pages', () => {
    assert.deepEqual(cora.errors, []);
    assert.deepEqual(finn.errors, []);
    assert.deepEqual(sam.errors, []);
  });
});

async function loginApi(baseUrl: string, handle: string): Promise<ApiPerson> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, password: 'correct horse battery' }),
  });
  if (!res.ok) throw new Error(`login ${handle}: ${res.status}`);
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: body.csrfToken };
}
