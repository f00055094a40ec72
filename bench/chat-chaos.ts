/**
 * `npm run bench:chat-chaos`: M members of one fan group spread over two server processes
 * (shared PostgreSQL and Redis) chat continuously for D seconds while the harness kills one
 * server with SIGKILL and restarts it, twice, and drops 1% of the sockets every second.
 * Each member behaves like the web client: it resubscribes with the last sequence it saw and
 * resends unacknowledged messages with their client ids. Afterwards every member's received
 * log is compared with the stored history.
 *
 *   --members 200 --duration 60 --rate 0.5 (messages per member per second)
 *
 * Ends with one JSON line.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import WebSocket from 'ws';
import type { ServerFrame } from '@tremolo/protocol';
import { freePort, startServerProcess, type ServerProcess } from '../server/src/test/processes.ts';
import { createScratchDb } from './realtime/fixtures.ts';
import { insertGroup } from './chat/group-fixture.ts';

const { values: args } = parseArgs({
  options: {
    members: { type: 'string', default: '200' },
    duration: { type: 'string', default: '60' },
    rate: { type: 'string', default: '0.5' },
    'drop-percent': { type: 'string', default: '1' },
  },
});
const M = Number(args.members);
const D = Number(args.duration) * 1000;
const RATE = Number(args.rate);
const DROP = Number(args['drop-percent']) / 100;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (...a: unknown[]) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}]`, ...a);

interface Member {
  index: number;
  id: string;
  cookie: string;
  ws: WebSocket | null;
  live: boolean;
  lastSeq: number;
  received: number[];
  duplicated: number;
  reordered: number;
  /** cid → body text, until acknowledged. */
  unacked: Map<string, string>;
  acked: Map<string, number>;
  sent: number;
  disconnectedAt: number | null;
  recoveries: number[];
  nextCid: number;
}

const ports: number[] = [];
let nodes: (ServerProcess | null)[] = [];
let env: Record<string, string> = {};
let stopping = false;

