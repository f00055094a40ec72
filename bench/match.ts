/**
 * bench:match — 连线 matchmaking over real WebSockets, and shake pairing against known truth.
 *
 * Part 1: a Tremolo server process on a scratch Postgres database; USERS people (accounts and
 * sessions written straight into the tables, opted in) each on their own WebSocket, joining the
 * queue with a realistic mix of interests (Zipf over 20) and languages (zh 70 %, en 25 %, ja 5 %),
 * staying in each call 0.2–1.8 s, then "next" (80 %) or leaving for 0.2–1 s and joining again.
 * Arrival (--arrival connect, the default): all USERS people arrive at random moments of the first
 * --arrival-seconds (10) the way the app does — open their WebSocket (the upgrade looks up the
 * session cookie), subscribe to `match:<me>` (which starts loading their eligibility) and join the
 * moment the subscription is answered; nothing is connected before the clock starts.
 * --arrival join is the older, gentler shape: every socket connected and subscribed first, only
 * the first joins spread over the ramp.
 * Counted: queue requests the server answered per second, the wait from a join to `match_found`
 * (p50/p99) for people who got a partner — after a warm-up (--warmup 15 s) and over the whole run
 * including the arrival (`p99WaitMsWithRamp`) — the time from arriving to the first
 * `match_found` (`p99ArrivalToMatchMs`: socket, session, subscription, eligibility and the wait),
 * its parts up to the upgrade's answer and the subscription's (`p99UpgradeMs`, `p99ConnectMs`), the
 * people who never got a first match, and double matches (a `match_found` for someone already
 * in a call, or a call whose two sides disagree about who is in it).
 *
 * Part 2: SHAKES simulated shakes (half as true pairs shaking together, with 0–20 ms of human
 * jitter (--jitter 20), 20–300 ms one-way delays measured with ±10 ms error (--owd-error 10),
 * 90 % sharing a coarse location (--located 0.9))
 * fed through the server's pairing code on a simulated clock; precision and recall of the pairs.
 *
 * Part 1 runs once per store (--store memory|redis|both, both by default): the queue in the
 * server's memory, then in Redis (REDIS_URL from BENCH_REDIS_URL, default redis://127.0.0.1:6379,
 * under a fresh REDIS_PREFIX). The server is pinned to core 0 and this process to core 1 when
 * `taskset` exists and the machine has two cores (--no-pin to turn it off). --cpu-prof writes the
 * server's V8 CPU profile under .tmp/bench-match/prof/. Printed beside each run: the load
 * generator's event-loop delay p99 and the share of the server's core a busy process got before
 * and after the run (the machine is shared; the JSON line carries the smaller as `serverCoreShare`),
 * and the queue requests answered per second of the server's own CPU (`matchReqPerCpuSec`): the
 * cost of a request, which the machine's load does not change as much as it changes the waits.
 *
 * Flags: --users N (10000) --seconds S (60) --shakes N (10000) --shake-rate per second (20)
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';
import WebSocket from 'ws';
import { createScratchDb, insertAccounts } from './realtime/fixtures.ts';
import { Histogram } from './realtime/histogram.ts';
import { cpuMs } from './realtime/procstat.ts';
import { canPin, coreShare, freePort, pinProcess, root, sleep, spawnLogged, stopChild, waitForPort } from './support/processes.ts';
import { ShakePairer, estimateShakeTime, type Shake } from '../server/src/modules/match/shake.ts';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : dflt;
};
const USERS = flag('users', 10_000);
const SECONDS = flag('seconds', 60);
const SHAKES = flag('shakes', 10_000);
const SHAKE_RATE = flag('shake-rate', 20);
const LOCATED = flag('located', 0.9);
const WARMUP_S = flag('warmup', 15);
const ARRIVAL_S = flag('arrival-seconds', 10);
/**
 * `connect` (default): each person arrives at a random moment of the first ARRIVAL_S seconds the
 * way the app does — opens the WebSocket (the upgrade resolves the session cookie), subscribes to
 * `match:<me>` (which starts loading their eligibility) and joins as soon as it is subscribed.
 * `join`: the old shape — every socket is connected and subscribed before the clock starts and
 * only the first joins are spread over the ramp.
 */
