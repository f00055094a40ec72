import { and, desc, eq, isNotNull, isNull, lte, ne, sql } from 'drizzle-orm';
import { lockFor, type Db, type Tx } from '../../platform/db/client.ts';
import { accountExports, sessions, users } from './tables.ts';

export type ExportRow = typeof accountExports.$inferSelect;

/** Data access for account rights (archives, deletion); only the accounts module calls it. */
export class RightsRepo {
  constructor(private readonly db: Db) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async latestExport(userId: string): Promise<ExportRow | undefined> {
    const [row] = await this.db
      .select()
      .from(accountExports)
      .where(eq(accountExports.userId, userId))
      .orderBy(desc(accountExports.id))
      .limit(1);
    return row;
  }

  async exportById(id: string): Promise<ExportRow | undefined> {
    const [row] = await this.db.select().from(accountExports).where(eq(accountExports.id, id));
    return row;
  }

  /**
   * The newest request that counts against the interval (a failed one does not), read under a
   * per-person lock so two requests at once cannot both find none.
   */
  async lockAndLastCounted(tx: Tx, userId: string): Promise<ExportRow | undefined> {
    await lockFor(tx, 'account-export', userId);
    const [row] = await tx
      .select()
      .from(accountExports)
      .where(and(eq(accountExports.userId, userId), ne(accountExports.state, 'failed')))
      .orderBy(desc(accountExports.id))
      .limit(1);
    return row;
  }

  async insertExport(tx: Tx, row: typeof accountExports.$inferInsert): Promise<ExportRow> {
    const [r] = await tx.insert(accountExports).values(row).returning();
    return r!;
  }

  /** Moves an archive on from one of `from` states; false when another attempt moved it first. */
  async setExport(id: string, from: ExportRow['state'][], patch: Partial<typeof accountExports.$inferInsert>): Promise<boolean> {
    const rows = await this.db
      .update(accountExports)
      .set(patch)
      .where(and(eq(accountExports.id, id), sql`${accountExports.state} in ${from}`))
      .returning({ id: accountExports.id });
    return rows.length > 0;
  }

  /** Marks archives past their time expired and returns their storage keys; each is taken by one node only. */
  async expireExports(now: Date): Promise<string[]> {
    const result = (await this.db.execute(sql`
      with due as (
        select id, storage_key from ${accountExports}
        where state = 'ready' and expires_at <= ${now.toISOString()}::timestamptz
        for update skip locked
      )
      update ${accountExports} e set state = 'expired', storage_key = null
      from due where e.id = due.id
      returning due.storage_key as key`)) as unknown as { rows: { key: string | null }[] };
    return result.rows.flatMap((r) => (r.key ? [r.key] : []));
  }

  async exportKeysOf(userId: string): Promise<string[]> {
    const rows = await this.db
      .select({ key: accountExports.storageKey })
      .from(accountExports)
      .where(and(eq(accountExports.userId, userId), isNotNull(accountExports.storageKey)));
    return rows.flatMap((r) => (r.key ? [r.key] : []));
  }

  async deleteExportsOf(userId: string): Promise<void> {
    await this.db.delete(accountExports).where(eq(accountExports.userId, userId));
  }

  /** Schedules the deletion unless the account is already gone; returns the due time kept. */
  async scheduleDeletion(userId: string, dueAt: Date): Promise<Date | null> {
    const [row] = await this.db
      .update(users)
      .set({ deletionDueAt: sql`coalesce(${users.deletionDueAt}, ${dueAt.toISOString()}::timestamptz)` })
      .where(and(eq(users.id, userId), isNull(users.deletedAt)))
      .returning({ dueAt: users.deletionDueAt });
    return row?.dueAt ?? null;
  }

  async cancelDeletion(userId: string): Promise<boolean> {
    const rows = await this.db
      .update(users)
      .set({ deletionDueAt: null })
      .where(and(eq(users.id, userId), isNull(users.deletedAt), isNotNull(users.deletionDueAt)))
      .returning({ id: users.id });
    return rows.length > 0;
  }

  async dueDeletions(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: users.id })
      .from(users)
      .where(and(lte(users.deletionDueAt, now), isNull(users.deletedAt)))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  /**
   * Turns the person's row into an anonymous tombstone and ends their sessions, in one
   * transaction, only if the deletion is still due (a cancel that came first wins). The row
   * stays: orders and conversations keep their other side, shown as "deleted user".
   */
  async tombstone(userId: string, now: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await tx
        .update(users)
        .set({
          handle: `deleted-${userId}`,
          displayName: '',
          // Not an argon2 hash: no password verifies against it.
          passwordHash: '!deleted',
          bio: '',
          links: [],
          locale: null,
          avatarKey: null,
          discoverable: false,
          dmPolicy: 'friends',
          invitePolicy: 'friends',
          likesVisible: false,
          deletionDueAt: null,
          deletedAt: now,
        })
        .where(and(eq(users.id, userId), lte(users.deletionDueAt, now), isNull(users.deletedAt)))
        .returning({ id: users.id });
      if (rows.length === 0) return false;
      await tx.delete(sessions).where(eq(sessions.userId, userId));
      return true;
    });
  }
}
