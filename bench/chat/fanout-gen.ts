/**
 * Generator process for bench:group-fanout: holds a slice of the members' sockets, records
 * the delivery latency of each chat message (its text carries the send time) and which
 * sequences arrived, and reconnects with `since` like a real client if a socket is cut.
 */
import WebSocket from 'ws';
import type { ServerFrame } from '@tremolo/protocol';
import { Histogram } from '../realtime/histogram.ts';

interface Setup {
  url: string;
  channel: string;
  cookies: string[];
}
type Msg = { t: 'setup'; setup: Setup } | { t: 'collect' } | { t: 'count' };

const now = (): number => performance.timeOrigin + performance.now();
const hist = new Histogram();
let setup: Setup | null = null;
let connected = 0;
let cuts = 0;
const seen: Set<number>[] = [];
let duplicated = 0;
let reordered = 0;

function open(i: number, since: number | undefined): void {
  const s = setup!;
  const ws = new WebSocket(s.url, { headers: { cookie: s.cookies[i]! }, perMessageDeflate: false });
  let last = since ?? 0;
  ws.on('open', () => ws.send(JSON.stringify(since === undefined ? { t: 'sub', ch: s.channel } : { t: 'sub', ch: s.channel, since })));
  ws.on('message', (data) => {
    const f = JSON.parse(data.toString()) as ServerFrame;
    if (f.t === 'subbed') {
      if (since === undefined) {
        last = f.head;
        process.send?.({ t: 'subbed' });
        connected++;
      }
      return;
    }
    const t = now();
    for (const e of f.t === 'batch' ? f.events : f.t === 'ev' ? [f] : []) {
      if (e.seq === undefined || e.body.kind !== 'chat') continue;
      const got = seen[i]!;
      if (got.has(e.seq)) duplicated++;
      else {
        if (e.seq < last) reordered++;
        got.add(e.seq);
      }
      last = Math.max(last, e.seq);
      const m = /^t=(\d+(?:\.\d+)?)/.exec(e.body.text);
      if (m) hist.record(t - Number(m[1]));
    }
  });
  ws.on('close', () => {
    cuts++;
    if (setup) setTimeout(() => open(i, last), 200);
  });
  ws.on('error', () => ws.terminate());
}

process.on('message', (msg: Msg) => {
  if (msg.t === 'setup') {
    setup = msg.setup;
    for (let i = 0; i < setup.cookies.length; i++) {
      seen.push(new Set());
      setTimeout(() => open(i, undefined), i * 2);
    }
  } else if (msg.t === 'count') {
    // Cheap progress while the bench waits for late deliveries to arrive.
    process.send?.({ t: 'count', total: hist.total });
  } else {
    process.send?.({
      t: 'report',
      counts: [...hist.counts.entries()].filter(([, c]) => c > 0),
      total: hist.total,
      max: hist.max,
      seen: seen.map((s) => [...s]),
      duplicated,
      reordered,
      cuts,
      connected,
    });
  }
});
