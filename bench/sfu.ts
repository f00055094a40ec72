/**
 * `npm run bench:sfu`: the SfuAdapter implementations under the same load, in one run:
 * werift on the bench's event loop (`werift`), werift on its worker thread as the app runs it
 * (`werift-worker`, `MEDIA_WORKER`), and Janus.
 *
 * Audience search, per adapter: one headless Chromium page publishes a canvas stamped with its
 * wall clock (VP8 simulcast h/l + fake microphone, see sfu/page.ts); two Chromium viewer pages
 * (one on the high layer, one on the low) read the stamp off every decoded frame, giving
 * glass-to-glass latency and decoded fps; Node subscribers (werift connections in a child
 * process that only count RTP) are added in steps to load the SFU. At each step, after a
 * warm-up, a measuring window records latency, fps and the SFU's CPU time: the bench
 * process's own CPU for werift (it runs in this process, on either thread; the viewers and
 * Node subscribers are other processes), /proc/<pid>/stat of Janus for Janus.
 * Reported: p50/p95/fps with the two viewers alone; CPU per forwarded feed (one publisher's
 * audio + video to one subscriber) as the slope of CPU over subscribers; the largest
 * audience (Node + Chromium subscribers) with fps ≥ 20 and p95 ≤ 150 ms.
 *
 * Full stage, per adapter (`fullStage`): the Chromium publisher and eight Node publishers
 * (sfu/node-publishers.ts: synthetic VP8 + Opus, every packet stamped with its frame's send
 * time) are the stage; each stage member receives the other eight (a Node subscriber each),
 * and viewers receiving all nine are added in steps (--stage-viewers). Node subscribers (two
 * processes) give latency per video frame and fps per received feed; the Chromium viewers
 * still give glass to glass for the Chromium publisher. A step passes with frame p95 ≤ 150 ms,
 * the 5th percentile of feed fps ≥ 20 and the Chromium viewers within the same goals.
 *
 * Janus runs inside a private network namespace (server/src/platform/media/janus/testing.ts);
 * its browsers and Node subscribers run there too. Without the `janus` package (or without
 * the privileges to create a namespace) the janus entry is null with the reason.
 *
 *   --steps 0,10,25,50,100,150,200   Node subscribers per step   --window 8   seconds measured
 *   --only werift,werift-worker,janus  adapters                  --budget 150 seconds per adapter
 *   --scenarios audience,stage       --stage-viewers 0,10,25,50,75,100   --stage-budget 150
 *   --app-busy 0                     ms of every 100 ms the bench's main thread spends busy,
 *                                    standing in for the app's own work on its event loop
 *
 * Ends with one JSON line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { SfuAdapter } from '../server/src/platform/media/sfu.ts';
import { WeriftSfu } from '../server/src/platform/media/werift/index.ts';
import { WeriftWorkerSfu } from '../server/src/platform/media/werift/thread.ts';
import { CHROMIUM, CHROMIUM_ARGS, MEDIA_ARGS } from '../server/src/test/chromium.ts';
import { cpuMs } from './realtime/procstat.ts';
import { SFU_BENCH_PAGE } from './sfu/page.ts';
import { sleep } from './support/processes.ts';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '0,10,25,50,100,150,200' },
    window: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '3' },
    budget: { type: 'string', default: '150' },
    only: { type: 'string' },
    'stage-viewers': { type: 'string', default: '0,10,25,50,75,100' },
    'stage-budget': { type: 'string', default: '150' },
    scenarios: { type: 'string', default: 'audience,stage' },
    'app-busy': { type: 'string', default: '0' },
  },
});
const STAGE_VIEWERS = args['stage-viewers'].split(',').map(Number);
const STAGE_BUDGET_MS = Number(args['stage-budget']) * 1000;
const SCENARIOS = new Set(args.scenarios.split(','));
/** Node subscriber processes for the full stage: its ~40,000 packets/s are more than one can decrypt. */
const STAGE_SUBSCRIBER_PROCESSES = 2;
const STAGE_PUBLISHERS = 9;
/** ms of every 100 ms the bench's main thread is kept busy, standing in for the app's own work. */
const APP_BUSY_MS = Number(args['app-busy']);
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const STEPS = args.steps.split(',').map(Number);
const WINDOW_MS = Number(args.window) * 1000;
const WARMUP_MS = Number(args.warmup) * 1000;
const BUDGET_MS = Number(args.budget) * 1000;
const MIN_FPS = 20;
const MAX_P95_MS = 150;
const ROOM = 'bench';
const HERE = path.dirname(fileURLToPath(import.meta.url));

