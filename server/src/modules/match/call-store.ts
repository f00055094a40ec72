import type { Redis } from 'ioredis';

export interface Call {
  id: string;
  a: string;
  b: string;
  source: 'random' | 'shake';
  /** The nodes whose sockets matched `a` and `b` (a dead node's calls end). */
  nodes: [string, string];
  /** A shake match's video call that one side placed and the other has not answered yet. */
  ring?: { from: string; at: number } | undefined;
  /** The video call of a shake match was answered: later offers are renegotiation, not a new ring. */
  answered?: boolean | undefined;
}

/**
 * Where live calls are kept: this process's memory (one node) or Redis (every node sees every
 * call, so signalling is accepted on whichever node the person's socket is on). Calls are
 * values: a change is a compare-and-set of a new value over the one read, so two nodes changing
 * one call at once never both win.
 */
export interface CallStore {
  get(callId: string): Promise<Call | null>;
  of(userId: string): Promise<Call | null>;
  /** Stores a new call; false when either person is already in one. */
  create(call: Call): Promise<boolean>;
  /** Deletes the call; true for exactly one caller (who tells the two it ended). */
  remove(call: Call): Promise<boolean>;
  /** Replaces `prev` (as read) with `next`; false when the call changed or ended since. */
  replace(prev: Call, next: Call): Promise<boolean>;
  /** Calls whose ring started at or before `before`. */
  ringingSince(before: number): Promise<Call[]>;
  /** Calls of someone matched through this node. */
  onNode(nodeId: string): Promise<Call[]>;
  /** Remembers that the two met (each may report the other). */
  met(a: string, b: string, at: number): Promise<void>;
  wasPeer(userId: string, other: string): Promise<boolean>;
}

const PEERS_KEPT = 50;

export class MemoryCallStore implements CallStore {
  private readonly calls = new Map<string, Call>();
  private readonly callOf = new Map<string, string>();
  private readonly recentPeers = new Map<string, Map<string, number>>();

  async get(callId: string): Promise<Call | null> {
    return this.calls.get(callId) ?? null;
  }

  async of(userId: string): Promise<Call | null> {
    return this.calls.get(this.callOf.get(userId) ?? '') ?? null;
  }

  async create(call: Call): Promise<boolean> {
    if (this.callOf.has(call.a) || this.callOf.has(call.b)) return false;
    this.calls.set(call.id, call);
    this.callOf.set(call.a, call.id);
    this.callOf.set(call.b, call.id);
    return true;
  }

  async remove(call: Call): Promise<boolean> {
    if (!this.calls.delete(call.id)) return false;
    for (const u of [call.a, call.b]) if (this.callOf.get(u) === call.id) this.callOf.delete(u);
    return true;
  }

  async replace(prev: Call, next: Call): Promise<boolean> {
    if (this.calls.get(prev.id) !== prev) return false;
    this.calls.set(prev.id, next);
    return true;
  }

  async ringingSince(before: number): Promise<Call[]> {
    return [...this.calls.values()].filter((c) => c.ring && c.ring.at <= before);
  }

  async onNode(nodeId: string): Promise<Call[]> {
    return [...this.calls.values()].filter((c) => c.nodes.includes(nodeId));
  }

  async met(a: string, b: string, at: number): Promise<void> {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      let m = this.recentPeers.get(x);
      if (!m) this.recentPeers.set(x, (m = new Map()));
      m.set(y, at);
      if (m.size > PEERS_KEPT) m.delete(m.keys().next().value!);
    }
  }

  async wasPeer(userId: string, other: string): Promise<boolean> {
    return this.recentPeers.get(userId)?.has(other) ?? false;
  }
}

/** KEYS: call, callOf a, callOf b, the set of calls. ARGV: id, JSON. */
const CREATE = `
if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
return 1
`;

/** KEYS: call, callOf a, callOf b, the set of calls, rings. ARGV: id. */
const REMOVE = `
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
redis.call('SREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
return 1
`;

