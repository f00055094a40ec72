import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Bus } from '../../platform/realtime/bus.ts';
import type { UserRow } from './repo.ts';

/** The bus topic on which a node tells the others whose row it has just changed. */
const TOPIC = 'person-changed';
const Changed = z.object({ userId: z.string() });

/**
 * People's rows by id, kept in this node's memory for a few seconds: nearly every request reads
 * the row of whoever sent it (`/me`, `/auth/session`). Every change of a row goes through the
 * accounts service, which drops it here and tells every other node over the bus before it
 * answers, so a change made through one node is read through any other at once. The time limit
 * is the backstop for a node that missed the message. Rows handed out are shared: read-only.
 */
export class PeopleCache {
  private readonly rows: LRUCache<string, UserRow> | null;
  /** Counts changes: a read that started before one may hold the old row, so it is used but not kept. */
  private generation = 0;

  constructor(
    private readonly bus: Bus,
    opts: { ttlSec: number; max?: number },
  ) {
    this.rows = opts.ttlSec > 0 ? new LRUCache({ max: opts.max ?? 50_000, ttl: opts.ttlSec * 1000 }) : null;
    bus.onSignal(TOPIC, (payload) => {
      const r = Changed.safeParse(payload);
      if (r.success) this.drop(r.data.userId);
    });
  }

  async get(userId: string, load: () => Promise<UserRow | undefined>): Promise<UserRow | undefined> {
    const hit = this.rows?.get(userId);
    if (hit) return hit;
    const generation = this.generation;
    const row = await load();
    if (row && generation === this.generation) this.rows?.set(userId, row);
    return row;
  }

  /** After a change of `userId`'s row: forgotten here and, before this resolves, on every node. */
  async changed(userId: string): Promise<void> {
    this.drop(userId);
    // Redis unreachable: the other nodes read the row again when their copy runs out.
    await this.bus.signalDelivered(TOPIC, { userId }).catch(() => undefined);
  }

  private drop(userId: string): void {
    this.generation++;
    this.rows?.delete(userId);
  }
}
