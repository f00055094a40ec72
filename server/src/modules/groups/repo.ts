import { and, asc, count, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { fanGroups, groupBans, groupMembers } from './tables.ts';

export type GroupRow = typeof fanGroups.$inferSelect;
export type MemberRow = typeof groupMembers.$inferSelect;

/** Data access for fan groups; only the groups service calls it. */
export class GroupsRepo {
  constructor(private readonly db: Queryable) {}

  async insertGroup(row: typeof fanGroups.$inferInsert): Promise<GroupRow> {
    const [g] = await this.db.insert(fanGroups).values(row).returning();
    return g!;
  }

  async group(id: string): Promise<GroupRow | undefined> {
    const [g] = await this.db.select().from(fanGroups).where(eq(fanGroups.id, id));
    return g;
  }

  /** Locks the group row for the rest of the transaction (joins, role changes). */
  async groupForUpdate(id: string): Promise<GroupRow | undefined> {
    const [g] = await this.db.select().from(fanGroups).where(eq(fanGroups.id, id)).for('update');
    return g;
  }

  async updateGroup(id: string, patch: Partial<typeof fanGroups.$inferInsert>): Promise<GroupRow | undefined> {
    const [g] = await this.db.update(fanGroups).set(patch).where(eq(fanGroups.id, id)).returning();
    return g;
  }

  async groupsOf(ownerId: string): Promise<GroupRow[]> {
    return this.db.select().from(fanGroups).where(eq(fanGroups.ownerId, ownerId)).orderBy(asc(fanGroups.createdAt));
  }

  async groupsJoinedBy(userId: string): Promise<{ group: GroupRow; member: MemberRow }[]> {
    const rows = await this.db
      .select()
      .from(groupMembers)
      .innerJoin(fanGroups, eq(fanGroups.id, groupMembers.groupId))
      .where(and(eq(groupMembers.userId, userId), eq(groupMembers.status, 'member')));
    return rows.map((r) => ({ group: r.fan_groups, member: r.group_members }));
  }

  /** Drops a person's pending join requests (their account is deleted): nobody decides on them any more. */
  async deletePendingOf(userId: string): Promise<void> {
    await this.db.delete(groupMembers).where(and(eq(groupMembers.userId, userId), eq(groupMembers.status, 'pending')));
  }

  async member(groupId: string, userId: string): Promise<MemberRow | undefined> {
    const [m] = await this.db
      .select()
      .from(groupMembers)
      .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
    return m;
  }

  async insertMember(row: typeof groupMembers.$inferInsert): Promise<boolean> {
    const r = await this.db.insert(groupMembers).values(row).onConflictDoNothing().returning({ u: groupMembers.userId });
    return r.length > 0;
  }

  async updateMember(groupId: string, userId: string, patch: Partial<typeof groupMembers.$inferInsert>): Promise<MemberRow | undefined> {
    const [m] = await this.db
      .update(groupMembers)
      .set(patch)
      .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)))
      .returning();
    return m;
  }

  async deleteMember(groupId: string, userId: string): Promise<MemberRow | undefined> {
    const [m] = await this.db
      .delete(groupMembers)
      .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)))
      .returning();
    return m;
  }

  /** Takes a seat if one is free: the conditional update is what keeps a full group full under concurrent joins. */
  async takeSeat(groupId: string): Promise<boolean> {
    const r = await this.db
      .update(fanGroups)
      .set({ memberCount: sql`${fanGroups.memberCount} + 1` })
      .where(and(eq(fanGroups.id, groupId), sql`${fanGroups.memberCount} < ${fanGroups.capacity}`))
      .returning({ id: fanGroups.id });
    return r.length > 0;
  }

  /** Lowers (or raises) the capacity only if the members already in still fit. */
  async setCapacity(groupId: string, capacity: number): Promise<boolean> {
    const r = await this.db
      .update(fanGroups)
      .set({ capacity })
      .where(and(eq(fanGroups.id, groupId), sql`${fanGroups.memberCount} <= ${capacity}`))
      .returning({ id: fanGroups.id });
    return r.length > 0;
  }

  /** A pending request becomes a membership once: a second approval (or one racing a withdrawal) finds nothing. */
  async admitPending(groupId: string, userId: string): Promise<boolean> {
    const r = await this.db
      .update(groupMembers)
      .set({ status: 'member', joinedAt: new Date() })
      .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId), eq(groupMembers.status, 'pending')))
      .returning({ u: groupMembers.userId });
    return r.length > 0;
  }

  async freeSeat(groupId: string): Promise<void> {
    await this.db
      .update(fanGroups)
      .set({ memberCount: sql`greatest(0, ${fanGroups.memberCount} - 1)` })
      .where(eq(fanGroups.id, groupId));
  }

  async members(
    groupId: string,
    status: 'member' | 'pending',
    cursor: { joinedAt: Date; userId: string } | null,
    limit: number,
  ): Promise<MemberRow[]> {
    return this.db
      .select()
      .from(groupMembers)
      .where(
        and(
          eq(groupMembers.groupId, groupId),
          eq(groupMembers.status, status),
          cursor ? sql`(${groupMembers.joinedAt}, ${groupMembers.userId}) > (${cursor.joinedAt}, ${cursor.userId})` : undefined,
        ),
      )
      .orderBy(asc(groupMembers.joinedAt), asc(groupMembers.userId))
      .limit(limit + 1);
  }

  async admins(groupId: string): Promise<string[]> {
    const rows = await this.db
      .select({ u: groupMembers.userId })
      .from(groupMembers)
      .where(and(eq(groupMembers.groupId, groupId), inArray(groupMembers.role, ['owner', 'admin'])));
    return rows.map((r) => r.u);
  }

  async memberIds(groupId: string, userIds: string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .select({ u: groupMembers.userId })
      .from(groupMembers)
      .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.status, 'member'), inArray(groupMembers.userId, userIds)));
    return rows.map((r) => r.u);
  }

  async allMemberIds(groupId: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ u: groupMembers.userId })
      .from(groupMembers)
      .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.status, 'member')))
      .limit(limit);
    return rows.map((r) => r.u);
  }

  async isBanned(groupId: string, userId: string): Promise<boolean> {
    const [b] = await this.db
      .select({ u: groupBans.userId })
      .from(groupBans)
      .where(and(eq(groupBans.groupId, groupId), eq(groupBans.userId, userId)));
    return !!b;
  }

  async ban(groupId: string, userId: string, by: string): Promise<void> {
    await this.db.insert(groupBans).values({ groupId, userId, bannedBy: by }).onConflictDoNothing();
  }

  async unban(groupId: string, userId: string): Promise<void> {
    await this.db.delete(groupBans).where(and(eq(groupBans.groupId, groupId), eq(groupBans.userId, userId)));
  }

  async markRead(groupId: string, userId: string, seq: number): Promise<void> {
    await this.db
      .update(groupMembers)
      .set({ lastReadSeq: sql`greatest(${groupMembers.lastReadSeq}, ${seq})` })
      .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
  }

  async pendingCount(groupId: string): Promise<number> {
    const [r] = await this.db
      .select({ n: count() })
      .from(groupMembers)
      .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.status, 'pending')));
    return r!.n;
  }

  async exists(groupId: string): Promise<boolean> {
    const [r] = await this.db
      .select({ id: fanGroups.id })
      .from(fanGroups)
      .where(and(eq(fanGroups.id, groupId), gt(fanGroups.capacity, 0)));
    return !!r;
  }
}
