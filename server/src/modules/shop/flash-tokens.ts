import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A flash sale's admission tokens: one per unit PostgreSQL still has, taken atomically before
 * an attempt may run the checkout transaction. PostgreSQL stays the truth (its guarded
 * decrement decides every sale); the tokens only keep losers away from it.
 *
 * Invariant: tokens + units taken by attempts still in flight ≤ units PostgreSQL has left,
 * except for a moment after a reconcile raced a commit. So a token can never cause an
 * oversell (PostgreSQL refuses the surplus), and a token that went missing (a node died
 * between taking it and committing, Redis was flushed, a give-back was lost) is an undersell
 * that the next reconcile heals: it sets tokens to PostgreSQL's count minus what is in flight.
 */
export type Take =
  /** A token is held for this attempt: run the transaction, then `finish` it. */
  | { kind: 'won'; attempt: string; left: number }
  /** No token: answer "sold out" without touching the database. */
  | { kind: 'sold_out'; left: number }
  /** This buyer has ordered in this sale before: replay first, then take again with `known`. */
  | { kind: 'known' }
  /** No counter for this sale yet (first attempt, expiry or a Redis flush): `init` it. */
  | { kind: 'missing' };

export interface FlashTokens {
  take(saleId: string, userId: string, q: number, attempt: string, skipKnown: boolean): Promise<Take>;
  /** The attempt is over; when its transaction did not sell, its token goes back. */
  finish(saleId: string, attempt: string, q: number, giveBack: boolean): Promise<void>;
  /** Units went back to the sale in PostgreSQL (an order expired, was cancelled or refunded). */
  giveBack(saleId: string, q: number): Promise<void>;
  /**
   * Sets the counter to PostgreSQL's units left minus what is in flight: `create` only if it is
   * missing (the first attempt, with `buyers`, those who ordered before, so their retries are
   * replayed), else only if it exists (the periodic reconcile).
   */
  reset(saleId: string, pgLeft: number, buyers: string[], ttlSec: number, create: boolean): Promise<void>;
  /** True for the one node that should reconcile this sale now (a short lock); always true in memory. */
  reconcileTurn(saleId: string, everyMs: number): Promise<boolean>;
}

/** An attempt that neither finished nor was seen finishing for this long died with its node. */
const STALE_ATTEMPT_MS = 30_000;

const TAKE = `
local t = redis.call('GET', KEYS[1])
if not t then return {-1, 0} end
t = tonumber(t)
local q = tonumber(ARGV[2])
if ARGV[5] ~= '1' and redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return {2, t} end
if t < q then return {0, t} end
redis.call('DECRBY', KEYS[1], q)
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3] .. ':' .. q)
return {1, t - q}
`;

const FINISH = `
local gone = redis.call('ZREM', KEYS[2], ARGV[1] .. ':' .. ARGV[2])
if ARGV[3] == '1' and gone == 1 and redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCRBY', KEYS[1], ARGV[2]) end
return gone
`;

const GIVE_BACK = `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end
return -1
`;

// In flight = the quantities of attempts taken but not finished, younger than the stale limit.
const RESET = `
-- Creating (ARGV[5] = 1) only when missing; correcting only when present (a missing one is created with its buyers).
if (ARGV[5] == '1') == (redis.call('EXISTS', KEYS[1]) == 1) then return -1 end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[4]))
local inflight = 0
for _, m in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
  inflight = inflight + tonumber(string.match(m, ':(%d+)$'))
end
local n = math.max(0, tonumber(ARGV[1]) - inflight)
redis.call('SET', KEYS[1], n, 'EX', ARGV[2])
for i = 6, #ARGV do redis.call('SADD', KEYS[2], ARGV[i]) end
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('EXPIRE', KEYS[3], ARGV[2]) end
return n
`;

/** Tokens shared by every node through Redis; each step is one Lua script, so atomic. */
export class RedisFlashTokens implements FlashTokens {
  private readonly shas = new Map<string, string>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** The braces keep a sale's keys in one Redis Cluster slot, as a multi-key script needs. */
  private keys(saleId: string): [string, string, string] {
    const base = `${this.prefix}:flash:{${saleId}}`;
    return [`${base}:tokens`, `${base}:buyers`, `${base}:pending`];
  }

