import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { roomMembers, roomPresence, roomProductMoments, roomReservations, rooms } from './tables.ts';

export type RoomRow = typeof rooms.$inferSelect;
export type MemberRow = typeof roomMembers.$inferSelect;
export type MomentRow = typeof roomProductMoments.$inferSelect;
export type RoomPatch = Partial<Omit<typeof rooms.$inferInsert, 'id' | 'createdAt' | 'creatorId'>>;
export type MemberPatch = Partial<Omit<typeof roomMembers.$inferInsert, 'roomId' | 'userId'>>;

const STAGE_ROLES = ['host', 'cohost', 'guest'] as const;

/** Data access for rooms; only the parts of the rooms module call it. */
export class RoomsRepo {
  constructor(private readonly db: Queryable) {}

  async insertRoom(row: typeof rooms.$inferInsert): Promise<void> {
    await this.db.insert(rooms).values(row);
  }

  async room(id: string): Promise<RoomRow | undefined> {
    const [r] = await this.db.select().from(rooms).where(eq(rooms.id, id));
    return r;
  }

  /** Locks the room row for the rest of the transaction: every state change is serialised by it. */
  async roomForUpdate(id: string): Promise<RoomRow | undefined> {
    const [r] = await this.db.select().from(rooms).where(eq(rooms.id, id)).for('update');
    return r;
  }

  async updateRoom(id: string, patch: RoomPatch): Promise<RoomRow> {
    const [r] = await this.db.update(rooms).set(patch).where(eq(rooms.id, id)).returning();
    return r!;
  }

  async insertMoment(row: typeof roomProductMoments.$inferInsert): Promise<void> {
    await this.db.insert(roomProductMoments).values(row);
  }

  async momentsOf(roomId: string): Promise<MomentRow[]> {
    return this.db.select().from(roomProductMoments).where(eq(roomProductMoments.roomId, roomId)).orderBy(asc(roomProductMoments.at));
  }

  /** The recording is closed: its length on the room, and where each moment falls in it. */
  async closeReplay(roomId: string, replayMs: number, moments: { id: string; replayOffsetMs: number | null }[]): Promise<void> {
    for (const m of moments)
      await this.db.update(roomProductMoments).set({ replayOffsetMs: m.replayOffsetMs }).where(eq(roomProductMoments.id, m.id));
    await this.db.update(rooms).set({ replayMs }).where(eq(rooms.id, roomId));
  }

  /** A creator's ended rooms with a recording, most recently ended first. */
  async replaysOf(creatorId: string, limit: number): Promise<RoomRow[]> {
    return this.db
      .select()
      .from(rooms)
      .where(and(eq(rooms.creatorId, creatorId), eq(rooms.status, 'ended'), isNotNull(rooms.replayMs)))
      .orderBy(desc(rooms.endedAt))
      .limit(limit);
  }

  /** A product's moments in rooms that have ended, newest first, with their rooms. */
  async endedMomentsOfProduct(productId: string, limit: number): Promise<{ moment: MomentRow; room: RoomRow }[]> {
    return this.db
      .select({ moment: roomProductMoments, room: rooms })
      .from(roomProductMoments)
      .innerJoin(rooms, eq(rooms.id, roomProductMoments.roomId))
      .where(and(eq(roomProductMoments.productId, productId), eq(rooms.status, 'ended')))
      .orderBy(desc(roomProductMoments.at))
      .limit(limit);
  }

  /** Reserves (预约) the room for the person; a second time changes nothing. */
  async reserve(roomId: string, userId: string): Promise<void> {
    await this.db.insert(roomReservations).values({ roomId, userId }).onConflictDoNothing();
  }

  async unreserve(roomId: string, userId: string): Promise<void> {
    await this.db.delete(roomReservations).where(and(eq(roomReservations.roomId, roomId), eq(roomReservations.userId, userId)));
  }

  /** Drops every reservation the person made (a deleted account's). */
  async unreserveAll(userId: string): Promise<void> {
    await this.db.delete(roomReservations).where(eq(roomReservations.userId, userId));
  }

  async reservationCount(roomId: string): Promise<number> {
    const [r] = await this.db.select({ n: sql<number>`count(*)::int` }).from(roomReservations).where(eq(roomReservations.roomId, roomId));
    return r?.n ?? 0;
  }

  async isReserved(roomId: string, userId: string): Promise<boolean> {
    const [r] = await this.db
      .select({ userId: roomReservations.userId })
      .from(roomReservations)
      .where(and(eq(roomReservations.roomId, roomId), eq(roomReservations.userId, userId)));
    return r !== undefined;
  }

