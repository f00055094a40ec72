/**
 * `npm run bench:watch-sync`: four headless Chromium clients watch one party for 60 s while
 * the party is paused, resumed and seeked (controls come from different members). One
 * client's connection (page, API, video and WebSocket) goes through a TCP proxy that holds
 * every chunk 150 ± 50 ms in each direction. Every 100 ms each page records its
 * `currentTime` with its wall clock; all pages run on this machine, so the wall clock is a
 * true shared clock and the measurement does not trust the clients' own clock estimates.
 *
 * Then the same run with the naive baseline (`?sync=naive`): each command applied when it
 * arrives at the position it names, the way the peers do it.
 *
 * Metrics, per run:
 * - drift: per 100 ms bucket, the spread (max − min) across the four clients of their error
 *   against the party's timeline, over the time the party plays, excluding the settling
 *   window (1.5 s after a change takes effect); p50, p95, max.
 * - resync after a seek: from the click until every client is within ±25 ms of the timeline
 *   (so within 50 ms of each other) for half a second.
 *
 *   --seconds 60   length of each run      --no-baseline   skip the naive run
 *
 * Ends with one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { positionAt, type PlaybackState, type WatchParty } from '@tremolo/protocol';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/support/browser.ts';
import { startServer } from '../e2e/support/server.ts';
import { makeVideo, uploadVideo } from '../e2e/support/video.ts';
import { root, sleep } from './support/processes.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    'no-baseline': { type: 'boolean', default: false },
    'delay-ms': { type: 'string', default: '150' },
    'jitter-ms': { type: 'string', default: '50' },
    trace: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const DELAY = Number(args['delay-ms']);
const JITTER = Number(args['jitter-ms']);
const CLIENTS = 4;
const SETTLE_MS = 1500;
const IN_SYNC_MS = 25;

const ARGS = [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'];

interface Sample {
  wallMs: number;
  serverMs: number;
  currentTimeMs: number;
  paused: boolean;
  rate: number;
  version: number;
}

interface PageHooks {
  __watch?: {
    sample(): Sample;
    current: PlaybackState | null;
    control(action: string, extra?: { positionMs?: number }): void;
    clock: { offsetMs: number; rttMs: number };
  };
  __samples?: Sample[];
  __sampler?: number;
}

// ---------------------------------------------------------------- delay proxy

/** A TCP proxy that delays every chunk by delay ± jitter ms, per direction, keeping order. */
function delayProxy(targetPort: number): Promise<{ port: number; server: Server }> {
  const jitter = () => DELAY + (Math.random() * 2 - 1) * JITTER;
  // One queue and one timer per direction: separate timers per chunk can fire out of order.
  const pipe = (from: Socket, to: Socket) => {
    const queue: { at: number; chunk: Buffer | null }[] = [];
    let timer: NodeJS.Timeout | null = null;
    let last = 0;
    const drain = () => {
      timer = null;
      const now = Date.now();
      while (queue.length && queue[0]!.at <= now) {
        const { chunk } = queue.shift()!;
        if (to.destroyed) continue;
        if (chunk) to.write(chunk);
        else to.end();
      }
      if (queue.length) timer = setTimeout(drain, queue[0]!.at - now);
    };
    const push = (chunk: Buffer | null) => {
      last = Math.max(Date.now() + jitter(), last);
      queue.push({ at: last, chunk });
      if (!timer) timer = setTimeout(drain, queue[0]!.at - Date.now());
    };
    from.on('data', (chunk: Buffer) => push(chunk));
    from.on('end', () => push(null));
    from.on('error', () => to.destroy());
  };
  const server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = connect(targetPort, '127.0.0.1');
    upstream.setNoDelay(true);
    pipe(client, upstream);
    pipe(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server })),
  );
}

// ---------------------------------------------------------------- people

interface Client {
  name: string;
  base: string;
  context: BrowserContext;
  page: Page;
  proxied: boolean;
  csrf: string;
}

async function person(browser: Browser, base: string, handle: string, proxied: boolean): Promise<Client> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 480, height: 720 } });
  const res = await context.request.post('/api/v1/auth/signup', {
    data: { handle, displayName: handle, password: 'correct horse battery' },
  });
  if (res.status() !== 201) throw new Error(`signup ${handle}: ${res.status()} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${handle}] page error: ${e.message}`));
  return { name: handle, base, context, page, proxied, csrf: csrfToken };
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------- one run

interface EventMark {
  action: string;
  pressedAt: number;
  state: PlaybackState;
}

interface RunResult {
  mode: 'sync' | 'naive';
  drift: number[];
  resyncs: (number | null)[];
  clockErrors: number[];
  rtts: number[];
  samples: number;
}

