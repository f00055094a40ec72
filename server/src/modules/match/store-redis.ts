import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError } from '../../platform/errors.ts';
import { Matcher, pairKey, type Pair, type QueueEntry } from './matcher.ts';
import { ShakePairer, type Shake } from './shake.ts';
import type { MatchStore, MatchStoreOptions, PassResult } from './store.ts';

export interface RedisMatchStoreOptions extends MatchStoreOptions {
  /** `REDIS_PREFIX`: every key is `<prefix>:match:…`. */
  prefix: string;
  /** This node's id, recorded beside what it queues. */
  nodeId: string;
  /** How long an exclusion is applied from Redis (after that, every node's eligibility cache has it from Postgres). */
  exclusionMs: number;
  /** The lock's lifetime: a step that takes longer loses it and writes nothing. */
  lockMs?: number;
}

interface Stored {
  u: string;
  i?: string[];
  l?: string[];
  j?: number;
  at?: number;
  lat?: number;
  lng?: number;
  x: string[];
  n: string;
}

/**
 * Applies a step's changes only if this step still holds the lock, then releases it: a step that
 * stalled past the lock's lifetime (another node took over) writes nothing.
 * KEYS: lock, queue, shakes, then one `recent:<id>` per remembered meeting. ARGV: token, changes
 * (JSON; `r` is [other, at] per recent key), how long a meeting is remembered.
 */
const COMMIT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local c = cjson.decode(ARGV[2])
for _, id in ipairs(c.qd) do redis.call('HDEL', KEYS[2], id) end
for i = 1, #c.qs, 2 do redis.call('HSET', KEYS[2], c.qs[i], c.qs[i + 1]) end
for _, id in ipairs(c.sd) do redis.call('HDEL', KEYS[3], id) end
for i = 1, #c.ss, 2 do redis.call('HSET', KEYS[3], c.ss[i], c.ss[i + 1]) end
for k = 4, #KEYS do
  local j = 2 * (k - 4) + 1
  redis.call('HSET', KEYS[k], c.r[j], c.r[j + 1])
  redis.call('PEXPIRE', KEYS[k], ARGV[3])
end
redis.call('DEL', KEYS[1])
return 1
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * The 连线 queue and the shake window in Redis, shared by every node: a hash of waiting people,
 * a hash of pending shakes, a hash per person of whom they met lately (`recent:<id>`, expiring
 * after `MATCH_RECENT_MS`) and a sorted set of fresh exclusions, all under
 * `<prefix>:match:`. Each step takes one lock (`SET NX PX`), loads the queue into the pure
 * `Matcher` / `ShakePairer`, runs the same rules as one node would, and commits the difference
 * with a script that checks the lock is still its own. So a person is paired at most once, by
 * whichever node got there first. A pass runs on whichever node gets the lock; the others skip it.
 */
export class RedisMatchStore implements MatchStore {
  readonly kind = 'redis';
  private readonly keys: { lock: string; queue: string; shakes: string; excluded: string };
  private readonly recentKey: (userId: string) => string;

  constructor(
    private readonly redis: Redis,
    private readonly opts: RedisMatchStoreOptions,
  ) {
    const p = `${opts.prefix}:match`;
    this.keys = { lock: `${p}:lock`, queue: `${p}:queue`, shakes: `${p}:shakes`, excluded: `${p}:excluded` };
    this.recentKey = (userId) => `${p}:recent:${userId}`;
  }

  async join(entry: QueueEntry, now: number): Promise<Pair | null> {
    const e = { ...entry, node: entry.node ?? this.opts.nodeId };
    const r = await this.step(true, now, [e.userId], (m, s) => {
      s.remove(e.userId);
      const pair = m.join(e, now);
      return { value: pair, pairs: pair ? [pair] : [] };
    });
    return r ?? null;
  }

  async shake(sh: Shake): Promise<void> {
    const x = { ...sh, node: sh.node ?? this.opts.nodeId };
    await this.step(true, Date.now(), [], (m, s) => {
      m.remove(x.userId);
      s.add(x);
      return { value: undefined, pairs: [] };
    });
  }

  async remove(userId: string, node?: string): Promise<void> {
    if (node !== undefined) {
      // Cheap check first: a socket closing is common, being queued through this node is not.
      const [q, s] = await Promise.all([this.redis.hget(this.keys.queue, userId), this.redis.hget(this.keys.shakes, userId)]);
      const mine = (raw: string | null) => raw !== null && (JSON.parse(raw) as Stored).n === node;
      if (!mine(q) && !mine(s)) return;
    }
    await this.step(true, Date.now(), [], (m, s) => {
      if (node === undefined || m.entries().find((e) => e.userId === userId)?.node === node) m.remove(userId);
      if (node === undefined || s.entries().find((e) => e.userId === userId)?.node === node) s.remove(userId);
      return { value: undefined, pairs: [] };
    });
  }

