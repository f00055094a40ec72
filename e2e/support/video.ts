import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { APIRequestContext } from 'playwright-core';

const run = promisify(execFile);

/** A real H.264 + AAC test clip made with ffmpeg's test sources (a clock is burnt into the picture). */
export async function makeVideo(opts: { seconds: number; width?: number; height?: number }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tremolo-clip-'));
  const file = path.join(dir, 'clip.mp4');
  const size = `${opts.width ?? 320}x${opts.height ?? 240}`;
  await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size}:rate=30`,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=44100',
    '-t',
    String(opts.seconds),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    '-g',
    '30',
    '-c:a',
    'aac',
    '-shortest',
    file,
  ]);
  return file;
}

/**
 * Uploads a clip as the person whose cookies `request` carries (a page's `context.request`)
 * and waits until the server has processed it; returns the video id.
 */
export async function uploadVideo(request: APIRequestContext, file: string, caption = 'clip'): Promise<string> {
  const session = await request.get('/api/v1/auth/session');
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  const res = await request.post('/api/v1/videos', {
    headers: { 'x-csrf-token': csrfToken },
    multipart: { caption, visibility: 'public', file: { name: 'clip.mp4', mimeType: 'video/mp4', buffer: await readFile(file) } },
  });
  if (res.status() !== 202) throw new Error(`upload: ${res.status()} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const v = (await (await request.get(`/api/v1/videos/${id}`)).json()) as { status: string; error: string | null };
    if (v.status === 'ready') return id;
    if (v.status === 'failed') throw new Error(`processing failed: ${v.error}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the video was not processed in time');
}
