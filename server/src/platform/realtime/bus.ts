import { Redis } from 'ioredis';
import type { EventFrame } from '@tremolo/protocol';

export type BusHandler = (frame: EventFrame, json: string) => void;

/**
 * Carries channel events to every node's gateway. A node also receives its own publishes back
 * through the bus, so local and remote subscribers see one ordering path.
 */
export interface Bus {
  readonly kind: 'memory' | 'redis';
  publish(frame: EventFrame): void;
  onEvent(handler: BusHandler): void;
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
  private handlers: BusHandler[] = [];

  private constructor(url: string, prefix: string) {
    this.pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.sub = new Redis(url, { lazyConnect: true });
    this.topic = `${prefix}:events`;
  }

  static async connect(url: string, prefix = 'tremolo'): Promise<RedisBus> {
    const bus = new RedisBus(url, prefix);
    await Promise.all([bus.pub.connect(), bus.sub.connect()]);
    await bus.sub.subscribe(bus.topic);
    bus.sub.on('message', (_topic: string, json: string) => {
      const frame = JSON.parse(json) as EventFrame;
      for (const h of bus.handlers) h(frame, json);
    });
    return bus;
  }

  publish(frame: EventFrame): void {
    void this.pub.publish(this.topic, JSON.stringify(frame));
  }

  onEvent(handler: BusHandler): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    this.handlers = [];
    this.sub.disconnect();
    await this.pub.quit().catch(() => undefined);
  }
}