async function run(clients: Client[], videoId: string, mode: 'sync' | 'naive'): Promise<RunResult> {
  const host = clients[0]!;
  const created = await host.context.request.post('/api/v1/watch', {
    data: { videoIds: [videoId], controlMode: 'everyone' },
    headers: { 'x-csrf-token': host.csrf },
  });
  if (created.status() !== 201) throw new Error(`create party: ${created.status()} ${await created.text()}`);
  const party = (await created.json()) as WatchParty;
  const query = mode === 'naive' ? '?sync=naive' : '';
  await Promise.all(clients.map((c) => c.page.goto(`${party.link}${query}`)));
  // Everyone in and playing.
  await Promise.all(
    clients.map((c) =>
      waitFor(
        `${c.name} playing`,
        () =>
          c.page.evaluate(() => {
            const w = (window as unknown as PageHooks).__watch;
            const s = w?.sample();
            return !!s && !s.paused && s.currentTimeMs > 300;
          }),
        60_000,
      ),
    ),
  );
  await sleep(mode === 'sync' ? 2500 : 1000); // clock probes done
  await Promise.all(
    clients.map((c) =>
      c.page.evaluate(() => {
        const g = window as unknown as PageHooks;
        g.__samples = [];
        g.__sampler = window.setInterval(() => {
          const s = g.__watch?.sample();
          if (s) g.__samples!.push(s);
        }, 100);
      }),
    ),
  );

  const currentState = (c: Client) => c.page.evaluate(() => (window as unknown as PageHooks).__watch?.current ?? null);
  const marks: EventMark[] = [];
  const initial = await currentState(host);
  if (!initial) throw new Error('no state');
  marks.push({ action: 'start', pressedAt: Date.now(), state: initial });

  // pause/seek/resume, from different members (the proxied one too), spread over the run.
  const script: { at: number; by: number; action: 'pause' | 'play' | 'seek'; positionMs?: number }[] = [
    { at: 0.1, by: 0, action: 'seek', positionMs: 40_000 },
    { at: 0.22, by: 1, action: 'pause' },
    { at: 0.3, by: 2, action: 'play' },
    { at: 0.42, by: 3, action: 'seek', positionMs: 20_000 },
    { at: 0.56, by: 0, action: 'seek', positionMs: 70_000 },
    { at: 0.68, by: 3, action: 'pause' },
    { at: 0.74, by: 0, action: 'play' },
    { at: 0.85, by: 2, action: 'seek', positionMs: 10_000 },
  ];
  const start = Date.now();
  for (const step of script) {
    const due = start + step.at * SECONDS * 1000;
    await sleep(Math.max(0, due - Date.now()));
    const c = clients[step.by]!;
    const before = marks[marks.length - 1]!.state.version;
    const pressedAt = Date.now();
    await c.page.evaluate(
      ([action, positionMs]) =>
        (window as unknown as PageHooks).__watch?.control(action as string, positionMs === null ? {} : { positionMs: positionMs }),
      [step.action, step.positionMs ?? null] as const,
    );
    // The authoritative state, as the host's page received it.
    const state = await waitFor(
      `state after ${step.action}`,
      async () => {
        const s = await currentState(host);
        return s && s.version > before ? s : null;
      },
      10_000,
    );
    marks.push({ action: step.action, pressedAt, state });
    console.log(
      `  ${mode} ${((pressedAt - start) / 1000).toFixed(1)} s: ${clients[step.by]!.name} ${step.action}${step.positionMs !== undefined ? ` → ${step.positionMs / 1000} s` : ''} (lead ${Math.round(state.atServerMs - pressedAt)} ms after the click)`,
    );
  }
  await sleep(Math.max(0, start + SECONDS * 1000 - Date.now()));

  const perClient = await Promise.all(
    clients.map((c) =>
      c.page.evaluate(() => {
        const g = window as unknown as PageHooks;
        window.clearInterval(g.__sampler);
        return { samples: g.__samples ?? [], offset: g.__watch?.clock.offsetMs ?? 0, rtt: g.__watch?.clock.rttMs ?? 0 };
      }),
    ),
  );

  // The timeline: the state in force at wall time t (server and pages share this machine's clock).
  const stateAt = (t: number): PlaybackState => {
    let s = marks[0]!.state;
    for (const m of marks) if (m.state.atServerMs <= t && m.state.version > s.version) s = m.state;
    return s;
  };
  const errorOf = (x: Sample) => x.currentTimeMs - positionAt(stateAt(x.wallMs), x.wallMs);

  // Drift: spread across clients per 100 ms bucket.
  const buckets = new Map<number, number[]>();
  for (const [i, pc] of perClient.entries()) {
    for (const x of pc.samples) {
      const b = Math.floor(x.wallMs / 100);
      let arr = buckets.get(b);
      if (!arr) buckets.set(b, (arr = new Array<number>(CLIENTS).fill(Number.NaN)));
      arr[i] = errorOf(x);
    }
  }
  if (args.trace) {
    for (const [b, errs] of [...buckets.entries()].sort((x, y) => x[0] - y[0])) {
      if (b % 5 === 0)
        console.log(
          `    ${mode} t=${((b * 100 - start) / 1000).toFixed(1)} v${stateAt(b * 100).version} ${stateAt(b * 100).playing ? 'play' : 'stop'} err ${errs.map((e) => Math.round(e)).join(' ')}`,
        );
    }
  }
  const drift: number[] = [];
  const changes = marks
    .slice(1)
    .map((m) => ({ from: Math.min(m.pressedAt, m.state.atServerMs), to: Math.max(m.pressedAt, m.state.atServerMs) + SETTLE_MS }));
  for (const [b, errs] of buckets) {
    const t = b * 100 + 50;
    if (errs.some((e) => Number.isNaN(e))) continue;
    if (!stateAt(t).playing) continue;
    if (changes.some((c) => t >= c.from && t <= c.to)) continue;
    drift.push(Math.max(...errs) - Math.min(...errs));
  }

  // Resync after each seek: all clients within ±25 ms of the timeline for 5 buckets in a row.
  const resyncs: (number | null)[] = [];
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  for (const [k, m] of marks.entries()) {
    if (m.action !== 'seek') continue;
    const end = marks[k + 1]?.pressedAt ?? Infinity;
    let run0: number | null = null;
    let found: number | null = null;
    for (const [b, errs] of sorted) {
      const t = b * 100;
      if (t < m.pressedAt || t >= end) continue;
      const ok = errs.every((e) => !Number.isNaN(e) && Math.abs(e) <= IN_SYNC_MS);
      if (ok) {
        run0 ??= t;
        if (t - run0 >= 400) {
          found = run0 - m.pressedAt;
          break;
        }
      } else run0 = null;
    }
    resyncs.push(found);
  }

  // How well each client knew the server clock (true offset is 0 on one machine).
  const clockErrors = perClient.map((pc) => Math.abs(pc.offset));
  return {
    mode,
    drift,
    resyncs,
    clockErrors,
    rtts: perClient.map((pc) => pc.rtt),
    samples: perClient.reduce((a, pc) => a + pc.samples.length, 0),
  };
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

function describeRun(r: RunResult, seekWindowMs: number) {
  const resyncMs = r.resyncs.map((x) => x ?? seekWindowMs);
  console.log(
    `${r.mode.padEnd(5)}: ${r.drift.length} buckets while playing (of ${r.samples} samples); drift p50 ${r1(pct(r.drift, 50))} ms, p95 ${r1(pct(r.drift, 95))} ms, max ${r1(Math.max(...r.drift))} ms; ` +
      `resync after seek ${r.resyncs.map((x) => (x === null ? 'never' : `${Math.round(x)} ms`)).join(', ')}; ` +
      `clock error per client ${r.clockErrors.map((e) => `${r1(e)}`).join('/')} ms, min RTT ${r.rtts.map((x) => Math.round(x)).join('/')} ms`,
  );
  return {
    p50: r1(pct(r.drift, 50)),
    p95: r1(pct(r.drift, 95)),
    max: r1(Math.max(...r.drift)),
    resyncMax: Math.round(Math.max(...resyncMs)),
    resyncs: r.resyncs,
  };
}

// ---------------------------------------------------------------- main

async function main() {
  console.log('building the web app…');
  // The test build has window.__watch and ?sync=naive; startServer serves it.
  const built = spawnSync('npm', ['run', '-s', 'build:test'], { cwd: root, stdio: 'ignore' });
  if (built.status !== 0) throw new Error('web build failed');
  const server = await startServer({ seedDemo: false });
  const proxy = await delayProxy(server.port);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    const proxyBase = `http://127.0.0.1:${proxy.port}`;
    const clients: Client[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const proxied = i === CLIENTS - 1;
      clients.push(await person(browser, proxied ? proxyBase : server.url, `bench_watch_${i}`, proxied));
    }
    console.log(`${CLIENTS} clients; ${clients[CLIENTS - 1]!.name} through a proxy adding ${DELAY} ± ${JITTER} ms each way`);
    const clip = await makeVideo({ seconds: Math.max(90, SECONDS + 40), width: 320, height: 240 });
    const videoId = await uploadVideo(clients[0]!.context.request, clip, 'bench');
    const codec = await clients[0]!.page.evaluate(() =>
      document.createElement('video').canPlayType('video/mp4; codecs="avc1.64001F, mp4a.40.2"'),
    );
    console.log(`H.264/AAC in this Chromium: ${codec || 'no'}`);

    const sync = await run(clients, videoId, 'sync');
    const s = describeRun(sync, SECONDS * 1000 * 0.12);
    let baselineP95: number | null = null;
    if (!args['no-baseline']) {
      const naive = await run(clients, videoId, 'naive');
      baselineP95 = describeRun(naive, SECONDS * 1000 * 0.12).p95;
    }
    console.log(
      JSON.stringify({
        bench: 'watch-sync',
        clients: CLIENTS,
        p50DriftMs: s.p50,
        p95DriftMs: s.p95,
        maxDriftMs: s.max,
        resyncAfterSeekMs: s.resyncMax,
        baselineP95DriftMs: baselineP95,
      }),
    );
  } finally {
    await browser.close();
    proxy.server.close();
    await server.stop();
  }
}

await main();
