/**
 * `npm run bench:broadcast`: the broadcast tier of a live room, end to end, in one run.
 *
 * A Tremolo server (child process, PGlite unless `--database-url`) with the broadcast on; a
 * stage of `--stage` people, each a headless Chromium page publishing a clock-stamped canvas
 * and the fake microphone over WebRTC (see broadcast/page.ts); the compositor job composes them
 * into H.264/AAC HLS. In front of the node, nginx with the shipped caching configuration
 * (`deploy/nginx-broadcast.conf`, only its ports and paths changed); without nginx the viewers
 * go straight to the node and the JSON says `"cache":"none"`.
 *
 * 1. Glass to glass: `--viewers` Chromium pages play the live playlist through the cache with
 *    hls.js and read the host's stamp off every presented frame (its tile's place comes from
 *    the compositor's own layout): p50/p95 latency.
 * 2. Audience: simulated HLS viewers (Node, keep-alive connections through the cache), in steps
 *    up to `--sim`: each joins, refreshes the playlist every half
 *    segment, downloads every new segment and plays it in real time in a buffer model (starting
 *    three segments behind the edge, as hls.js does); a viewer
 *    stalls when its buffer empties before the next segment has arrived. Per step: stall rate,
 *    fetch p99, origin requests/s (the node's own request counter for the HLS routes) and the
 *    generator's event-loop delay; the steps stop early when the generator itself falls behind
 *    (reported), or at `--budget` seconds.
 * 3. The compositor's CPU: its ffmpeg processes' CPU time over the measuring windows, as % of one core.
 *
 *   --stage 4 (1…9)  --viewers 2  --sim 10000  --steps 250,1000,2500,5000,10000
 *   --window 15 (s per step)  --size 720x960  --kbps 2000  --fps 25  --budget 420
 *
 * Ends with one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { api, pathOf } from '@tremolo/protocol';
import { chromium, type Browser, type Page } from 'playwright-core';
import { RATE_LIMITS } from '../server/src/platform/config.ts';
import { tileLayout } from '../server/src/modules/rooms/layout.ts';
import { findMediaTools } from '../server/src/modules/videos/media.ts';
import { LIVE_HLS_CONFIG } from '../web/src/routes/rooms/liveHls.ts';
import { CHROMIUM, CHROMIUM_ARGS, MEDIA_ARGS } from '../server/src/test/chromium.ts';
import { signupOverHttp, startServerProcess } from '../server/src/test/processes.ts';
import { BARCODE, BROADCAST_BENCH_PAGE, SOURCE } from './broadcast/page.ts';
import { cpuMs } from './realtime/procstat.ts';
import { freePort, root, sleep, spawnLogged, stopChild, waitForPort } from './support/processes.ts';

const { values: args } = parseArgs({
  options: {
    stage: { type: 'string', default: '4' },
    viewers: { type: 'string', default: '2' },
    sim: { type: 'string', default: '10000' },
    steps: { type: 'string', default: '250,1000,2500,5000,10000' },
    window: { type: 'string', default: '15' },
    size: { type: 'string', default: '720x960' },
    kbps: { type: 'string', default: '2000' },
    fps: { type: 'string', default: '25' },
    budget: { type: 'string', default: '420' },
    'database-url': { type: 'string' },
  },
});
const STAGE = Math.min(9, Math.max(1, Number(args.stage)));
const CHROME_VIEWERS = Math.max(0, Number(args.viewers));
const SIM_MAX = Number(args.sim);
const STEPS = args.steps
  .split(',')
  .map(Number)
  .filter((n) => n > 0 && n <= SIM_MAX);
const WINDOW_MS = Number(args.window) * 1000;
const BUDGET_MS = Number(args.budget) * 1000;
const [PIC_W, PIC_H] = args.size.split('x').map(Number) as [number, number];
const started = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}`);
const overBudget = () => Date.now() - started > BUDGET_MS;

const work = mkdtempSync(path.join(os.tmpdir(), 'tremolo-bench-broadcast-'));

// ---------------------------------------------------------------- the node and its cache

interface Person {
  id: string;
  cookie: string;
  csrf: string;
}

/** The node, as production runs it (its own process); its data under `work`, where the split finds the scratch. */
async function startNode() {
  const node = await startServerProcess({
    ...Object.fromEntries(Object.values(RATE_LIMITS).map((l) => [l.env, '1000000'])),
    DATA_DIR: path.join(work, 'data'),
    STORAGE_DIR: path.join(work, 'storage'),
    BROADCAST: 'true',
    BROADCAST_SIZE: args.size,
    BROADCAST_FPS: args.fps,
    BROADCAST_VIDEO_KBPS: args.kbps,
    JOBS_POLL_MS: '500',
    ...(args['database-url'] ? { DATABASE_URL: args['database-url'] } : {}),
  });
  return { url: node.url, port: Number(new URL(node.url).port), stop: () => node.stop() };
}