  private async run(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    let sha = this.shas.get(script);
    if (!sha) this.shas.set(script, (sha = createHash('sha1').update(script).digest('hex')));
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.includes('NOSCRIPT')) throw e;
      return this.redis.eval(script, keys.length, ...keys, ...args);
    }
  }

  async take(saleId: string, userId: string, q: number, attempt: string, skipKnown: boolean): Promise<Take> {
    const [code, left] = (await this.run(TAKE, this.keys(saleId), [userId, q, attempt, Date.now(), skipKnown ? '1' : '0'])) as [
      number,
      number,
    ];
    if (code === 1) return { kind: 'won', attempt, left };
    if (code === 0) return { kind: 'sold_out', left };
    if (code === 2) return { kind: 'known' };
    return { kind: 'missing' };
  }

  async finish(saleId: string, attempt: string, q: number, giveBack: boolean): Promise<void> {
    const [tokens, , pending] = this.keys(saleId);
    await this.run(FINISH, [tokens, pending], [attempt, q, giveBack ? '1' : '0']);
  }

  async giveBack(saleId: string, q: number): Promise<void> {
    await this.run(GIVE_BACK, [this.keys(saleId)[0]], [q]);
  }

  async reset(saleId: string, pgLeft: number, buyers: string[], ttlSec: number, create: boolean): Promise<void> {
    await this.run(RESET, this.keys(saleId), [pgLeft, ttlSec, Date.now(), STALE_ATTEMPT_MS, create ? '1' : '0', ...buyers]);
  }

  async reconcileTurn(saleId: string, everyMs: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}:flash:{${saleId}}:reconcile`, '1', 'PX', everyMs, 'NX')) === 'OK';
  }
}

/** The same for one node without Redis: plain numbers, no awaits on the way to an answer. */
export class MemoryFlashTokens implements FlashTokens {
  private readonly sales = new Map<string, { tokens: number; buyers: Set<string>; pending: Map<string, number>; until: number }>();

  private live(saleId: string) {
    const s = this.sales.get(saleId);
    if (s && s.until < Date.now()) {
      this.sales.delete(saleId);
      return undefined;
    }
    return s;
  }

  take(saleId: string, userId: string, q: number, attempt: string, skipKnown: boolean): Promise<Take> {
    return Promise.resolve(this.takeNow(saleId, userId, q, attempt, skipKnown));
  }

  private takeNow(saleId: string, userId: string, q: number, attempt: string, skipKnown: boolean): Take {
    const s = this.live(saleId);
    if (!s) return { kind: 'missing' };
    if (!skipKnown && s.buyers.has(userId)) return { kind: 'known' };
    if (s.tokens < q) return { kind: 'sold_out', left: s.tokens };
    s.tokens -= q;
    s.buyers.add(userId);
    s.pending.set(attempt, q);
    return { kind: 'won', attempt, left: s.tokens };
  }

  finish(saleId: string, attempt: string, q: number, giveBack: boolean): Promise<void> {
    const s = this.sales.get(saleId);
    if (s?.pending.delete(attempt) && giveBack) s.tokens += q;
    return Promise.resolve();
  }

  giveBack(saleId: string, q: number): Promise<void> {
    const s = this.sales.get(saleId);
    if (s) s.tokens += q;
    return Promise.resolve();
  }

  reset(saleId: string, pgLeft: number, buyers: string[], ttlSec: number, create: boolean): Promise<void> {
    let s = this.live(saleId);
    if (!!s === create) return Promise.resolve();
    if (!s) this.sales.set(saleId, (s = { tokens: 0, buyers: new Set(), pending: new Map(), until: 0 }));
    // In one process every attempt in flight is known exactly: none is ever lost to a crash.
    let inflight = 0;
    for (const q of s.pending.values()) inflight += q;
    s.tokens = Math.max(0, pgLeft - inflight);
    for (const b of buyers) s.buyers.add(b);
    s.until = Date.now() + ttlSec * 1000;
    return Promise.resolve();
  }

  reconcileTurn(): Promise<boolean> {
    return Promise.resolve(true);
  }
}
