/**
 * Load generator process: holds many subscriber WebSockets (and, in one process, the publisher)
 * against either server and records what each subscriber receives. The same code and the same
 * `ws` client stack drive both servers; only the wire framing differs (Tremolo's JSON frames,
 * or Engine.IO v4 / Socket.IO v5 packets spoken directly, so the generator stays cheaper than
 * the servers it measures). The orchestrator pins this process to its own core.
 */
import WebSocket, { type RawData } from 'ws';
import type { ServerFrame } from '@tremolo/protocol';
import { Histogram } from './histogram.ts';
import type { CollectReport, FromGenerator, GeneratorSetup, PublishReport, ToGenerator } from './messages.ts';

/** Epoch milliseconds with sub-millisecond precision; the same clock stamps `sentAt`. */
const now = (): number => performance.timeOrigin + performance.now();

function send(msg: FromGenerator): void {
  process.send?.(msg);
}

interface Sub {
  index: number;
  cred: string;
  ws: WebSocket | null;
  state: 'idle' | 'connecting' | 'subscribed' | 'closed';
  /** Bit per seq of the current step, relative to the step's `afterSeq`. */
  seen: Uint8Array;
  maxSeq: number;
  closedInStep: boolean;
}

/** The per-step recording shared by every subscriber of this process. */
interface StepRecord {
  step: number;
  afterSeq: number;
  hist: Histogram;
  received: number;
  duplicated: number;
  reordered: number;
  firstReceiveAt: number;
  lastReceiveAt: number;
  closeCodes: Record<string, number>;
  cpuStart: NodeJS.CpuUsage;
  wallStart: number;
}

let setup: GeneratorSetup | null = null;
const subs: Sub[] = [];
let record: StepRecord | null = null;
let head: number | null = null;
let publisher: Publisher | null = null;
/** When any event last arrived, in or out of a step. */
let lastEventAt = 0;

function onEvent(sub: Sub, seq: number | undefined, sentAt: number | undefined): void {
  lastEventAt = performance.now();
  const r = record;
  if (!r || seq === undefined || seq <= r.afterSeq) return;
  const t = now();
  const i = seq - r.afterSeq;
  if (i >= sub.seen.length * 8) {
    const grown = new Uint8Array(Math.max(sub.seen.length * 2, (i >> 3) + 1));
    grown.set(sub.seen);
    sub.seen = grown;
  }
  r.received++;
  if (r.firstReceiveAt === 0) r.firstReceiveAt = t;
  r.lastReceiveAt = t;
  const byte = i >> 3;
  const bit = 1 << (i & 7);
  if (sub.seen[byte]! & bit) {
    r.duplicated++;
    return;
  }
  sub.seen[byte]! |= bit;
  if (seq < sub.maxSeq) r.reordered++;
  else sub.maxSeq = seq;
  if (sentAt !== undefined) r.hist.record(t - sentAt);
}

function onClose(sub: Sub, code: number): void {
  sub.state = 'closed';
  sub.ws = null;
  if (record) {
    sub.closedInStep = true;
    record.closeCodes[code] = (record.closeCodes[code] ?? 0) + 1;
  }
}

// ---------------------------------------------------------------- Tremolo wire

function tremoloUrl(s: GeneratorSetup): string {
  return `ws://127.0.0.1:${s.port}/ws?v=1`;
}

function openTremolo(s: GeneratorSetup, sub: Sub): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(tremoloUrl(s), { headers: { cookie: sub.cred }, perMessageDeflate: false, skipUTF8Validation: true });
    sub.ws = ws;
    const timer = setTimeout(() => {
      reject(new Error('subscribe timed out'));
      ws.terminate();
    }, 30_000);
    ws.on('message', (data: RawData) => {
      const f = JSON.parse(rawText(data)) as ServerFrame;
      switch (f.t) {
        case 'batch':
          for (const e of f.events) onEvent(sub, e.seq, e.body.kind === 'broadcast' ? e.body.sentAt : undefined);
          return;
        case 'ev':
          return onEvent(sub, f.seq, f.body.kind === 'broadcast' ? f.body.sentAt : undefined);
        case 'hello':
          ws.send(JSON.stringify({ t: 'sub', ch: s.channel }));
          return;
        case 'subbed':
          clearTimeout(timer);
          sub.state = 'subscribed';
          head = Math.max(head ?? 0, f.head);
          resolve();
          return;
        case 'err':
          if (sub.state === 'connecting') {
            clearTimeout(timer);
            reject(new Error(`${f.code}: ${f.message}`));
            ws.terminate();
          }
          return;
        default:
          return;
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`upgrade refused: ${res.statusCode}`));
      ws.terminate();
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`closed ${code}`));
      onClose(sub, code);
    });
  });
}

