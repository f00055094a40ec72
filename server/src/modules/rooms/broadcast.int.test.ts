/**
 * The broadcast tier with a real SFU and a real browser: the host publishes from headless
 * Chromium's fake camera and microphone over werift, the compositor job subscribes once and
 * writes HLS, and the audience reads it over HTTP. ffprobe checks what a player would get.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { api, pathOf, type Room } from '@tremolo/protocol';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, MEDIA_ARGS } from '../../test/chromium.ts';
import { assertPlayableSegment, ffprobe } from '../../test/hls-probe.ts';
import { assertRefused, startTestApp, TestUser, type TestApp } from '../../test/harness.ts';
import { PUBLISHER_SCRIPT } from '../../test/publisher-page.ts';
import { uniq } from '../shop/fixtures.ts';
import { parsePlaylist } from './hls.ts';

const PAGE = `<!doctype html><meta charset="utf-8"><body><script>${PUBLISHER_SCRIPT}</script>`;

let t: TestApp;
let http: Server;
let origin = '';
let browser: Browser;
let work = '';

before(async () => {
  t = await startTestApp(
    {},
    { BROADCAST: 'true', BROADCAST_SIZE: '320x568', BROADCAST_FPS: '15', BROADCAST_VIDEO_KBPS: '400', JOBS_POLL_MS: '500' },
  );
  http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...MEDIA_ARGS] });
  work = await mkdtemp(path.join(os.tmpdir(), 'tremolo-broadcast-'));
});

after(async () => {
  await browser?.close();
  await new Promise((r) => http.close(r));
  await t.close();
  await rm(work, { recursive: true, force: true });
});

const user = (prefix: string, name?: string) => TestUser.signup(t, uniq(prefix), name);

async function publishFromChromium(u: TestUser, room: Room): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(origin);
  const offerSdp = await page.evaluate(() => (window as unknown as { publishOffer(): Promise<string> }).publishOffer());
  const r = await u.invoke(api.rooms.publish, { params: { id: room.id }, body: { offerSdp } });
  assert.equal(r.status, 200, JSON.stringify(r.error));
  await page.evaluate((sdp) => (window as unknown as { publishAnswer(s: string): Promise<void> }).publishAnswer(sdp), r.body.answerSdp);
  return page;
}

/** A GET as this person over real HTTP (bytes, not JSON). */
async function get(u: TestUser, url: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(t.url + url, { headers: { cookie: u.cookie } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Polls until `check` gives a value, or fails after `ms`. */
async function until<T>(what: string, ms: number, check: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// Never a synchronous child process here: the SFU shares this event loop, and a publisher it
// does not hear from for 5 s counts as gone.
const run = promisify(execFile);

/** The ffmpeg processes composing this room (the test's own children's children), by id. */
async function compositorPids(roomId: string): Promise<number[]> {
  const r = await run('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter((l) => l.includes('ffmpeg') && l.includes(path.join('broadcast', roomId)))
    .map((l) => Number.parseInt(l.trim(), 10));
}

describe('broadcast tier', () => {
  test('a Chromium host on werift: the audience gets HLS (video+audio, keyframes at segment starts, 1 s segments) that survives a compositor crash; ending the room stops the job and closes the recording', async () => {
    const host = await user('b_host', 'Lina 丽娜');
    const viewer = await user('b_view');
    const created = await host.invoke(api.rooms.create, { body: { title: 'Broadcast test' } });
    assert.equal(created.status, 201, JSON.stringify(created.error));
    const room = created.body;
    const joined = await viewer.invoke(api.rooms.join, { params: { id: room.id } });
    assert.equal(joined.status, 200);
    assert.equal(joined.body.media.broadcast, true, 'the audience is told to watch the broadcast');
    assertRefused(
      await viewer.invoke(api.rooms.subscribe, { params: { id: room.id }, body: {} }),
      409,
      'invalid_state',
      'the audience does not take an SFU connection',
    );
    const live = pathOf(api.rooms.hlsLive, { id: room.id });
    assert.equal((await get(viewer, live)).status, 404, 'nothing before anyone sends');

    const page = await publishFromChromium(host, room);
    const playlist = await until('four segments in the live playlist', 90_000, async () => {
      const r = await get(viewer, live);
      return r.status === 200 && parsePlaylist(r.bytes.toString()).segments.length >= 4 ? r : null;
    });
    assert.equal(playlist.headers.get('cache-control'), 'public, max-age=1', 'a shared cache may keep it for a second');
    assert.match(playlist.headers.get('content-type') ?? '', /mpegurl/);
    // A blocking reload (LL-HLS): asked for the segment after the newest, the node answers once it is
    // listed, as an answer a cache may keep; a number far ahead gets the current window at once.
    const window = playlist.bytes.toString();
    assert.match(window, /#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES\n/);
    const lastOf = (text: string) => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1]) + parsePlaylist(text).segments.length - 1;
    const next = lastOf(window) + 1;
    const blocked = await get(viewer, `${live}?_HLS_msn=${next}`);
    assert.equal(blocked.status, 200);
    assert.ok(lastOf(blocked.bytes.toString()) >= next, `the answer lists segment ${next}`);
    assert.equal(blocked.headers.get('cache-control'), 'public, max-age=10');
    const far = await get(viewer, `${live}?_HLS_msn=${next + 50}`);
    assert.equal(far.status, 200);
    assert.equal(far.headers.get('cache-control'), 'public, max-age=1', 'not held, not kept long');
    const outsider = new TestUser(t);
    assert.equal((await get(outsider, live)).status, 401, 'only people who may enter the room');
    assert.equal(t.app.sfu.stats().subscribers, 1, 'the compositor is the one subscriber, whatever the audience');

    const segments = parsePlaylist(playlist.bytes.toString()).segments;
    for (const s of segments.slice(0, -1)) assert.ok(Math.abs(s.durationSec - 1) < 0.15, `1 s segments, got ${s.durationSec}`);
    const files: string[] = [];
    for (const s of segments) {
      const r = await get(viewer, pathOf(api.rooms.hlsSegment, { id: room.id, segment: s.uri }));
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      const file = path.join(work, s.uri);
      await writeFile(file, r.bytes);
      files.push(file);
    }
    assertRefused(
      await viewer.invoke(api.rooms.hlsSegment, { params: { id: room.id, segment: 'index.m3u8' } }),
      404,
      'not_found',
      'only segment names are served',
    );
    for (const file of files) await assertPlayableSegment(file, 320, 568);
    const total = Number((await ffprobe(['-show_entries', 'format=duration', '-of', 'csv=p=0', files[files.length - 1]!])).trim());
    assert.ok(total > 0.5 && total < 1.6, `a segment lasts about a second (${total})`);

    // The compositor crashes: the job starts it again and the recording carries on after a discontinuity.
    const pids = await compositorPids(room.id);
    assert.equal(pids.length, 1, 'one ffmpeg composes the room');
    process.kill(pids[0]!, 'SIGKILL');
    const before = segments.length;
    const resumed = await until('segments after the crash', 60_000, async () => {
      const r = await get(viewer, pathOf(api.rooms.hlsReplay, { id: room.id }));
      const segs = parsePlaylist(r.bytes.toString()).segments;
      const runs = new Set(segs.map((s) => s.uri.split('-')[0]));
      return runs.size >= 2 && segs.length >= before + 3 ? segs : null;
    });
    assert.deepEqual(
      resumed.slice(0, before).map((s) => s.uri),
      segments.map((s) => s.uri),
      'what was recorded before the crash is still there',
    );
    assert.ok(
      resumed.some((s, i) => i > 0 && s.discontinuity),
      'the new run starts after a discontinuity',
    );
    assert.notEqual((await compositorPids(room.id))[0], pids[0]);

    const end = await host.invoke(api.rooms.end, { params: { id: room.id } });
    assert.equal(end.status, 200);
    await until('the compositor stops', 20_000, async () => ((await compositorPids(room.id)).length === 0 ? true : null));
    const replay = await until('the recording closed', 20_000, async () => {
      const r = await get(viewer, pathOf(api.rooms.hlsReplay, { id: room.id }));
      return r.bytes.toString().includes('#EXT-X-ENDLIST') ? r : null;
    });
    assert.match(replay.bytes.toString(), /#EXT-X-PLAYLIST-TYPE:VOD/);
    assert.equal(t.app.sfu.stats().subscribers, 0);
    const replaySegments = parsePlaylist(replay.bytes.toString()).segments;
    assert.ok(replaySegments.length >= resumed.length, 'the replay holds everything recorded');
    const duration = replaySegments.reduce((s, x) => s + x.durationSec, 0);
    assert.ok(duration >= resumed.length - 1, `replay lasts about its segments (${duration} s)`);
    // The closed recording is the room's replay, as long as its segments.
    const closed = await until('the room has a replay', 20_000, async () => {
      const r = await viewer.invoke(api.rooms.get, { params: { id: room.id } });
      return r.body.replay;
    });
    assert.ok(Math.abs(closed.durationSec - duration) < 0.01, `replay ${closed.durationSec} s, segments ${duration} s`);
    await page.close();
  });
});