/** KEYS: call, rings. ARGV: id, the JSON read, the new JSON, the ring's start ('' for none). */
const REPLACE = `
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[3])
if ARGV[4] == '' then redis.call('ZREM', KEYS[2], ARGV[1]) else redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1]) end
return 1
`;

/**
 * Live calls in Redis under `<prefix>:match:`: `call:<id>` (the call as JSON), `in-call:<user>`
 * (their call's id), the set `calls`, the sorted set `rings` (by when the ring started) and
 * `peers:<user>` (who they met lately, for reports). Creating, ending and changing a call are
 * scripts, so they are atomic across nodes.
 */
export class RedisCallStore implements CallStore {
  /** The JSON each call value was read from: the compare half of compare-and-set. */
  private readonly raw = new WeakMap<Call, string>();
  private readonly p: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.p = `${prefix}:match`;
  }

  private callKey = (id: string) => `${this.p}:call:${id}`;
  private ofKey = (userId: string) => `${this.p}:in-call:${userId}`;
  private peersKey = (userId: string) => `${this.p}:peers:${userId}`;

  private parse(raw: string | null): Call | null {
    if (raw === null) return null;
    const call = JSON.parse(raw) as Call;
    this.raw.set(call, raw);
    return call;
  }

  async get(callId: string): Promise<Call | null> {
    return this.parse(await this.redis.get(this.callKey(callId)));
  }

  async of(userId: string): Promise<Call | null> {
    const id = await this.redis.get(this.ofKey(userId));
    return id ? this.get(id) : null;
  }

  async create(call: Call): Promise<boolean> {
    const json = JSON.stringify(call);
    const ok = await this.redis.eval(
      CREATE,
      4,
      this.callKey(call.id),
      this.ofKey(call.a),
      this.ofKey(call.b),
      `${this.p}:calls`,
      call.id,
      json,
    );
    if (ok === 1) this.raw.set(call, json);
    return ok === 1;
  }

  async remove(call: Call): Promise<boolean> {
    const ok = await this.redis.eval(
      REMOVE,
      5,
      this.callKey(call.id),
      this.ofKey(call.a),
      this.ofKey(call.b),
      `${this.p}:calls`,
      `${this.p}:rings`,
      call.id,
    );
    return ok === 1;
  }

  async replace(prev: Call, next: Call): Promise<boolean> {
    const was = this.raw.get(prev);
    if (was === undefined) return false;
    const json = JSON.stringify(next);
    const ok = await this.redis.eval(
      REPLACE,
      2,
      this.callKey(prev.id),
      `${this.p}:rings`,
      prev.id,
      was,
      json,
      next.ring ? String(next.ring.at) : '',
    );
    if (ok === 1) this.raw.set(next, json);
    return ok === 1;
  }

  async ringingSince(before: number): Promise<Call[]> {
    const ids = await this.redis.zrangebyscore(`${this.p}:rings`, '-inf', before);
    return this.many(ids);
  }

  async onNode(nodeId: string): Promise<Call[]> {
    const calls = await this.many(await this.redis.smembers(`${this.p}:calls`));
    return calls.filter((c) => c.nodes.includes(nodeId));
  }

  async met(a: string, b: string, at: number): Promise<void> {
    const m = this.redis.multi();
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      m.zadd(this.peersKey(x), at, y)
        .zremrangebyrank(this.peersKey(x), 0, -(PEERS_KEPT + 1))
        .pexpire(this.peersKey(x), 86_400_000);
    }
    await m.exec();
  }

  async wasPeer(userId: string, other: string): Promise<boolean> {
    return (await this.redis.zscore(this.peersKey(userId), other)) !== null;
  }

  private async many(ids: string[]): Promise<Call[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(...ids.map(this.callKey));
    return raws.map((r) => this.parse(r)).filter((c): c is Call => c !== null);
  }
}