const ARRIVAL = (() => {
  const i = args.indexOf('--arrival');
  const v = i >= 0 ? args[i + 1] : 'connect';
  if (v !== 'connect' && v !== 'join') throw new Error('--arrival must be connect or join');
  return v;
})();
const JITTER = flag('jitter', 20);
const OWD_ERR = flag('owd-error', 10);
const STORE = (() => {
  const i = args.indexOf('--store');
  const v = i >= 0 ? args[i + 1] : 'both';
  if (v !== 'memory' && v !== 'redis' && v !== 'both') throw new Error('--store must be memory, redis or both');
  return v;
})();
const CPU_PROF = args.includes('--cpu-prof');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (...a: unknown[]) => console.log(`[bench:match]`, ...a);

type StoreKind = 'memory' | 'redis';
const PIN = canPin(args);
const SERVER_CPU = '0';
const GENERATOR_CPU = '1';

const rand = (a: number, b: number) => a + Math.random() * (b - a);
const INTERESTS = [
  'music',
  'games',
  'food',
  'travel',
  'pets',
  'sports',
  'movies',
  'anime',
  'fashion',
  'tech',
  'books',
  'art',
  'dance',
  'fitness',
  'cars',
  'photo',
  'comedy',
  'study',
  'crafts',
  'nature',
];
const ZIPF = INTERESTS.map((_, i) => 1 / (i + 1));
const ZIPF_SUM = ZIPF.reduce((a, b) => a + b, 0);
function zipfInterest(): string {
  let r = Math.random() * ZIPF_SUM;
  for (let i = 0; i < INTERESTS.length; i++) if ((r -= ZIPF[i]!) <= 0) return INTERESTS[i]!;
  return INTERESTS[0]!;
}
function interestsMix(): string[] {
  const n = 1 + Math.floor(Math.random() * 3);
  return [...new Set(Array.from({ length: n }, zipfInterest))];
}
function languagesMix(): string[] {
  const r = Math.random();
  const first = r < 0.7 ? 'zh' : r < 0.95 ? 'en' : 'ja';
  return Math.random() < 0.2 && first !== 'en' ? [first, 'en'] : [first];
}

// ---------- part 1: the queue over real sockets ----------
/** The upper edge (ms) of the bucket of `tremolo_ws_upgrade_seconds` that holds its 99th percentile. */
function upgradeP99(metrics: string): number {
  const buckets = [...metrics.matchAll(/^tremolo_ws_upgrade_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)].map(
    (m) => [Number(m[1]), Number(m[2])] as const,
  );
  const total = buckets.at(-1)?.[1] ?? 0;
  const edge = buckets.find(([, n]) => n >= total * 0.99)?.[0];
  return total && edge !== undefined ? edge * 1000 : Number.NaN;
}

interface Sim {
  ws: WebSocket;
  id: string;
  ch: string;
  state: 'connecting' | 'idle' | 'queued' | 'in_call';
  /** When this person arrived: began to open their socket (`connect` arrival) or sent their first join (`join`). */
  arrivedAt: number;
  joinedAt: number;
  callId: string | null;
  peer: string | null;
  timer: NodeJS.Timeout | null;
  cid: number;
  matched: boolean;
}

