/**
 * Realtime fan-out benchmark: Tremolo's gateway against a plain Socket.IO 4 server.
 *
 * S subscribers hold one WebSocket each on one channel; a publisher sends R messages/s for D
 * seconds, each stamped with its send time; every subscriber records latency, losses,
 * duplicates and reorderings by sequence. The servers run as child processes pinned to core 0,
 * the load generator(s) on core 1 (when `taskset` exists), one server at a time.
 * `--server-workers N` runs Tremolo as N worker processes on one port (`WORKERS`, over Redis at
 * `BENCH_REDIS_URL`, default redis://127.0.0.1:6379) on the cores of `--server-cpus`; Socket.IO is
 * one process on the first of them. Each side reports the cores it had, and per-core figures.
 * Then each server's capacity: R steps up (×2, then one step between the last pass and the
 * first failure) until p99 exceeds the limit or anything is lost; the highest passing R × S
 * is its sustainable deliveries/s.
 *
 * Usage: node --import tsx bench/realtime.ts [--subscribers 5000] [--rate 100] [--duration 20]
 *          [--capacity-steps 6] [--capacity-duration 8] [--p99-limit 100] [--warmup 3] [--servers tremolo,socketio]
 *          [--generators N] [--no-pin] [--cpu-prof]
 *          [--server-workers 1] [--server-cpus 0] [--generator-cpus 1]
 * The last line of output is the JSON summary.
 */
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Histogram } from './realtime/histogram.ts';
import type { CollectReport, ConnectReport, FromGenerator, PublishReport, ServerKind, ToGenerator } from './realtime/messages.ts';
import { cpuMs, maxWaitPct, processTree, rssMb, treeCpuMs, treeRssMb, waitSnapshot } from './realtime/procstat.ts';
import { backendPids, createScratchDb, insertAccounts, type ScratchDb } from './realtime/fixtures.ts';
import {
  canPin,
  coreShare,
  cpuCount,
  cpuList,
  freePort,
  pinProcess,
  root,
  spawnLogged,
  stopChild,
  waitForPort,
  waitForWorkers,
} from './support/processes.ts';
const logDir = path.join(root, '.tmp', 'bench-realtime');
mkdirSync(logDir, { recursive: true });

const { values: flags } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '100' },
    duration: { type: 'string', default: '20' },
    'capacity-steps': { type: 'string', default: '6' },
    'capacity-duration': { type: 'string', default: '8' },
    'p99-limit': { type: 'string', default: '100' },
    warmup: { type: 'string', default: '3' },
    servers: { type: 'string', default: 'tremolo,socketio' },
    generators: { type: 'string' },
    'no-pin': { type: 'boolean', default: false },
    // Another checkout whose server to measure (A/B against a baseline commit); its node_modules must resolve.
    'server-root': { type: 'string' },
    // Writes a V8 CPU profile of the Tremolo server to .tmp/bench-realtime/ when it stops (open it in Chrome DevTools).
    'cpu-prof': { type: 'boolean', default: false },
    // Tremolo as this many worker processes on one port (WORKERS), spreading socket writes over cores.
    'server-workers': { type: 'string', default: '1' },
    // taskset lists: the servers' cores (Socket.IO, one process, gets the first) and the generators'.
    'server-cpus': { type: 'string', default: '0' },
    'generator-cpus': { type: 'string', default: '1' },
  },
});