const BROWSER_ARGS = [
  ...CHROMIUM_ARGS,
  ...MEDIA_ARGS,
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  // Viewer pages are never focused; their rendering must not be throttled.
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
];

interface Target {
  sfu: SfuAdapter;
  /** CPU time of the SFU so far, ms. */
  cpuMs(): number;
  chromiumPath: string;
  /** Command prefix that runs a process where it can reach the SFU (a namespace for Janus). */
  prefix: string[];
  iceAddresses: string;
  stop(): Promise<void>;
}

interface Step {
  nodeSubscribers: number;
  connected: number;
  audience: number;
  p50Ms: number;
  p95Ms: number;
  fps: number;
  cpuPct: number;
  misreads: number;
  nodePacketsPerSec: number;
}

export interface AdapterResult {
  p50Ms: number;
  p95Ms: number;
  fps: number;
  cpuPctPerStream: number;
  maxViewers: number;
  steps: Step[];
  publisherKbps: Record<string, number>;
  fullStage: FullStage | null;
}

interface StageStep {
  viewers: number;
  /** Connected Node subscriptions / wanted (9 stage receivers + the viewers). */
  connected: string;
  /** Per video frame through the SFU, Node publishers → Node subscribers. */
  p50Ms: number;
  p95Ms: number;
  audioP95Ms: number;
  /** Frames per second of the received feeds: 5th percentile and lowest. */
  fpsP5: number;
  fpsMin: number;
  /** The Chromium publisher's stamped canvas, glass to glass on the Chromium viewers. */
  glassP95Ms: number;
  glassFps: number;
  cpuPct: number;
  /** The Node publishers' and subscribers' processes: the load generator's own share of the machine. */
  generatorCpuPct: number;
  /** Event-loop delay of the bench's main thread: werift's own loop when it runs there (`werift`). */
  loopP99Ms: number;
  loopMaxMs: number;
  forwardedFeeds: number;
  passed: boolean;
}

export interface FullStage {
  publishers: number;
  /** The largest audience within the goals (besides the stage), or 0. */
  maxViewers: number;
  steps: StageStep[];
}

type Hooks = {
  publish(): Promise<string>;
  answered(sdp: string): Promise<void>;
  viewer(): void;
  accept(sdp: string): Promise<string>;
  diag(): Promise<Record<string, number> | null>;
  take(): Promise<{ samples: number[]; frames: number; misreads: number }>;
  sentKbps(): Promise<Record<string, { bytes: number; fps: number; width: number }>>;
};

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A bench child process (Node subscribers or publishers) spoken to in JSON lines. */
class JsonChild {
  private readonly child: ChildProcess;
  /** Replies awaited, by `op` and `id` (replies without an id come in request order). */
  private readonly waiting = new Map<string, ((m: Record<string, unknown>) => void)[]>();

