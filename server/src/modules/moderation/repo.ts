import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.ts';
import { modActions, modAppeals, modAudit, modHeld, modReports, modWords, moderators } from './tables.ts';

export type ReportRow = typeof modReports.$inferSelect;
export type ActionRow = typeof modActions.$inferSelect;
export type HeldRow = typeof modHeld.$inferSelect;
export type WordRow = typeof modWords.$inferSelect;

/** The restrictions in force on one person right now. */
export interface Sanction {
  mutedUntil: Date | null;
  suspendedUntil: Date | null;
  banned: boolean;
}

export class ModerationRepo {
  constructor(private readonly db: Db) {}

  async isModerator(userId: string): Promise<boolean> {
    const [row] = await this.db.select({ u: moderators.userId }).from(moderators).where(eq(moderators.userId, userId));
    return !!row;
  }

  async moderatorIds(): Promise<string[]> {
    return (await this.db.select({ u: moderators.userId }).from(moderators)).map((r) => r.u);
  }

  async insertReport(row: typeof modReports.$inferInsert): Promise<void> {
    await this.db.insert(modReports).values(row);
  }

  report(id: string): Promise<ReportRow | undefined> {
    return this.db
      .select()
      .from(modReports)
      .where(eq(modReports.id, id))
      .then((r) => r[0]);
  }

  async reports(f: {
    status: ReportRow['status'];
    surface?: ReportRow['surface'] | undefined;
    reason?: ReportRow['reason'] | undefined;
    cursor?: string | undefined;
    limit: number;
  }) {
    return this.db
      .select()
      .from(modReports)
      .where(
        and(
          eq(modReports.status, f.status),
          f.surface ? eq(modReports.surface, f.surface) : undefined,
          f.reason ? eq(modReports.reason, f.reason) : undefined,
          f.cursor ? lt(modReports.id, f.cursor) : undefined,
        ),
      )
      .orderBy(desc(modReports.id))
      .limit(f.limit + 1);
  }

