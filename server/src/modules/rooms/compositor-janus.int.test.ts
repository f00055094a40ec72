/**
 * The compositor against Janus: two Chromium publishers (fake camera and microphone) join a Janus
 * room through our adapter, the compositor subscribes to both as one Janus subscriber and writes
 * HLS. ffprobe and the decoded frames check what an audience would get: H.264 + AAC in every
 * segment, a keyframe first, and both people's cameras moving in their tiles.
 *
 * Janus runs in a private network namespace (platform/media/janus/testing.ts); the compositor
 * runs under `nsenter` in `compositor-janus-process.ts` so its werift peer reaches Janus there.
 * Skipped only when `janus` is not installed and CI is not `true`; in CI a missing Janus fails.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { JanusSfu } from '../../platform/media/janus/index.ts';
import { janusInstalled, startJanusInNamespace, type JanusInNamespace } from '../../platform/media/janus/testing.ts';
import { CHROMIUM_ARGS, MEDIA_ARGS } from '../../test/chromium.ts';
import { assertPlayableSegment } from '../../test/hls-probe.ts';
import { PUBLISHER_SCRIPT } from '../../test/publisher-page.ts';
import { parsePlaylist } from './hls.ts';
import { tileLayout } from './layout.ts';
import { playlistFile } from './compositor.ts';

const run = promisify(execFile);
const installed = janusInstalled();
const skip =
  !installed && process.env.CI !== 'true' ? 'janus is not installed (apt-get install -y janus); with CI=true this fails instead' : false;
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'compositor-janus-process.ts');
const WIDTH = 320;
const HEIGHT = 568;

let janus: JanusInNamespace | undefined;
let browser: Browser | undefined;
let sfu: JanusSfu | undefined;
let work = '';

before(async () => {
  if (skip) return;
  if (!installed) throw new Error('janus is not installed: apt-get install -y janus');
  janus = await startJanusInNamespace();
  browser = await chromium.launch({
    executablePath: janus.chromiumPath,
    headless: true,
    // A page would otherwise hide its address behind an mDNS name nobody resolves here.
    args: [...CHROMIUM_ARGS, ...MEDIA_ARGS, '--disable-features=WebRtcHideLocalIpsWithMdns'],
  });
  work = await mkdtemp(path.join(os.tmpdir(), 'tremolo-compositor-janus-'));
});

after(async () => {
  await sfu?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await janus?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function publisher(b: Browser, adapter: JanusSfu, room: string, id: string): Promise<Page> {
  const page = await (await b.newContext()).newPage();
  await page.route('http://localhost/**', (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><body><script>${PUBLISHER_SCRIPT}</script>` }),
  );
  await page.goto('http://localhost/');
  const offer = (await page.evaluate('window.publishOffer()')) as string;
  const { answerSdp } = await adapter.publish(room, id, offer);
  await page.evaluate(`window.publishAnswer(${JSON.stringify(answerSdp)})`);
  return page;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>, why: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${why()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Frame `index` of a segment as RGB bytes. */
async function frameOf(file: string, index: number): Promise<Buffer> {
  const out = await run(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-vf', `select=eq(n\\,${index})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { encoding: 'buffer', maxBuffer: 16 << 20 },
  );
  assert.equal(out.stdout.length, WIDTH * HEIGHT * 3, `${file}: frame ${index} decoded`);
  return out.stdout;
}

test('the compositor subscribes through Janus and composes both publishers into HLS', { skip, timeout: 120_000 }, async () => {
  assert.ok(janus && browser);
  const adapter = (sfu = new JanusSfu({ url: janus.url, log: () => undefined }));
  await adapter.start();
  const room = `room-${randomUUID()}`;
  await adapter.openRoom(room);
  await publisher(browser, adapter, room, 'host');
  await publisher(browser, adapter, room, 'guest');

  const out = path.join(work, 'hls');
  const child = spawn(...nsenterNode(janus), {
    env: { ...process.env, JANUS_URL: janus.url, ROOM_ID: room, PUBLISHERS: 'host,guest', OUT_DIR: out },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const segments = await until(
      'four segments composed from Janus',
      60_000,
      async () => {
        const text = await readFile(path.join(out, playlistFile), 'utf8').catch(() => '');
        const segs = parsePlaylist(text).segments;
        return segs.length >= 4 ? segs : null;
      },
      () => `compositor output:\n${output}\njanus:\n${janus?.log().slice(-2000)}`,
    );
    child.stdin.end();
    assert.equal(await exited, 0, output);
    const result = JSON.parse(output.trim().split('\n').pop() ?? '{}') as { stoppedByItself?: boolean; stderr?: string };
    assert.equal(result.stoppedByItself, false, `ffmpeg ran until asked to stop: ${result.stderr}`);

    for (const s of segments) await assertPlayableSegment(path.join(out, s.uri), WIDTH, HEIGHT);

    // Both cameras are in their tiles and moving (Chromium's fake camera is green with a moving pattern).
    const last = path.join(out, segments[segments.length - 1]!.uri);
    const [a, b] = [await frameOf(last, 0), await frameOf(last, 10)];
    for (const [i, tile] of tileLayout(2, WIDTH, HEIGHT).entries()) {
      let lead = 0;
      let moved = 0;
      let n = 0;
      for (let y = tile.y + 4; y < tile.y + tile.h - 4; y += 2) {
        for (let x = tile.x + 4; x < tile.x + tile.w - 4; x += 2) {
          const p = (y * WIDTH + x) * 3;
          lead += a[p + 1]! - (a[p]! + a[p + 2]!) / 2;
          moved += Math.abs(a[p + 1]! - b[p + 1]!);
          n++;
        }
      }
      assert.ok(
        lead / n > 20 && moved / n > 0.5,
        `tile ${i + 1} shows a moving camera (green ${(lead / n).toFixed(1)}, motion ${(moved / n).toFixed(2)})`,
      );
    }
  } finally {
    child.kill('SIGKILL');
  }
});

/** `node --import tsx compositor-janus-process.ts` inside Janus's namespace. */
function nsenterNode(j: JanusInNamespace): [string, string[]] {
  const [cmd, ...args] = [...j.nsenter, process.execPath, '--import', 'tsx', CHILD];
  return [cmd!, args];
}
