import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Video } from '@tremolo/protocol';
import { startTestApp, TestSocket, TestUser, type TestApp } from '../../test/harness.ts';
import { sampleVideo } from './fixtures.ts';

/** Processing as a job: a video whose every attempt fails ends `failed` with the reason, once. */
let t: TestApp;

before(async () => {
  t = await startTestApp(
    {},
    // Each attempt waits a second first, so the test can spoil the source before ffmpeg reads it.
    { VIDEO_PROCESS_TEST_DELAY_MS: '1000', VIDEO_PROCESS_RETRIES: '1', VIDEO_PROCESS_RETRY_DELAY_SEC: '1', JOBS_POLL_MS: '500' },
  );
});
after(async () => t.close());

test('a video whose processing fails on every attempt is marked failed with the reason, and its uploader hears it', async () => {
  const author = await TestUser.signup(t, 'vp_author');
  const sock = await TestSocket.open(t.url.replace('http', 'ws') + '/ws?v=1', author.cookie);
  sock.send({ t: 'sub', ch: `user:${author.id}` });
  await sock.next((f) => f.t === 'subbed');
  const bytes = await readFile(await sampleVideo('landscape', { width: 320, height: 240, seconds: 1 }));
  const form = new FormData();
  form.set('caption', 'doomed');
  form.set('hashtags', '');
  form.set('visibility', 'public');
  form.set('file', new Blob([bytes], { type: 'video/mp4' }), 'a.mp4');
  const res = await fetch(`${t.url}/api/v1/videos`, {
    method: 'POST',
    headers: { cookie: author.cookie, 'x-csrf-token': author.csrf },
    body: form,
  });
  assert.equal(res.status, 202);
  const r = { body: (await res.json()) as Video };
  const dir = path.join(t.app.config.storageDir, 'private', 'videos', r.body.id);
  await writeFile(path.join(dir, 'source'), 'not a video any more');

  const heard = await sock.next((f) => f.t === 'ev' && f.body.kind === 'video_status', 30_000);
  const expected = 'Processing failed after 2 attempts: the file could not be read';
  assert.ok(heard.t === 'ev' && heard.body.kind === 'video_status');
  assert.deepEqual(heard.body, { kind: 'video_status', videoId: r.body.id, status: 'failed', error: expected });
  const v = await author.call<Video>('GET', `/api/v1/videos/${r.body.id}`);
  assert.equal(v.body.status, 'failed');
  assert.equal(v.body.error, expected);
  assert.equal(existsSync(dir), false);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(sock.frames.filter((f) => f.t === 'ev' && f.body.kind === 'video_status').length, 1);
});
