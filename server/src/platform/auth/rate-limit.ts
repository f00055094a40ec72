import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.ts';

/** A named limit, kept in memory on one node or in Redis when several nodes share it. */
export class RateLimit {
  private readonly limiter: RateLimiterAbstract;

  constructor(opts: { name: string; points: number; durationSec: number; redis?: Redis | undefined }) {
    const common = { keyPrefix: `rl:${opts.name}`, points: opts.points, duration: opts.durationSec };
    this.limiter = opts.redis ? new RateLimiterRedis({ ...common, storeClient: opts.redis }) : new RateLimiterMemory(common);
  }

  /** Counts one hit against `key`; throws `rate_limited` once the budget is spent. */
  async consume(key: string, what: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        const wait = Math.ceil(e.msBeforeNext / 1000);
        throw new AppError('rate_limited', `Too many ${what}; try again in ${wait} s`);
      }
      throw e;
    }
  }

  /** Fails fast if `key` is already over budget, without counting a hit. */
  async check(key: string, what: string): Promise<void> {
    const res = await this.limiter.get(key);
    if (res && res.remainingPoints <= 0) {
      throw new AppError('rate_limited', `Too many ${what}; try again in ${Math.ceil(res.msBeforeNext / 1000)} s`);
    }
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}