  constructor(script: string, prefix: string[], iceAddresses: string) {
    const cmd = [...prefix, process.execPath, '--import', 'tsx', path.join(HERE, 'sfu', script)];
    this.child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ICE_ADDRESSES: iceAddresses } });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as Record<string, unknown>;
      const key = `${String(m.op)}/${String(m.id ?? '')}`;
      const queue = this.waiting.get(key);
      const resolve = queue?.shift();
      if (queue && queue.length === 0) this.waiting.delete(key);
      resolve?.(m);
    });
  }

  /** Sends a request and waits for the reply with `replyOp` (and the same id). */
  ask<T>(message: { op: string; id?: string; sdp?: string }, replyOp = message.op): Promise<T> {
    return new Promise((resolve, reject) => {
      const key = `${replyOp}/${message.id ?? ''}`;
      const queue = this.waiting.get(key) ?? [];
      queue.push((m) => (typeof m.error === 'string' ? reject(new Error(m.error)) : resolve(m as T)));
      this.waiting.set(key, queue);
      this.child.stdin!.write(`${JSON.stringify(message)}\n`);
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  tell(message: { op: string; id?: string }): void {
    this.child.stdin!.write(`${JSON.stringify(message)}\n`);
  }

  async stop(): Promise<void> {
    this.child.stdin!.end();
    await Promise.race([new Promise((r) => this.child.once('exit', r)), sleep(3000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** The Node subscriber child process (node-subscribers.ts). */
class NodeSubscribers extends JsonChild {
  constructor(prefix: string[], iceAddresses: string) {
    super('node-subscribers.ts', prefix, iceAddresses);
  }

  async answer(id: string, sdp: string): Promise<string> {
    return (await this.ask<{ sdp: string }>({ op: 'offer', id, sdp }, 'answer')).sdp;
  }

  count(): Promise<{ packets: number; connected: number }> {
    return this.ask({ op: 'count' });
  }

  take(): Promise<Taken> {
    return this.ask({ op: 'take' });
  }
}

interface Taken {
  video: Record<string, number>;
  audio: Record<string, number>;
  frames: number[];
}

async function openPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.route('http://localhost/**', (route) => route.fulfill({ contentType: 'text/html', body: SFU_BENCH_PAGE }));
  await page.goto('http://localhost/');
  return page;
}

async function run(name: string, target: Target): Promise<AdapterResult> {
  const started = Date.now();
  const { sfu } = target;
  const browser = await chromium.launch({ executablePath: target.chromiumPath, headless: true, args: BROWSER_ARGS });
  const nodes = new NodeSubscribers(target.prefix, target.iceAddresses);
  try {
    await sfu.openRoom(ROOM);
    const pub = await openPage(browser);
    const offer = await pub.evaluate(() => (window as unknown as Hooks).publish());
    const { answerSdp } = await sfu.publish(ROOM, 'publisher', offer);
    await pub.evaluate((sdp) => (window as unknown as Hooks).answered(sdp), answerSdp);

    const viewers: Page[] = [];
    for (const [i, layer] of (['high', 'low'] as const).entries()) {
      const page = await openPage(browser);
      await page.evaluate(() => (window as unknown as Hooks).viewer());
      const id = `viewer-${i}`;
      const o = await sfu.subscribe(ROOM, id, ['publisher']);
      const answer = await page.evaluate((sdp) => (window as unknown as Hooks).accept(sdp), o.offerSdp);
      await sfu.answerSubscription(ROOM, id, answer);
      if (layer === 'low') await sfu.setLayer(ROOM, id, 'publisher', 'low');
      viewers.push(page);
    }
    await sleep(4000);
    const kbpsA = await pub.evaluate(() => (window as unknown as Hooks).sentKbps());
    await sleep(2000);
    const kbpsB = await pub.evaluate(() => (window as unknown as Hooks).sentKbps());
    const publisherKbps: Record<string, number> = {};
    for (const [rid, b] of Object.entries(kbpsB)) {
      publisherKbps[rid] = Math.round(((b.bytes - (kbpsA[rid]?.bytes ?? 0)) * 8) / 2000);
      console.log(`  ${name}: publisher layer ${rid}: ${b.width} px, ${b.fps} fps, ${publisherKbps[rid]} kbps`);
    }

    const steps: Step[] = [];
    let nodeCount = 0;
    for (const want of SCENARIOS.has('audience') ? STEPS : []) {
      if (Date.now() - started > BUDGET_MS) {
        console.log(`  ${name}: time budget reached before ${want} Node subscribers`);
        break;
      }
      const joins: Promise<void>[] = [];
      for (; nodeCount < want; nodeCount++) {
        const id = `node-${nodeCount}`;
        joins.push(
          (async () => {
            const o = await sfu.subscribe(ROOM, id, ['publisher']);
            const answer = await nodes.answer(id, o.offerSdp);
            await sfu.answerSubscription(ROOM, id, answer);
          })(),
        );
        // Connections are set up a few at a time: DTLS handshakes are CPU heavy.
        if (joins.length >= 5) await Promise.all(joins.splice(0));
      }
      await Promise.all(joins);
      await sleep(WARMUP_MS);
      for (const v of viewers) await v.evaluate(() => (window as unknown as Hooks).take());
      const c0 = target.cpuMs();
      const n0 = await nodes.count();
      const t0 = Date.now();
      await sleep(WINDOW_MS);
      const cpu = target.cpuMs() - c0;
      const n1 = await nodes.count();
      const elapsed = Date.now() - t0;
      const samples: number[] = [];
      const fpsEach: number[] = [];
      let misreads = 0;
      for (const v of viewers) {
        const t = await v.evaluate(() => (window as unknown as Hooks).take());
        samples.push(...t.samples);
        fpsEach.push((t.frames * 1000) / elapsed);
        misreads += t.misreads;
      }
      samples.sort((a, b) => a - b);
      const step: Step = {
        nodeSubscribers: want,
        connected: n1.connected,
        audience: want + viewers.length,
        p50Ms: Math.round(percentile(samples, 50)),
        p95Ms: Math.round(percentile(samples, 95)),
        fps: Math.round(Math.min(...fpsEach) * 10) / 10,
        cpuPct: Math.round((cpu / elapsed) * 1000) / 10,
        misreads,
        nodePacketsPerSec: Math.round(((n1.packets - n0.packets) * 1000) / elapsed),
      };
      steps.push(step);
      console.log(
        `  ${name}: ${String(step.audience).padStart(4)} subscribers (${step.connected}/${want} Node connected): ` +
          `p50 ${step.p50Ms} ms, p95 ${step.p95Ms} ms, fps ${step.fps}, SFU CPU ${step.cpuPct}% of a core, ` +
          `Node subscribers receive ${step.nodePacketsPerSec} pkt/s, misread frames ${misreads}, load ${loadavg()}`,
      );
      for (const v of viewers) console.log(`    viewer: ${JSON.stringify(await v.evaluate(() => (window as unknown as Hooks).diag()))}`);
      if (!(step.fps >= MIN_FPS && step.p95Ms <= MAX_P95_MS)) break;
    }

    // The audience search's subscribers leave before the stage comes on.
    for (let i = 0; i < nodeCount; i++) {
      await sfu.leave(ROOM, `node-${i}`).catch(() => {});
      nodes.tell({ op: 'close', id: `node-${i}` });
    }
    const fullStage = SCENARIOS.has('stage') ? await runFullStage(name, target, viewers) : null;

    const base = steps[0];
    const passing = steps.filter((s) => s.fps >= MIN_FPS && s.p95Ms <= MAX_P95_MS);
    const top = passing[passing.length - 1] ?? steps[steps.length - 1];
    // Marginal cost of one more feed; with only the base step, its CPU over its two viewers.
    const cpuPctPerStream =
      !base || !top
        ? NaN
        : top.audience > base.audience
          ? (top.cpuPct - base.cpuPct) / (top.audience - base.audience)
          : base.cpuPct / base.audience;
    return {
      p50Ms: base?.p50Ms ?? NaN,
      p95Ms: base?.p95Ms ?? NaN,
      fps: base?.fps ?? NaN,
      cpuPctPerStream: Math.round(cpuPctPerStream * 1000) / 1000,
      maxViewers: passing.length && top ? top.audience : 0,
      steps,
      publisherKbps,
      fullStage,
    };
  } finally {
    await nodes.stop();
    await sfu.closeRoom(ROOM).catch(() => {});
    await browser.close().catch(() => {});
  }
}

/** Percentile of a histogram {ms: count}. */
function histPercentile(hist: Map<number, number>, p: number): number {
  const total = [...hist.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return NaN;
  const rank = Math.min(total - 1, Math.floor((p / 100) * total));
  let seen = 0;
  for (const ms of [...hist.keys()].sort((a, b) => a - b)) {
    seen += hist.get(ms)!;
    if (seen > rank) return ms;
  }
  return NaN;
}

function merge(into: Map<number, number>, hist: Record<string, number>): void {
  for (const [ms, n] of Object.entries(hist)) into.set(Number(ms), (into.get(Number(ms)) ?? 0) + n);
}

/**
 * A full stage: the Chromium publisher and eight Node publishers (node-publishers.ts), each
 * stage member receiving the other eight (a Node subscriber per member), then viewers that
 * receive all nine added in steps, until a step misses a goal or the time budget is spent.
 */
async function runFullStage(name: string, target: Target, chromiumViewers: Page[]): Promise<FullStage> {
  const started = Date.now();
  const { sfu } = target;
  const publishers = new JsonChild('node-publishers.ts', target.prefix, target.iceAddresses);
  const subscribers = Array.from({ length: STAGE_SUBSCRIBER_PROCESSES }, () => new NodeSubscribers(target.prefix, target.iceAddresses));
  const stage = ['publisher'];
  const subscriptions: string[] = [];
  let next = 0;
  const subscribe = async (id: string, publisherIds: string[]) => {
    const nodes = subscribers[next++ % subscribers.length]!;
    const o = await sfu.subscribe(ROOM, id, publisherIds);
    await sfu.answerSubscription(ROOM, id, await nodes.answer(id, o.offerSdp));
    subscriptions.push(id);
  };
  const take = async () => {
    const video = new Map<number, number>();
    const audio = new Map<number, number>();
    const frames: number[] = [];
    for (const t of await Promise.all(subscribers.map((n) => n.take()))) {
      merge(video, t.video);
      merge(audio, t.audio);
      frames.push(...t.frames);
    }
    return { video, audio, frames };
  };
  const steps: StageStep[] = [];
  try {
    for (let i = 1; i < STAGE_PUBLISHERS; i++) {
      const id = `stage-${i}`;
      const { sdp } = await publishers.ask<{ sdp: string }>({ op: 'offer', id });
      const { answerSdp } = await sfu.publish(ROOM, id, sdp);
      await publishers.ask({ op: 'answer', id, sdp: answerSdp }, 'answered');
      stage.push(id);
    }
    await publishers.ask({ op: 'start' }, 'started');
    for (const member of stage)
      await subscribe(
        `${member}-rx`,
        stage.filter((p) => p !== member),
      );

    let viewers = 0;
    for (const want of STAGE_VIEWERS) {
      if (Date.now() - started > STAGE_BUDGET_MS) {
        console.log(`  ${name} full stage: time budget reached before ${want} viewers`);
        break;
      }
      const joins: Promise<void>[] = [];
      for (; viewers < want; viewers++) {
        joins.push(subscribe(`stage-viewer-${viewers}`, stage));
        if (joins.length >= 5) await Promise.all(joins.splice(0));
      }
      await Promise.all(joins);
      await sleep(WARMUP_MS);
      await take();
      for (const v of chromiumViewers) await v.evaluate(() => (window as unknown as Hooks).take());
      loopDelay.reset();
      const generatorCpu = () => [publishers, ...subscribers].reduce((a, c) => a + cpuMs(c.pid), 0);
      const c0 = target.cpuMs();
      const g0 = generatorCpu();
      const t0 = Date.now();
      await sleep(WINDOW_MS);
      const cpu = target.cpuMs() - c0;
      const generator = generatorCpu() - g0;
      const t = await take();
      const elapsed = Date.now() - t0;
      const glass: number[] = [];
      const glassFps: number[] = [];
      for (const v of chromiumViewers) {
        const g = await v.evaluate(() => (window as unknown as Hooks).take());
        glass.push(...g.samples);
        glassFps.push((g.frames * 1000) / elapsed);
      }
      glass.sort((a, b) => a - b);
      const fps = t.frames.map((f) => (f * 1000) / elapsed).sort((a, b) => a - b);
      const connected = (await Promise.all(subscribers.map((n) => n.count()))).reduce((a, c) => a + c.connected, 0);
      const step: StageStep = {
        viewers: want,
        connected: `${connected}/${subscriptions.length}`,
        p50Ms: histPercentile(t.video, 50),
        p95Ms: histPercentile(t.video, 95),
        audioP95Ms: histPercentile(t.audio, 95),
        fpsP5: Math.round(percentile(fps, 5) * 10) / 10,
        fpsMin: Math.round((fps[0] ?? NaN) * 10) / 10,
        glassP95Ms: Math.round(percentile(glass, 95)),
        glassFps: Math.round(Math.min(...glassFps) * 10) / 10,
        cpuPct: Math.round((cpu / elapsed) * 1000) / 10,
        generatorCpuPct: Math.round((generator / elapsed) * 1000) / 10,
        loopP99Ms: Math.round(loopDelay.percentile(99) / 1e5) / 10,
        loopMaxMs: Math.round(loopDelay.max / 1e5) / 10,
        // Every stage member receives 8 feeds, every viewer 9; a feed is audio + video.
        forwardedFeeds: STAGE_PUBLISHERS * (STAGE_PUBLISHERS - 1) + want * STAGE_PUBLISHERS,
        passed: false,
      };
      step.passed =
        step.p95Ms <= MAX_P95_MS &&
        step.fpsP5 >= MIN_FPS &&
        (chromiumViewers.length === 0 || (step.glassP95Ms <= MAX_P95_MS && step.glassFps >= MIN_FPS));
      steps.push(step);
      console.log(
        `  ${name} full stage + ${String(want).padStart(3)} viewers (${step.connected} connected, ${step.forwardedFeeds} feeds): ` +
          `frame p50 ${step.p50Ms} / p95 ${step.p95Ms} ms, audio p95 ${step.audioP95Ms} ms, fps p5 ${step.fpsP5} (min ${step.fpsMin}), ` +
          `glass p95 ${step.glassP95Ms} ms ${step.glassFps} fps, SFU CPU ${step.cpuPct}% of a core, generator ${step.generatorCpuPct}%, main loop delay p99 ${step.loopP99Ms} / max ${step.loopMaxMs} ms, load ${loadavg()}`,
      );
      if (!step.passed) break;
    }
  } finally {
    for (const id of subscriptions) await sfu.leave(ROOM, id).catch(() => {});
    for (const id of stage.slice(1)) await sfu.unpublish(ROOM, id).catch(() => {});
    await Promise.all([publishers.stop(), ...subscribers.map((n) => n.stop())]);
  }
  const passing = steps.filter((s) => s.passed);
  return { publishers: STAGE_PUBLISHERS, maxViewers: passing.length ? passing[passing.length - 1]!.viewers : 0, steps };
}

function loadavg(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function weriftTarget(worker: boolean): Promise<Target> {
  const sfu = worker ? new WeriftWorkerSfu() : new WeriftSfu();
  await sfu.start();
  return {
    sfu,
    cpuMs: () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    },
    chromiumPath: CHROMIUM,
    prefix: [],
    iceAddresses: '127.0.0.1',
    stop: () => sfu.close(),
  };
}

async function janusTarget(): Promise<Target | string> {
  const dir = path.join(HERE, '..', 'server', 'src', 'platform', 'media', 'janus');
  let testing: typeof import('../server/src/platform/media/janus/testing.ts');
  let adapter: typeof import('../server/src/platform/media/janus/index.ts');
  try {
    testing = await import(path.join(dir, 'testing.ts'));
    adapter = await import(path.join(dir, 'index.ts'));
  } catch (err) {
    return `the Janus adapter is not available: ${(err as Error).message}`;
  }
  if (!testing.janusInstalled()) return 'janus is not installed (apt-get install -y janus)';
  let janus: Awaited<ReturnType<typeof testing.startJanusInNamespace>>;
  try {
    janus = await testing.startJanusInNamespace({ chromium: CHROMIUM });
  } catch (err) {
    return `Janus did not start in a network namespace: ${(err as Error).message}`;
  }
  const sfu = new adapter.JanusSfu({ url: janus.url });
  await sfu.start();
  return {
    sfu,
    cpuMs: () => cpuMs(janus.pid),
    chromiumPath: janus.chromiumPath,
    prefix: janus.nsenter,
    iceAddresses: `${testing.NAMESPACE_ADDRESS},127.0.0.1`,
    stop: async () => {
      await sfu.close();
      await janus.stop();
    },
  };
}

async function main(): Promise<void> {
  const results: Record<string, AdapterResult | null> = {};
  const reasons: Record<string, string> = {};
  if (APP_BUSY_MS > 0) {
    // The app's event loop at work (requests, WebSocket fan-out): a werift SFU on the same loop waits for it.
    setInterval(() => {
      const until = performance.now() + APP_BUSY_MS;
      while (performance.now() < until);
    }, 100).unref();
  }
  for (const name of ['werift', 'werift-worker', 'janus'] as const) {
    if (args.only && !args.only.split(',').includes(name)) continue;
    console.log(`${name}:`);
    const target = name === 'janus' ? await janusTarget() : await weriftTarget(name === 'werift-worker');
    if (typeof target === 'string') {
      console.log(`  skipped: ${target}`);
      results[name] = null;
      reasons[name] = target;
      continue;
    }
    try {
      results[name] = await run(name, target);
    } catch (err) {
      console.log(`  failed: ${(err as Error).stack}`);
      results[name] = null;
      reasons[name] = (err as Error).message;
    } finally {
      await target.stop().catch(() => {});
    }
  }
  const summary: Record<string, unknown> = { bench: 'sfu', appBusyMsPer100: APP_BUSY_MS, loadavg: loadavg() };
  for (const [name, r] of Object.entries(results)) {
    summary[name] = r
      ? {
          p50Ms: r.p50Ms,
          p95Ms: r.p95Ms,
          fps: r.fps,
          cpuPctPerStream: r.cpuPctPerStream,
          maxViewers: r.maxViewers,
          fullStage: r.fullStage && {
            maxViewers: r.fullStage.maxViewers,
            steps: r.fullStage.steps.map((s) => ({
              v: s.viewers,
              p95Ms: s.p95Ms,
              fpsP5: s.fpsP5,
              glassP95Ms: s.glassP95Ms,
              cpuPct: s.cpuPct,
              genCpuPct: s.generatorCpuPct,
            })),
          },
        }
      : null;
    if (!r) summary[`${name}Reason`] = reasons[name];
  }
  console.log(JSON.stringify(summary));
  process.exit(0);
}

await main();
