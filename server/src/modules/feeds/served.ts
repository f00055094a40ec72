import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/**
 * What For You has served each person (video ids, and `product:<id>` for product cards), with
 * when: the filter keeps recently served videos back and the feed loops back to what was served
 * longest ago. Shared by every node when Redis is configured, so pages served by different nodes
 * never repeat each other; else in this process's memory.
 */
export interface ServedHistory {
  /** A copy the caller may change: what it adds is remembered only through `add`. */
  get(userId: string): Promise<Map<string, number>>;
  add(userId: string, entries: ReadonlyMap<string, number>): Promise<void>;
}

/** The most recent entries kept per person; older ones fall off. */
const SERVED_KEPT = 2000;
/** A person's served history is forgotten this long after their last page. */
const SERVED_KEEP_MS = 24 * 60 * 60_000;
const CACHED_PEOPLE = 10_000;

export class MemoryServedHistory implements ServedHistory {
  private readonly people = new LRUCache<string, Map<string, number>>({ max: CACHED_PEOPLE, ttl: SERVED_KEEP_MS });

  get(userId: string): Promise<Map<string, number>> {
    return Promise.resolve(new Map(this.people.get(userId)));
  }

  add(userId: string, entries: ReadonlyMap<string, number>): Promise<void> {
    const mine = this.people.get(userId) ?? new Map<string, number>();
    for (const [key, at] of entries) {
      mine.delete(key); // re-inserted at the end: the map stays in serving order
      mine.set(key, at);
    }
    while (mine.size > SERVED_KEPT) mine.delete(mine.keys().next().value!);
    this.people.set(userId, mine);
    return Promise.resolve();
  }
}

/** One sorted set per person, `<prefix>:feeds:served:<userId>`, scored by when; capped and expiring. */
export class RedisServedHistory implements ServedHistory {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(userId: string): string {
    return `${this.prefix}:feeds:served:${userId}`;
  }

  async get(userId: string): Promise<Map<string, number>> {
    const flat = await this.redis.zrange(this.key(userId), '0', '-1', 'WITHSCORES');
    const served = new Map<string, number>();
    for (let i = 0; i + 1 < flat.length; i += 2) served.set(flat[i]!, Number(flat[i + 1]));
    return served;
  }

  async add(userId: string, entries: ReadonlyMap<string, number>): Promise<void> {
    if (entries.size === 0) return;
    const key = this.key(userId);
    const args: (string | number)[] = [];
    for (const [member, at] of entries) args.push(at, member);
    await this.redis
      .multi()
      .zadd(key, ...args)
      .zremrangebyrank(key, 0, -(SERVED_KEPT + 1))
      .pexpire(key, SERVED_KEEP_MS)
      .exec();
  }
}
