import { and, count, desc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { userInterests, videoComments, videoLikes, videoStats, videos, videoViews } from './tables.ts';

export type VideoRow = typeof videos.$inferSelect;
export type CommentRow = typeof videoComments.$inferSelect;

/** Data access for videos; only the videos service calls it. */
export class VideosRepo {
  constructor(private readonly db: Queryable) {}

  async insert(row: typeof videos.$inferInsert): Promise<VideoRow> {
    const [r] = await this.db.insert(videos).values(row).returning();
    return r!;
  }

  /** A video, unless a moderator took it down (then it is gone for every read, its author's too). */
  async byId(id: string): Promise<VideoRow | undefined> {
    const [r] = await this.db
      .select()
      .from(videos)
      .where(and(eq(videos.id, id), isNull(videos.takenDownAt)));
    return r;
  }

  /** A video even if a moderator took it down: only for its author's own deletion. */
  async byIdWithHidden(id: string): Promise<VideoRow | undefined> {
    const [r] = await this.db.select().from(videos).where(eq(videos.id, id));
    return r;
  }

  async byIds(ids: string[]): Promise<VideoRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(videos)
      .where(and(inArray(videos.id, ids), isNull(videos.takenDownAt)));
  }

  /** Moderation: hides a video (or shows it again, `at` null) without touching its row or files. */
  async setTakenDown(id: string, at: Date | null): Promise<VideoRow | undefined> {
    const [r] = await this.db.update(videos).set({ takenDownAt: at }).where(eq(videos.id, id)).returning();
    return r;
  }

  async update(id: string, patch: Partial<typeof videos.$inferInsert>): Promise<VideoRow | undefined> {
    const [r] = await this.db.update(videos).set(patch).where(eq(videos.id, id)).returning();
    return r;
  }

  /** Ends processing: changes a video only while it is still processing, so two outcomes never both land. */
  async settle(id: string, patch: Partial<typeof videos.$inferInsert>): Promise<VideoRow | undefined> {
    const [r] = await this.db
      .update(videos)
      .set(patch)
      .where(and(eq(videos.id, id), eq(videos.status, 'processing')))
      .returning();
    return r;
  }

  async remove(id: string): Promise<void> {
    await this.db.delete(videos).where(eq(videos.id, id));
  }

  async idsAfter(after: string | null, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: videos.id })
      .from(videos)
      .where(after ? gt(videos.id, after) : undefined)
      .orderBy(videos.id)
      .limit(limit);
    return rows.map((r) => r.id);
  }

  async processing(): Promise<VideoRow[]> {
    return this.db.select().from(videos).where(eq(videos.status, 'processing'));
  }

  /** Ready videos by these authors with one of these visibilities, newest first. */
  async byAuthors(
    authorIds: string[],
    visibilities: VideoRow['visibility'][],
    cursor: string | undefined,
    limit: number,
    includeUnready = false,
  ): Promise<VideoRow[]> {
    if (authorIds.length === 0) return [];
    return this.db
      .select()
      .from(videos)
      .where(
        and(
          inArray(videos.authorId, authorIds),
          inArray(videos.visibility, visibilities),
          isNull(videos.takenDownAt),
          includeUnready ? undefined : eq(videos.status, 'ready'),
          cursor ? lt(videos.id, cursor) : undefined,
        ),
      )
      .orderBy(desc(videos.id))
      .limit(limit);
  }

  /** Every ready public video: the For You catalogue is built from this at start. */
  async allPublicReady(): Promise<VideoRow[]> {
    return this.db
      .select()
      .from(videos)
      .where(and(eq(videos.status, 'ready'), eq(videos.visibility, 'public'), isNull(videos.takenDownAt)));
  }

  /** Likes, comments and views of several videos in one round trip. */
  async counters(ids: string[]): Promise<Map<string, { likes: number; comments: number; views: number }>> {
    if (ids.length === 0) return new Map();
    const list = sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    );
    const result = (await this.db.execute(sql`
      select v.id,
        (select count(*)::int from ${videoLikes} where ${videoLikes.videoId} = v.id) as likes,
        (select count(*)::int from ${videoComments} where ${videoComments.videoId} = v.id and ${videoComments.takenDownAt} is null) as comments,
        coalesce((select ${videoStats.views} from ${videoStats} where ${videoStats.videoId} = v.id), 0)::int as views
      from unnest(array[${list}]) as v(id)`)) as unknown as { rows: { id: string; likes: number; comments: number; views: number }[] };
    return new Map(result.rows.map((r) => [r.id, { likes: Number(r.likes), comments: Number(r.comments), views: Number(r.views) }]));
  }

  async likeCounts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select({ id: videoLikes.videoId, n: count() })
      .from(videoLikes)
      .where(inArray(videoLikes.videoId, ids))
      .groupBy(videoLikes.videoId);
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  async commentCounts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select({ id: videoComments.videoId, n: count() })
      .from(videoComments)
      .where(and(inArray(videoComments.videoId, ids), isNull(videoComments.takenDownAt)))
      .groupBy(videoComments.videoId);
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  async viewCounts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select({ id: videoStats.videoId, n: videoStats.views })
      .from(videoStats)
      .where(inArray(videoStats.videoId, ids));
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  /** (video, user) like pairs among these videos by these users. */
  async likesBy(userIds: string[], videoIds: string[]): Promise<{ videoId: string; userId: string }[]> {
    if (userIds.length === 0 || videoIds.length === 0) return [];
    return this.db
      .select({ videoId: videoLikes.videoId, userId: videoLikes.userId })
      .from(videoLikes)
      .where(and(inArray(videoLikes.userId, userIds), inArray(videoLikes.videoId, videoIds)));
  }

  async like(videoId: string, userId: string): Promise<boolean> {
    const r = await this.db.insert(videoLikes).values({ videoId, userId }).onConflictDoNothing().returning({ v: videoLikes.videoId });
    return r.length > 0;
  }

  async unlike(videoId: string, userId: string): Promise<boolean> {
    const r = await this.db
      .delete(videoLikes)
      .where(and(eq(videoLikes.videoId, videoId), eq(videoLikes.userId, userId)))
      .returning({ v: videoLikes.videoId });
    return r.length > 0;
  }

  /** Recent likes by these users: social candidates for For You. */
  async recentLikesBy(userIds: string[], limit: number): Promise<{ videoId: string; userId: string }[]> {
    if (userIds.length === 0) return [];
    return this.db
      .select({ videoId: videoLikes.videoId, userId: videoLikes.userId })
      .from(videoLikes)
      .where(inArray(videoLikes.userId, userIds))
      .orderBy(desc(videoLikes.createdAt))
      .limit(limit);
  }

  /** The most recent likes, oldest first. */
  async recentLikes(limit: number): Promise<{ videoId: string; userId: string }[]> {
    const rows = await this.db
      .select({ videoId: videoLikes.videoId, userId: videoLikes.userId })
      .from(videoLikes)
      .orderBy(desc(videoLikes.createdAt))
      .limit(limit);
    return rows.reverse();
  }

  /** The most recent watch records, oldest first. */
  async recentWatches(limit: number): Promise<{ videoId: string; userId: string; completed: boolean; notInterested: boolean }[]> {
    const rows = await this.db
      .select({
        videoId: videoViews.videoId,
        userId: videoViews.userId,
        completed: videoViews.completed,
        notInterested: videoViews.notInterested,
      })
      .from(videoViews)
      .orderBy(desc(videoViews.updatedAt))
      .limit(limit);
    return rows.reverse();
  }

  /** Everything one person uploaded, commented and liked (their data archive). */
  async allOf(userId: string) {
    const [own, comments, likes] = await Promise.all([
      this.db.select().from(videos).where(eq(videos.authorId, userId)).orderBy(videos.id),
      this.db
        .select()
        .from(videoComments)
        .where(and(eq(videoComments.authorId, userId), isNull(videoComments.removedAt)))
        .orderBy(videoComments.id),
      this.db
        .select({ videoId: videoLikes.videoId, at: videoLikes.createdAt })
        .from(videoLikes)
        .where(eq(videoLikes.userId, userId))
        .orderBy(videoLikes.createdAt),
    ]);
    return { own, comments, likes };
  }

  /** A person's liked videos, most recently liked first (keyset on the like's time and the video id). */
  async likedBy(userId: string, cursor: { at: Date; videoId: string } | null, limit: number) {
    return this.db
      .select({ video: videos, at: videoLikes.createdAt })
      .from(videoLikes)
      .innerJoin(videos, eq(videos.id, videoLikes.videoId))
      .where(
        and(
          eq(videoLikes.userId, userId),
          eq(videos.status, 'ready'),
          isNull(videos.takenDownAt),
          cursor
            ? sql`(${videoLikes.createdAt}, ${videoLikes.videoId}) < (${cursor.at.toISOString()}::timestamptz, ${cursor.videoId}::uuid)`
            : undefined,
        ),
      )
      .orderBy(desc(videoLikes.createdAt), desc(videoLikes.videoId))
      .limit(limit);
  }

  /**
   * A deleted account's traces in videos: its comments are emptied and shown as removed (their
   * replies keep their place), its likes, views and interests go. Its own videos are removed by the service.
   */
  async eraseActivityOf(userId: string): Promise<void> {
    await this.db
      .update(videoComments)
      .set({ text: '', removedAt: new Date() })
      .where(and(eq(videoComments.authorId, userId), isNull(videoComments.removedAt)));
    await this.db.delete(videoLikes).where(eq(videoLikes.userId, userId));
    await this.db.delete(videoViews).where(eq(videoViews.userId, userId));
    await this.db.delete(userInterests).where(eq(userInterests.userId, userId));
  }

  async insertComment(row: typeof videoComments.$inferInsert): Promise<CommentRow> {
    const [r] = await this.db.insert(videoComments).values(row).returning();
    return r!;
  }

  /**
   * Moderation: hides a comment with its replies, all stamped with one time so that showing it again
   * brings back those replies and not one taken down on its own.
   */
  async takeDownComment(id: string): Promise<void> {
    await this.db
      .update(videoComments)
      .set({ takenDownAt: new Date() })
      .where(and(or(eq(videoComments.id, id), eq(videoComments.parentId, id)), isNull(videoComments.takenDownAt)));
  }

  async restoreComment(id: string): Promise<void> {
    const [c] = await this.db.select({ at: videoComments.takenDownAt }).from(videoComments).where(eq(videoComments.id, id));
    if (!c?.at) return;
    await this.db
      .update(videoComments)
      .set({ takenDownAt: null })
      .where(or(eq(videoComments.id, id), and(eq(videoComments.parentId, id), eq(videoComments.takenDownAt, c.at))));
  }

  /** A comment, unless a moderator took it down. */
  async commentById(id: string): Promise<CommentRow | undefined> {
    const [r] = await this.db
      .select()
      .from(videoComments)
      .where(and(eq(videoComments.id, id), isNull(videoComments.takenDownAt)));
    return r;
  }

  /** Top-level comments newest first, or the replies to one comment oldest first. */
  async comments(videoId: string, parentId: string | undefined, cursor: string | undefined, limit: number): Promise<CommentRow[]> {
    const base = and(
      eq(videoComments.videoId, videoId),
      parentId ? eq(videoComments.parentId, parentId) : isNull(videoComments.parentId),
      isNull(videoComments.takenDownAt),
    );
    if (parentId) {
      return this.db
        .select()
        .from(videoComments)
        .where(and(base, cursor ? sql`${videoComments.id} > ${cursor}` : undefined))
        .orderBy(videoComments.id)
        .limit(limit + 1);
    }
    return this.db
      .select()
      .from(videoComments)
      .where(and(base, cursor ? lt(videoComments.id, cursor) : undefined))
      .orderBy(desc(videoComments.id))
      .limit(limit + 1);
  }

  async replyCounts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select({ id: videoComments.parentId, n: count() })
      .from(videoComments)
      .where(and(inArray(videoComments.parentId, ids), isNull(videoComments.takenDownAt)))
      .groupBy(videoComments.parentId);
    return new Map(rows.map((r) => [r.id!, r.n]));
  }

  /** What this person had watched of this video before (null: never). */
  async watchOf(userId: string, videoId: string): Promise<{ watchedMs: number; completed: boolean } | null> {
    const [r] = await this.db
      .select({ watchedMs: videoViews.watchedMs, completed: videoViews.completed })
      .from(videoViews)
      .where(and(eq(videoViews.userId, userId), eq(videoViews.videoId, videoId)));
    return r ?? null;
  }

  async recordWatch(userId: string, videoId: string, watchedMs: number, completed: boolean): Promise<void> {
    await this.db
      .insert(videoViews)
      .values({ userId, videoId, watchedMs, completed })
      .onConflictDoUpdate({
        target: [videoViews.userId, videoViews.videoId],
        set: {
          watchedMs: sql`greatest(${videoViews.watchedMs}, excluded.watched_ms)`,
          completed: sql`${videoViews.completed} or excluded.completed`,
          updatedAt: sql`now()`,
        },
      });
  }

  async markNotInterested(userId: string, videoId: string): Promise<void> {
    await this.db
      .insert(videoViews)
      .values({ userId, videoId, notInterested: true })
      .onConflictDoUpdate({ target: [videoViews.userId, videoViews.videoId], set: { notInterested: true, updatedAt: sql`now()` } });
  }

  async seen(userId: string): Promise<{ videoId: string; notInterested: boolean }[]> {
    return this.db
      .select({ videoId: videoViews.videoId, notInterested: videoViews.notInterested })
      .from(videoViews)
      .where(eq(videoViews.userId, userId));
  }

  async addStats(rows: { videoId: string; views: number; watchMs: number }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insert(videoStats)
      .values(rows)
      .onConflictDoUpdate({
        target: videoStats.videoId,
        set: { views: sql`${videoStats.views} + excluded.views`, watchMs: sql`${videoStats.watchMs} + excluded.watch_ms` },
      });
  }

  async setInterests(userId: string, hashtags: string[]): Promise<void> {
    await this.db.delete(userInterests).where(eq(userInterests.userId, userId));
    if (hashtags.length)
      await this.db
        .insert(userInterests)
        .values(hashtags.map((hashtag) => ({ userId, hashtag })))
        .onConflictDoNothing();
  }

  async interests(userId: string): Promise<string[]> {
    const rows = await this.db.select({ h: userInterests.hashtag }).from(userInterests).where(eq(userInterests.userId, userId));
    return rows.map((r) => r.h);
  }
}
