import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.ts';
import { sessions, users } from './tables.ts';

export type UserRow = typeof users.$inferSelect;

export interface SessionWithUser {
  userId: string;
  handle: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Data access for accounts; only the accounts service calls it. */
export class AccountsRepo {
  /**
   * The queries behind nearly every request (who is this session, who is this person), prepared
   * once: building their SQL through the query builder each time was a tenth of a read's CPU.
   */
  private readonly byIdQuery;
  private readonly sessionQuery;

  constructor(private readonly db: Db) {
    this.byIdQuery = db
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare('accounts_by_id');
    this.sessionQuery = db
      .select({ userId: users.id, handle: users.handle, csrfToken: sessions.csrfToken, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), gt(sessions.expiresAt, sql.placeholder('now'))))
      .prepare('accounts_session');
  }

  async insertUser(row: typeof users.$inferInsert): Promise<UserRow> {
    const [u] = await this.db.insert(users).values(row).returning();
    return u!;
  }

  async byHandle(handle: string): Promise<UserRow | undefined> {
    const [u] = await this.db.select().from(users).where(eq(users.handle, handle));
    return u;
  }

  async byId(id: string): Promise<UserRow | undefined> {
    const [u] = await this.byIdQuery.execute({ id });
    return u;
  }

  async idsAfter(after: string | null, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: users.id })
      .from(users)
      .where(after ? gt(users.id, after) : undefined)
      .orderBy(users.id)
      .limit(limit);
    return rows.map((r) => r.id);
  }

  async byIds(ids: string[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(users).where(inArray(users.id, ids));
  }

  async updateUser(id: string, patch: Partial<typeof users.$inferInsert>): Promise<UserRow | undefined> {
    // An empty patch (every field left out) is a valid request that changes nothing; the query
    // builder refuses an UPDATE without columns, so it reads the row instead.
    if (Object.values(patch).every((v) => v === undefined)) {
      const [row] = await this.db.select().from(users).where(eq(users.id, id));
      return row;
    }
    const [u] = await this.db.update(users).set(patch).where(eq(users.id, id)).returning();
    return u;
  }

  async insertSession(row: typeof sessions.$inferInsert): Promise<void> {
    await this.db.insert(sessions).values(row);
  }

  /** The live sessions among `tokenHashes`, with their people: one query however many (a burst of sockets connecting). */
  async sessionsWithUsers(tokenHashes: string[], now: Date): Promise<Map<string, SessionWithUser>> {
    if (tokenHashes.length === 1) {
      const [r] = await this.sessionQuery.execute({ tokenHash: tokenHashes[0]!, now: now.toISOString() });
      return new Map(r ? [[tokenHashes[0]!, r]] : []);
    }
    const rows = await this.db
      .select({
        tokenHash: sessions.tokenHash,
        userId: users.id,
        handle: users.handle,
        csrfToken: sessions.csrfToken,
        expiresAt: sessions.expiresAt,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(inArray(sessions.tokenHash, tokenHashes), gt(sessions.expiresAt, now)));
    return new Map(rows.map(({ tokenHash, ...r }) => [tokenHash, r]));
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
  }

  async deleteSessionsOfUserExcept(userId: string, keepTokenHash: string): Promise<void> {
    const all = await this.db.select({ h: sessions.tokenHash }).from(sessions).where(eq(sessions.userId, userId));
    const drop = all.map((r) => r.h).filter((h) => h !== keepTokenHash);
    if (drop.length) await this.db.delete(sessions).where(inArray(sessions.tokenHash, drop));
  }
}
