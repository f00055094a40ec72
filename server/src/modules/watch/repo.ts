import { and, asc, eq, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { watchMembers, watchParties } from './tables.ts';

export type PartyRow = typeof watchParties.$inferSelect;
export type WatchMemberRow = typeof watchMembers.$inferSelect;
export type PartyPatch = Partial<Omit<typeof watchParties.$inferInsert, 'id' | 'createdAt'>>;

/** Data access for watch parties; only the watch service calls it. */
export class WatchRepo {
  constructor(private readonly db: Queryable) {}

  async insertParty(row: typeof watchParties.$inferInsert): Promise<void> {
    await this.db.insert(watchParties).values(row);
  }

  async party(id: string): Promise<PartyRow | undefined> {
    const [p] = await this.db.select().from(watchParties).where(eq(watchParties.id, id));
    return p;
  }

  /** Locks the party row for the rest of the transaction: state changes are serialised by it. */
  async partyForUpdate(id: string): Promise<PartyRow | undefined> {
    const [p] = await this.db.select().from(watchParties).where(eq(watchParties.id, id)).for('update');
    return p;
  }

  async updateParty(id: string, patch: PartyPatch): Promise<PartyRow> {
    const [p] = await this.db.update(watchParties).set(patch).where(eq(watchParties.id, id)).returning();
    return p!;
  }

  async member(partyId: string, userId: string): Promise<WatchMemberRow | undefined> {
    const [m] = await this.db
      .select()
      .from(watchMembers)
      .where(and(eq(watchMembers.partyId, partyId), eq(watchMembers.userId, userId)));
    return m;
  }

  /** Joins, or rejoins keeping the role this person had. */
  async upsertMember(partyId: string, userId: string, role: WatchMemberRow['role']): Promise<void> {
    await this.db
      .insert(watchMembers)
      .values({ partyId, userId, role })
      .onConflictDoUpdate({ target: [watchMembers.partyId, watchMembers.userId], set: { leftAt: null, bufferingSince: null } });
  }

  async updateMember(
    partyId: string,
    userId: string,
    patch: Partial<Pick<WatchMemberRow, 'role' | 'leftAt' | 'bufferingSince' | 'bufferingNode'>>,
  ): Promise<void> {
    await this.db
      .update(watchMembers)
      .set(patch)
      .where(and(eq(watchMembers.partyId, partyId), eq(watchMembers.userId, userId)));
  }

  /** Members here now, longest-present first. */
  async present(partyId: string): Promise<WatchMemberRow[]> {
    return this.db
      .select()
      .from(watchMembers)
      .where(and(eq(watchMembers.partyId, partyId), isNull(watchMembers.leftAt)))
      .orderBy(asc(watchMembers.joinedAt), asc(watchMembers.userId));
  }

  /** Whether anyone but `exceptUserId` is buffering right now. */
  async othersBuffering(partyId: string, exceptUserId: string | null): Promise<boolean> {
    const conds = [eq(watchMembers.partyId, partyId), isNull(watchMembers.leftAt), isNotNull(watchMembers.bufferingSince)];
    if (exceptUserId) conds.push(ne(watchMembers.userId, exceptUserId));
    const [r] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(watchMembers)
      .where(and(...conds));
    return (r?.n ?? 0) > 0;
  }

  /** A dead node's members are no longer buffering. */
  async clearNodeBuffering(nodeId: string): Promise<void> {
    await this.db.update(watchMembers).set({ bufferingSince: null, bufferingNode: null }).where(eq(watchMembers.bufferingNode, nodeId));
  }

  /** Parties paused by a node (which holds their resume timer). */
  async waitingOn(nodeId: string): Promise<string[]> {
    const rows = await this.db
      .select({ id: watchParties.id })
      .from(watchParties)
      .where(and(eq(watchParties.waiting, true), eq(watchParties.waitNode, nodeId)));
    return rows.map((r) => r.id);
  }

  async demoteCohosts(partyId: string): Promise<void> {
    await this.db
      .update(watchMembers)
      .set({ role: 'member' })
      .where(and(eq(watchMembers.partyId, partyId), eq(watchMembers.role, 'cohost')));
  }
}
