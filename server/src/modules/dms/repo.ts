import { and, desc, eq, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { dmThreads } from './tables.ts';

export type ThreadRow = typeof dmThreads.$inferSelect;

const pair = (aId: string, bId: string) => and(eq(dmThreads.aId, aId), eq(dmThreads.bId, bId));

/** DM threads, one row per pair of people (`aId` < `bId`); the messages are the channel's history. */
export class DmsRepo {
  constructor(private readonly db: Queryable) {}

  async thread(aId: string, bId: string): Promise<ThreadRow | undefined> {
    const [t] = await this.db.select().from(dmThreads).where(pair(aId, bId));
    return t;
  }

  async threadsOf(userId: string, limit: number): Promise<ThreadRow[]> {
    return this.db
      .select()
      .from(dmThreads)
      .where(or(eq(dmThreads.aId, userId), eq(dmThreads.bId, userId)))
      .orderBy(desc(dmThreads.lastMessageAt))
      .limit(limit);
  }

  async setStatus(aId: string, bId: string, status: ThreadRow['status']): Promise<void> {
    await this.db.update(dmThreads).set({ status }).where(pair(aId, bId));
  }

  /** Read marks only move forward, whatever order two tabs report them in. */
  async markRead(aId: string, bId: string, side: 'a' | 'b', seq: number): Promise<void> {
    const set =
      side === 'a'
        ? { aLastRead: sql`greatest(${dmThreads.aLastRead}, ${seq})` }
        : { bLastRead: sql`greatest(${dmThreads.bLastRead}, ${seq})` };
    await this.db.update(dmThreads).set(set).where(pair(aId, bId));
  }

  async openThread(aId: string, bId: string): Promise<void> {
    await this.db
      .insert(dmThreads)
      .values({ aId, bId, status: 'open' })
      .onConflictDoUpdate({ target: [dmThreads.aId, dmThreads.bId], set: { status: 'open' } });
  }

  /** Creates the request thread; false when another send created it first. */
  async createRequest(aId: string, bId: string, requestedBy: string): Promise<boolean> {
    const created = await this.db
      .insert(dmThreads)
      .values({ aId, bId, status: 'request', requestedBy, requestCount: 1 })
      .onConflictDoNothing()
      .returning({ aId: dmThreads.aId });
    return created.length > 0;
  }

  /** A conditional increment, so the allowance holds under concurrent sends; false when it is used up. */
  async takeRequestMessage(aId: string, bId: string, allowance: number): Promise<boolean> {
    const took = await this.db
      .update(dmThreads)
      .set({ requestCount: sql`${dmThreads.requestCount} + 1` })
      .where(and(pair(aId, bId), sql`${dmThreads.requestCount} < ${allowance}`))
      .returning({ n: dmThreads.requestCount });
    return took.length > 0;
  }

  async recordMessage(
    aId: string,
    bId: string,
    m: { at: Date; preview: { kind: NonNullable<ThreadRow['previewKind']>; text: string }; senderId: string; seq: number },
  ): Promise<void> {
    // Sending reads everything before it, so the sender's read mark moves (forward only) too.
    const read = sql`greatest(${m.senderId === aId ? dmThreads.aLastRead : dmThreads.bLastRead}, ${m.seq})`;
    await this.db
      .update(dmThreads)
      .set({
        lastMessageAt: m.at,
        preview: m.preview.text,
        previewKind: m.preview.kind,
        previewFrom: m.senderId,
        ...(m.senderId === aId ? { aLastRead: read } : { bLastRead: read }),
      })
      .where(pair(aId, bId));
  }
}
