/**
 * HTTP fixed-cost benchmark: what one core serves per second for an authenticated cheap read
 * (`GET /api/v1/me`) and an authenticated cheap write (`PATCH /api/v1/me`, a new bio, by 100 people
 * in turn so the writes do not queue on one row's lock), against a
 * bare Fastify route (`bench/peers/fastify-server.ts`) on the same core in the same run.
 *
 * Tremolo runs production-like: NODE_ENV=production, PostgreSQL (a scratch database) and Redis
 * (`REDIS_URL`, default redis://127.0.0.1:6379, a fresh `REDIS_PREFIX`), LOG_LEVEL=info as
 * deployed. The per-route write floor (`WRITES_PER_ROUTE_PER_MIN`, 120 by default) is lifted for
 * the run so the write is measured rather than refused. Servers are pinned to core 0, the
 * autocannon generator to core 1 (when `taskset` exists). Both servers stay up and their runs
 * alternate for a few rounds (one load at a time); each figure is the median round, because the
 * machine is shared and a busy spell should not fall on one server only.
 *
 * Usage: node --import tsx bench/http.ts [--rounds 3] [--duration 5] [--warmup 3] [--connections 10] [--no-pin]
 *          [--log-level info] [--server-root <checkout>] [--cpu-prof <dir>]
 * The last line of output is the JSON summary.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createScratchDb, insertAccounts } from './realtime/fixtures.ts';
import { cpuMs } from './realtime/procstat.ts';
import { canPin, coreShare, freePort, root, spawnLogged, stopChild, waitForPort } from './support/processes.ts';

const logDir = path.join(root, '.tmp', 'bench-http');
mkdirSync(logDir, { recursive: true });

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    'no-pin': { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'info' },
    // Another checkout whose server to measure (A/B against a baseline commit).
    'server-root': { type: 'string' },
    // Writes a V8 CPU profile of the Tremolo server into this folder (where the time goes).
    'cpu-prof': { type: 'string' },
  },
});
const duration = Math.max(1, Number(flags.duration));
const warmup = Math.max(0, Number(flags.warmup));
const connections = Math.max(1, Number(flags.connections));
const rounds = Math.max(1, Math.floor(Number(flags.rounds)));
/** People whose profiles the write takes turns on. */
const writers = 100;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const pin = canPin();
const SERVER_CPU = '0';
const GENERATOR_CPU = '1';
const log = (line: string) => console.log(line);
interface Load {
  /** The server process answering, for its CPU time per request. */
  pid: number;
  url: string;
  method: 'GET' | 'PATCH';
  headers: Record<string, string>;
  body?: string;
  rotate?: Record<string, string>[];
}

interface LoadResult {
  total: number;
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** One autocannon run from core 1. */
function runLoad({ pid: _pid, ...load }: Load, durationSec: number): Promise<LoadResult> {
  const opts = JSON.stringify({ ...load, connections, durationSec });
  const argv = [process.execPath, '--import', 'tsx', 'bench/http/loadgen.ts', opts];
  const cmd = pin ? ['taskset', '-c', GENERATOR_CPU, ...argv] : argv;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as LoadResult);
    });
  });
}

/** One measured run; refuses a run where anything was not a 2xx. */
async function measure(name: string, load: Load): Promise<LoadResult> {
  const cpuBefore = cpuMs(load.pid);
  const r = await runLoad(load, duration);
  // CPU per request is the fixed cost itself, less at the mercy of a busy database than the rate.
  const cpu = cpuMs(load.pid) - cpuBefore;
  log(
    `${name.padEnd(12)} ${r.perSec.toFixed(0).padStart(7)} req/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  ` +
      `server ${Math.round(cpu / (duration * 10))}% of a core, ${Math.round((cpu * 1000) / Math.max(1, r.total))} µs CPU/request  ` +
      `(${r.total} requests, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts})`,
  );
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx answers and ${r.errors} errors; see ${logDir}`);
  return r;
}

/** The run with the median rate (its p99 comes with it). */
function median(runs: LoadResult[]): LoadResult {
  const sorted = [...runs].sort((x, y) => x.perSec - y.perSec);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Running {
  loads: Record<'bare' | 'read' | 'write', Load>;
  stop(): Promise<void>;
}

async function startBare(): Promise<{ load: Load; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawnLogged([process.execPath, '--import', 'tsx', 'bench/peers/fastify-server.ts', String(port)], {
    cpu: SERVER_CPU,
    pin,
    env: { ...process.env, NODE_ENV: 'production' },
    logFile: path.join(logDir, 'fastify-server.log'),
  });
  try {
    await waitForPort(port, child, { logDir });
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  return { load: { pid: child.pid!, url: `http://127.0.0.1:${port}/api/v1/me`, method: 'GET', headers: {} }, stop: () => stopChild(child) };
}

