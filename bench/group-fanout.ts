/**
 * `npm run bench:group-fanout`: one fan group with M members online (default 10,000), admins
 * sending R messages per second in total (default 50) for D seconds (default 20), through the
 * real gateway with real group authorization. Reports p50/p99 delivery latency, lost,
 * server CPU and RSS. Server on core 0 and generators on core 1 when `taskset` exists.
 * `--cpu-prof` writes a V8 CPU profile of the server to .tmp/bench-group-fanout/. Ends with one JSON line.
 * `--server-workers N` runs the server as N worker processes on one port (`WORKERS`, over Redis at
 * `BENCH_REDIS_URL`, default redis://127.0.0.1:6379) on the cores of `--server-cpus` (default 0);
 * the generators run on `--generator-cpus` (default 1). The JSON says how many cores the server had.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import type { ServerFrame } from '@tremolo/protocol';
import { startServerProcess } from '../server/src/test/processes.ts';
import { createScratchDb } from './realtime/fixtures.ts';
import { Histogram } from './realtime/histogram.ts';
import { cpuMs, maxWaitPct, processTree, treeCpuMs, treeRssMb, waitSnapshot } from './realtime/procstat.ts';
import { insertGroup } from './chat/group-fixture.ts';
import { canPin, coreShare, cpuList, pinProcess, sleep, waitForWorkers } from './support/processes.ts';
import { Redis } from 'ioredis';

const { values: args } = parseArgs({
  options: {
    members: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '50' },
    duration: { type: 'string', default: '20' },
    admins: { type: 'string', default: '5' },
    generators: { type: 'string', default: '2' },
    // Writes a V8 CPU profile of the server to .tmp/bench-group-fanout/ when it stops (open it in Chrome DevTools).
    'cpu-prof': { type: 'boolean', default: false },
    'server-workers': { type: 'string', default: '1' },
    'server-cpus': { type: 'string', default: '0' },
    'generator-cpus': { type: 'string', default: '1' },
  },
});
const M = Number(args.members);
const R = Number(args.rate);
const D = Number(args.duration) * 1000;
const ADMINS = Number(args.admins);
const GENS = Number(args.generators);
const WORKERS = Math.max(1, Math.floor(Number(args['server-workers'])));
const SERVER_CPUS = args['server-cpus'] ?? '0';
const GENERATOR_CPUS = args['generator-cpus'] ?? '1';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisPrefix = `bench-group-fanout-${process.pid}`;
const log = (...a: unknown[]) => console.log(`[fanout ${new Date().toISOString().slice(11, 19)}]`, ...a);
const pin = canPin();
const now = (): number => performance.timeOrigin + performance.now();

interface Report {
  counts: [number, number][];
  total: number;
  max: number;
  seen: number[][];
  duplicated: number;
  reordered: number;
  cuts: number;
  connected: number;
}

async function main() {
  const db = await createScratchDb();
  try {
    const schema = await startServerProcess({ DATABASE_URL: db.url });
    await schema.stop();
    const g = await insertGroup(db.url, M, { admins: ADMINS });
    // Connection bursts and the admins' rate are far above what people do; lift the per-person limits.
    const profDir = path.resolve(import.meta.dirname, '..', '.tmp', 'bench-group-fanout');
    const server = await startServerProcess(
      {
        DATABASE_URL: db.url,
        LOG_LEVEL: 'warn',
        CHAT_MESSAGES_PER_10S: '100000',
        WS_FRAMES_PER_SECOND: '100000',
        WS_STORED_PUBLISHES_PER_MIN: '100000',
        // Info level with workers: each says "Tremolo is up", and the bench waits for all of them.
        ...(WORKERS > 1 ? { WORKERS: String(WORKERS), REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix, LOG_LEVEL: 'info' } : {}),
      },
      undefined,
      args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [],
    );
    const pid = server.child.pid!;
    if (WORKERS > 1) await waitForWorkers(WORKERS, server.output);
    // The primary and its workers, every thread of each.
    if (pin) for (const p of processTree(pid)) pinProcess(p, SERVER_CPUS, { threads: true });
    if (pin) pinProcess(process.pid, GENERATOR_CPUS);
    const serverCores = pin ? Math.min(WORKERS, cpuList(SERVER_CPUS).length) : null;
    const redis = WORKERS > 1 ? new Redis(redisUrl) : null;
    const redisPid = redis ? Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]) || null : null;
    const url = `${server.url.replace('http', 'ws')}/ws?v=1`;
    const share = pin ? coreShare(SERVER_CPUS, pin) : null;
    if (share !== null) log(`a busy process gets ${Math.round(share * 100)}% of the server's core right now (other work on this machine)`);
    log(
      `group of ${M + 1}, ${ADMINS} admins, ${R} msg/s for ${D / 1000} s, ${GENS} generators; server: ${WORKERS} process(es)` +
        (pin ? `, on core(s) ${SERVER_CPUS}, generators on ${GENERATOR_CPUS}` : ''),
    );

    const gens = Array.from({ length: GENS }, () =>
      fork(path.join(import.meta.dirname, 'chat/fanout-gen.ts'), [], { execArgv: ['--import', 'tsx'] }),
    );
    let subbed = 0;
    const reports: Promise<Report>[] = [];
    for (const [i, child] of gens.entries()) {
      if (pin && child.pid) pinProcess(child.pid, GENERATOR_CPUS);
      child.on('message', (m: { t: string }) => {
        if (m.t === 'subbed') subbed++;
      });
      const cookies = g.members
        .slice(ADMINS)
        .map((m) => m.cookie)
        .filter((_, k) => k % GENS === i);
      child.send({ t: 'setup', setup: { url, channel: g.channel, cookies } });
    }
    const listeners = M - ADMINS;
    const t0 = Date.now();
    while (subbed < listeners && Date.now() - t0 < 120_000) await sleep(250);
    log(`${subbed} of ${listeners} members subscribed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // The admins publish round-robin; each message's text starts with its send time.
    const admins = await Promise.all(
      g.members.slice(0, ADMINS).map(
        (a) =>
          new Promise<WebSocket>((resolve) => {
            const ws = new WebSocket(url, { headers: { cookie: a.cookie } });
            ws.on('open', () => resolve(ws));
          }),
      ),
    );
    let acked = 0;
    let refused = 0;
    for (const ws of admins)
      ws.on('message', (d) => {
        const f = JSON.parse(d.toString()) as ServerFrame;
        if (f.t === 'ack') acked++;
        if (f.t === 'err') refused++;
      });
    const cpu0 = treeCpuMs(pid);
    const wait0 = waitSnapshot(processTree(pid));
    const genWait0 = waitSnapshot(gens.map((c) => c.pid ?? 0).filter((p) => p > 0));
    const redis0 = redisPid ? cpuMs(redisPid) : 0;
    const wall0 = Date.now();
    let sent = 0;
    const interval = 1000 / R;
    const start = performance.now();
    while (performance.now() - start < D) {
      const ws = admins[sent % admins.length]!;
      ws.send(
        JSON.stringify({
          t: 'pub',
          ch: g.channel,
          cid: `b${sent}`,
          body: { kind: 'chat', text: `t=${now().toFixed(1)} hello fans ${sent}` },
        }),
      );
      sent++;
      const next = start + sent * interval;
      await sleep(Math.max(0, next - performance.now()));
    }
    const cpu = ((treeCpuMs(pid) - cpu0) / (Date.now() - wall0)) * 100;
    const redisCpu = redisPid ? ((cpuMs(redisPid) - redis0) / (Date.now() - wall0)) * 100 : null;
    const rss = treeRssMb(pid);
    // Runnable but not running: on a shared machine this, not the code, can be the latency.
    const serverWait = maxWaitPct(wait0, Date.now() - wall0);
    const genWait = maxWaitPct(genWait0, Date.now() - wall0);
    // Late is not lost: wait until every acked message has reached every listener, or nothing more
    // arrives for 5 s (bounded at 60 s), so "lost" counts what never came and latency what came late.
    const countAll = async () =>
      (
        await Promise.all(
          gens.map(
            (child) =>
              new Promise<number>((resolve) => {
                const onCount = (m: { t: string; total?: number }) => {
                  if (m.t !== 'count') return;
                  child.off('message', onCount);
                  resolve(m.total ?? 0);
                };
                child.on('message', onCount);
                child.send({ t: 'count' });
              }),
          ),
        )
      ).reduce((a, b) => a + b, 0);
    const drainStart = Date.now();
    let lastTotal = -1;
    let lastGrowth = Date.now();
    for (;;) {
      const total = await countAll();
      // Acks may still be arriving too: every message acked so far, to every listener.
      if (total >= acked * listeners && acked === sent) break;
      if (total > lastTotal) {
        lastTotal = total;
        lastGrowth = Date.now();
      }
      if (Date.now() - lastGrowth > 5000 || Date.now() - drainStart > 60_000) break;
      await sleep(250);
    }
    const drainMs = Date.now() - drainStart;
    log(`last deliveries arrived ${(drainMs / 1000).toFixed(1)} s after the last send`);
    for (const child of gens) {
      // A generator still subscribing stragglers sends 'subbed' messages first: wait for its report.
      reports.push(
        new Promise<Report>((resolve) => {
          const onReport = (m: Report & { t: string }) => {
            if (m.t !== 'report') return;
            child.off('message', onReport);
            resolve(m);
          };
          child.on('message', onReport);
        }),
      );
      child.send({ t: 'collect' });
    }
    const all = await Promise.all(reports);
    const hist = new Histogram();
    let lost = 0;
    let duplicated = 0;
    let reordered = 0;
    let cuts = 0;
    for (const r of all) {
      for (const [i, c] of r.counts) hist.counts[i]! += c;
      hist.total += r.total;
      hist.max = Math.max(hist.max, r.max);
      duplicated += r.duplicated;
      reordered += r.reordered;
      cuts += r.cuts;
      for (const s of r.seen) lost += Math.max(0, acked - s.length);
    }
    log(`sent ${sent}, acked ${acked}, refused ${refused}; deliveries ${hist.total} of ${acked * listeners}`);
    log(
      `latency p50 ${hist.quantile(0.5).toFixed(1)} ms, p99 ${hist.quantile(0.99).toFixed(1)} ms, max ${hist.max.toFixed(0)} ms; lost ${lost}, duplicated ${duplicated}, reordered ${reordered}, sockets cut ${cuts}`,
    );
    log(`waiting for a CPU: server ${serverWait}%, generators (the most starved) ${genWait}% of the run`);
    log(
      `server CPU ${cpu.toFixed(0)}% of a core, RSS ${rss.toFixed(0)} MB${redisCpu !== null ? `, Redis CPU ${redisCpu.toFixed(0)}%` : ''}`,
    );
    for (const c of gens) c.kill();
    for (const a of admins) a.terminate();
    await server.stop();
    if (redis) {
      const keys = await redis.keys(`${redisPrefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    console.log(
      JSON.stringify({
        bench: 'group-fanout',
        members: M,
        rate: R,
        deliveries: hist.total,
        p50Ms: round(hist.quantile(0.5)),
        p99Ms: round(hist.quantile(0.99)),
        lost,
        duplicated,
        reordered,
        serverCpuPct: Math.round(cpu),
        serverRssMb: Math.round(rss),
        // Server processes, and the cores they had (when pinned; each process uses at most one);
        // the share of the server's cores a busy process got at the start.
        serverWorkers: WORKERS,
        serverCores,
        redisCpuPct: redisCpu === null ? null : Math.round(redisCpu),
        serverRunQueueWaitPct: serverWait,
        drainMs,
        generatorRunQueueWaitPct: genWait,
        coreShare: share,
      }),
    );
  } finally {
    await db.drop();
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

await main();
process.exit(0);
