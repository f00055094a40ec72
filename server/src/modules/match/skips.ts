import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const HOUR_MS = 3_600_000;

/**
 * Each person's skips ("next", or leaving a call) over the last hour, which put them in a
 * cool-down past `MATCH_SKIPS_PER_HOUR`. A person may skip through any node (their sockets land
 * wherever the load balancer sends them), so with several nodes the count is in Redis.
 */
export interface SkipCounts {
  /** Records a skip at `now`; how many this person made within the hour before it, this one included. */
  add(userId: string, now: number): Promise<number>;
  /** The count starts again (after a cool-down). */
  reset(userId: string): Promise<void>;
}

export class MemorySkipCounts implements SkipCounts {
  private readonly skips = new Map<string, number[]>();

  async add(userId: string, now: number): Promise<number> {
    const list = (this.skips.get(userId) ?? []).filter((t) => now - t < HOUR_MS);
    list.push(now);
    this.skips.set(userId, list);
    return list.length;
  }

  async reset(userId: string): Promise<void> {
    this.skips.delete(userId);
  }
}

/**
 * KEYS: the person's sorted set. ARGV: now, a unique member, the window. Drops skips older than
 * the window, adds this one, keeps the key as long as its newest skip matters, and counts.
 */
const ADD = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[3]))
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('ZCARD', KEYS[1])
`;

/** `<prefix>:match:skips:<userId>`: a sorted set of the person's skips of the last hour, scored by time. */
export class RedisSkipCounts implements SkipCounts {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(userId: string): string {
    return `${this.prefix}:match:skips:${userId}`;
  }

  async add(userId: string, now: number): Promise<number> {
    // Two skips in the same millisecond (two nodes) are two skips: the member is unique, the score is the time.
    const member = `${now}:${randomBytes(4).toString('hex')}`;
    return Number(await this.redis.eval(ADD, 1, this.key(userId), now, member, HOUR_MS));
  }

  async reset(userId: string): Promise<void> {
    await this.redis.del(this.key(userId));
  }
}
