import type { Redis } from 'ioredis';

/**
 * Hearts a node has accepted and not yet added to the rooms' rows (it does so every second).
 * With several nodes they wait in Redis rather than in the node's memory, so those of a node
 * that dies are added by the survivor that sweeps it instead of being lost.
 */
export interface PendingHearts {
  add(roomId: string, count: number): Promise<void>;
  /** Takes and empties what a node holds, per room: this node's at each tick, a dead node's in its sweep. */
  take(nodeId: string): Promise<Map<string, number>>;
  /** What this node holds for one room. */
  of(roomId: string): Promise<number>;
}

/** One node: its own memory (nobody else could add them if it died). */
export class MemoryPendingHearts implements PendingHearts {
  private readonly hearts = new Map<string, number>();

  async add(roomId: string, count: number): Promise<void> {
    this.hearts.set(roomId, (this.hearts.get(roomId) ?? 0) + count);
  }

  async take(): Promise<Map<string, number>> {
    const taken = new Map(this.hearts);
    this.hearts.clear();
    return taken;
  }

  async of(roomId: string): Promise<number> {
    return this.hearts.get(roomId) ?? 0;
  }
}

/** Reads the hash and deletes it in one step, so a heart is taken once. */
const TAKE = `
local h = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
return h
`;

/** `<prefix>:rooms:hearts:<nodeId>`: a hash of room → hearts that node accepted since its last tick. */
export class RedisPendingHearts implements PendingHearts {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly nodeId: string,
  ) {}

  private key(nodeId: string): string {
    return `${this.prefix}:rooms:hearts:${nodeId}`;
  }

  async add(roomId: string, count: number): Promise<void> {
    await this.redis.hincrby(this.key(this.nodeId), roomId, count);
  }

  async take(nodeId: string): Promise<Map<string, number>> {
    const flat = (await this.redis.eval(TAKE, 1, this.key(nodeId))) as string[];
    const taken = new Map<string, number>();
    for (let i = 0; i + 1 < flat.length; i += 2) taken.set(flat[i] ?? '', Number(flat[i + 1]));
    return taken;
  }

  async of(roomId: string): Promise<number> {
    return Number((await this.redis.hget(this.key(this.nodeId), roomId)) ?? 0);
  }
}
