import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.ts';
import { fanPoints } from './tables.ts';
import { levelFor } from './levels.ts';

export interface FansDeps {
  db: Db;
}

/** Fan levels per (creator, fan). Other modules award points; rooms, groups and coupons read levels. */
export class FansService {
  private readonly db: Db;

  constructor(deps: FansDeps) {
    this.db = deps.db;
}

  async award(creatorId: string, fanId: string, points: number): Promise<void> {
    if (creatorId === fanId || points === 0) return;
    await this.db
      .insert(fanPoints)
      .values({ creatorId, fanId, points: Math.max(0, points) })
      .onConflictDoUpdate({
        target: [fanPoints.creatorId, fanPoints.fanId],
        set: { points: sql`greatest(0, ${fanPoints.points} + ${points})`, updatedAt: sql`now()` },
      });
  }

  async points(creatorId: string, fanId: string): Promise<number> {
    const [r] = await this.db.select({ p: fanPoints.points }).from(fanPoints).where(and(eq(fanPoints.creatorId, creatorId), eq(fanPoints.fanId, fanId)));
    return r?.p ?? 0;
  }

  async level(creatorId: string, fanId: string): Promise<number> {
    return levelFor(await this.points(creatorId, fanId));
  }

  async levels(creatorId: string, fanIds: string[]): Promise<Map<string, number>> {
    const out = new Map(fanIds.map((id) => [id, 1]));
    if (fanIds.length === 0) return out;
    const rows = await this.db
      .select({ fan: fanPoints.fanId, p: fanPoints.points })
      .from(fanPoints)
      .where(and(eq(fanPoints.creatorId, creatorId), inArray(fanPoints.fanId, fanIds)));
    for (const r of rows) out.set(r.fan, levelFor(r.p));
    return out;
  }
}
