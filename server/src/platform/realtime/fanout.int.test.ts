import { after, before, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { ServerFrame } from '@tremolo/protocol';
import { startTestApp, TestUser, type TestApp } from '../../test/harness.ts';

/**
 * Fan-out of one channel to many sockets: the gateway writes one pre-framed batch to every
 * socket and yields to the event loop part-way through a large channel, so these check that
 * what arrives is still every event exactly once, in order, as text frames.
 */
let t: TestApp;
let creator: TestUser;
let fan: TestUser;
before(async () => {
  // 600 sockets share one person's session here: this test is about fan-out, not the per-session cap.
  t = await startTestApp({}, { WS_MAX_SOCKETS_PER_SESSION: '1000' });
  creator = await TestUser.signup(t, 'fanout_creator');
  fan = await TestUser.signup(t, 'fanout_fan');
});
after(async () => t.close());

const ch = () => `creator:${creator.id}`;

/** A listener that keeps the seqs it got and whether any frame came as binary. */
interface Listener {
  ws: WebSocket;
  seqs: number[];
  binaryFrames: number;
  head: number;
}

/** Re-checked by `until` whenever any listener receives a frame. */
const onFrame = new Set<() => void>();

function listen(cookie: string, since?: number): Promise<Listener> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(t.url.replace('http', 'ws') + '/ws?v=1', { headers: { cookie } });
    const l: Listener = { ws, seqs: [], binaryFrames: 0, head: -1 };
    ws.on('message', (data, isBinary) => {
      if (isBinary) l.binaryFrames++;
      const f = JSON.parse(data.toString()) as ServerFrame;
      if (f.t === 'hello') ws.send(JSON.stringify({ t: 'sub', ch: ch(), ...(since !== undefined ? { since } : {}) }));
      else if (f.t === 'subbed') {
        l.head = f.head;
        resolve(l);
      } else if (f.t === 'ev' && f.seq !== undefined) l.seqs.push(f.seq);
      else if (f.t === 'batch') for (const e of f.events) if (e.seq !== undefined) l.seqs.push(e.seq);
      for (const check of onFrame) check();
    });
    ws.once('error', reject);
  });
}

/** Resolves once `pred` holds, checking it again on every frame any listener receives. */
function until(pred: () => boolean, timeoutMs = 15_000): Promise<void> {
  if (pred()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      onFrame.delete(check);
    };
    const check = () => {
      if (pred()) done(), resolve();
    };
    const timer = setTimeout(() => (done(), reject(new Error(`timed out: ${pred.toString()}`))), timeoutMs);
    onFrame.add(check);
  });
}

describe('channel fan-out', () => {
  test('events reach browsers as text frames', async () => {
    const l = await listen(fan.cookie);
    const pub = await listen(creator.cookie);
    pub.ws.send(JSON.stringify({ t: 'pub', ch: ch(), cid: 'text-1', body: { kind: 'broadcast', text: 'hi' } }));
    await until(() => l.seqs.length === 1);
    assert.equal(l.binaryFrames, 0, 'a browser drops binary frames it does not expect');
    l.ws.close();
    pub.ws.close();
  });

  test('a large channel gets every event once and in order, while publishes keep arriving', async () => {
    const listeners: Listener[] = [];
    // Enough sockets that one flush takes several event-loop slices.
    for (let i = 0; i < 600; i += 50) listeners.push(...(await Promise.all(Array.from({ length: 50 }, () => listen(fan.cookie)))));
    const head = Math.max(...listeners.map((l) => l.head));
    const pub = await listen(creator.cookie);
    const n = 40;
    // Back to back, without waiting for acks, so batches coalesce and flushes overlap new events.
    for (let i = 1; i <= n; i++) {
      pub.ws.send(JSON.stringify({ t: 'pub', ch: ch(), cid: `big-${i}`, body: { kind: 'broadcast', text: `n${i}` } }));
      // The second half goes out while the first is being fanned out.
      if (i === n / 2) await until(() => listeners.some((l) => l.seqs.length > 0));
    }
    // One listener drops out part-way and comes back with its last sequence.
    const leaver = listeners[0]!;
    await until(() => leaver.seqs.length >= 5);
    leaver.ws.terminate();
    const resumed = await listen(fan.cookie, leaver.seqs[leaver.seqs.length - 1]);
    const expected = Array.from({ length: n }, (_, i) => head + 1 + i);
    const others = listeners.slice(1);
    // A marker after the last: the channel is delivered in sequence order, so a repeat or a
    // straggler would have arrived before it.
    pub.ws.send(JSON.stringify({ t: 'pub', ch: ch(), cid: 'big-marker', body: { kind: 'broadcast', text: 'marker' } }));
    const marker = head + n + 1;
    await until(() => others.every((l) => l.seqs.includes(marker)) && resumed.seqs.includes(marker));
    for (const l of others) assert.deepEqual(l.seqs, [...expected, marker]);
    assert.deepEqual([...leaver.seqs, ...resumed.seqs], [...expected, marker], 'live, then replay and live again, with no gap or repeat');
    for (const l of [...others, resumed, pub]) l.ws.close();
  });

  test('a burst and a later lone event go out without waiting on a coalescing timer', async () => {
    // Batching is by "whatever arrived during the flush in progress": the gateway never arms a
    // timer to hold events back, so a busy channel is not slowed down by a window and a lone
    // event after a burst leaves on the next turn. Spying on the gateway's own timers checks this
    // structurally, where a latency bound would be at the mercy of a loaded machine.
    const realSetTimeout = globalThis.setTimeout;
    const gatewayTimers: number[] = [];
    const spy = mock.method(globalThis, 'setTimeout', ((fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) => {
      // The frame that called setTimeout (past this one and the mock's), not anything further down.
      const caller = new Error().stack
        ?.split('\n')
        .find((f, i) => i > 1 && !f.includes('fanout.int.test.ts') && !f.includes('node:internal'));
      if (caller?.includes('realtime/gateway.ts')) gatewayTimers.push(ms ?? 0);
      return realSetTimeout(fn, ms, ...rest);
    }) as typeof setTimeout);
    const listeners: Listener[] = [];
    try {
      for (let i = 0; i < 400; i += 50) listeners.push(...(await Promise.all(Array.from({ length: 50 }, () => listen(fan.cookie)))));
      const head = Math.max(...listeners.map((l) => l.head));
      const pub = await listen(creator.cookie);
      listeners.push(pub);
      const n = 30;
      for (let i = 1; i <= n; i++)
        pub.ws.send(JSON.stringify({ t: 'pub', ch: ch(), cid: `burst-${i}`, body: { kind: 'broadcast', text: `b${i}` } }));
      const burst = Array.from({ length: n }, (_, i) => head + 1 + i);
      await until(() => listeners.every((l) => l.seqs.length >= n));
      for (const l of listeners) assert.deepEqual(l.seqs, burst, 'every event of the burst, once, in order');
      // Idle again: one more event, after the channel's flushes have been expensive.
      await new Promise((r) => setImmediate(r));
      pub.ws.send(JSON.stringify({ t: 'pub', ch: ch(), cid: 'lone', body: { kind: 'broadcast', text: 'lone' } }));
      await until(() => listeners.every((l) => l.seqs.length === n + 1));
      for (const l of listeners) assert.equal(l.seqs[n], head + n + 1);
      assert.deepEqual(gatewayTimers, [], 'no fan-out waited on a timer');
    } finally {
      spy.mock.restore();
      for (const l of listeners) l.ws.close();
    }
  });
});
