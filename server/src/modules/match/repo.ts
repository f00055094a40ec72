import { and, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.ts';
import { matchBans, matchProfiles, matchReports } from './tables.ts';

export type ReportStatus = 'open' | 'dismissed' | 'actioned';

/** What `eligibilityOf` knows of one person. */
export interface EligibilityRow {
  optedIn: boolean;
  interests: string[];
  languages: string[];
  /** Epoch milliseconds. */
  cooldownUntil: number | null;
  banned: boolean;
  reported: string[];
}

export class MatchRepo {
  constructor(private readonly db: Db) {}

  async profile(userId: string) {
    const [row] = await this.db.select().from(matchProfiles).where(eq(matchProfiles.userId, userId));
    return row ?? null;
  }

  async upsertProfile(userId: string, interests: string[], languages: string[]): Promise<void> {
    const now = new Date();
    await this.db
      .insert(matchProfiles)
      .values({ userId, adultConfirmedAt: now, rulesAcceptedAt: now, interests, languages })
      .onConflictDoUpdate({ target: matchProfiles.userId, set: { interests, languages } });
  }

  /** The lobby's picks; a person who never opted in has no profile and nothing is written. */
  async setPrefs(userId: string, interests: string[], languages: string[]): Promise<void> {
    await this.db.update(matchProfiles).set({ interests, languages }).where(eq(matchProfiles.userId, userId));
  }

  async setCooldown(userId: string, until: Date): Promise<void> {
    await this.db.update(matchProfiles).set({ cooldownUntil: until }).where(eq(matchProfiles.userId, userId));
  }

  async isBanned(userId: string): Promise<boolean> {
    const [row] = await this.db.select({ u: matchBans.userId }).from(matchBans).where(eq(matchBans.userId, userId));
    return !!row;
  }

  async bannedAmong(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.db.select({ u: matchBans.userId }).from(matchBans).where(inArray(matchBans.userId, ids));
    return new Set(rows.map((r) => r.u));
  }

  async ban(userId: string, reason: string, by: string): Promise<void> {
    await this.db
      .insert(matchBans)
      .values({ userId, reason, bannedBy: by })
      .onConflictDoUpdate({ target: matchBans.userId, set: { reason, bannedBy: by } });
  }

  async unban(userId: string): Promise<void> {
    await this.db.delete(matchBans).where(eq(matchBans.userId, userId));
  }

  /**
   * Everything 连线 needs to know of these people from its own tables, in one round trip for all
   * of them: the opt-in and its picks, the cool-down, a ban, and whom they reported or were
   * reported by (never matched again). A person without a profile comes back not opted in.
   */
  async eligibilityOf(ids: string[]): Promise<Map<string, EligibilityRow>> {
    if (!ids.length) return new Map();
    // One text parameter whatever the count (the query builder would spread an array into a list).
    const result = (await this.db.execute(sql`
      select u.id,
        p.user_id is not null as "optedIn",
        coalesce(p.interests, '[]'::jsonb) as interests,
        coalesce(p.languages, '[]'::jsonb) as languages,
        (extract(epoch from p.cooldown_until) * 1000)::float8 as "cooldownUntil",
        exists (select 1 from ${matchBans} b where b.user_id = u.id) as banned,
        array(
          select r.reported_id::text from ${matchReports} r where r.reporter_id = u.id
          union
          select r.reporter_id::text from ${matchReports} r where r.reported_id = u.id
        ) as reported
      from unnest(string_to_array(${ids.join(',')}, ',')::uuid[]) as u(id)
      left join ${matchProfiles} p on p.user_id = u.id`)) as unknown as { rows: (EligibilityRow & { id: string })[] };
    return new Map(result.rows.map(({ id, ...row }) => [id, row]));
  }

  async insertReport(row: typeof matchReports.$inferInsert): Promise<void> {
    await this.db.insert(matchReports).values(row);
  }

  async distinctReportersSince(reportedId: string, since: Date): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(distinct ${matchReports.reporterId})::int` })
      .from(matchReports)
      .where(and(eq(matchReports.reportedId, reportedId), gte(matchReports.createdAt, since)));
    return row?.n ?? 0;
  }

  async reports(status: ReportStatus, cursor: string | undefined, limit: number) {
    return this.db
      .select({
        id: matchReports.id,
        reporterId: matchReports.reporterId,
        reportedId: matchReports.reportedId,
        callId: matchReports.callId,
        reason: matchReports.reason,
        details: matchReports.details,
        status: matchReports.status,
        createdAt: matchReports.createdAt,
        hasSnapshot: sql<boolean>`${matchReports.snapshotB64} is not null`,
      })
      .from(matchReports)
      .where(and(eq(matchReports.status, status), cursor ? lt(matchReports.id, cursor) : undefined))
      .orderBy(desc(matchReports.id))
      .limit(limit + 1);
  }

  async openCounts(ids: string[]): Promise<Map<string, number>> {
    if (!ids.length) return new Map();
    const rows = await this.db
      .select({ u: matchReports.reportedId, n: sql<number>`count(*)::int` })
      .from(matchReports)
      .where(and(inArray(matchReports.reportedId, ids), eq(matchReports.status, 'open')))
      .groupBy(matchReports.reportedId);
    return new Map(rows.map((r) => [r.u, r.n]));
  }

  async snapshot(reportId: string) {
    const [row] = await this.db
      .select({ type: matchReports.snapshotType, b64: matchReports.snapshotB64 })
      .from(matchReports)
      .where(eq(matchReports.id, reportId));
    return row ?? null;
  }

  async review(reportId: string, status: ReportStatus, by: string): Promise<boolean> {
    const rows = await this.db
      .update(matchReports)
      .set({ status, reviewedBy: by })
      .where(eq(matchReports.id, reportId))
      .returning({ id: matchReports.id });
    return rows.length > 0;
  }
}