/** nginx with the shipped configuration in front of the node; null when nginx is not installed. */
async function startCache(originPort: number): Promise<{ url: string; stop(): Promise<void> } | null> {
  const nginx = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => spawnSync(p, ['-v']).status === 0);
  if (!nginx) return null;
  const port = await freePort();
  const dir = path.join(work, 'nginx');
  const shipped = readFileSync(path.join(root, 'deploy/nginx-broadcast.conf'), 'utf8')
    .replace('/var/cache/nginx/tremolo-hls', path.join(dir, 'cache'))
    .replace('server 127.0.0.1:8080;', `server 127.0.0.1:${originPort};`)
    .replace(/listen 80;/, `listen 127.0.0.1:${port};`);
  spawnSync('mkdir', ['-p', path.join(dir, 'cache'), path.join(dir, 'tmp')]);
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;\nerror_log ${dir}/error.log warn;\npid ${dir}/nginx.pid;\n${process.getuid?.() === 0 ? 'user root;\n' : ''}` +
      `events { worker_connections 20000; }\nworker_rlimit_nofile 40000;\n` +
      `http {\n  access_log off;\n  client_body_temp_path ${dir}/tmp/body; proxy_temp_path ${dir}/tmp/proxy;\n` +
      `  fastcgi_temp_path ${dir}/tmp/fcgi; uwsgi_temp_path ${dir}/tmp/uwsgi; scgi_temp_path ${dir}/tmp/scgi;\n${shipped}\n}\n`,
  );
  const child = spawnLogged([nginx, '-c', conf, '-g', 'daemon off;'], {
    cpu: null,
    pin: false,
    env: process.env,
    logFile: path.join(dir, 'out.log'),
  });
  await waitForPort(port, child, { logDir: dir });
  return { url: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

async function as<T>(base: string, who: Person, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(base + url, {
    method,
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The node's request count on the HLS routes so far (its Prometheus counter). */
async function originHlsRequests(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let n = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('tremolo_http_request_duration_seconds_count') && line.includes('/hls/')) n += Number(line.split(' ').pop());
  }
  return n;
}

/** CPU time of every ffmpeg composing this room so far (a restarted run is a new process: keep each one's last reading). */
function compositorCpu(roomId: string, seen: Map<number, number>): number {
  for (const pid of readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('ffmpeg') && cmd.includes(roomId)) seen.set(pid, cpuMs(pid));
    } catch {
      // Gone meanwhile.
    }
  }
  return [...seen.values()].reduce((a, b) => a + b, 0);
}

// ---------------------------------------------------------------- simulated viewers

interface Segment {
  uri: string;
  seq: number;
  dur: number;
}

function parse(text: string): { seq: number; target: number; segments: Segment[] } {
  let seq = 0;
  let target = 1;
  let dur = 0;
  const segments: Segment[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) seq = Number(line.split(':')[1]);
    else if (line.startsWith('#EXT-X-TARGETDURATION:')) target = Number(line.split(':')[1]);
    else if (line.startsWith('#EXTINF:')) dur = Number.parseFloat(line.slice(8));
    else if (line && !line.startsWith('#')) segments.push({ uri: line, seq: seq + segments.length, dur });
  }
  return { seq, target, segments };
}

class Quantiles {
  private readonly xs: number[] = [];
  add(x: number): void {
    this.xs.push(x);
  }
  q(p: number): number {
    if (this.xs.length === 0) return 0;
    const s = [...this.xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  }
  get count(): number {
    return this.xs.length;
  }
}

interface Audience {
  add(n: number): void;
  /** Starts a measuring window: counters from now on. */
  reset(): void;
  stats(): { viewers: number; stalled: number; fetchP99: number; fetches: number; failed: number };
  stop(): void;
}

function audience(base: string, live: string, cookies: string[]): Audience {
  // Node's fetch keeps connections alive and opens as many as the viewers need.
  let running = true;
  let fetches = new Quantiles();
  let failed = 0;
  let stalledIds = new Set<number>();
  let counted = new Set<number>();
  let nextId = 0;
  const get = async (url: string, cookie: string): Promise<{ ok: boolean; body: Buffer }> => {
    const t0 = performance.now();
    try {
      const r = await fetch(base + url, { headers: { cookie } });
      const body = Buffer.from(await r.arrayBuffer());
      fetches.add(performance.now() - t0);
      return { ok: r.status === 200, body };
    } catch {
      failed++;
      return { ok: false, body: Buffer.alloc(0) };
    }
  };
  const dir = live.slice(0, live.lastIndexOf('/') + 1);
  const viewer = async (id: number) => {
    const cookie = cookies[id % cookies.length]!;
    // Arrivals spread over a second, as a real audience's are.
    await sleep(Math.random() * 1000);
    let pl = await get(live, cookie);
    if (!pl.ok) return;
    let p = parse(pl.body.toString());
    // Three segments behind the edge, as hls.js starts by default.
    let next = p.segments[Math.max(0, p.segments.length - 3)]?.seq ?? p.seq;
    let buffered = 0;
    let playStart = 0;
    while (running) {
      const seg = p.segments.find((s) => s.seq === next);
      if (seg) {
        const got = await get(dir + seg.uri, cookie);
        if (!running) return;
        if (!got.ok) continue;
        const now = performance.now() / 1000;
        if (playStart === 0) playStart = now;
        else if (now > playStart + buffered) {
          // The buffer ran dry before this segment arrived: a stall; playback resumes from here.
          if (counted.has(id)) stalledIds.add(id);
          playStart = now - buffered;
        }
        buffered += seg.dur;
        next++;
        continue;
      }
      await sleep((p.target * 1000) / 2);
      pl = await get(live, cookie);
      if (pl.ok) p = parse(pl.body.toString());
      // Fell out of the window (a long stall): rejoin near live.
      if (p.segments.length && next < p.segments[0]!.seq) next = p.segments[Math.max(0, p.segments.length - 3)]!.seq;
    }
  };
  return {
    add(n) {
      for (let i = 0; i < n; i++) void viewer(nextId++);
    },
    reset() {
      fetches = new Quantiles();
      failed = 0;
      stalledIds = new Set();
      counted = new Set(Array.from({ length: nextId }, (_, i) => i));
    },
    stats: () => ({ viewers: counted.size, stalled: stalledIds.size, fetchP99: fetches.q(0.99), fetches: fetches.count, failed }),
    stop() {
      running = false;
    },
  };
}

// ---------------------------------------------------------------- where the time goes

/** The scratch directory the compositor's ffmpeg writes this room's segments into. */
function scratchOf(roomId: string): string | null {
  const walk = (dir: string, depth: number): string | null => {
    if (depth > 6) return null;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const p = path.join(dir, e.name);
      if (e.name === roomId && existsSync(path.join(p, 'feed-0.sdp'))) return p;
      const found = walk(p, depth + 1);
      if (found) return found;
    }
    return null;
  };
  return walk(work, 0);
}

/** The tools the server composes with (the split decodes segments); the node does not start without them. */
const tools = findMediaTools();

/** The 24-bit clock stamp (ms) in the host's tile of a segment's first picture, or null when misread. */
function stampOfSegment(file: string, points: [number, number][]): number | null {
  if (!tools) return null;
  const r = spawnSync(tools.ffmpeg, ['-v', 'error', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], {
    maxBuffer: PIC_W * PIC_H * 2,
  });
  if (r.status !== 0 || r.stdout.length < PIC_W * PIC_H) return null;
  let bits = 0;
  for (const [x, y] of points) {
    let lum = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) lum += r.stdout[(Math.round(y) + dy) * PIC_W + Math.round(x) + dx]!;
    bits = bits * 2 + (lum / 9 < 128 ? 1 : 0);
  }
  const v = Math.floor(bits / 256);
  return ((v & 0xff) + ((v >> 8) & 0xff) + ((v >> 16) & 0xff)) % 256 === bits % 256 ? v : null;
}

/** The presentation time (s) of a segment's first video packet. */
function firstPts(file: string): number | null {
  if (!tools) return null;
  const r = spawnSync(tools.ffprobe, [
    '-v',
    'error',
    '-select_streams',
    'v',
    '-show_entries',
    'packet=pts_time',
    '-read_intervals',
    '%+#1',
    '-of',
    'csv=p=0',
    file,
  ]);
  const v = Number.parseFloat(r.stdout.toString());
  return Number.isFinite(v) ? v : null;
}

/** The full wall-clock time (ms) of a 24-bit stamp taken shortly before `near`. */
const unwrap = (stamp: number, near: number) => near - (((((near % 0x1000000) - stamp) % 0x1000000) + 0x1000000) % 0x1000000);
/** The MPEG-TS muxer starts its timestamps 1.4 s in (twice its default 0.7 s mux delay). */
const TS_OFFSET_SEC = 1.4;

/**
 * Follows segments from ffmpeg to the viewer: when ffmpeg finished each one (its rename in the
 * scratch directory), when the node's live playlist first listed it, when the cache's did. At the
 * end each segment's first picture is decoded for the host's clock stamp (when it was drawn) and
 * its timestamp gives when ffmpeg read it (the run's start is in its name), which splits the
 * picture's way into: publisher → SFU → compositor's subscriber → ffmpeg's read; ffmpeg (filters,
 * encoder, and the wait for the segment's end); the hand-off to storage; the cache.
 */
function followSegments(roomId: string, origin: string, front: string, live: string, cookie: string) {
  const done = new Map<string, number>();
  const atOrigin = new Map<string, number>();
  const atCache = new Map<string, number>();
  const durations = new Map<string, number>();
  const dir = scratchOf(roomId);
  const watcher = dir
    ? watch(dir, (_e, name) => {
        if (name && /^[a-z0-9]+-\d+\.ts$/.test(name) && !done.has(name) && existsSync(path.join(dir, name))) done.set(name, Date.now());
      })
    : null;
  let running = true;
  // The node: its plain live playlist every 100 ms. The cache: as hls.js asks, by blocking reloads when offered.
  const poll = async (base: string, seen: Map<string, number>, blocking: boolean) => {
    let next: number | null = null;
    while (running) {
      const t0 = Date.now();
      try {
        const text = await (await fetch(base + live + (next === null ? '' : `?_HLS_msn=${next}`), { headers: { cookie } })).text();
        const now = Date.now();
        const p = parse(text);
        for (const seg of p.segments) {
          durations.set(seg.uri, seg.dur);
          if (!seen.has(seg.uri)) seen.set(seg.uri, now);
        }
        next = blocking && text.includes('CAN-BLOCK-RELOAD=YES') ? p.seq + p.segments.length : null;
      } catch {
        next = null;
      }
      if (next === null) await sleep(Math.max(0, 100 - (Date.now() - t0)));
    }
  };
  const polls = [poll(origin, atOrigin, false), poll(front, atCache, true)];
  // What was already listed when we started says nothing about how fast it got there.
  const startedAt = Date.now() + 1500;
  return {
    async stop(points: [number, number][]) {
      running = false;
      watcher?.close();
      await Promise.all(polls);
      const rows: { capture: number; read: number | null; done: number; origin: number; cache: number; dur: number }[] = [];
      const listed = [...atOrigin.entries()].filter(([uri, t]) => t > startedAt && done.has(uri) && atCache.has(uri));
      for (const [uri, origin] of listed.slice(-12)) {
        const file = path.join(work, `probe-${uri}`);
        writeFileSync(
          file,
          Buffer.from(
            await (await fetch(`${front}${live.slice(0, live.lastIndexOf('/') + 1)}${uri}`, { headers: { cookie } })).arrayBuffer(),
          ),
        );
        const stamp = stampOfSegment(file, points);
        const pts = firstPts(file);
        rmSync(file, { force: true });
        if (stamp === null) continue;
        const runStart = Number.parseInt(uri.split('-')[0]!, 36);
        rows.push({
          capture: unwrap(stamp, done.get(uri)!),
          read: pts === null ? null : runStart + (pts - TS_OFFSET_SEC) * 1000,
          done: done.get(uri)!,
          origin,
          cache: atCache.get(uri)!,
          dur: (durations.get(uri) ?? 1) * 1000,
        });
      }
      const med = (xs: number[]) => (xs.length ? Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!) : null);
      const withRead = rows.filter((r) => r.read !== null) as ((typeof rows)[number] & { read: number })[];
      return {
        segments: rows.length,
        segmentMs: med(rows.map((r) => r.dur)),
        // Drawn by the publisher → read by ffmpeg (the browser's encoder, the SFU, the compositor's subscriber, loopback UDP, ffmpeg's input queue).
        toFfmpegMs: med(withRead.map((r) => r.read - r.capture)),
        // Read by ffmpeg → its segment complete, less the segment's own length (filters, encoder, muxer).
        ffmpegMs: med(withRead.map((r) => r.done - r.read - r.dur)),
        // Drawn → segment complete, less the segment's own length (the two above together).
        toSegmentMs: med(rows.map((r) => r.done - r.capture - r.dur)),
        // Segment complete → listed by the node's live playlist (the hand-off to storage).
        handoffMs: med(rows.map((r) => r.origin - r.done)),
        // Listed by the node → listed by the cache in front of it (blocking reloads when offered).
        cacheMs: med(rows.map((r) => r.cache - r.origin)),
      };
    },
  };
}

// ---------------------------------------------------------------- the run

async function main() {
  const node = await startNode();
  const cache = await startCache(node.port);
  const front = cache?.url ?? node.url;
  log(`node ${node.url}, ${cache ? `nginx cache ${cache.url}` : 'no nginx: viewers go straight to the node'}`);
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...MEDIA_ARGS, '--disable-renderer-backgrounding', '--disable-background-timer-throttling'],
  });
  const pages: Page[] = [];
  const result: Record<string, unknown> = {
    bench: 'broadcast',
    stage: STAGE,
    picture: args.size,
    kbps: Number(args.kbps),
    cache: cache ? 'nginx' : 'none',
  };
  try {
    const tag = Date.now().toString(36);
    const host = await signupOverHttp(node.url, `bh${tag}`);
    const room = await as<{ id: string }>(node.url, host, 'POST', pathOf(api.rooms.create, {}), { title: 'Broadcast bench' });
    const live = pathOf(api.rooms.hlsLive, { id: room.id });
    // Seconds of picture recorded so far (the replay lists every segment): against the wall clock it says
    // whether the compositor keeps real time, which no cache or player can make up for.
    const recordedSec = async () => {
      const text = await (
        await fetch(node.url + pathOf(api.rooms.hlsReplay, { id: room.id }), { headers: { cookie: host.cookie } })
      ).text();
      return parse(text).segments.reduce((a, x) => a + x.dur, 0);
    };

    const newPage = async (who: Person, at: string) => {
      const ctx = await browser.newContext();
      const [name = '', ...rest] = who.cookie.split('=');
      await ctx.addCookies([{ name, value: rest.join('='), url: at }]);
      const page = await ctx.newPage();
      await page.route(`${at}/bench-page`, (r) => r.fulfill({ contentType: 'text/html', body: BROADCAST_BENCH_PAGE }));
      await page.goto(`${at}/bench-page`);
      pages.push(page);
      return page;
    };
    const publish = async (who: Person, hue: number) => {
      const page = await newPage(who, node.url);
      const offerSdp = await page.evaluate((h) => (window as unknown as { publishOffer(h: number): Promise<string> }).publishOffer(h), hue);
      const { answerSdp } = await as<{ answerSdp: string }>(node.url, who, 'POST', pathOf(api.rooms.publish, { id: room.id }), {
        offerSdp,
      });
      await page.evaluate((sdp) => (window as unknown as { publishAnswer(s: string): Promise<void> }).publishAnswer(sdp), answerSdp);
    };
    await publish(host, 0);
    for (let i = 1; i < STAGE; i++) {
      const guest = await signupOverHttp(node.url, `bg${tag}${i}`);
      await as(node.url, guest, 'POST', pathOf(api.rooms.join, { id: room.id }));
      await as(node.url, guest, 'POST', pathOf(api.rooms.raiseHand, { id: room.id }), { raised: true });
      await as(node.url, host, 'POST', pathOf(api.rooms.answerHand, { id: room.id, userId: guest.id }), { accept: true });
      await publish(guest, i * 40);
    }
    log(`stage of ${STAGE} publishing; waiting for the broadcast`);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const r = await fetch(front + live, { headers: { cookie: host.cookie } });
      // The composed picture has the whole stage once the compositor restarted for the last guest.
      if (r.ok && parse(await r.text()).segments.length >= 6) break;
      if (Date.now() > deadline) throw new Error('no broadcast after 120 s; see the server log in ' + work);
      await sleep(1000);
    }

    // 1. Glass to glass, with the stage complete (the host's tile is the first).
    const tile = tileLayout(STAGE, PIC_W, PIC_H)[0]!;
    const s = Math.max(tile.w / SOURCE.width, tile.h / SOURCE.height);
    const offX = (SOURCE.width * s - tile.w) / 2;
    const offY = (SOURCE.height * s - tile.h) / 2;
    const points: [number, number][] = [];
    for (let i = 0; i < 32; i++) {
      const cx = (BARCODE.x0 + ((i % BARCODE.cols) + 0.5) * ((BARCODE.x1 - BARCODE.x0) / BARCODE.cols)) * SOURCE.width;
      const cy = (BARCODE.y0 + (Math.floor(i / BARCODE.cols) + 0.5) * ((BARCODE.y1 - BARCODE.y0) / BARCODE.rows)) * SOURCE.height;
      points.push([tile.x + cx * s - offX, tile.y + cy * s - offY]);
    }
    const watchers: Page[] = [];
    for (let i = 0; i < CHROME_VIEWERS; i++) {
      const fan = await signupOverHttp(node.url, `bv${tag}${i}`);
      const page = await newPage(fan, front);
      await page.addScriptTag({ path: path.join(root, 'node_modules/hls.js/dist/hls.min.js') });
      await page.evaluate(
        ([url, pts, config]) => (window as unknown as { watch(u: string, p: unknown, c: unknown): void }).watch(url, pts, config),
        [live, points, LIVE_HLS_CONFIG] as const,
      );
      watchers.push(page);
    }
    const rec0 = await recordedSec();
    const rec0At = Date.now();
    const cpuSeen = new Map<number, number>();
    const cpu0 = compositorCpu(room.id, cpuSeen);
    const cpuT0 = Date.now();
    const follow = followSegments(room.id, node.url, front, live, host.cookie);
    await sleep(8000); // hls.js joins and settles
    for (const w of watchers) await w.evaluate(() => ((window as unknown as { samples: number[] }).samples = []));
    await sleep(Math.max(WINDOW_MS, 10_000));
    // Where the time goes: how old the newest listed segment's start is (the compositor and the
    // storage hand-off), and how far behind the edge the player sits (hls.js).
    const edge = parse(await (await fetch(front + live, { headers: { cookie: host.cookie } })).text());
    const pdt = /#EXT-X-PROGRAM-DATE-TIME:(\S+)\s+#EXTINF:([\d.]+)[^\n]*\n[^\n]+\s*$/.exec(
      await (await fetch(front + live, { headers: { cookie: host.cookie } })).text(),
    );
    const edgeAgeMs = pdt ? Date.now() - Date.parse(pdt[1]!) : null;
    const players = await Promise.all(watchers.map((w) => w.evaluate(() => (window as unknown as { hlsDiag(): unknown }).hlsDiag())));
    log(
      `newest segment started ${edgeAgeMs} ms ago (${edge.segments.length} listed, target ${edge.target} s); players: ${JSON.stringify(players)}`,
    );
    result.edgeAgeMs = edgeAgeMs;
    const latencies = players.map((p) => (p as { latency?: number }).latency).filter((x): x is number => typeof x === 'number');
    const split = {
      ...(await follow.stop(points)),
      // hls.js's distance from the live edge (the newest listed segment's end, moved on by the playlist's age).
      playerMs: latencies.length ? Math.round((latencies.reduce((a, b) => a + b, 0) / latencies.length) * 1000) : null,
    };
    log(`where the time goes (median per segment, ms): ${JSON.stringify(split)}`);
    result.split = split;
    const glass = new Quantiles();
    let misreads = 0;
    let frames = 0;
    let stalls = 0;
    for (const w of watchers) {
      const r = await w.evaluate(() => {
        const x = window as unknown as { samples: number[]; misreads: number; frames: number; stalls: number };
        return { samples: x.samples, misreads: x.misreads, frames: x.frames, stalls: x.stalls };
      });
      for (const v of r.samples) glass.add(v);
      misreads += r.misreads;
      frames += r.frames;
      stalls += r.stalls;
    }
    log(`glass to glass over ${glass.count} frames (${misreads} misread of ${frames}): p50 ${glass.q(0.5)} ms, p95 ${glass.q(0.95)} ms`);
    result.glassP50Ms = glass.count ? glass.q(0.5) : null;
    result.glassP95Ms = glass.count ? glass.q(0.95) : null;
    result.glassFrames = glass.count;
    result.playerStalls = stalls;
    const realTime = Math.round((((await recordedSec()) - rec0) / ((Date.now() - rec0At) / 1000)) * 100) / 100;
    log(`hls.js stalls: ${stalls}; the compositor recorded ${realTime} s of picture per second of wall clock`);
    result.compositorRealTime = realTime;

    // The Chromium viewers have given their figures; their decoding would only take CPU from the audience's generator.
    for (const w of watchers) await w.context().close();

    // 2. The audience, in steps.
    const cookies: string[] = [];
    for (let i = 0; i < 20; i++) cookies.push((await signupOverHttp(node.url, `ba${tag}${i}`)).cookie);
    const crowd = audience(front, live, cookies);
    const lag = monitorEventLoopDelay({ resolution: 20 });
    lag.enable();
    let best: { viewers: number; stallRate: number; fetchP99Ms: number; originReqPerSec: number } | null = null;
    let limitedBy: string | null = null;
    let have = 0;
    const steps: unknown[] = [];
    for (const n of STEPS) {
      if (overBudget()) {
        limitedBy = `time budget (${args.budget} s)`;
        break;
      }
      crowd.add(n - have);
      have = n;
      await sleep(4000); // arrivals and their first segments
      crowd.reset();
      lag.reset();
      const o0 = await originHlsRequests(node.url);
      const t0 = Date.now();
      await sleep(WINDOW_MS);
      const secs = (Date.now() - t0) / 1000;
      const originReqPerSec = Math.round(((await originHlsRequests(node.url)) - o0) / secs);
      const st = crowd.stats();
      const stallRate = st.viewers ? st.stalled / st.viewers : 0;
      const loopP99 = lag.percentile(99) / 1e6;
      const step = {
        viewers: n,
        stallRate: Math.round(stallRate * 10000) / 10000,
        fetchP99Ms: Math.round(st.fetchP99),
        originReqPerSec,
        fetches: st.fetches,
        failed: st.failed,
        generatorLoopP99Ms: Math.round(loopP99),
      };
      steps.push(step);
      log(
        `${n} viewers: stall rate ${(stallRate * 100).toFixed(2)} %, fetch p99 ${step.fetchP99Ms} ms, origin ${originReqPerSec} req/s, ${st.fetches} fetches (${st.failed} failed), generator loop p99 ${step.generatorLoopP99Ms} ms`,
      );
      if (loopP99 <= 250) best = { viewers: n, stallRate: step.stallRate, fetchP99Ms: step.fetchP99Ms, originReqPerSec };
      // A generator whose own loop lags by a quarter of a segment measures itself, not the tier.
      if (loopP99 > 250) {
        limitedBy = `the load generator (one Node process on a shared 2-core machine): event-loop p99 ${Math.round(loopP99)} ms at ${n} viewers`;
        break;
      }
    }
    crowd.stop();
    const cpuPct = Math.round(((compositorCpu(room.id, cpuSeen) - cpu0) / (Date.now() - cpuT0)) * 1000) / 10;
    log(`compositor (ffmpeg) CPU: ${cpuPct} % of one core`);
    result.viewers = best?.viewers ?? 0;
    result.stallRate = best?.stallRate ?? null;
    result.fetchP99Ms = best?.fetchP99Ms ?? null;
    result.originReqPerSec = best?.originReqPerSec ?? null;
    result.compositorCpuPct = cpuPct;
    result.limitedBy = limitedBy;
    result.steps = steps;
    result.loadAverage = Math.round(os.loadavg()[0]! * 10) / 10;
  } finally {
    for (const p of pages)
      await p
        .context()
        .close()
        .catch(() => undefined);
    await browser.close();
    await cache?.stop();
    await node.stop();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(JSON.stringify(result));
}

await main();
process.exit(0);