const S = positive('subscribers');
const R = positive('rate');
const D = positive('duration');
const capacitySteps = Math.max(0, Math.floor(Number(flags['capacity-steps'])));
const capacityDuration = positive('capacity-duration');
const p99Limit = positive('p99-limit');
const warmup = Math.max(0, Number(flags.warmup));
const servers = (flags.servers ?? '').split(',').filter((s): s is ServerKind => s === 'tremolo' || s === 'socketio');
// One process holds at most this many sockets (file descriptor limits); extra ones share core 1.
const perGenerator = 15_000;
const generatorCount = flags.generators ? Math.max(1, Number(flags.generators)) : Math.max(1, Math.ceil(S / perGenerator));
const pin = canPin();
const SERVER_CPU = flags['server-cpus'] ?? '0';
const GENERATOR_CPU = flags['generator-cpus'] ?? '1';
const workers = Math.max(1, Math.floor(Number(flags['server-workers'])));
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisPrefix = `bench-realtime-${process.pid}`;
/** The cores each server may run on: Tremolo's workers share the server set; Socket.IO is one process. */
const serverCpuList = cpuList(SERVER_CPU);
const cores = {
  tremolo: pin ? Math.min(workers, serverCpuList.length) : Math.min(workers, cpuCount()),
  socketio: 1,
};