  async openCounts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select({ u: modReports.reportedId, n: sql<number>`count(*)::int` })
      .from(modReports)
      .where(and(inArray(modReports.reportedId, ids), eq(modReports.status, 'open')))
      .groupBy(modReports.reportedId);
    return new Map(rows.flatMap((r) => (r.u ? [[r.u, r.n] as const] : [])));
  }

  /** Closes an open report; false when it was not open (already decided by someone else). */
  async closeReport(id: string, status: 'dismissed' | 'actioned', by: string): Promise<boolean> {
    const rows = await this.db
      .update(modReports)
      .set({ status, reviewedBy: by })
      .where(and(eq(modReports.id, id), eq(modReports.status, 'open')))
      .returning({ id: modReports.id });
    return rows.length > 0;
  }

  /** Every other open report of the same content is settled by the same removal. */
  async closeSameTarget(r: ReportRow, by: string): Promise<void> {
    await this.db
      .update(modReports)
      .set({ status: 'actioned', reviewedBy: by })
      .where(
        and(
          eq(modReports.surface, r.surface),
          eq(modReports.targetId, r.targetId),
          r.seq === null ? isNull(modReports.seq) : eq(modReports.seq, r.seq),
          eq(modReports.status, 'open'),
        ),
      );
  }

  async insertAction(row: typeof modActions.$inferInsert): Promise<void> {
    await this.db.insert(modActions).values(row);
  }

  action(id: string): Promise<ActionRow | undefined> {
    return this.db
      .select()
      .from(modActions)
      .where(eq(modActions.id, id))
      .then((r) => r[0]);
  }

  async revokeAction(id: string): Promise<void> {
    await this.db.update(modActions).set({ revokedAt: new Date() }).where(eq(modActions.id, id));
  }

  /** The restrictions in force on each of `userIds` (everyone is in the answer, most with none). */
  async sanctions(userIds: string[]): Promise<Map<string, Sanction>> {
    const out = new Map<string, Sanction>(userIds.map((id) => [id, { mutedUntil: null, suspendedUntil: null, banned: false }]));
    if (!userIds.length) return out;
    const rows = await this.db
      .select({ userId: modActions.userId, kind: modActions.kind, until: modActions.until })
      .from(modActions)
      .where(
        and(
          inArray(modActions.userId, userIds),
          inArray(modActions.kind, ['mute', 'suspend', 'ban']),
          isNull(modActions.revokedAt),
          or(isNull(modActions.until), sql`${modActions.until} > now()`),
        ),
      );
    for (const r of rows) {
      const s = out.get(r.userId);
      if (!s) continue;
      if (r.kind === 'ban') s.banned = true;
      if (r.kind === 'mute' && r.until && (!s.mutedUntil || r.until > s.mutedUntil)) s.mutedUntil = r.until;
      if (r.kind === 'suspend' && r.until && (!s.suspendedUntil || r.until > s.suspendedUntil)) s.suspendedUntil = r.until;
    }
    return out;
  }

  async actionsAgainst(userId: string) {
    return this.db
      .select({ action: modActions, appeal: modAppeals, report: { surface: modReports.surface, snapshot: modReports.snapshot } })
      .from(modActions)
      .leftJoin(modAppeals, eq(modAppeals.actionId, modActions.id))
      .leftJoin(modReports, eq(modReports.id, modActions.reportId))
      .where(eq(modActions.userId, userId))
      .orderBy(desc(modActions.id))
      .limit(50);
  }

  /** One appeal per action: false when there already is one. */
  async insertAppeal(row: typeof modAppeals.$inferInsert): Promise<boolean> {
    const rows = await this.db.insert(modAppeals).values(row).onConflictDoNothing().returning({ id: modAppeals.id });
    return rows.length > 0;
  }

  async appeal(id: string) {
    const [row] = await this.db
      .select({ appeal: modAppeals, action: modActions })
      .from(modAppeals)
      .innerJoin(modActions, eq(modActions.id, modAppeals.actionId))
      .where(eq(modAppeals.id, id));
    return row;
  }

  async appeals(status: 'open' | 'upheld' | 'overturned', cursor: string | undefined, limit: number) {
    return this.db
      .select({ appeal: modAppeals, action: modActions, snapshot: modReports.snapshot })
      .from(modAppeals)
      .innerJoin(modActions, eq(modActions.id, modAppeals.actionId))
      .leftJoin(modReports, eq(modReports.id, modActions.reportId))
      .where(and(eq(modAppeals.status, status), cursor ? lt(modAppeals.id, cursor) : undefined))
      .orderBy(desc(modAppeals.id))
      .limit(limit + 1);
  }

  /** Decides an open appeal; false when another moderator decided it first. */
  async decideAppeal(id: string, status: 'upheld' | 'overturned', by: string): Promise<boolean> {
    const rows = await this.db
      .update(modAppeals)
      .set({ status, decidedBy: by, decidedAt: new Date() })
      .where(and(eq(modAppeals.id, id), eq(modAppeals.status, 'open')))
      .returning({ id: modAppeals.id });
    return rows.length > 0;
  }

  async audit(row: typeof modAudit.$inferInsert): Promise<void> {
    await this.db.insert(modAudit).values(row);
  }

  async auditPage(cursor: string | undefined, limit: number) {
    return this.db
      .select()
      .from(modAudit)
      .where(cursor ? lt(modAudit.id, cursor) : undefined)
      .orderBy(desc(modAudit.id))
      .limit(limit + 1);
  }

  words(ownerId: string | null): Promise<WordRow[]> {
    return this.db
      .select()
      .from(modWords)
      .where(ownerId === null ? isNull(modWords.ownerId) : eq(modWords.ownerId, ownerId))
      .orderBy(modWords.id);
  }

  /** The site's list and, when given, one creator's: what a message to that creator's place is checked against. */
  wordsFor(ownerId: string | null): Promise<WordRow[]> {
    return this.db
      .select()
      .from(modWords)
      .where(ownerId === null ? isNull(modWords.ownerId) : or(isNull(modWords.ownerId), eq(modWords.ownerId, ownerId)))
      .orderBy(modWords.id);
  }

  /** Adds a word to a list, or changes its action when the list has it already (in one statement). */
  async upsertWord(row: typeof modWords.$inferInsert): Promise<WordRow> {
    const [r] = await this.db
      .insert(modWords)
      .values(row)
      .onConflictDoUpdate({
        target: [modWords.scope, modWords.word],
        set: { action: row.action },
      })
      .returning();
    return r!;
  }

  word(id: string): Promise<WordRow | undefined> {
    return this.db
      .select()
      .from(modWords)
      .where(eq(modWords.id, id))
      .then((r) => r[0]);
  }

  async deleteWord(id: string): Promise<void> {
    await this.db.delete(modWords).where(eq(modWords.id, id));
  }

  async insertHeld(row: typeof modHeld.$inferInsert): Promise<void> {
    await this.db.insert(modHeld).values(row);
  }

  held(id: string): Promise<HeldRow | undefined> {
    return this.db
      .select()
      .from(modHeld)
      .where(eq(modHeld.id, id))
      .then((r) => r[0]);
  }

  heldFor(ownerId: string | null): Promise<HeldRow[]> {
    return this.db
      .select()
      .from(modHeld)
      .where(and(ownerId === null ? isNull(modHeld.ownerId) : eq(modHeld.ownerId, ownerId), eq(modHeld.status, 'held')))
      .orderBy(desc(modHeld.id))
      .limit(100);
  }

  /** Decides a held item once: false when someone else released or removed it first. */
  async decideHeld(id: string, status: 'released' | 'removed', by: string): Promise<boolean> {
    const rows = await this.db
      .update(modHeld)
      .set({ status, decidedBy: by })
      .where(and(eq(modHeld.id, id), eq(modHeld.status, 'held')))
      .returning({ id: modHeld.id });
    return rows.length > 0;
  }
}