async function startTremolo(): Promise<{ read: Load; write: Load; stop: () => Promise<void> }> {
  const db = await createScratchDb();
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `bench-http-${randomBytes(4).toString('hex')}`,
    SEED_DEMO: 'false',
    LOG_LEVEL: flags['log-level'],
    STORAGE_DIR: path.join(logDir, 'uploads'),
    // The write below is one person editing one route thousands of times a second.
    WRITES_PER_ROUTE_PER_MIN: '1000000000',
    NODE_ENV: 'production',
    // Production refuses the published development secret; no payment runs in this bench.
    PAYMENT_WEBHOOK_SECRET: 'bench-http-secret',
  };
  const serverMain = path.resolve(flags['server-root'] ?? root, 'server/src/main.ts');
  const prof = flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(flags['cpu-prof'])}`] : [];
  const child = spawnLogged([process.execPath, ...prof, '--import', 'tsx', serverMain], {
    cpu: SERVER_CPU,
    pin,
    env,
    logFile: path.join(logDir, 'tremolo-server.log'),
  });
  const stop = async () => {
    await stopChild(child);
    await db.drop();
  };
  try {
    await waitForPort(port, child, { logDir });
    const { creatorCookie, subscriberCookies } = await insertAccounts(db.url, writers);
    const base = `http://127.0.0.1:${port}`;
    // Writers take turns: one person's row written by every connection would measure a row lock, not the request.
    const rotate = await Promise.all(
      subscriberCookies.map(async (cookie) => {
        const session = await fetch(`${base}/api/v1/auth/session`, { headers: { cookie } });
        if (!session.ok) throw new Error(`session lookup answered ${session.status}`);
        const { csrfToken } = (await session.json()) as { csrfToken: string };
        return { cookie, 'x-csrf-token': csrfToken };
      }),
    );
    return {
      read: { pid: child.pid!, url: `${base}/api/v1/me`, method: 'GET', headers: { cookie: creatorCookie } },
      write: {
        pid: child.pid!,
        url: `${base}/api/v1/me`,
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        rotate,
        body: JSON.stringify({ bio: 'Measured by bench/http.ts' }),
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Both servers stay up (the idle one costs its core nothing); their runs alternate, so a busy spell on the shared machine falls on both. */
async function startBoth(): Promise<Running> {
  const bare = await startBare();
  try {
    const tremolo = await startTremolo();
    return {
      loads: { bare: bare.load, read: tremolo.read, write: tremolo.write },
      stop: async () => {
        await tremolo.stop();
        await bare.stop();
      },
    };
  } catch (e) {
    await bare.stop();
    throw e;
  }
}

async function main(): Promise<void> {
  log(
    `http bench: ${connections} keep-alive connections, ${warmup} s warm-up, ${rounds} rounds of ${duration} s per load; ` +
      `servers ${pin ? `on core ${SERVER_CPU}, generator on core ${GENERATOR_CPU}` : 'unpinned'}; ` +
      `Tremolo on PostgreSQL + Redis (${redisUrl}), NODE_ENV=production, LOG_LEVEL=${flags['log-level']}`,
  );
  log(`server core share before: ${coreShare(SERVER_CPU, pin)} (1 = the whole core; the machine is shared, figures are noisy)`);
  const running = await startBoth();
  const runs: Record<'bare' | 'read' | 'write', LoadResult[]> = { bare: [], read: [], write: [] };
  try {
    // Warm-up: JIT, connection pools, prepared statements.
    if (warmup > 0) for (const load of Object.values(running.loads)) await runLoad(load, warmup);
    for (let round = 1; round <= rounds; round++) {
      log(`round ${round}/${rounds}`);
      runs.bare.push(await measure('bare read', running.loads.bare));
      runs.read.push(await measure('auth read', running.loads.read));
      runs.write.push(await measure('auth write', running.loads.write));
    }
  } finally {
    await running.stop();
  }
  const [bare, read, write] = [median(runs.bare), median(runs.read), median(runs.write)];
  log(
    `medians of ${rounds} rounds: bare read ${bare.perSec.toFixed(0)}/s, auth read ${read.perSec.toFixed(0)}/s, auth write ${write.perSec.toFixed(0)}/s`,
  );
  log(`server core share after: ${coreShare(SERVER_CPU, pin)}`);
  const round = (n: number) => Math.round(n);
  const ratio = Math.round((read.perSec / bare.perSec) * 1000) / 1000;
  log(`auth read / bare read = ${ratio} (goal ≥ 0.5)`);
  log(
    JSON.stringify({
      bench: 'http',
      authReadPerSec: round(read.perSec),
      authWritePerSec: round(write.perSec),
      bareReadPerSec: round(bare.perSec),
      ratio,
      authReadP99Ms: read.p99Ms,
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