  async has(userId: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys.queue, userId)) === 1;
  }

  async exclude(a: string, b: string, now: number): Promise<void> {
    await this.redis
      .multi()
      .zadd(this.keys.excluded, now, pairKey(a, b))
      .zremrangebyscore(this.keys.excluded, '-inf', now - this.opts.exclusionMs)
      .exec();
  }

  async pass(now: number): Promise<PassResult | null> {
    return this.step(false, now, [], (m, s) => {
      const pairs = m.tick(now);
      return { value: { pairs, shakes: s.settle(now) }, pairs };
    });
  }

  async sweepNode(nodeId: string): Promise<void> {
    await this.step(true, Date.now(), [], (m, s) => {
      for (const e of m.entries()) if (e.node === nodeId) m.remove(e.userId);
      for (const x of s.entries()) if (x.node === nodeId) s.remove(x.userId);
      return { value: undefined, pairs: [] };
    });
  }

  /**
   * One atomic step: lock, load, run `work` on the loaded queue, commit what changed. With
   * `wait` false, returns null at once when another node holds the lock.
   */
  private async step<T>(
    wait: boolean,
    now: number,
    joining: string[],
    work: (m: Matcher, s: ShakePairer) => { value: T; pairs: Pair[] },
  ): Promise<T | null> {
    const token = await this.lock(wait);
    if (!token) return null;
    let committed = false;
    try {
      const { keys, opts } = this;
      const [queue, shakes, excluded] = await Promise.all([
        this.redis.hgetall(keys.queue),
        this.redis.hgetall(keys.shakes),
        this.redis.zrangebyscore(keys.excluded, now - opts.exclusionMs, '+inf'),
      ]);
      // Whom the waiting people (and whoever joins) met lately: only they can be paired in this step.
      const ids = [...new Set([...Object.keys(queue), ...joining])];
      const met = ids.length ? await this.loadRecent(ids) : [];
      const exclusions = new Map<string, Set<string>>();
      for (const k of excluded) {
        const [a, b] = k.split('|') as [string, string];
        for (const [x, y] of [
          [a, b],
          [b, a],
        ] as const) {
          let set = exclusions.get(x);
          if (!set) exclusions.set(x, (set = new Set()));
          set.add(y);
        }
      }
      const m = new Matcher({ fallbackMs: opts.fallbackMs, recentMs: opts.recentMs });
      ids.forEach((id, i) => {
        for (const [other, at] of Object.entries(met[i] ?? {})) if (Number(at) > now - opts.recentMs) m.remember(id, other, Number(at));
      });
      const entries = Object.values(queue)
        .map((raw) => toEntry(JSON.parse(raw) as Stored, exclusions))
        .sort((x, y) => x.joinedAt - y.joinedAt);
      for (const e of entries) m.restore(e);
      const s = new ShakePairer({ windowMs: opts.shakeWindowMs });
      for (const raw of Object.values(shakes)) s.add(toShake(JSON.parse(raw) as Stored, exclusions));

      const { value, pairs } = work(m, s);

      const changes = { qd: [] as string[], qs: [] as string[], sd: [] as string[], ss: [] as string[], r: [] as string[] };
      const q2 = new Map(m.entries().map((e) => [e.userId, JSON.stringify(fromEntry(e, this.opts.nodeId))]));
      for (const id of Object.keys(queue)) if (!q2.has(id)) changes.qd.push(id);
      for (const [id, raw] of q2) if (queue[id] !== raw) changes.qs.push(id, raw);
      const s2 = new Map(s.entries().map((x) => [x.userId, JSON.stringify(fromShake(x, this.opts.nodeId))]));
      for (const id of Object.keys(shakes)) if (!s2.has(id)) changes.sd.push(id);
      for (const [id, raw] of s2) if (shakes[id] !== raw) changes.ss.push(id, raw);
      const recentKeys: string[] = [];
      for (const p of pairs) {
        recentKeys.push(this.recentKey(p.a.userId), this.recentKey(p.b.userId));
        changes.r.push(p.b.userId, String(now), p.a.userId, String(now));
      }
      const ok = await this.redis.eval(
        COMMIT,
        3 + recentKeys.length,
        keys.lock,
        keys.queue,
        keys.shakes,
        ...recentKeys,
        token,
        JSON.stringify(changes),
        String(opts.recentMs),
      );
      committed = true;
      if (ok !== 1) throw new AppError('conflict', 'The match queue was busy; try again');
      return value;
    } finally {
      if (!committed) await this.redis.eval(RELEASE, 1, this.keys.lock, token).catch(() => undefined);
    }
  }

  private async loadRecent(ids: string[]): Promise<Record<string, string>[]> {
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(this.recentKey(id));
    const replies = (await pipe.exec()) ?? [];
    return replies.map(([err, v]) => (err ? {} : (v as Record<string, string>)));
  }

  private async lock(wait: boolean): Promise<string | null> {
    const token = randomBytes(8).toString('hex');
    const deadline = Date.now() + 3000;
    for (;;) {
      if ((await this.redis.set(this.keys.lock, token, 'PX', this.opts.lockMs ?? 3000, 'NX')) === 'OK') return token;
      if (!wait) return null;
      if (Date.now() > deadline) throw new AppError('conflict', 'The match queue was busy; try again');
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 8));
    }
  }
}

function withExclusions(own: string[], id: string, exclusions: Map<string, Set<string>>): Set<string> {
  const set = new Set(own);
  for (const x of exclusions.get(id) ?? []) set.add(x);
  return set;
}

function toEntry(s: Stored, exclusions: Map<string, Set<string>>): QueueEntry {
  return {
    userId: s.u,
    interests: s.i ?? [],
    languages: s.l ?? [],
    joinedAt: s.j ?? 0,
    excluded: withExclusions(s.x, s.u, exclusions),
    node: s.n,
  };
}

function fromEntry(e: QueueEntry, nodeId: string): Stored {
  return { u: e.userId, i: [...e.interests], l: [...e.languages], j: e.joinedAt, x: [...e.excluded], n: e.node ?? nodeId };
}

function toShake(s: Stored, exclusions: Map<string, Set<string>>): Shake {
  return { userId: s.u, at: s.at ?? 0, lat: s.lat, lng: s.lng, excluded: withExclusions(s.x, s.u, exclusions), node: s.n };
}

function fromShake(x: Shake, nodeId: string): Stored {
  const s: Stored = { u: x.userId, at: x.at, x: [...(x.excluded ?? [])], n: x.node ?? nodeId };
  if (x.lat !== undefined) s.lat = x.lat;
  if (x.lng !== undefined) s.lng = x.lng;
  return s;
}
