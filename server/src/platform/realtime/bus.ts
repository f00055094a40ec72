import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { EventFrame } from '@tremolo/protocol';

export type BusHandler = (frame: EventFrame, json: string) => void;
export type SignalHandler = (payload: unknown) => void;

/**
 * Carries channel events to every node's gateway. A node also receives its own publishes back
 * through the bus, so local and remote subscribers see one ordering path.
 */
export interface Bus {
  readonly kind: 'memory' | 'redis';
  publish(frame: EventFrame): void;
  onEvent(handler: BusHandler): void;
  /**
   * Node-to-node signals on a named topic, never seen by clients: a module tells the other
   * nodes what it has just applied itself (a For You learning signal, a new video). Delivered
   * to every other node, not back to the sender; with the in-process bus there is no other node.
   * The payload must be JSON; receivers validate it.
   */
  signal(topic: string, payload: unknown): void;
  /**
   * `signal`, resolved once Redis has handed it to every subscribed node: for a revocation whose
   * caller must not answer before the other nodes have it (a logout must hold everywhere).
   */
  signalDelivered(topic: string, payload: unknown): Promise<void>;
  onSignal(topic: string, handler: SignalHandler): void;
  close(): Promise<void>;
}

export class InProcessBus implements Bus {
  readonly kind = 'memory';
  private handlers: BusHandler[] = [];

  publish(frame: EventFrame): void {
    const json = JSON.stringify(frame);
    queueMicrotask(() => {
      for (const h of this.handlers) h(frame, json);
    });
  }

  onEvent(handler: BusHandler): void {
    this.handlers.push(handler);
  }

  signal(): void {
    // One process: the sender has applied it already and there is nobody else to tell.
  }

  async signalDelivered(): Promise<void> {}

  onSignal(): void {}

  async close(): Promise<void> {
    this.handlers = [];
  }
}

/** Redis pub/sub across nodes: one topic, each node routes to its local subscribers. */
export class RedisBus implements Bus {
  readonly kind = 'redis';
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly topic: string;
  private readonly signalTopic: string;
  /** Tells this process's own signals apart from other nodes' (it receives its publishes back). */
  private readonly origin = randomUUID();
  private handlers: BusHandler[] = [];
  private signalHandlers = new Map<string, SignalHandler[]>();

  private constructor(url: string, prefix: string) {
    this.pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.sub = new Redis(url, { lazyConnect: true });
    this.topic = `${prefix}:events`;
    this.signalTopic = `${prefix}:signals`;
  }

  static async connect(url: string, prefix = 'tremolo'): Promise<RedisBus> {
    const bus = new RedisBus(url, prefix);
    await Promise.all([bus.pub.connect(), bus.sub.connect()]);
    await bus.sub.subscribe(bus.topic, bus.signalTopic);
    bus.sub.on('message', (topic: string, json: string) => {
      if (topic === bus.signalTopic) return bus.onSignalMessage(json);
      const frame = JSON.parse(json) as EventFrame;
      for (const h of bus.handlers) h(frame, json);
    });
    return bus;
  }

  private onSignalMessage(json: string): void {
    const m = JSON.parse(json) as { o: string; t: string; p: unknown };
    if (m.o === this.origin) return;
    for (const h of this.signalHandlers.get(m.t) ?? []) h(m.p);
  }

  signal(topic: string, payload: unknown): void {
    void this.pub.publish(this.signalTopic, JSON.stringify({ o: this.origin, t: topic, p: payload })).catch(() => undefined);
  }

  async signalDelivered(topic: string, payload: unknown): Promise<void> {
    await this.pub.publish(this.signalTopic, JSON.stringify({ o: this.origin, t: topic, p: payload }));
  }

  onSignal(topic: string, handler: SignalHandler): void {
    const list = this.signalHandlers.get(topic) ?? [];
    list.push(handler);
    this.signalHandlers.set(topic, list);
  }

  publish(frame: EventFrame): void {
    void this.pub.publish(this.topic, JSON.stringify(frame));
  }

  onEvent(handler: BusHandler): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    this.handlers = [];
    this.signalHandlers.clear();
    this.sub.disconnect();
    await this.pub.quit().catch(() => undefined);
  }
}
