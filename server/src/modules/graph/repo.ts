import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../platform/db/client.ts';
import { blocks, follows } from './tables.ts';

export interface EdgePage {
  rows: { userId: string; cursor: string; mutual: boolean }[];
  nextCursor: string | null;
}

/** Data access for the follow graph; only the graph service calls it. */
export class GraphRepo {
  constructor(private readonly db: Queryable) {}

  /** Returns true when the edge is new. */
  async insertFollow(id: string, followerId: string, followeeId: string): Promise<boolean> {
    const rows = await this.db.insert(follows).values({ id, followerId, followeeId }).onConflictDoNothing().returning({ id: follows.id });
    return rows.length > 0;
  }

  async deleteFollow(followerId: string, followeeId: string): Promise<boolean> {
    const rows = await this.db
      .delete(follows)
      .where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId)))
      .returning({ id: follows.id });
    return rows.length > 0;
  }

  async follows(followerId: string, followeeId: string): Promise<boolean> {
    const [r] = await this.db
      .select({ one: sql<number>`1` })
      .from(follows)
      .where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId)));
    return !!r;
  }

  /** Everyone one person follows, who follows them and whom they blocked, with when (their data archive). */
  async allEdgesOf(userId: string): Promise<{
    following: { userId: string; at: Date }[];
    followers: { userId: string; at: Date }[];
    blocked: { userId: string; at: Date }[];
  }> {
    const [following, followers, blocked] = await Promise.all([
      this.db.select({ userId: follows.followeeId, at: follows.createdAt }).from(follows).where(eq(follows.followerId, userId)),
      this.db.select({ userId: follows.followerId, at: follows.createdAt }).from(follows).where(eq(follows.followeeId, userId)),
      this.db.select({ userId: blocks.blockedId, at: blocks.createdAt }).from(blocks).where(eq(blocks.blockerId, userId)),
    ]);
    return { following, followers, blocked };
  }

  /** Removes every follow and block to or from one person (their account is deleted). */
  async deleteAllOf(userId: string): Promise<void> {
    await this.db.delete(follows).where(or(eq(follows.followerId, userId), eq(follows.followeeId, userId)));
    await this.db.delete(blocks).where(or(eq(blocks.blockerId, userId), eq(blocks.blockedId, userId)));
  }

  async insertBlock(blockerId: string, blockedId: string): Promise<void> {
    await this.db.insert(blocks).values({ blockerId, blockedId }).onConflictDoNothing();
  }

  async deleteBlock(blockerId: string, blockedId: string): Promise<void> {
    await this.db.delete(blocks).where(and(eq(blocks.blockerId, blockerId), eq(blocks.blockedId, blockedId)));
  }

  async blockState(a: string, b: string): Promise<{ aBlocksB: boolean; bBlocksA: boolean }> {
    const rows = await this.db
      .select({ blockerId: blocks.blockerId })
      .from(blocks)
      .where(or(and(eq(blocks.blockerId, a), eq(blocks.blockedId, b)), and(eq(blocks.blockerId, b), eq(blocks.blockedId, a))));
    return { aBlocksB: rows.some((r) => r.blockerId === a), bBlocksA: rows.some((r) => r.blockerId === b) };
  }

  /** People by follower count, most first (ties by id, so the order is stable). */
  async mostFollowed(limit: number): Promise<string[]> {
    const n = sql<number>`count(*)`;
    const rows = await this.db
      .select({ id: follows.followeeId })
      .from(follows)
      .groupBy(follows.followeeId)
      .orderBy(desc(n), follows.followeeId)
      .limit(limit);
    return rows.map((r) => r.id);
  }

  async counts(userId: string): Promise<{ followers: number; following: number; friends: number }> {
    const back = alias(follows, 'back');
    const [followers] = await this.db.select({ n: sql<number>`count(*)::int` }).from(follows).where(eq(follows.followeeId, userId));
    const [following] = await this.db.select({ n: sql<number>`count(*)::int` }).from(follows).where(eq(follows.followerId, userId));
    const [friends] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(follows)
      .innerJoin(back, and(eq(back.followerId, follows.followeeId), eq(back.followeeId, follows.followerId)))
      .where(eq(follows.followerId, userId));
    return { followers: followers!.n, following: following!.n, friends: friends!.n };
  }

  /** One page of edges around `userId`, newest first, keyed by the edge's time-ordered id. */
  async edges(
    userId: string,
    direction: 'followers' | 'following' | 'friends',
    cursor: string | undefined,
    limit: number,
  ): Promise<EdgePage> {
    const back = alias(follows, 'back');
    // followers: edges into userId (the other side is the follower); following/friends: edges out of it.
    const mine = direction === 'followers' ? follows.followeeId : follows.followerId;
    const other = direction === 'followers' ? follows.followerId : follows.followeeId;
    const q = this.db
      .select({ userId: other, cursor: follows.id, mutual: sql<boolean>`${back.followerId} is not null` })
      .from(follows)
      .leftJoin(back, and(eq(back.followerId, follows.followeeId), eq(back.followeeId, follows.followerId)))
      .where(
        and(
          eq(mine, userId),
          cursor ? lt(follows.id, cursor) : undefined,
          direction === 'friends' ? sql`${back.followerId} is not null` : undefined,
        ),
      )
      .orderBy(desc(follows.id))
      .limit(limit + 1);
    const rows = await q;
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    return { rows: page, nextCursor: more ? page[page.length - 1]!.cursor : null };
  }

  async blockedBy(blockerId: string, cursor: string | undefined, limit: number) {
    const rows = await this.db
      .select({ userId: blocks.blockedId, at: blocks.createdAt })
      .from(blocks)
      .where(eq(blocks.blockerId, blockerId))
      .orderBy(desc(blocks.createdAt))
      .limit(Math.min(limit, 500));
    void cursor;
    return rows;
  }

  /** Whom a person follows (and which of them follow back) and who is blocked either way, in one round trip. */
  async circle(userId: string): Promise<{ following: string[]; friends: string[]; blocked: string[] }> {
    const result = (await this.db.execute(sql`
      select f.followee_id as id, case when exists (select 1 from ${follows} b where b.follower_id = f.followee_id and b.followee_id = f.follower_id) then 'friend' else 'following' end as rel
        from ${follows} f where f.follower_id = ${userId}
      union all
      select case when k.blocker_id = ${userId} then k.blocked_id else k.blocker_id end, 'blocked'
        from ${blocks} k where k.blocker_id = ${userId} or k.blocked_id = ${userId}`)) as unknown as {
      rows: { id: string; rel: string }[];
    };
    const out = { following: [] as string[], friends: [] as string[], blocked: [] as string[] };
    for (const r of result.rows) {
      if (r.rel === 'blocked') out.blocked.push(r.id);
      else {
        out.following.push(r.id);
        if (r.rel === 'friend') out.friends.push(r.id);
      }
    }
    return out;
  }

  async followingIds(userId: string): Promise<string[]> {
    const rows = await this.db.select({ id: follows.followeeId }).from(follows).where(eq(follows.followerId, userId));
    return rows.map((r) => r.id);
  }

  /** Which of `ids` this user follows. */
  async followingAmong(userId: string, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .select({ id: follows.followeeId })
      .from(follows)
      .where(and(eq(follows.followerId, userId), inArray(follows.followeeId, ids)));
    return rows.map((r) => r.id);
  }

  /** Everyone this user blocked or was blocked by. */
  async blockedEitherWay(userId: string): Promise<string[]> {
    const rows = await this.db
      .select({ a: blocks.blockerId, b: blocks.blockedId })
      .from(blocks)
      .where(or(eq(blocks.blockerId, userId), eq(blocks.blockedId, userId)));
    return rows.map((r) => (r.a === userId ? r.b : r.a));
  }

  /** Everyone each of these people blocked or was blocked by, in one query for all of them. */
  async blockedEitherWayAmong(ids: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>(ids.map((id) => [id, []]));
    if (!ids.length) return out;
    const rows = await this.db
      .select({ a: blocks.blockerId, b: blocks.blockedId })
      .from(blocks)
      .where(or(inArray(blocks.blockerId, ids), inArray(blocks.blockedId, ids)));
    for (const { a, b } of rows) {
      out.get(a)?.push(b);
      out.get(b)?.push(a);
    }
    return out;
  }

  async friendIds(userId: string): Promise<string[]> {
    const back = alias(follows, 'back');
    const rows = await this.db
      .select({ id: follows.followeeId })
      .from(follows)
      .innerJoin(back, and(eq(back.followerId, follows.followeeId), eq(back.followeeId, follows.followerId)))
      .where(eq(follows.followerId, userId));
    return rows.map((r) => r.id);
  }

  /** For each of `ids`: followers, and how many of the viewer's friends are also theirs. */
  async socialAmong(viewerId: string | null, ids: string[]): Promise<Map<string, { followers: number; mutualFriends: number }>> {
    const out = new Map(ids.map((id) => [id, { followers: 0, mutualFriends: 0 }]));
    if (ids.length === 0) return out;
    const list = sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    );
    // The two counts are independent: one round trip of waiting, not two.
    const [followers, mutual] = await Promise.all([
      this.db.execute(sql`
        select followee_id as id, count(*)::int as n from ${follows} where followee_id in (${list}) group by followee_id`) as unknown as Promise<{
        rows: { id: string; n: number }[];
      }>,
      viewerId
        ? // Friends of mine (mutual follows) who are also friends of the candidate.
          (this.db.execute(sql`
            with mine as (
              select f.followee_id as id from ${follows} f
              join ${follows} b on b.follower_id = f.followee_id and b.followee_id = f.follower_id
              where f.follower_id = ${viewerId})
            select c.follower_id as id, count(*)::int as n from ${follows} c
            join ${follows} d on d.follower_id = c.followee_id and d.followee_id = c.follower_id
            where c.follower_id in (${list}) and c.followee_id in (select id from mine)
            group by c.follower_id`) as unknown as Promise<{ rows: { id: string; n: number }[] }>)
        : Promise.resolve({ rows: [] }),
    ]);
    for (const r of followers.rows) out.get(r.id)!.followers = Number(r.n);
    for (const r of mutual.rows) out.get(r.id)!.mutualFriends = Number(r.n);
    return out;
  }
}