// ---------------------------------------------------------------- Socket.IO wire (Engine.IO 4, Socket.IO 5)

function socketioUrl(s: GeneratorSetup): string {
  return `ws://127.0.0.1:${s.port}/socket.io/?EIO=4&transport=websocket`;
}

/** Splits a Socket.IO ack packet `43<id>[…]` into its id and arguments. */
function parseAck(text: string): { id: number; args: unknown[] } {
  const open = text.indexOf('[');
  return { id: Number(text.slice(2, open)), args: JSON.parse(text.slice(open)) as unknown[] };
}

interface SioEvent {
  seq?: number;
  body?: { sentAt?: number };
}

function openSocketio(s: GeneratorSetup, sub: Sub): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(socketioUrl(s), { perMessageDeflate: false, skipUTF8Validation: true });
    sub.ws = ws;
    const timer = setTimeout(() => {
      reject(new Error('subscribe timed out'));
      ws.terminate();
    }, 30_000);
    ws.on('message', (data: RawData) => {
      const text = rawText(data);
      const c0 = text.charCodeAt(0);
      if (c0 === 0x32 /* '2' ping */) return ws.send('3');
      if (c0 === 0x30 /* '0' open */) return ws.send(`40${JSON.stringify({ user: sub.cred })}`);
      if (c0 !== 0x34 /* '4' message */) return;
      const c1 = text.charCodeAt(1);
      if (c1 === 0x32 /* '2' event */) {
        const [name, ev] = JSON.parse(text.slice(2)) as [string, SioEvent];
        if (name === 'ev') onEvent(sub, ev.seq, ev.body?.sentAt);
      } else if (c1 === 0x30 /* '0' connected */) {
        ws.send(`420${JSON.stringify(['sub', s.channel])}`);
      } else if (c1 === 0x33 /* '3' ack */) {
        const { id, args } = parseAck(text);
        if (id === 0) {
          clearTimeout(timer);
          sub.state = 'subscribed';
          const h = (args[0] as { head?: number } | undefined)?.head;
          if (typeof h === 'number') head = Math.max(head ?? 0, h);
          resolve();
        }
      } else if (c1 === 0x34 /* '4' connect error */) {
        clearTimeout(timer);
        reject(new Error(`connect_error ${text.slice(2)}`));
        ws.terminate();
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`upgrade refused: ${res.statusCode}`));
      ws.terminate();
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`closed ${code}`));
      onClose(sub, code);
    });
  });
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString();
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.from(data).toString();
}

// ---------------------------------------------------------------- Publisher

const TEXT = 'Flash sale starts now: 30% off the blue jacket, first hundred orders only!';

/** The creator's socket. It publishes on a fixed schedule and never waits for acks to send the next. */
class Publisher {
  private ws: WebSocket | null = null;
  private pending = new Map<string, number>();
  /** Socket.IO ack ids waiting for a reply. */
  private sioAcks = new Map<number, (reply: { seq?: number; head?: number; error?: string } | undefined) => void>();
  private headWaiter: ((head: number) => void) | null = null;
  private nextSioId = 1;
  private seqs: number[] = [];
  private errors: Record<string, number> = {};
  private ackHist = new Histogram();
  private onSettled: (() => void) | null = null;

