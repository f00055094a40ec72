/**
 * `npm run bench:sfu`: the two SfuAdapter implementations under the same load, in one run.
 *
 * For each adapter: one headless Chromium page publishes a canvas stamped with its wall
 * clock (VP8 simulcast h/l + fake microphone, see sfu/page.ts); two Chromium viewer pages
 * (one on the high layer, one on the low) read the stamp off every decoded frame, giving
 * glass-to-glass latency and decoded fps; Node subscribers (werift connections in a child
 * process that only count RTP) are added in steps to load the SFU. At each step, after a
 * warm-up, a measuring window records latency, fps and the SFU's CPU time: the bench
 * process's own CPU for werift (it runs in this process; the viewers and Node subscribers
 * are other processes), /proc/<pid>/stat of Janus for Janus.
 *
 * Per adapter: p50/p95/fps with the two viewers alone; CPU per forwarded feed (one
 * publisher's audio + video to one subscriber) as the slope of CPU over subscribers; the
 * largest audience (Node + Chromium subscribers) with fps ≥ 20 and p95 ≤ 150 ms.
 *
 * Janus runs inside a private network namespace (server/src/platform/media/janus/testing.ts);
 * its browsers and Node subscribers run there too. Without the `janus` package (or without
 * the privileges to create a namespace) the janus entry is null with the reason.
 *
 *   --steps 0,10,25,50,100,150,200   Node subscribers per step   --window 8   seconds measured
 *   --only werift|janus              one adapter                 --budget 150 seconds per adapter
 *
 * Ends with one JSON line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { SfuAdapter } from '../server/src/platform/media/sfu.ts';
import { WeriftSfu } from '../server/src/platform/media/werift/index.ts';
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
  },
});
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

/** The Node subscriber child process, spoken to in JSON lines. */
class NodeSubscribers {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<string, (m: { sdp: string; error?: string }) => void>();
  private counted: ((m: { packets: number; connected: number }) => void) | null = null;

  constructor(prefix: string[], iceAddresses: string) {
    const cmd = [...prefix, process.execPath, '--import', 'tsx', path.join(HERE, 'sfu', 'node-subscribers.ts')];
    this.child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ICE_ADDRESSES: iceAddresses } });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as { op: string; id?: string; sdp?: string; error?: string; packets?: number; connected?: number };
      if (m.op === 'answer' && m.id) this.waiting.get(m.id)?.({ sdp: m.sdp ?? '', ...(m.error ? { error: m.error } : {}) });
      if (m.op === 'count') this.counted?.({ packets: m.packets ?? 0, connected: m.connected ?? 0 });
    });
  }

  answer(id: string, sdp: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (m) => (m.error ? reject(new Error(m.error)) : resolve(m.sdp)));
      this.child.stdin!.write(`${JSON.stringify({ op: 'offer', id, sdp })}\n`);
    });
  }

  count(): Promise<{ packets: number; connected: number }> {
    return new Promise((resolve) => {
      this.counted = resolve;
      this.child.stdin!.write(`${JSON.stringify({ op: 'count' })}\n`);
    });
  }

  async stop(): Promise<void> {
    this.child.stdin!.end();
    await Promise.race([new Promise((r) => this.child.once('exit', r)), sleep(3000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
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
    for (const want of STEPS) {
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
          `Node subscribers receive ${step.nodePacketsPerSec} pkt/s, misread frames ${misreads}`,
      );
      for (const v of viewers) console.log(`    viewer: ${JSON.stringify(await v.evaluate(() => (window as unknown as Hooks).diag()))}`);
      if (!(step.fps >= MIN_FPS && step.p95Ms <= MAX_P95_MS)) break;
    }

    const base = steps[0];
    if (!base) throw new Error('no step measured');
    const passing = steps.filter((s) => s.fps >= MIN_FPS && s.p95Ms <= MAX_P95_MS);
    const top = passing[passing.length - 1] ?? steps[steps.length - 1]!;
    // Marginal cost of one more feed; with only the base step, its CPU over its two viewers.
    const cpuPctPerStream =
      top.audience > base.audience ? (top.cpuPct - base.cpuPct) / (top.audience - base.audience) : base.cpuPct / base.audience;
    return {
      p50Ms: base.p50Ms,
      p95Ms: base.p95Ms,
      fps: base.fps,
      cpuPctPerStream: Math.round(cpuPctPerStream * 1000) / 1000,
      maxViewers: passing.length ? top.audience : 0,
      steps,
      publisherKbps,
    };
  } finally {
    await nodes.stop();
    await sfu.closeRoom(ROOM).catch(() => {});
    await browser.close().catch(() => {});
  }
}

async function weriftTarget(): Promise<Target> {
  const sfu = new WeriftSfu();
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
  for (const name of ['werift', 'janus'] as const) {
    if (args.only && args.only !== name) continue;
    console.log(`${name}:`);
    const target = name === 'werift' ? await weriftTarget() : await janusTarget();
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
  const summary: Record<string, unknown> = { bench: 'sfu' };
  for (const [name, r] of Object.entries(results)) {
    summary[name] = r ? { p50Ms: r.p50Ms, p95Ms: r.p95Ms, fps: r.fps, cpuPctPerStream: r.cpuPctPerStream, maxViewers: r.maxViewers } : null;
    if (!r) summary[`${name}Reason`] = reasons[name];
  }
  console.log(JSON.stringify(summary));
  process.exit(0);
}

await main();