function positive(name: 'subscribers' | 'rate' | 'duration' | 'capacity-duration' | 'p99-limit'): number {
  const n = Number(flags[name]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

const log = (line: string) => console.log(line);

// ---------------------------------------------------------------- processes

/** Servers and generators hold thousands of sockets each: the descriptor limit is lifted first. */
function spawnPinned(cpu: string, argv: string[], env: NodeJS.ProcessEnv, name: string, ipc: boolean): ChildProcess {
  return spawnLogged(argv, { cpu, pin, env, logFile: path.join(logDir, `${name}.log`), ipc, raiseFdLimit: true });
}

interface RunningServer {
  kind: ServerKind;
  pid: number;
  port: number;
  channel: string;
  publisherCred: string;
  subscriberCreds: string[];
  db: ScratchDb | null;
  /** The Redis server the workers share (its CPU is reported beside theirs), when there are workers. */
  redisPid: number | null;
  stop(): Promise<void>;
}

/** The pid of the Redis server (same machine) and a way to forget this run's keys. */
async function benchRedis(): Promise<{ pid: number | null; forget(): Promise<void> }> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  const info = await redis.info('server');
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]) || null;
  return {
    pid,
    forget: async () => {
      const keys = await redis.keys(`${redisPrefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

/** The highest rate any step may publish at: the Tremolo frame budget must let the publisher through. */
function maxRate(): number {
  return Math.ceil(R * 2 ** (capacitySteps + 1));
}

async function startTremolo(): Promise<RunningServer> {
  const db = await createScratchDb();
  const redis = workers > 1 ? await benchRedis() : null;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    STORAGE_DIR: path.join(root, '.tmp', 'bench-realtime', 'uploads'),
    // The publisher is one socket sending R frames/s: lift the per-socket budget above the highest step.
    WS_FRAMES_PER_SECOND: String(Math.max(50, 2 * maxRate())),
    WS_STORED_PUBLISHES_PER_MIN: String(Math.max(120, 120 * maxRate())),
    NODE_ENV: 'production',
    // Production refuses the published development secret; no payment runs in this bench.
    PAYMENT_WEBHOOK_SECRET: 'bench-realtime-secret',
    // Info level with workers: each says "Tremolo is up", and the bench waits for all of them.
    ...(workers > 1 ? { WORKERS: String(workers), REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix, LOG_LEVEL: 'info' } : {}),
  };
  const serverMain = path.resolve(flags['server-root'] ?? root, 'server/src/main.ts');
  const prof = flags['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', logDir] : [];
  const child = spawnPinned(SERVER_CPU, [process.execPath, ...prof, '--import', 'tsx', serverMain], env, 'tremolo-server', false);
  try {
    await waitForPort(port, child, { timeoutMs: 90_000, logDir });
    if (workers > 1) await waitForWorkers(workers, () => readFileSync(path.join(logDir, 'tremolo-server.log'), 'utf8'));
    const accounts = await insertAccounts(db.url, S);
    return {
      kind: 'tremolo',
      pid: child.pid!,
      port,
      channel: `creator:${accounts.creatorId}`,
      publisherCred: accounts.creatorCookie,
      subscriberCreds: accounts.subscriberCookies,
      db,
      redisPid: redis?.pid ?? null,
      stop: async () => {
        await stopChild(child);
        await db.drop();
        await redis?.forget();
      },
    };
  } catch (e) {
    await stopChild(child);
    await db.drop();
    await redis?.forget();
    throw e;
  }
}

async function startSocketio(): Promise<RunningServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  const child = spawnPinned(
    String(serverCpuList[0]),
    [process.execPath, '--import', 'tsx', 'bench/peers/socketio-server.ts', String(port)],
    env,
    'socketio-server',
    false,
  );
  await waitForPort(port, child, { timeoutMs: 90_000, logDir });
  return {
    kind: 'socketio',
    pid: child.pid!,
    port,
    channel: 'creator:0190a0b0-0000-7000-8000-000000000001',
    publisherCred: 'creator',
    subscriberCreds: Array.from({ length: S }, (_, i) => `fan-${i}`),
    db: null,
    redisPid: null,
    stop: () => stopChild(child),
  };
}

// ---------------------------------------------------------------- generators

class Generator {
  private waiters: { op: FromGenerator['op']; resolve: (m: FromGenerator) => void }[] = [];
  private fatal: Error | null = null;

  private constructor(
    readonly child: ChildProcess,
    readonly name: string,
  ) {
    child.on('message', (raw: unknown) => {
      const msg = raw as FromGenerator;
      if (msg.op === 'fatal') {
        this.fatal = new Error(`${name}: ${msg.message}`);
        for (const w of this.waiters) w.resolve(msg);
        this.waiters = [];
        return;
      }
      const i = this.waiters.findIndex((w) => w.op === msg.op);
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(msg);
    });
    child.on('exit', (code) => {
      this.fatal ??= new Error(`${name} exited with ${code}`);
      for (const w of this.waiters) w.resolve({ op: 'fatal', message: this.fatal.message });
      this.waiters = [];
    });
  }

  static async start(name: string): Promise<Generator> {
    const child = spawnPinned(GENERATOR_CPU, [process.execPath, '--import', 'tsx', 'bench/realtime/loadgen.ts'], process.env, name, true);
    const g = new Generator(child, name);
    await g.next('ready');
    return g;
  }

  send(msg: ToGenerator): void {
    this.child.send(msg);
  }

  async next<T extends FromGenerator['op']>(op: T): Promise<Extract<FromGenerator, { op: T }>> {
    if (this.fatal) throw this.fatal;
    const msg = await new Promise<FromGenerator>((resolve) => this.waiters.push({ op, resolve }));
    if (msg.op === 'fatal') throw new Error(msg.message);
    return msg as Extract<FromGenerator, { op: T }>;
  }

  async stop(): Promise<void> {
    if (this.child.connected) this.send({ op: 'exit' });
    await stopChild(this.child);
  }
}

// ---------------------------------------------------------------- steps

interface StepResult {
  rate: number;
  durationSec: number;
  subscribers: number;
  sent: number;
  acked: number;
  deliveries: number;
  deliveriesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  lost: number;
  duplicated: number;
  reordered: number;
  disconnected: number;
  publishErrors: Record<string, number>;
  serverCpuPct: number;
  serverRssMb: number;
  /** Server CPU per delivered event, publish to last delivery: the figure least bent by a busy machine. */
  serverCpuUsPerDelivery: number;
  dbCpuPct: number;
  redisCpuPct: number;
  generatorCpuPct: number;
  /** Share of the step the server's (most starved process's) event loop sat runnable, waiting for a CPU. */
  serverRunQueueWaitPct: number;
  generatorRunQueueWaitPct: number;
  ackP50Ms: number;
  ackP99Ms: number;
  pass: boolean;
  why: string;
}

class Session {
  private step = 0;
  private afterSeq = 0;
  subscribed = 0;

  constructor(
    readonly server: RunningServer,
    readonly gens: Generator[],
  ) {}

  async connect(): Promise<ConnectReport[]> {
    for (const g of this.gens) g.send({ op: 'connect' });
    const reports = await Promise.all(this.gens.map((g) => g.next('connected')));
    this.subscribed = reports.reduce((a, r) => a + r.subscribed, 0);
    const head = Math.max(...reports.map((r) => r.head ?? 0));
    this.afterSeq = Math.max(this.afterSeq, head);
    return reports;
  }

  async run(rate: number, durationSec: number): Promise<StepResult> {
    const reconnect = await this.connect();
    const failed = reconnect.reduce((a, r) => a + r.failed, 0);
    if (failed > 0)
      log(
        `  ${failed} subscriber(s) could not (re)connect: ${reconnect
          .flatMap((r) => r.errors)
          .slice(0, 3)
          .join('; ')}`,
      );
    // Start from a quiet server: a backlog from an overloaded step would bill this one.
    for (const g of this.gens) g.send({ op: 'settle' });
    const settled = await Promise.all(this.gens.map((g) => g.next('settled')));
    const waited = Math.max(...settled.map((x) => x.waitedMs));
    if (waited > 2000) log(`  waited ${(waited / 1000).toFixed(1)} s for the server to drain the last step`);
    if (settled.some((x) => x.resetPublisher)) log('  the publisher still had unacknowledged messages queued: reconnected it');
    const head = settled[0]!.head;
    if (head !== null) this.afterSeq = head;
    const step = ++this.step;
    const afterSeq = this.afterSeq;
    const pid = this.server.pid;
    const dbName = this.server.db?.name;
    // Pool connections come and go: CPU of backends alive at both ends, plus all of new ones.
    const dbCpu = async () => new Map(dbName ? (await backendPids(dbName)).map((p) => [p, cpuMs(p)] as const) : []);
    const dbDelta = (a: Map<number, number>, b: Map<number, number>) => [...b].reduce((sum, [p, ms]) => sum + ms - (a.get(p) ?? 0), 0);
    for (const g of this.gens) g.send({ op: 'run', step, afterSeq, rate, durationSec });
    const publisher = this.gens[0]!;
    await publisher.next('publishing');
    const cpu0 = treeCpuMs(pid);
    const serverWait0 = waitSnapshot(processTree(pid));
    const genWait0 = waitSnapshot(this.gens.map((g) => g.child.pid ?? 0).filter((p) => p > 0));
    const redisPid = this.server.redisPid;
    const redis0 = redisPid ? cpuMs(redisPid) : 0;
    const db0 = await dbCpu();
    const wall0 = performance.now();
    let rssMax = treeRssMb(pid);
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, treeRssMb(pid))), 250);
    const pub: PublishReport = await publisher.next('published');
    const wall = performance.now() - wall0;
    const serverCpuPct = ((treeCpuMs(pid) - cpu0) / wall) * 100;
    const serverRunQueueWaitPct = maxWaitPct(serverWait0, wall);
    const generatorRunQueueWaitPct = maxWaitPct(genWait0, wall);
    const redisCpuPct = redisPid ? ((cpuMs(redisPid) - redis0) / wall) * 100 : 0;
    const dbCpuPct = (dbDelta(db0, await dbCpu()) / wall) * 100;
    clearInterval(sampler);
    rssMax = Math.max(rssMax, treeRssMb(pid));
    // Every seq the publisher could have produced this step; a later step only records above it.
    this.afterSeq = afterSeq + pub.sent;
    for (const g of this.gens) g.send({ op: 'collect', step, firstSeq: pub.firstSeq, lastSeq: pub.lastSeq });
    const reports: CollectReport[] = await Promise.all(this.gens.map((g) => g.next('collected')));
    const cpuAll = treeCpuMs(pid) - cpu0;
    const hist = new Histogram();
    let received = 0;
    let lost = 0;
    let duplicated = 0;
    let reordered = 0;
    let disconnected = 0;
    let lastReceiveAt = 0;
    let genCpuMs = 0;
    let genWallMs = 0;
    for (const r of reports) {
      hist.addSparse(r.latency);
      received += r.received;
      lost += r.lost;
      duplicated += r.duplicated;
      reordered += r.reordered;
      disconnected += r.disconnected;
      lastReceiveAt = Math.max(lastReceiveAt, r.lastReceiveAt);
      genCpuMs += r.cpuMs;
      genWallMs = Math.max(genWallMs, r.wallMs);
    }
    const span = Math.max(1, lastReceiveAt - pub.startedAt) / 1000;
    const ackHist = new Histogram();
    ackHist.addSparse(pub.ackLatency);
    const p99 = hist.quantile(0.99);
    const reasons: string[] = [];
    if (p99 > p99Limit) reasons.push(`p99 ${p99.toFixed(1)} ms > ${p99Limit}`);
    if (lost > 0) reasons.push(`${lost} lost`);
    if (pub.unacked > 0) reasons.push(`${pub.unacked} unacked`);
    if (pub.acked < pub.sent) reasons.push(`${pub.sent - pub.acked} publishes refused`);
    if (pub.gaps > 0) reasons.push(`${pub.gaps} gaps in acked seqs`);
    if (duplicated > 0) reasons.push(`${duplicated} duplicated`);
    if (reordered > 0) reasons.push(`${reordered} reordered`);
    if (disconnected > 0) reasons.push(`${disconnected} disconnected`);
    return {
      rate,
      durationSec,
      subscribers: this.subscribed,
      sent: pub.sent,
      acked: pub.acked,
      deliveries: received,
      deliveriesPerSec: Math.round(received / span),
      p50Ms: round(hist.quantile(0.5)),
      p99Ms: round(p99),
      p999Ms: round(hist.quantile(0.999)),
      maxMs: round(hist.max),
      lost,
      duplicated,
      reordered,
      disconnected,
      publishErrors: pub.errors,
      serverCpuPct: Math.round(serverCpuPct),
      serverRssMb: Math.round(rssMax),
      serverCpuUsPerDelivery: received ? round((cpuAll * 1000) / received, 100) : 0,
      dbCpuPct: Math.round(dbCpuPct),
      redisCpuPct: Math.round(redisCpuPct),
      generatorCpuPct: Math.round((genCpuMs / Math.max(1, genWallMs)) * 100),
      serverRunQueueWaitPct,
      generatorRunQueueWaitPct,
      ackP50Ms: round(ackHist.quantile(0.5)),
      ackP99Ms: round(ackHist.quantile(0.99)),
      pass: reasons.length === 0,
      why: reasons.join(', ') || 'ok',
    };
  }
}

const round = (n: number, per = 10) => Math.round(n * per) / per;

function describe(r: StepResult): string {
  return (
    `  R=${r.rate}/s × ${r.subscribers} subs, ${r.durationSec}s: ${r.deliveriesPerSec.toLocaleString('en')} deliveries/s, ` +
    `latency p50 ${r.p50Ms} p99 ${r.p99Ms} p99.9 ${r.p999Ms} max ${r.maxMs} ms; lost ${r.lost} dup ${r.duplicated} reord ${r.reordered}` +
    (r.disconnected ? ` disconnected ${r.disconnected}` : '') +
    `; server CPU ${r.serverCpuPct}% (${r.serverCpuUsPerDelivery} µs/delivery) RSS ${r.serverRssMb} MB` +
    (r.dbCpuPct ? `, Postgres CPU ${r.dbCpuPct}%` : '') +
    (r.redisCpuPct ? `, Redis CPU ${r.redisCpuPct}%` : '') +
    `, generator CPU ${r.generatorCpuPct}%; waiting for a CPU: server ${r.serverRunQueueWaitPct}%, generator ${r.generatorRunQueueWaitPct}%; publish→ack p50 ${r.ackP50Ms} p99 ${r.ackP99Ms} ms → ${r.pass ? 'PASS' : `FAIL (${r.why})`}`
  );
}

interface ServerSummary {
  /** Cores this server could use: Tremolo's workers (at most one core each), Socket.IO's one process. */
  cores: number;
  coreShare: number;
  main: StepResult;
  capacity: StepResult[];
  sustainableRate: number;
  sustainableDeliveriesPerSec: number;
}

/** Steps R up from the main run (or down, if the main run failed), then once between pass and fail. */
async function findCapacity(session: Session, main: StepResult): Promise<{ steps: StepResult[]; rate: number }> {
  const steps: StepResult[] = [];
  let pass = main.pass ? main.rate : 0;
  let fail = main.pass ? Infinity : main.rate;
  for (let i = 0; i < capacitySteps; i++) {
    let rate: number;
    if (fail === Infinity) rate = pass * 2;
    else if (pass === 0) rate = Math.floor(fail / 2);
    else {
      rate = Math.round(Math.sqrt(pass * fail));
      if (rate <= pass || rate >= fail || fail / pass < 1.3) break;
    }
    if (rate < 1) break;
    const r = await session.run(rate, capacityDuration);
    log(describe(r));
    steps.push(r);
    const between = pass > 0 && fail !== Infinity;
    if (r.pass) pass = Math.max(pass, rate);
    else fail = Math.min(fail, rate);
    // Once a pass and a failure bracket the capacity, one step between them is enough.
    if (between) break;
  }
  return { steps, rate: pass };
}

async function benchServer(kind: ServerKind): Promise<ServerSummary> {
  const cpus = kind === 'tremolo' ? SERVER_CPU : String(serverCpuList[0]);
  const procs = kind === 'tremolo' && workers > 1 ? `${workers} worker processes` : 'one process';
  log(`\n== ${kind}: starting server, ${procs}${pin ? ` (server on core(s) ${cpus}, generator on core(s) ${GENERATOR_CPU})` : ''}`);
  const share = coreShare(cpus, pin);
  log(`  a busy process gets ${Math.round(share * 100)}% of the server's core right now (other work on this machine)`);
  const server = kind === 'tremolo' ? await startTremolo() : await startSocketio();
  const gens: Generator[] = [];
  try {
    for (let i = 0; i < generatorCount; i++) gens.push(await Generator.start(`${kind}-generator-${i}`));
    const per = Math.ceil(server.subscriberCreds.length / gens.length);
    for (const [i, g] of gens.entries()) {
      g.send({
        op: 'setup',
        setup: {
          kind,
          port: server.port,
          channel: server.channel,
          subscribers: server.subscriberCreds.slice(i * per, (i + 1) * per),
          publisher: i === 0 ? server.publisherCred : null,
          connectConcurrency: 100,
        },
      });
      await g.next('ready');
    }
    const session = new Session(server, gens);
    const t0 = performance.now();
    const reports = await session.connect();
    const failed = reports.reduce((a, r) => a + r.failed, 0);
    log(
      `  ${session.subscribed} subscribers connected and subscribed in ${((performance.now() - t0) / 1000).toFixed(1)} s` +
        (failed
          ? `, ${failed} failed: ${reports
              .flatMap((r) => r.errors)
              .slice(0, 3)
              .join('; ')}`
          : ''),
    );
    log(`  idle server RSS ${Math.round(rssMb(server.pid))} MB`);
    if (warmup > 0) {
      // JIT, connection pools and first-use paths warm up outside the measurement, for both servers.
      const w = await session.run(R, warmup);
      log(`  warm-up (not counted): ${describe(w).trim()}`);
    }
    const main = await session.run(R, D);
    log(describe(main));
    let capacity: { steps: StepResult[]; rate: number } = { steps: [], rate: main.pass ? main.rate : 0 };
    if (capacitySteps > 0) {
      log(`  capacity search: ${capacityDuration} s per step, pass = p99 ≤ ${p99Limit} ms and nothing lost`);
      capacity = await findCapacity(session, main);
    }
    const sustainableDeliveriesPerSec = capacity.rate * S;
    log(`  sustainable: R=${capacity.rate}/s × ${S} = ${sustainableDeliveriesPerSec.toLocaleString('en')} deliveries/s`);
    return {
      cores: cores[kind],
      coreShare: share,
      main,
      capacity: capacity.steps,
      sustainableRate: capacity.rate,
      sustainableDeliveriesPerSec,
    };
  } finally {
    await Promise.all(gens.map((g) => g.stop()));
    await server.stop();
  }
}

function summary(s: ServerSummary | undefined) {
  if (!s) return null;
  const m = s.main;
  return {
    deliveriesPerSec: m.deliveriesPerSec,
    p50Ms: m.p50Ms,
    p99Ms: m.p99Ms,
    p999Ms: m.p999Ms,
    lost: m.lost,
    duplicated: m.duplicated,
    reordered: m.reordered,
    serverCpuPct: m.serverCpuPct,
    serverCpuUsPerDelivery: m.serverCpuUsPerDelivery,
    serverRunQueueWaitPct: m.serverRunQueueWaitPct,
    generatorRunQueueWaitPct: m.generatorRunQueueWaitPct,
    serverRssMb: m.serverRssMb,
    redisCpuPct: m.redisCpuPct,
    cores: s.cores,
    coreShare: s.coreShare,
    sustainableDeliveriesPerSec: s.sustainableDeliveriesPerSec,
    sustainableDeliveriesPerSecPerCore: Math.round(s.sustainableDeliveriesPerSec / s.cores),
    sustainableRate: s.sustainableRate,
    capacitySteps: s.capacity.map((c) => ({ rate: c.rate, p99Ms: c.p99Ms, lost: c.lost, pass: c.pass })),
  };
}

async function main(): Promise<void> {
  if (pin) pinProcess(process.pid, GENERATOR_CPU);
  log(
    `realtime fan-out: S=${S} subscribers, R=${R} msg/s, D=${D} s; ${generatorCount} generator process(es); pinned: ${pin ? 'yes' : 'no'}; logs in ${path.relative(root, logDir)}/`,
  );
  const results: Partial<Record<ServerKind, ServerSummary>> = {};
  for (const kind of servers) results[kind] = await benchServer(kind);
  const t = results.tremolo;
  const s = results.socketio;
  const ratio = t && s && s.sustainableDeliveriesPerSec > 0 ? round(t.sustainableDeliveriesPerSec / s.sustainableDeliveriesPerSec) : null;
  // When Tremolo had more cores than Socket.IO's one process, the fair comparison is per core.
  const ratioPerCore =
    t && s && s.sustainableDeliveriesPerSec > 0
      ? round(t.sustainableDeliveriesPerSec / t.cores / (s.sustainableDeliveriesPerSec / s.cores))
      : null;
  log('');
  console.log(
    JSON.stringify({
      bench: 'realtime',
      subscribers: S,
      rate: R,
      durationSec: D,
      capacityStepSec: capacityDuration,
      pinned: pin,
      // Cores each server could use (Tremolo: its worker processes on the server cores; Socket.IO: one process).
      serverWorkers: workers,
      serverCores: cores,
      tremolo: summary(t),
      socketio: summary(s),
      ratio,
      ratioPerCore,
      // Server CPU per delivered event at the default S and R, Socket.IO's over Tremolo's: how much
      // more work each delivery costs, a figure a busy machine bends less than latency.
      cpuPerDeliveryRatio:
        t && s && t.main.serverCpuUsPerDelivery > 0 ? round(s.main.serverCpuUsPerDelivery / t.main.serverCpuUsPerDelivery) : null,
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
