import type { Redis } from 'ioredis';

/**
 * Which push devices have their app open and focused right now, as their sockets say. A mark
 * expires unless refreshed (the app repeats its `focus` frame while focused), so a node that died
 * with a focused socket stops holding that device's pushes back within `ttlMs`.
 */
export interface FocusMarks {
  set(userId: string, device: string, focused: boolean): Promise<void>;
  /** Of these devices of a person, the ones focused now. */
  focused(userId: string, devices: string[]): Promise<Set<string>>;
}

export class MemoryFocusMarks implements FocusMarks {
  private readonly marks = new Map<string, number>();
  constructor(private readonly ttlMs: number) {}

  async set(userId: string, device: string, focused: boolean): Promise<void> {
    const key = `${userId}:${device}`;
    if (focused) this.marks.set(key, Date.now() + this.ttlMs);
    else this.marks.delete(key);
  }

  async focused(userId: string, devices: string[]): Promise<Set<string>> {
    const now = Date.now();
    return new Set(devices.filter((d) => (this.marks.get(`${userId}:${d}`) ?? 0) > now));
  }
}

/** The marks in Redis, so the node sending a push sees a socket held by any node. */
export class RedisFocusMarks implements FocusMarks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  private key(userId: string, device: string): string {
    return `${this.prefix}:push:focus:${userId}:${device}`;
  }

  async set(userId: string, device: string, focused: boolean): Promise<void> {
    if (focused) await this.redis.set(this.key(userId, device), '1', 'PX', this.ttlMs);
    else await this.redis.del(this.key(userId, device));
  }

  async focused(userId: string, devices: string[]): Promise<Set<string>> {
    if (devices.length === 0) return new Set();
    const values = await this.redis.mget(devices.map((d) => this.key(userId, d)));
    return new Set(devices.filter((_d, i) => values[i] !== null));
  }
}