function connect(m: Member, channel: string): void {
  if (stopping) return;
  // Whichever node is up: a client retries the other when its node is gone.
  const candidates = nodes.map((n, i) => (n ? ports[i]! : null)).filter((p): p is number => p !== null);
  const port = candidates[(m.index + Math.floor(Math.random() * 2)) % Math.max(1, candidates.length)] ?? ports[0]!;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?v=1`, { headers: { cookie: m.cookie } });
  m.ws = ws;
  ws.on('open', () => ws.send(JSON.stringify({ t: 'sub', ch: channel, since: m.lastSeq })));
  ws.on('message', (data) => {
    const f = JSON.parse(data.toString()) as ServerFrame;
    for (const e of f.t === 'batch' ? f.events : [f]) onFrame(m, e, channel);
  });
  const retry = () => {
    if (m.ws !== ws) return;
    m.ws = null;
    m.live = false;
    m.disconnectedAt ??= performance.now();
    setTimeout(() => connect(m, channel), 100 + Math.random() * 200);
  };
  ws.on('close', retry);
  ws.on('error', () => ws.terminate());
}

function onFrame(m: Member, f: ServerFrame, channel: string): void {
  switch (f.t) {
    case 'subbed':
      m.live = true;
      if (m.disconnectedAt !== null) {
        m.recoveries.push(performance.now() - m.disconnectedAt);
        m.disconnectedAt = null;
      }
      // Resend what was never acknowledged, with the same ids: the server stores each once.
      for (const [cid, text] of m.unacked) m.ws?.send(JSON.stringify({ t: 'pub', ch: channel, cid, body: { kind: 'chat', text } }));
      return;
    case 'ack':
      if (m.unacked.delete(f.cid) && f.seq !== undefined) m.acked.set(f.cid, f.seq);
      return;
    case 'ev':
      if (f.seq === undefined || f.body.kind !== 'chat') {
        if (f.seq !== undefined) track(m, f.seq);
        return;
      }
      track(m, f.seq);
      return;
    default:
  }
}

function track(m: Member, seq: number): void {
  if (seq <= m.lastSeq) {
    if (m.received.includes(seq)) m.duplicated++;
    else m.reordered++;
    return;
  }
  if (seq !== m.lastSeq + 1 && m.lastSeq > 0) m.reordered++;
  m.lastSeq = seq;
  m.received.push(seq);
}

async function main() {
  const db = await createScratchDb();
  try {
    ports.push(await freePort(), await freePort());
    env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      CHAT_MESSAGES_PER_10S: '100000',
      WS_STORED_PUBLISHES_PER_MIN: '100000',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
    };
    const first = await startServerProcess(env, ports[0]);
    const g = await insertGroup(db.url, M);
    nodes = [first, await startServerProcess(env, ports[1])];
    log(`${M} members, ${D / 1000} s, ${RATE} msg/s each, nodes on ${ports.join(' and ')}`);
    const members: Member[] = g.members.map((x, index) => ({
      index,
      id: x.id,
      cookie: x.cookie,
      ws: null,
      live: false,
      lastSeq: 0,
      received: [],
      duplicated: 0,
      reordered: 0,
      unacked: new Map(),
      acked: new Map(),
      sent: 0,
      disconnectedAt: null,
      recoveries: [],
      nextCid: 0,
    }));
    for (const m of members) connect(m, g.channel);
    await new Promise((r) => setTimeout(r, 2000));

    const timers: NodeJS.Timeout[] = [];
    // Chatter: each member sends at RATE messages per second, whatever its connection state.
    timers.push(
      setInterval(() => {
        for (const m of members) {
          if (Math.random() > RATE / 10) continue;
          const cid = `${m.index}-${m.nextCid++}`;
          const text = `m${m.index} #${m.nextCid}`;
          m.unacked.set(cid, text);
          m.sent++;
          if (m.live) m.ws?.send(JSON.stringify({ t: 'pub', ch: g.channel, cid, body: { kind: 'chat', text } }));
        }
      }, 100),
    );
    // Socket drops: 1% of sockets per second, cut without a close handshake.
    timers.push(
      setInterval(() => {
        for (const m of members) if (Math.random() < DROP) m.ws?.terminate();
      }, 1000),
    );
    // Node kills: at 1/3 and 2/3 of the run, SIGKILL one node, restart it 3 s later.
    const kill = async (i: number) => {
      log(`SIGKILL node ${i}`);
      const n = nodes[i]!;
      nodes[i] = null;
      await n.stop('SIGKILL');
      await new Promise((r) => setTimeout(r, 3000));
      nodes[i] = await startServerProcess(env, ports[i]);
      log(`node ${i} back`);
    };
    const kills = [
      new Promise<void>((r) => setTimeout(() => void kill(0).then(r), D / 3)),
      new Promise<void>((r) => setTimeout(() => void kill(1).then(r), (2 * D) / 3)),
    ];
    await new Promise((r) => setTimeout(r, D));
    for (const t of timers) clearInterval(t);
    await Promise.all(kills);
    log('chatter stopped; letting everyone catch up');
    // Let retries land and every member resubscribe and catch up.
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline) {
      for (const m of members)
        for (const [cid, text] of m.unacked)
          if (m.live) m.ws?.send(JSON.stringify({ t: 'pub', ch: g.channel, cid, body: { kind: 'chat', text } }));
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const head = Number(
        (await c.query<{ seq: string }>('select seq from channel_heads where channel = $1', [g.channel])).rows[0]?.seq ?? 0,
      );
      await c.end();
      if (members.every((m) => m.unacked.size === 0 && m.lastSeq >= head)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    stopping = true;

    // The truth: what the database holds.
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const stored = await c.query<{ seq: string; client_id: string }>(
      'select seq, client_id from channel_events where channel = $1 order by seq',
      [g.channel],
    );
    const dupIds = await c.query<{ n: string }>(`select count(*) - count(distinct client_id) as n from channel_events where channel = $1`, [
      g.channel,
    ]);
    await c.end();
    const seqs = stored.rows.map((r) => Number(r.seq));
    const head = seqs[seqs.length - 1] ?? 0;
    const gaps = seqs.some((s, i) => s !== i + 1);
    const storedIds = new Set(stored.rows.map((r) => r.client_id));

    let acked = 0;
    let ackedButMissing = 0;
    let lost = 0;
    let duplicated = Number(dupIds.rows[0]?.n ?? 0);
    let reordered = 0;
    for (const m of members) {
      for (const [cid] of m.acked) {
        acked++;
        if (!storedIds.has(`${m.id}:${cid}`)) ackedButMissing++;
      }
      const got = new Set(m.received);
      for (const s of seqs) if (!got.has(s)) lost++;
      duplicated += m.duplicated;
      reordered += m.reordered;
    }
    const rec = members.flatMap((m) => m.recoveries).sort((a, b) => a - b);
    const p99 = rec.length ? rec[Math.min(rec.length - 1, Math.floor(rec.length * 0.99))]! : 0;
    const sent = members.reduce((n, m) => n + m.sent, 0);
    log(`sent ${sent}, acked ${acked}, stored ${seqs.length} (head ${head}, contiguous ${!gaps}), acked-but-missing ${ackedButMissing}`);
    log(`deliveries checked: ${members.length} × ${seqs.length}; lost ${lost}, duplicated ${duplicated}, reordered ${reordered}`);
    log(`recoveries ${rec.length}: p50 ${(rec[Math.floor(rec.length / 2)] ?? 0).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`);
    for (const m of members) m.ws?.terminate();
    console.log(
      JSON.stringify({
        bench: 'chat-chaos',
        members: M,
        durationSec: D / 1000,
        sent,
        acked,
        stored: seqs.length,
        lost: lost + ackedButMissing,
        duplicated,
        reordered,
        recoveries: rec.length,
        recoveryP99Ms: Math.round(p99),
      }),
    );
  } finally {
    await Promise.all(nodes.flatMap((n) => (n ? [n.stop('SIGKILL')] : [])));
    await db.drop();
  }
}

await main();
process.exit(0);