  /** The next reservers not yet told that the room started, in a stable order. */
  async reserversToNotify(roomId: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ userId: roomReservations.userId })
      .from(roomReservations)
      .where(and(eq(roomReservations.roomId, roomId), isNull(roomReservations.notifiedAt)))
      .orderBy(asc(roomReservations.userId))
      .limit(limit);
    return rows.map((r) => r.userId);
  }

  async markReserversNotified(roomId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.db
      .update(roomReservations)
      .set({ notifiedAt: new Date() })
      .where(and(eq(roomReservations.roomId, roomId), inArray(roomReservations.userId, userIds)));
  }

  /** Live and scheduled rooms a person hosts, newest first. */
  async openRoomsOf(hostId: string): Promise<RoomRow[]> {
    return this.db
      .select()
      .from(rooms)
      .where(and(eq(rooms.hostId, hostId), ne(rooms.status, 'ended')))
      .orderBy(desc(rooms.id))
      .limit(5);
  }

  async roomsOf(hostId: string, cursor: string | undefined, limit: number): Promise<RoomRow[]> {
    const conds = [eq(rooms.hostId, hostId)];
    if (cursor) conds.push(lt(rooms.id, cursor));
    return this.db
      .select()
      .from(rooms)
      .where(and(...conds))
      .orderBy(desc(rooms.id))
      .limit(limit);
  }

  async liveRooms(cursor: string | undefined, limit: number): Promise<RoomRow[]> {
    const conds = [eq(rooms.status, 'live')];
    if (cursor) conds.push(lt(rooms.id, cursor));
    return this.db
      .select()
      .from(rooms)
      .where(and(...conds))
      .orderBy(desc(rooms.id))
      .limit(limit);
  }

  /** Rooms not yet ended that a person is in, in any role. */
  async openRoomsJoinedBy(userId: string): Promise<string[]> {
    const rows = await this.db
      .select({ id: rooms.id })
      .from(roomMembers)
      .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
      .where(and(eq(roomMembers.userId, userId), eq(roomMembers.joined, true), ne(rooms.status, 'ended')));
    return rows.map((r) => r.id);
  }

  /** Rooms not ended whose stage invitation the person has not answered. */
  async openRoomsInviting(userId: string): Promise<string[]> {
    const rows = await this.db
      .select({ id: rooms.id })
      .from(roomMembers)
      .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
      .where(and(eq(roomMembers.userId, userId), isNotNull(roomMembers.invitedAt), ne(rooms.status, 'ended')));
    return rows.map((r) => r.id);
  }

  async member(roomId: string, userId: string): Promise<MemberRow | undefined> {
    const [m] = await this.db
      .select()
      .from(roomMembers)
      .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
    return m;
  }

  /** Enters (or re-enters) as audience; someone already on stage keeps their place. */
  async enter(roomId: string, userId: string, role: MemberRow['role'] = 'audience'): Promise<void> {
    await this.db
      .insert(roomMembers)
      .values({ roomId, userId, role, joined: true, firstJoinedAt: new Date(), ...(role !== 'audience' ? { stageAt: new Date() } : {}) })
      .onConflictDoUpdate({
        target: [roomMembers.roomId, roomMembers.userId],
        set: { joined: true, firstJoinedAt: sql`coalesce(${roomMembers.firstJoinedAt}, now())` },
      });
  }

  /** How many joined members hold a WebRTC seat. */
  async seatsTaken(roomId: string): Promise<number> {
    const [r] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(roomMembers)
      .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.joined, true), eq(roomMembers.webrtcSeat, true)));
    return r?.n ?? 0;
  }

  /**
   * Gives this member a WebRTC seat if fewer than `seats` of the joined audience hold one. Runs
   * under the room's row lock (`RoomChanges.mutate`), so two entries on two nodes cannot both take
   * the last seat. True when the member holds a seat afterwards.
   */
  async claimSeat(roomId: string, userId: string, seats: number): Promise<boolean> {
    const rows = await this.db
      .update(roomMembers)
      .set({ webrtcSeat: true })
      .where(
        and(
          eq(roomMembers.roomId, roomId),
          eq(roomMembers.userId, userId),
          sql`(select count(*) from ${roomMembers} m where m.room_id = ${roomId} and m.joined and m.webrtc_seat and m.user_id <> ${userId}) < ${seats}`,
        ),
      )
      .returning({ seat: roomMembers.webrtcSeat });
    return rows.length > 0;
  }

  /** A person invited on stage who has not entered yet gets a row without joining. */
  async invite(roomId: string, userId: string): Promise<void> {
    await this.db
      .insert(roomMembers)
      .values({ roomId, userId, role: 'audience', joined: false, invitedAt: new Date() })
      .onConflictDoUpdate({ target: [roomMembers.roomId, roomMembers.userId], set: { invitedAt: new Date() } });
  }

  async updateMember(roomId: string, userId: string, patch: MemberPatch): Promise<void> {
    await this.db
      .update(roomMembers)
      .set(patch)
      .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
  }

  /** Nobody's feed is on the SFU any more (its media started over). */
  async stopAllPublishing(roomId: string): Promise<void> {
    await this.db
      .update(roomMembers)
      .set({ publishing: false })
      .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.publishing, true)));
  }

  /** Host, co-host and guests, in the order they came on stage. */
  async stage(roomId: string): Promise<MemberRow[]> {
    return this.db
      .select()
      .from(roomMembers)
      .where(and(eq(roomMembers.roomId, roomId), inArray(roomMembers.role, [...STAGE_ROLES])))
      .orderBy(asc(roomMembers.stageAt), asc(roomMembers.userId));
  }

  async stageCount(roomId: string): Promise<number> {
    const [r] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(roomMembers)
      .where(and(eq(roomMembers.roomId, roomId), inArray(roomMembers.role, [...STAGE_ROLES])));
    return r?.n ?? 0;
  }

  async invites(roomId: string): Promise<MemberRow[]> {
    return this.db
      .select()
      .from(roomMembers)
      .where(and(eq(roomMembers.roomId, roomId), isNotNull(roomMembers.invitedAt)))
      .orderBy(asc(roomMembers.invitedAt))
      .limit(50);
  }

  async hands(roomId: string, limit: number): Promise<{ rows: MemberRow[]; total: number }> {
    const cond = and(eq(roomMembers.roomId, roomId), isNotNull(roomMembers.handRaisedAt));
    const [rows, [c]] = await Promise.all([
      this.db.select().from(roomMembers).where(cond).orderBy(asc(roomMembers.handRaisedAt), asc(roomMembers.userId)).limit(limit),
      this.db.select({ n: sql<number>`count(*)::int` }).from(roomMembers).where(cond),
    ]);
    return { rows, total: c?.n ?? 0 };
  }

  async viewers(roomId: string): Promise<number> {
    const [r] = await this.db
      .select({ n: sql<number>`count(distinct ${roomPresence.userId})::int` })
      .from(roomPresence)
      .where(eq(roomPresence.roomId, roomId));
    return r?.n ?? 0;
  }

  /** Distinct people who entered, the creator aside. */
  async totalViewers(roomId: string, creatorId: string): Promise<number> {
    const [r] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(roomMembers)
      .where(and(eq(roomMembers.roomId, roomId), isNotNull(roomMembers.firstJoinedAt), ne(roomMembers.userId, creatorId)));
    return r?.n ?? 0;
  }

  /** `node` starts hosting this person's sockets on the room. */
  async addPresence(roomId: string, userId: string, nodeId: string): Promise<void> {
    await this.db.insert(roomPresence).values({ roomId, userId, nodeId }).onConflictDoNothing();
  }

  /** `node` stops hosting this person's sockets on the room. */
  async removePresence(roomId: string, userId: string, nodeId: string): Promise<void> {
    await this.db
      .delete(roomPresence)
      .where(and(eq(roomPresence.roomId, roomId), eq(roomPresence.userId, userId), eq(roomPresence.nodeId, nodeId)));
  }

  /** Everything a (dead) node held; the rooms whose viewers changed. */
  async dropNodePresence(nodeId: string): Promise<string[]> {
    const rows = await this.db.delete(roomPresence).where(eq(roomPresence.nodeId, nodeId)).returning({ roomId: roomPresence.roomId });
    return [...new Set(rows.map((r) => r.roomId))];
  }

  async raisePeak(roomId: string, viewers: number): Promise<number> {
    const [r] = await this.db
      .update(rooms)
      .set({ peakViewers: sql`greatest(${rooms.peakViewers}, ${viewers})` })
      .where(eq(rooms.id, roomId))
      .returning({ peak: rooms.peakViewers });
    return r?.peak ?? viewers;
  }

  async addHearts(roomId: string, n: number): Promise<number> {
    const [r] = await this.db
      .update(rooms)
      .set({ hearts: sql`${rooms.hearts} + ${n}` })
      .where(eq(rooms.id, roomId))
      .returning({ hearts: rooms.hearts });
    return r?.hearts ?? 0;
  }

  async countMessage(roomId: string): Promise<void> {
    await this.db
      .update(rooms)
      .set({ messages: sql`${rooms.messages} + 1` })
      .where(eq(rooms.id, roomId));
  }

  async demoteCohost(roomId: string): Promise<void> {
    await this.db
      .update(roomMembers)
      .set({ role: 'guest' })
      .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.role, 'cohost')));
  }

  /** When a room ends: nobody is on stage or waiting any more (the host keeps the host role). */
  async clearStage(roomId: string): Promise<void> {
    await this.db.update(roomMembers).set({ publishing: false, handRaisedAt: null, invitedAt: null }).where(eq(roomMembers.roomId, roomId));
    await this.db.delete(roomPresence).where(eq(roomPresence.roomId, roomId));
    await this.db
      .update(roomMembers)
      .set({ role: 'audience', stageAt: null })
      .where(and(eq(roomMembers.roomId, roomId), inArray(roomMembers.role, ['cohost', 'guest'])));
  }
}
