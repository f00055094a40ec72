/**
 * The werift SFU on its own worker thread (sfu-worker.ts), behind the same `SfuAdapter`
 * contract. Forwarding is per-packet work (SRTP, a UDP send per subscriber and packet): on
 * the app's event loop it queued behind HTTP and WebSocket work, and the other way round.
 * Here the app's thread only passes signalling (SDP strings) to the worker and back.
 *
 * `stats()` is synchronous in the contract, so it answers from the last stats the worker
 * sent (after every call and event, and each second). If the worker dies, every room it
 * held is reported `room_moved` (its connections are gone) and the next call starts a new one.
 */
import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '@tremolo/protocol';
import { AppError } from '../../errors.ts';
import type { Layer, MediaKind, PublishResult, SfuAdapter, SfuEvent, SfuStats, SubscriptionOffer } from '../sfu.ts';
import type { WeriftSfuOptions } from './index.ts';

type Methods =
  | 'start'
  | 'openRoom'
  | 'closeRoom'
  | 'publish'
  | 'unpublish'
  | 'subscribe'
  | 'answerSubscription'
  | 'leave'
  | 'setLayer'
  | 'setForwarding'
  | 'close';

/** One call of the adapter, as sent to the worker. */
export type SfuCall = { [M in Methods]: { method: M; args: Parameters<SfuAdapter[M]> } }[Methods];

export type WorkerReply =
  | { type: 'result'; id: number; value?: unknown; error?: { message: string; code?: ErrorCode; status?: number }; stats: SfuStats }
  | { type: 'event'; event: SfuEvent; stats: SfuStats }
  | { type: 'stats'; stats: SfuStats };

/**
 * The worker's entry, as a script. Node 20 does not apply `--import tsx` to worker threads (22
 * does), so when the TypeScript entry cannot be loaded as it is, the worker registers tsx
 * first and loads it again (under another URL: the failed load is cached).
 */
function workerBoot(): string {
  const entry = new URL('./sfu-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(entry)}).catch(async (err) => {
    if (err.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
    (await import(${JSON.stringify(tsx)})).register();
    await import(${JSON.stringify(`${entry}?tsx`)});
  });`;
}

const EMPTY: SfuStats = { rooms: 0, publishers: 0, subscribers: 0, forwardedStreams: 0 };

export class WeriftWorkerSfu implements SfuAdapter {
  readonly name = 'werift' as const;
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  private readonly listeners: ((event: SfuEvent) => void)[] = [];
  /** Rooms opened on the current worker: reported moved if it dies. */
  private readonly rooms = new Set<string>();
  private lastStats: SfuStats = EMPTY;
  private started = false;
  private closed = false;

  constructor(private readonly options: WeriftSfuOptions = {}) {}

  async start(): Promise<void> {
    this.started = true;
    await this.call({ method: 'start', args: [] });
  }

  async openRoom(roomId: string): Promise<void> {
    await this.call({ method: 'openRoom', args: [roomId] });
    this.rooms.add(roomId);
  }

  async closeRoom(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
    await this.call({ method: 'closeRoom', args: [roomId] });
  }

  publish(roomId: string, publisherId: string, offerSdp: string): Promise<PublishResult> {
    return this.call({ method: 'publish', args: [roomId, publisherId, offerSdp] }) as Promise<PublishResult>;
  }

  async unpublish(roomId: string, publisherId: string): Promise<void> {
    await this.call({ method: 'unpublish', args: [roomId, publisherId] });
  }

  subscribe(roomId: string, subscriberId: string, publisherIds: string[]): Promise<SubscriptionOffer> {
    return this.call({ method: 'subscribe', args: [roomId, subscriberId, publisherIds] }) as Promise<SubscriptionOffer>;
  }

  async answerSubscription(roomId: string, subscriberId: string, answerSdp: string): Promise<void> {
    await this.call({ method: 'answerSubscription', args: [roomId, subscriberId, answerSdp] });
  }

  async leave(roomId: string, subscriberId: string): Promise<void> {
    await this.call({ method: 'leave', args: [roomId, subscriberId] });
  }

  async setLayer(roomId: string, subscriberId: string, publisherId: string, layer: Layer): Promise<void> {
    await this.call({ method: 'setLayer', args: [roomId, subscriberId, publisherId, layer] });
  }

  async setForwarding(roomId: string, publisherId: string, kind: MediaKind, enabled: boolean): Promise<void> {
    await this.call({ method: 'setForwarding', args: [roomId, publisherId, kind, enabled] });
  }

  onEvent(listener: (event: SfuEvent) => void): void {
    this.listeners.push(listener);
  }

  stats(): SfuStats {
    return this.lastStats;
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    try {
      await this.call({ method: 'close', args: [] });
    } finally {
      this.worker = null;
      this.rooms.clear();
      this.lastStats = EMPTY;
      await worker.terminate();
    }
  }

  /** Ends the worker the way a crash would (tests of the recovery). */
  async crashWorker(): Promise<void> {
    await this.worker?.terminate();
  }

  private call(call: SfuCall): Promise<unknown> {
    const worker = this.ensureWorker(call.method);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, call });
    });
  }

  private ensureWorker(method: Methods): Worker {
    if (this.worker) return this.worker;
    if (this.closed && method !== 'close') throw new Error('The SFU is closed');
    const worker = new Worker(workerBoot(), { eval: true, workerData: this.options });
    // Its sockets must not keep a stopping process alive; close() ends it.
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    const died = (err: Error) => this.workerDied(worker, err);
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`the SFU worker exited with code ${code}`)));
    this.worker = worker;
    // A replacement worker (the first one died) needs its watchdog started like the first.
    if (this.started && method !== 'start') worker.postMessage({ id: 0, call: { method: 'start', args: [] } });
    return worker;
  }

  private onReply(reply: WorkerReply): void {
    this.lastStats = reply.stats;
    if (reply.type === 'event') {
      this.emit(reply.event);
      return;
    }
    if (reply.type !== 'result') return;
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (!reply.error) p.resolve(reply.value);
    else if (reply.error.code) p.reject(new AppError(reply.error.code, reply.error.message, undefined, reply.error.status));
    else p.reject(new Error(reply.error.message));
  }

  private workerDied(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.lastStats = EMPTY;
    const rooms = [...this.rooms];
    this.rooms.clear();
    if (this.closed) return;
    for (const roomId of rooms) this.emit({ type: 'room_moved', roomId });
  }

  private emit(event: SfuEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure must not stop the others.
      }
    }
  }
}