  constructor(
    private readonly s: GeneratorSetup,
    private readonly cred: string,
  ) {}

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const tremolo = this.s.kind === 'tremolo';
      const ws = tremolo
        ? new WebSocket(tremoloUrl(this.s), { headers: { cookie: this.cred }, perMessageDeflate: false })
        : new WebSocket(socketioUrl(this.s), { perMessageDeflate: false });
      this.ws = ws;
      ws.on('message', (data: RawData) => {
        const text = rawText(data);
        if (tremolo) {
          const f = JSON.parse(text) as ServerFrame;
          if (f.t === 'hello') resolve();
          else if (f.t === 'ack') this.acked(f.cid, f.seq);
          else if (f.t === 'err') this.failed(f.ref, f.code);
          else if (f.t === 'subbed') {
            ws.send(JSON.stringify({ t: 'unsub', ch: this.s.channel }));
            this.headWaiter?.(f.head);
          }
          return;
        }
        const c0 = text.charCodeAt(0);
        if (c0 === 0x32) return ws.send('3');
        if (c0 === 0x30) return ws.send(`40${JSON.stringify({ user: this.cred })}`);
        if (text.startsWith('40')) return resolve();
        if (text.startsWith('43')) {
          const { id, args } = parseAck(text);
          const done = this.sioAcks.get(id);
          this.sioAcks.delete(id);
          done?.(args[0] as { seq?: number; head?: number; error?: string } | undefined);
        }
      });
      ws.on('unexpected-response', (_req, res) => reject(new Error(`publisher upgrade refused: ${res.statusCode}`)));
      ws.on('error', reject);
      ws.on('close', (code) => {
        // A socket dropped by reset() closes after its replacement is already open.
        if (this.ws === ws) this.ws = null;
        reject(new Error(`publisher closed ${code}`));
      });
    });
  }

  /** Messages sent and neither acknowledged nor refused yet. */
  get outstanding(): number {
    return this.pending.size;
  }

  /**
   * Drops a publisher whose messages are stuck in an overloaded server's queue: the server
   * discards frames of a closed socket, so the next step does not queue behind the last one.
   */
  async reset(): Promise<void> {
    this.ws?.terminate();
    this.ws = null;
    this.pending.clear();
    this.sioAcks.clear();
    await this.open();
  }

  /** The channel's current sequence head, as the server reports it on subscribe. */
  head(): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = this.ws;
      if (!ws) return reject(new Error('publisher not connected'));
      const timer = setTimeout(() => reject(new Error('no head from server')), 30_000);
      const done = (head: number) => {
        clearTimeout(timer);
        this.headWaiter = null;
        resolve(head);
      };
      if (this.s.kind === 'tremolo') {
        this.headWaiter = done;
        ws.send(JSON.stringify({ t: 'sub', ch: this.s.channel }));
      } else {
        const id = this.nextSioId++;
        this.sioAcks.set(id, (reply) => done(reply?.head ?? 0));
        ws.send(`42${id}${JSON.stringify(['head', this.s.channel])}`);
      }
    });
  }

  private acked(cid: string, seq: number | undefined): void {
    const sentAt = this.pending.get(cid);
    if (sentAt === undefined) return;
    this.pending.delete(cid);
    this.ackHist.record(now() - sentAt);
    if (seq !== undefined) this.seqs.push(seq);
    this.settleCheck();
  }

  private failed(cid: string | undefined, code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
    if (cid !== undefined) this.pending.delete(cid);
    this.settleCheck();
  }

  private settleCheck(): void {
    if (this.pending.size === 0 && this.onSettled) this.onSettled();
  }

  private publishOne(step: number, i: number): void {
    const ws = this.ws;
    if (!ws) return;
    const cid = `s${step}-${i}`;
    const body = { kind: 'broadcast', text: `${TEXT} #${i}`, sentAt: now() };
    this.pending.set(cid, body.sentAt);
    if (this.s.kind === 'tremolo') {
      ws.send(JSON.stringify({ t: 'pub', ch: this.s.channel, cid, body }));
    } else {
      const id = this.nextSioId++;
      this.sioAcks.set(id, (reply) => (reply?.error ? this.failed(cid, reply.error) : this.acked(cid, reply?.seq)));
      ws.send(`42${id}${JSON.stringify(['pub', { ch: this.s.channel, cid, body }])}`);
    }
  }

  async run(step: number, rate: number, durationSec: number): Promise<PublishReport> {
    this.seqs = [];
    this.errors = {};
    this.ackHist = new Histogram();
    this.pending.clear();
    const total = Math.max(1, Math.round(rate * durationSec));
    const interval = 1000 / rate;
    const startedAt = now();
    send({ op: 'publishing', step, at: startedAt });
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        // Catch up with the schedule if the loop was late, so the offered rate stays R.
        const due = Math.min(total, Math.floor((now() - startedAt) / interval) + 1);
        while (sent < due) this.publishOne(step, sent++);
        if (sent >= total) return resolve();
        setTimeout(tick, Math.max(0, startedAt + sent * interval - now()));
      };
      tick();
    });
    const endedAt = now();
    // Acks can lag behind an overloaded server; wait a bounded time for them.
    if (this.pending.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        this.onSettled = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.onSettled = null;
    }
    const seqs = [...this.seqs].sort((a, b) => a - b);
    let gaps = 0;
    for (let k = 1; k < seqs.length; k++) if (seqs[k]! !== seqs[k - 1]! + 1) gaps++;
    return {
      op: 'published',
      step,
      sent,
      acked: seqs.length,
      firstSeq: seqs[0] ?? 0,
      lastSeq: seqs[seqs.length - 1] ?? 0,
      startedAt,
      endedAt,
      errors: this.errors,
      unacked: this.pending.size,
      gaps,
      ackLatency: this.ackHist.toSparse(),
    };
  }
}

// ---------------------------------------------------------------- Commands