async function queueBench(store: StoreKind): Promise<{
  users: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  p50All: number;
  p99All: number;
  /** From arriving to the first `match_found` (with `connect` arrival: socket, auth and subscription included). */
  p50Arrival: number;
  p99Arrival: number;
  /** From opening the socket to the subscription's answer (`connect` arrival only). */
  p99Connect: number;
  /** From opening the socket to the server's answer to the upgrade: accepted, session looked up (`connect` arrival only). */
  p99Upgrade: number;
  /** The server's event-loop delay p99 over the arrival (and 2 s more) and over the rest of the run: how long anything waited for the server's thread. */
  serverLagArrival: number;
  serverLagAfter: number;
  /** The server's own time from an upgrade request to the hello, p99 as the upper edge of its histogram bucket (`tremolo_ws_upgrade_seconds`). */
  serverUpgradeP99: number;
  /** People who arrived but never got a first match before the run ended. */
  neverMatched: number;
  doubleMatched: number;
  matches: number;
  errors: number;
  /** p99 delay of this process's event loop during the run: a late timer inflates every wait measured here. */
  generatorLagP99: number;
  /** The share of the server's core a busy process got just before and just after the run (`coreShare`). */
  coreShare: [number, number];
  /** Queue requests answered per second of CPU the server process used over the run: what one core would answer, whatever the machine's load. */
  reqPerCpuSec: number;
}> {
  const db = await createScratchDb();
  const port = await freePort();
  mkdirSync(path.join(root, '.tmp', 'bench-match'), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    STORAGE_DIR: path.join(root, '.tmp', 'bench-match', 'uploads'),
    NODE_ENV: 'production',
    // Production refuses the published development secret; no payment runs in this bench.
    PAYMENT_WEBHOOK_SECRET: 'bench-match-secret',
    // People here skip on purpose, far above what the limits allow a real person.
    MATCH_SKIPS_PER_MIN: '1000000',
    MATCH_SKIPS_PER_HOUR: '1000000',
  };
  if (store === 'redis') {
    env.REDIS_URL = REDIS_URL;
    env.REDIS_PREFIX = `bench-match-${randomBytes(4).toString('hex')}`;
  } else delete env.REDIS_URL;
  const node = [process.execPath];
  if (CPU_PROF) node.push('--cpu-prof', '--cpu-prof-dir', path.join(root, '.tmp', 'bench-match', 'prof'));
  node.push('--import', 'tsx', path.join(root, 'server/src/main.ts'));
  const child = spawnLogged(node, { cpu: SERVER_CPU, pin: PIN, env, raiseFdLimit: true });
  const sims: Sim[] = [];
  try {
    await waitForPort(port, child, { timeoutMs: 90_000 });
    const accounts = await insertAccounts(db.url, USERS);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query(`insert into match_profiles (user_id, adult_confirmed_at, rules_accepted_at) select id, now(), now() from users`);
    await c.end();
    log(`${store} store: ${USERS} accounts opted in; connecting sockets`);

    const waits = new Histogram();
    const arrivals = new Histogram();
    const connects = new Histogram();
    /** From opening the socket to the server's answer to the upgrade (TCP accept and the session's lookup). */
    const upgrades = new Histogram();
    /** Waits of joins after the warm-up (everyone's first join loads their opt-in, blocks and reports from Postgres). */
    const steady = new Histogram();
    let warmUntil = Infinity;
    let handled = 0;
    let doubleMatched = 0;
    let matches = 0;
    let errors = 0;
    let running = false;
    const calls = new Map<string, Set<string>>();

    const send = (s: Sim, action: 'join' | 'leave' | 'next') => {
      if (s.ws.readyState !== WebSocket.OPEN) return;
      const body =
        action === 'leave'
          ? { kind: 'match_queue', action }
          : { kind: 'match_queue', action, interests: interestsMix(), languages: languagesMix() };
      s.ws.send(JSON.stringify({ t: 'pub', ch: s.ch, cid: `q${s.cid++}`, body }));
    };
    const join = (s: Sim, action: 'join' | 'next') => {
      if (!running) return;
      s.state = 'queued';
      s.joinedAt = performance.now();
      send(s, action);
    };
    const later = (s: Sim, ms: number, fn: () => void) => {
      if (s.timer) clearTimeout(s.timer);
      s.timer = setTimeout(() => ((s.timer = null), fn()), ms);
    };

    const onFrame = (
      s: Sim,
      f: { t: string; ch?: string; body?: { kind: string; callId?: string; peer?: { id: string }; state?: string }; code?: string },
    ) => {
      if (f.t === 'err') return void errors++;
      if (f.t !== 'ev' || !f.body) return;
      const b = f.body;
      if (b.kind === 'match_status') handled++;
      else if (b.kind === 'match_found' && b.callId && b.peer) {
        if (s.state === 'in_call') doubleMatched++;
        let members = calls.get(b.callId);
        if (!members) calls.set(b.callId, (members = new Set()));
        members.add(s.id).add(b.peer.id);
        if (members.size > 2) doubleMatched++;
        if (s.state === 'queued') {
          if (!s.matched) arrivals.record(performance.now() - s.arrivedAt);
          s.matched = true;
          waits.record(performance.now() - s.joinedAt);
          if (s.joinedAt >= warmUntil) steady.record(performance.now() - s.joinedAt);
        }
        matches++;
        s.state = 'in_call';
        s.callId = b.callId;
        s.peer = b.peer.id;
        // The offerer decides when the call ends.
        later(s, rand(200, 1800), () => {
          if (s.state !== 'in_call' || s.callId !== b.callId) return;
          if (Math.random() < 0.8) join(s, 'next');
          else {
            s.state = 'idle';
            send(s, 'leave');
            later(s, rand(200, 1000), () => join(s, 'join'));
          }
        });
      } else if (b.kind === 'match_ended' && b.callId === s.callId) {
        calls.delete(b.callId);
        s.callId = null;
        if (s.state === 'in_call') {
          s.state = 'idle';
          later(s, rand(0, 300), () => join(s, 'join'));
        }
      }
    };

    const open = (cookie: string) =>
      new Promise<Sim>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?v=1`, { headers: { cookie }, perMessageDeflate: false });
        const s: Sim = {
          ws,
          id: '',
          ch: '',
          state: 'connecting',
          arrivedAt: performance.now(),
          joinedAt: 0,
          callId: null,
          peer: null,
          timer: null,
          cid: 0,
          matched: false,
        };
        sims.push(s);
        ws.on('message', (data) => {
          const f = JSON.parse(data.toString()) as { t: string; userId?: string; ch?: string; events?: unknown[] };
          if (f.t === 'hello' && f.userId) {
            s.id = f.userId;
            s.ch = `match:${f.userId}`;
            ws.send(JSON.stringify({ t: 'sub', ch: s.ch }));
            return;
          }
          if (f.t === 'subbed') {
            s.state = 'idle';
            if (ARRIVAL === 'connect') connects.record(performance.now() - s.arrivedAt);
            return resolve(s);
          }
          const all = f.t === 'batch' ? (f.events as Parameters<typeof onFrame>[1][]) : [f as Parameters<typeof onFrame>[1]];
          for (const one of all) onFrame(s, one);
        });
        ws.once('error', reject);
        ws.once('upgrade', () => {
          if (ARRIVAL === 'connect') upgrades.record(performance.now() - s.arrivedAt);
        });
      });

    const cookies = accounts.subscriberCookies;
    if (ARRIVAL === 'join') {
      for (let at = 0; at < cookies.length; at += 250) await Promise.all(cookies.slice(at, at + 250).map(open));
      log(`${sims.length} sockets subscribed; running ${SECONDS} s`);
    } else log(`${cookies.length} people arrive within ${ARRIVAL_S} s (connect, subscribe, join); running ${SECONDS} s`);

    const shareBefore = coreShare(SERVER_CPU, PIN);
    // The server's own event-loop delay (prom-client's, reset at each scrape): during the arrival and after it.
    const scrape = () => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
    const serverLoopP99 = async () => Number(/^nodejs_eventloop_lag_p99_seconds (\S+)/m.exec(await scrape())?.[1] ?? Number.NaN) * 1000;
    await serverLoopP99();
    const cpuAtStart = cpuMs(child.pid!);
    running = true;
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    // Everyone arrives within the first ARRIVAL_S seconds; waits count as steady state from WARMUP_S on.
    const arriving: NodeJS.Timeout[] = [];
    if (ARRIVAL === 'join')
      for (const s of sims)
        later(s, rand(0, ARRIVAL_S * 1000), () => {
          s.arrivedAt = performance.now();
          join(s, 'join');
        });
    else
      for (const cookie of cookies)
        arriving.push(
          setTimeout(
            () =>
              void open(cookie).then(
                (s) => join(s, 'join'),
                () => void errors++,
              ),
            rand(0, ARRIVAL_S * 1000),
          ),
        );
    const started = performance.now();
    warmUntil = started + WARMUP_S * 1000;
    const handledAtStart = handled;
    let serverLagArrival = Number.NaN;
    const arrivalScrape = setTimeout(
      () =>
        void serverLoopP99().then(
          (ms) => (serverLagArrival = ms),
          () => undefined,
        ),
      (ARRIVAL_S + 2) * 1000,
    );
    const progress = setInterval(
      () =>
        log(
          `t=${Math.round((performance.now() - started) / 1000)} s handled=${handled} matches=${matches} p99=${waits.quantile(0.99).toFixed(0)} ms errors=${errors}`,
        ),
      10_000,
    );
    await sleep(SECONDS * 1000);
    running = false;
    clearTimeout(arrivalScrape);
    const serverLagAfter = await serverLoopP99().catch(() => Number.NaN);
    const serverUpgradeP99 = upgradeP99(await scrape().catch(() => ''));
    const serverCpuS = (cpuMs(child.pid!) - cpuAtStart) / 1000;
    lag.disable();
    clearInterval(progress);
    const elapsed = (performance.now() - started) / 1000;
    const total = handled - handledAtStart;
    for (const t of arriving) clearTimeout(t);
    for (const s of sims) if (s.timer) clearTimeout(s.timer);
    return {
      users: sims.length,
      reqPerSec: Math.round(total / elapsed),
      p50: steady.quantile(0.5),
      p99: steady.quantile(0.99),
      p99All: waits.quantile(0.99),
      p50All: waits.quantile(0.5),
      p50Arrival: arrivals.quantile(0.5),
      p99Arrival: arrivals.quantile(0.99),
      p99Connect: connects.quantile(0.99),
      p99Upgrade: upgrades.quantile(0.99),
      serverLagArrival,
      serverLagAfter,
      serverUpgradeP99,
      neverMatched: cookies.length - arrivals.total,
      doubleMatched,
      matches,
      errors,
      generatorLagP99: lag.percentile(99) / 1e6,
      coreShare: [shareBefore, coreShare(SERVER_CPU, PIN)],
      reqPerCpuSec: serverCpuS > 0 ? Math.round(total / serverCpuS) : 0,
    };
  } finally {
    for (const s of sims) s.ws.terminate();
    await stopChild(child);
    await db.drop();
  }
}

// ---------- part 2: shake pairing against the truth ----------
function shakeBench(): { precision: number; recall: number; truePairs: number; found: number; windowMs: number } {
  const windowMs = Number(process.env.SHAKE_WINDOW_MS || 300);
  const pairer = new ShakePairer({ windowMs });
  interface Sim {
    userId: string;
    trueAt: number;
    owd: number;
    measured: number;
    lat?: number;
    lng?: number;
    partner: string;
  }
  const shakes: Sim[] = [];
  const span = (SHAKES / 2 / SHAKE_RATE) * 1000; // pairs start over this span
  for (let i = 0; i < SHAKES / 2; i++) {
    const t = rand(0, span);
    // A pair stands together in one of many places (a country-sized area); 80 % share a coarse location.
    const lat = rand(20, 45);
    const lng = rand(100, 125);
    const a = `p${i}a`;
    const b = `p${i}b`;
    for (const [me, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const owd = rand(20, 300);
      const s: Sim = { userId: me, trueAt: t + rand(0, JITTER), owd, measured: Math.max(0, owd + rand(-OWD_ERR, OWD_ERR)), partner: other };
      if (Math.random() < LOCATED) {
        s.lat = Math.round((lat + rand(-0.002, 0.002)) * 100) / 100;
        s.lng = Math.round((lng + rand(-0.002, 0.002)) * 100) / 100;
      }
      shakes.push(s);
    }
  }
  // Arrivals in server-receive order; settle every 50 ms of simulated time.
  const arrivals = shakes.map((s) => ({ s, recv: s.trueAt + s.owd })).sort((x, y) => x.recv - y.recv);
  const truth = new Map(shakes.map((s) => [s.userId, s.partner]));
  let correct = 0;
  let found = 0;
  const settle = (now: number) => {
    for (const p of pairer.settle(now).pairs) {
      found++;
      if (truth.get(p.a.userId) === p.b.userId) correct++;
    }
  };
  let clock = 0;
  for (const { s, recv } of arrivals) {
    while (clock + 50 <= recv) settle((clock += 50));
    const shake: Shake = { userId: s.userId, at: estimateShakeTime(recv, s.measured) };
    if (s.lat !== undefined && s.lng !== undefined) (shake.lat = s.lat), (shake.lng = s.lng);
    pairer.add(shake);
  }
  settle(clock + 10_000);
  const truePairs = SHAKES / 2;
  return { precision: found ? correct / found : 0, recall: correct / truePairs, truePairs, found, windowMs };
}

async function main() {
  const shake = shakeBench();
  log(
    `shake: ${SHAKES} shakes (${shake.truePairs} true pairs at ${SHAKE_RATE} pairs/s), window ${shake.windowMs} ms: ${shake.found} pairs, precision ${shake.precision.toFixed(4)}, recall ${shake.recall.toFixed(4)}`,
  );
  if (USERS === 0) return;
  if (PIN) pinProcess(process.pid, GENERATOR_CPU);
  log(`pinned: ${PIN ? `server on core ${SERVER_CPU}, load generator on core ${GENERATOR_CPU}` : 'no'}`);
  const stores: StoreKind[] = STORE === 'both' ? ['memory', 'redis'] : [STORE];
  const results = new Map<StoreKind, Awaited<ReturnType<typeof queueBench>>>();
  for (const kind of stores) {
    const q = await queueBench(kind);
    results.set(kind, q);
    log(
      `queue (${kind}): ${q.users} users, ${q.reqPerSec} requests/s handled, ${q.matches} match_found, wait after ${WARMUP_S} s warm-up p50 ${q.p50.toFixed(1)} ms p99 ${q.p99.toFixed(1)} ms (whole run incl. the cold ramp: p50 ${q.p50All.toFixed(1)} ms p99 ${q.p99All.toFixed(1)} ms), from arrival to the first match p50 ${q.p50Arrival.toFixed(1)} ms p99 ${q.p99Arrival.toFixed(1)} ms (socket open to upgraded p99 ${q.p99Upgrade.toFixed(1)} ms — of which in the server ≤ ${q.serverUpgradeP99} ms — to subscribed p99 ${q.p99Connect.toFixed(1)} ms), never matched ${q.neverMatched}, double matches ${q.doubleMatched}, errors ${q.errors}, event-loop delay p99: load generator ${q.generatorLagP99.toFixed(0)} ms, server during the arrival ${q.serverLagArrival.toFixed(0)} ms and after it ${q.serverLagAfter.toFixed(0)} ms, share of the server's core free for a busy process before/after ${q.coreShare.join('/')}, ${q.reqPerCpuSec} requests per server CPU-second`,
    );
  }
  const r1 = (n: number) => Math.round(n * 10) / 10;
  // The memory store's figures keep the original names; the Redis store's carry a `Redis` suffix.
  const figures = (q: Awaited<ReturnType<typeof queueBench>>, suffix: string) => ({
    [`matchReqPerSec${suffix}`]: q.reqPerSec,
    [`p50WaitMs${suffix}`]: r1(q.p50),
    [`p99WaitMs${suffix}`]: r1(q.p99),
    [`p99WaitMsWithRamp${suffix}`]: r1(q.p99All),
    [`p99ArrivalToMatchMs${suffix}`]: r1(q.p99Arrival),
    [`p99UpgradeMs${suffix}`]: r1(q.p99Upgrade),
    [`serverUpgradeP99Ms${suffix}`]: q.serverUpgradeP99,
    [`p99ConnectMs${suffix}`]: r1(q.p99Connect),
    [`neverMatched${suffix}`]: q.neverMatched,
    [`generatorLagP99Ms${suffix}`]: Math.round(q.generatorLagP99),
    [`serverLagP99MsArrival${suffix}`]: Math.round(q.serverLagArrival),
    [`serverLagP99MsAfter${suffix}`]: Math.round(q.serverLagAfter),
    [`doubleMatched${suffix}`]: q.doubleMatched,
    [`serverCoreShare${suffix}`]: Math.min(...q.coreShare),
    [`matchReqPerCpuSec${suffix}`]: q.reqPerCpuSec,
  });
  const mem = results.get('memory');
  const red = results.get('redis');
  console.log(
    JSON.stringify({
      bench: 'match',
      users: (mem ?? red)?.users ?? 0,
      // How the people arrived: all of them within `arrivalSeconds`, each connecting its socket then (`connect`) or already connected (`join`).
      arrival: ARRIVAL,
      arrivalSeconds: ARRIVAL_S,
      seconds: SECONDS,
      ...(mem ? figures(mem, '') : {}),
      ...(red ? figures(red, 'Redis') : {}),
      shakePrecision: Math.round(shake.precision * 10_000) / 10_000,
      shakeRecall: Math.round(shake.recall * 10_000) / 10_000,
      pinned: PIN,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
