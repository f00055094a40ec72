import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.ts';

function limited(what: string, msBeforeNext: number): AppError {
  const wait = Math.max(1, Math.ceil(msBeforeNext / 1000));
  const e = new AppError('rate_limited', `Too many ${what}; try again in ${wait} s`);
  e.retryAfterSec = wait;
  return e;
}

/** Where a limit's counters live: this process's memory, or Redis under a deployment's key prefix. */
export interface LimitStore {
  redis?: Redis | undefined;
  /** `REDIS_PREFIX`: every key is `<prefix>:rl:<name>:…` (or `:once:`), so deployments sharing a Redis never mix. */
  redisPrefix?: string;
}

/** A named limit, kept in memory on one node or in Redis when several nodes share it. */
export class RateLimit {
  private readonly limiter: RateLimiterAbstract;

  constructor(opts: { name: string; points: number; durationSec: number; kind?: 'rl' | 'once' } & LimitStore) {
    const keyPrefix = `${opts.redisPrefix ?? 'tremolo'}:${opts.kind ?? 'rl'}:${opts.name}`;
    const common = { keyPrefix, points: opts.points, duration: opts.durationSec };
    this.limiter = opts.redis ? new RateLimiterRedis({ ...common, storeClient: opts.redis }) : new RateLimiterMemory(common);
  }

  /** Counts one hit against `key`; throws `rate_limited` once the budget is spent. */
  async consume(key: string, what: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        throw limited(what, e.msBeforeNext);
      }
      throw e;
    }
  }

  /** Counts one hit against `key` and says whether it was within the budget; never refuses. */
  async allow(key: string): Promise<boolean> {
    try {
      await this.limiter.consume(key);
      return true;
    } catch (e) {
      if (e instanceof RateLimiterRes) return false;
      throw e;
    }
  }

  /** Fails fast if `key` is already over budget, without counting a hit. */
  async check(key: string, what: string): Promise<void> {
    const res = await this.limiter.get(key);
    if (res && res.remainingPoints <= 0) {
      throw limited(what, res.msBeforeNext);
    }
  }

  /** Gives back one hit counted by `consume` (an attempt that turned out fine). */
  async refund(key: string): Promise<void> {
    await this.limiter.reward(key, 1);
  }

  /** Hits counted against `key` in the current window (0 when none). */
  async used(key: string): Promise<number> {
    const res = await this.limiter.get(key);
    return res ? res.consumedPoints : 0;
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}

/**
 * "Once per window" for a key: the first call in a window answers true, later ones false until
 * the window ends. In Redis (SET NX with a TTL, via the limiter) every node shares the answer.
 */
export class OncePerWindow {
  private readonly limit: RateLimit;

  constructor(opts: { name: string; windowSec: number } & LimitStore) {
    this.limit = new RateLimit({ ...opts, points: 1, durationSec: opts.windowSec, kind: 'once' });
  }

  first(key: string): Promise<boolean> {
    return this.limit.allow(key);
  }
}
