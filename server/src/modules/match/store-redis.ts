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

/** The most joins one step takes. */
const JOIN_BATCH_MAX = 500;

interface PendingJoin {
  entry: QueueEntry;
  now: number;
  resolve(pair: Pair | null): void;
  reject(err: unknown): void;
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
  /** Joins waiting for the next step of joins. */
  private readonly joins: PendingJoin[] = [];
  /** Who is in the step of joins that is out now. */
  private readonly inStep = new Set<string>();
  private joining = false;

  constructor(
    private readonly redis: Redis,
    private readonly opts: RedisMatchStoreOptions,
  ) {
    const p = `${opts.prefix}:match`;
    this.keys = { lock: `${p}:lock`, queue: `${p}:queue`, shakes: `${p}:shakes`, excluded: `${p}:excluded` };
    this.recentKey = (userId) => `${p}:recent:${userId}`;
  }

  /**
   * Joins gather while a step of joins is out and go in the next one together: a burst of
   * arrivals takes one lock and one load of the queue per step, not per person. Each joins in
   * the order they arrived, against the queue as the ones before them left it.
   */
  join(entry: QueueEntry, now: number): Promise<Pair | null> {
    return new Promise((resolve, reject) => {
      this.joins.push({ entry: { ...entry, node: entry.node ?? this.opts.nodeId }, now, resolve, reject });
      void this.drainJoins();
    });
  }

  private async drainJoins(): Promise<void> {
    if (this.joining) return;
    this.joining = true;
    try {
      while (this.joins.length) {
        const batch = this.joins.splice(0, JOIN_BATCH_MAX);
        // A person twice in one batch (a join, then "next"): only the latest counts.
        const last = new Map(batch.map((j, i) => [j.entry.userId, i]));
        const now = Math.max(...batch.map((j) => j.now));
        for (const j of batch) this.inStep.add(j.entry.userId);
        try {
          const results = await this.step(
            true,
            now,
            batch.map((j) => j.entry.userId),
            (m, s) => {
              const pairs: Pair[] = [];
              const value = batch.map((j, i) => {
                if (last.get(j.entry.userId) !== i) return null;
                s.remove(j.entry.userId);
                const pair = m.join(j.entry, j.now);
                if (pair) pairs.push(pair);
                return pair;
              });
              return { value, pairs };
            },
          );
          batch.forEach((j, i) => j.resolve(results?.[i] ?? null));
        } catch (err) {
          for (const j of batch) j.reject(err);
        } finally {
          this.inStep.clear();
        }
      }
    } finally {
      this.joining = false;
    }
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
    // A join of theirs still waiting for its step here is dropped; one in the step out decides below.
    for (let i = this.joins.length - 1; i >= 0; i--) {
      const j = this.joins[i]!;
      if (j.entry.userId !== userId || (node !== undefined && j.entry.node !== node)) continue;
      this.joins.splice(i, 1);
      j.resolve(null);
    }
    if (node === undefined && !this.inStep.has(userId)) {
      // Leaving a call is common, being queued or shaking then is not: skip the locked step when neither holds them.
      const [q, s] = await Promise.all([this.redis.hexists(this.keys.queue, userId), this.redis.hexists(this.keys.shakes, userId)]);
      if (q === 0 && s === 0 && !this.inStep.has(userId)) return;
    }
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
      // Loaded entries that read back exactly as stored (no fresh exclusion added): written back only if the step replaced them.
      const asStored = new Set<object>();
      const entries = Object.values(queue)
        .map((raw) => {
          const e = toEntry(JSON.parse(raw) as Stored, exclusions);
          if (!exclusions.has(e.userId)) asStored.add(e);
          return e;
        })
        .sort((x, y) => x.joinedAt - y.joinedAt);
      for (const e of entries) m.restore(e);
      const s = new ShakePairer({ windowMs: opts.shakeWindowMs });
      for (const raw of Object.values(shakes)) {
        const x = toShake(JSON.parse(raw) as Stored, exclusions);
        if (!exclusions.has(x.userId)) asStored.add(x);
        s.add(x);
      }

      const { value, pairs } = work(m, s);

      const changes = { qd: [] as string[], qs: [] as string[], sd: [] as string[], ss: [] as string[], r: [] as string[] };
      // Only what the step replaced is serialized again: the queue can be thousands of people.
      const q2 = new Map(m.entries().map((e) => [e.userId, e]));
      for (const id of Object.keys(queue)) if (!q2.has(id)) changes.qd.push(id);
      for (const [id, e] of q2) {
        if (asStored.has(e)) continue;
        const raw = JSON.stringify(fromEntry(e, this.opts.nodeId));
        if (queue[id] !== raw) changes.qs.push(id, raw);
      }
      const s2 = new Map(s.entries().map((x) => [x.userId, x]));
      for (const id of Object.keys(shakes)) if (!s2.has(id)) changes.sd.push(id);
      for (const [id, x] of s2) {
        if (asStored.has(x)) continue;
        const raw = JSON.stringify(fromShake(x, this.opts.nodeId));
        if (shakes[id] !== raw) changes.ss.push(id, raw);
      }
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