async function connectAll(): Promise<void> {
  const s = setup!;
  const started = now();
  const todo = subs.filter((x) => x.state !== 'subscribed');
  const errors: string[] = [];
  let failed = 0;
  let cursor = 0;
  const worker = async () => {
    while (cursor < todo.length) {
      const sub = todo[cursor++]!;
      sub.state = 'connecting';
      try {
        await (s.kind === 'tremolo' ? openTremolo(s, sub) : openSocketio(s, sub));
      } catch (e) {
        failed++;
        sub.state = 'closed';
        sub.ws?.terminate();
        sub.ws = null;
        if (errors.length < 5) errors.push(e instanceof Error ? e.message : String(e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(s.connectConcurrency, todo.length) }, worker));
  if (s.publisher !== null && !publisher) {
    publisher = new Publisher(s, s.publisher);
    await publisher.open();
  }
  send({
    op: 'connected',
    subscribed: subs.filter((x) => x.state === 'subscribed').length,
    failed,
    ms: Math.round(now() - started),
    errors,
    head,
  });
}

function startStep(step: number, afterSeq: number, rate: number, durationSec: number): void {
  const expected = Math.ceil(rate * durationSec) + 64;
  for (const sub of subs) {
    sub.seen = new Uint8Array((expected >> 3) + 1);
    sub.maxSeq = 0;
    sub.closedInStep = false;
  }
  record = {
    step,
    afterSeq,
    hist: new Histogram(),
    received: 0,
    duplicated: 0,
    reordered: 0,
    firstReceiveAt: 0,
    lastReceiveAt: 0,
    closeCodes: {},
    cpuStart: process.cpuUsage(),
    wallStart: now(),
  };
  if (publisher) {
    publisher
      .run(step, rate, durationSec)
      .then((report) => send(report))
      .catch((e: unknown) => send({ op: 'fatal', message: `publisher: ${String(e)}` }));
  }
}

async function collect(step: number, firstSeq: number, lastSeq: number): Promise<void> {
  const r = record;
  if (!r || r.step !== step) return send({ op: 'fatal', message: `collect for step ${step} without a recording` });
  // Wait until everyone has the last event, or nothing has arrived for a while.
  const deadline = now() + 10_000;
  for (;;) {
    const behind = subs.some((x) => x.state === 'subscribed' && x.maxSeq < lastSeq);
    const quiet = now() - Math.max(r.lastReceiveAt, r.wallStart) > 2000;
    if (!behind || quiet || now() > deadline) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  let lost = 0;
  let disconnected = 0;
  if (lastSeq >= firstSeq && firstSeq > 0) {
    for (const sub of subs) {
      if (sub.closedInStep || sub.state !== 'subscribed') disconnected++;
      for (let seq = firstSeq; seq <= lastSeq; seq++) {
        const i = seq - r.afterSeq;
        if (!((sub.seen[i >> 3] ?? 0) & (1 << (i & 7)))) lost++;
      }
    }
  }
  const cpu = process.cpuUsage(r.cpuStart);
  const report: CollectReport = {
    op: 'collected',
    step,
    subscribers: subs.length,
    received: r.received,
    lost,
    duplicated: r.duplicated,
    reordered: r.reordered,
    disconnected,
    closeCodes: r.closeCodes,
    firstReceiveAt: r.firstReceiveAt,
    lastReceiveAt: r.lastReceiveAt,
    latency: r.hist.toSparse(),
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: now() - r.wallStart,
  };
  record = null;
  send(report);
}

async function settle(): Promise<void> {
  const started = performance.now();
  const busy = () => performance.now() - lastEventAt < 1000 || (publisher?.outstanding ?? 0) > 0;
  while (busy() && performance.now() - started < 15_000) await new Promise((res) => setTimeout(res, 100));
  let resetPublisher = false;
  if (publisher && publisher.outstanding > 0) {
    await publisher.reset();
    resetPublisher = true;
    while (performance.now() - lastEventAt < 1000 && performance.now() - started < 30_000) await new Promise((res) => setTimeout(res, 100));
  }
  const h = publisher ? await publisher.head() : null;
  send({ op: 'settled', waitedMs: Math.round(performance.now() - started), resetPublisher, head: h });
}

process.on('message', (raw: unknown) => {
  const msg = raw as ToGenerator;
  const fail = (e: unknown) => send({ op: 'fatal', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  switch (msg.op) {
    case 'setup':
      setup = msg.setup;
      subs.length = 0;
      msg.setup.subscribers.forEach((cred, index) =>
        subs.push({ index, cred, ws: null, state: 'idle', seen: new Uint8Array(1), maxSeq: 0, closedInStep: false }),
      );
      send({ op: 'ready' });
      return;
    case 'connect':
      connectAll().catch(fail);
      return;
    case 'run':
      try {
        startStep(msg.step, msg.afterSeq, msg.rate, msg.durationSec);
      } catch (e) {
        fail(e);
      }
      return;
    case 'collect':
      collect(msg.step, msg.firstSeq, msg.lastSeq).catch(fail);
      return;
    case 'settle':
      settle().catch(fail);
      return;
    case 'exit':
      for (const sub of subs) sub.ws?.terminate();
      process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
send({ op: 'ready' });
