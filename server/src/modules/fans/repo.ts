import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { fanPoints } from './tables.ts';

export class FansRepo {
  constructor(private readonly db: Queryable) {}

  /** Adds (or, negative, takes back) points; a fan's total never goes below zero. */
  async add(creatorId: string, fanId: string, points: number): Promise<void> {
    await this.db
      .insert(fanPoints)
      .values({ creatorId, fanId, points: Math.max(0, points) })
      .onConflictDoUpdate({
        target: [fanPoints.creatorId, fanPoints.fanId],
        set: { points: sql`greatest(0, ${fanPoints.points} + ${points})`, updatedAt: sql`now()` },
      });
  }

  async points(creatorId: string, fanId: string): Promise<number> {
    const [r] = await this.db
      .select({ p: fanPoints.points })
      .from(fanPoints)
      .where(and(eq(fanPoints.creatorId, creatorId), eq(fanPoints.fanId, fanId)));
    return r?.p ?? 0;
  }

  async pointsOf(creatorId: string, fanIds: string[]): Promise<{ fan: string; p: number }[]> {
    return this.db
      .select({ fan: fanPoints.fanId, p: fanPoints.points })
      .from(fanPoints)
      .where(and(eq(fanPoints.creatorId, creatorId), inArray(fanPoints.fanId, fanIds)));
  }
}
