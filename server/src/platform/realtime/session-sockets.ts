import { Redis } from 'ioredis';

/**
 * Which sockets each session has open, so one session cannot hold an unbounded number of them.
 * When a session opens one more than the cap, its oldest sockets are named for closing: a person
 * with many tabs keeps the ones they opened last, which are the ones they are looking at.
 */
export interface SessionSockets {
  /** Records a new socket; resolves with the sockets (on any node) that must close to stay within `max`. */
  add(session: string, socketId: string, max: number): Promise<string[]>;
  remove(session: string, socketId: string): Promise<void>;
  /** Asks whichever node holds these sockets to close them. */
  evict(socketIds: string[]): void;
  /** Called on this node for every socket asked to close (ids of other nodes' sockets included). */
  onEvict(handler: (socketId: string) => void): void;
  close(): Promise<void>;
}

/** One node: the registry is this process's memory. */
export class MemorySessionSockets implements SessionSockets {
  private readonly open = new Map<string, string[]>();
  private handlers: ((socketId: string) => void)[] = [];

  async add(session: string, socketId: string, max: number): Promise<string[]> {
    const list = this.open.get(session) ?? [];
    list.push(socketId);
    this.open.set(session, list);
    return list.length > max ? list.splice(0, list.length - max) : [];
  }

  async remove(session: string, socketId: string): Promise<void> {
    const list = this.open.get(session);
    if (!list) return;
    const i = list.indexOf(socketId);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.open.delete(session);
  }

  evict(socketIds: string[]): void {
    for (const id of socketIds) for (const h of this.handlers) h(id);
  }

  onEvict(handler: (socketId: string) => void): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    this.handlers = [];
    this.open.clear();
  }
}

/**
 * Adds the socket with Redis' clock as its score and hands back the oldest beyond the cap, all in
 * one script: two nodes admitting sockets of one session at the same moment cannot both miss
 * the other's. The key expires a day after its last change, so a node that died without
 * removing its sockets leaves nothing behind for long (and its stale entries, being the
 * oldest, are the first to be named and dropped).
 */
const ADD_SCRIPT = `
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], tonumber(t[1]) * 1000000 + tonumber(t[2]), ARGV[1])
redis.call('EXPIRE', KEYS[1], 86400)
local n = redis.call('ZCARD', KEYS[1])
local max = tonumber(ARGV[2])
if n <= max then return {} end
local victims = redis.call('ZRANGE', KEYS[1], 0, n - max - 1)
redis.call('ZREM', KEYS[1], unpack(victims))
return victims
`;

/** Several nodes: the registry is a sorted set per session in Redis; evictions go out over pub/sub. */
export class RedisSessionSockets implements SessionSockets {
  private readonly cmd: Redis;
  private readonly sub: Redis;
  private readonly topic: string;
  private handlers: ((socketId: string) => void)[] = [];

  private constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.cmd = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.sub = new Redis(url, { lazyConnect: true });
    this.topic = `${prefix}:ws-evict`;
  }

  static async connect(url: string, prefix = 'tremolo'): Promise<RedisSessionSockets> {
    const s = new RedisSessionSockets(url, prefix);
    await Promise.all([s.cmd.connect(), s.sub.connect()]);
    await s.sub.subscribe(s.topic);
    s.sub.on('message', (_topic: string, id: string) => {
      for (const h of s.handlers) h(id);
    });
    return s;
  }

  private key(session: string): string {
    return `${this.prefix}:ws-session:${session}`;
  }

  async add(session: string, socketId: string, max: number): Promise<string[]> {
    const victims = await this.cmd.eval(ADD_SCRIPT, 1, this.key(session), socketId, String(max));
    return Array.isArray(victims) ? victims.filter((v): v is string => typeof v === 'string') : [];
  }

  async remove(session: string, socketId: string): Promise<void> {
    await this.cmd.zrem(this.key(session), socketId);
  }

  evict(socketIds: string[]): void {
    for (const id of socketIds) void this.cmd.publish(this.topic, id).catch(() => undefined);
  }

  onEvict(handler: (socketId: string) => void): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    this.handlers = [];
    this.sub.disconnect();
    await this.cmd.quit().catch(() => undefined);
  }
}
