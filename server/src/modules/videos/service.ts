import { decodeTimeKey, encodeTimeKey } from '../../platform/keyset.ts';
import type { Limits } from '../../platform/auth/limits.ts';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import {
  Hashtag,
  type Comment,
  type ProductCard,
  type UploadVideoFields,
  type UserSummary,
  type Video,
  type Visibility,
} from '@tremolo/protocol';
import type { Db } from '../../platform/db/client.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { JobKind, JobRun, Jobs } from '../../platform/jobs/jobs.ts';
import type { Realtime } from '../../platform/realtime/realtime.ts';
import type { PrivateFiles } from '../../platform/storage.ts';
import type { AccountDataPart } from '../accounts/rights.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { ModerationService } from '../moderation/service.ts';
import type { GraphService } from '../graph/service.ts';
import { findMediaTools, poster, probe, sniffContainer, transcode, type MediaTools } from './media.ts';
import { VideosRepo, type VideoRow } from './repo.ts';

/** A stored video, for the feeds that rank and page through them. */
export type { VideoRow };

/** What the ranker learns from; weights are the ranker's business. */
export type ViewerSignal =
  | { kind: 'like' | 'unlike' | 'complete' | 'not_interested'; userId: string; videoId: string }
  | { kind: 'watch'; userId: string; videoId: string; watchedMs: number };
export type VideoSignal = ViewerSignal | { kind: 'published' | 'removed'; videoId: string };

/** What videos need from the shop: product links must be the uploader's own; cards to show. */
export interface ProductLinks {
  assertOwned(sellerId: string, productIds: string[]): Promise<void>;
  cards(ids: string[]): Promise<ProductCard[]>;
}

interface VideosOptions {
  maxDurationSec: number;
  /** Further processing attempts after a failed one, and the first retry's delay (it doubles). */
  processRetries: number;
  processRetryDelaySec: number;
  /** Tests only: each processing attempt waits this long before ffmpeg starts. */
  processTestDelayMs: number;
}

const ProcessVideo = z.object({ videoId: z.uuid() });
type ProcessVideo = z.infer<typeof ProcessVideo>;
/** ffmpeg's own timeouts (probe, transcode, poster) fit well inside this. */
const PROCESS_TIMEOUT_SEC = 20 * 60;

const STATS_FLUSH_MS = 2000;

export interface VideosDeps {
  db: Db;
  /** Sources, transcodes and posters: private, served only after `fileKey`'s check. */
  files: PrivateFiles;
  accounts: AccountsService;
  graph: GraphService;
  realtime: Realtime;
  opts: VideosOptions;
  limits: Limits;
  jobs: Jobs;
  /** Word filters on comments (the site's and the video author's lists). */
  moderation: Pick<ModerationService, 'screen'>;
}

export class VideosService {
  private readonly repo: VideosRepo;
  private readonly db: Db;
  private readonly tools: MediaTools | null;
  private readonly jobs: Jobs;
  /** Processing an upload is a job: any node takes it, a failed or abandoned attempt is retried. */
  private readonly processJob: JobKind<ProcessVideo>;
  private listeners: ((s: VideoSignal) => void)[] = [];
  private products: ProductLinks | null = null;
  private pendingStats = new Map<string, { views: number; watchMs: number }>();
  private statsTimer: NodeJS.Timeout;

  constructor(private readonly deps: VideosDeps) {
    const { db } = deps;
    this.db = db;
    this.repo = new VideosRepo(db);
    this.tools = findMediaTools();
    this.jobs = deps.jobs;
    this.processJob = {
      name: 'video-process',
      payload: ProcessVideo,
      retries: deps.opts.processRetries,
      retryDelaySec: deps.opts.processRetryDelaySec,
      timeoutSec: PROCESS_TIMEOUT_SEC + Math.ceil(deps.opts.processTestDelayMs / 1000),
      keyed: true,
    };
    this.jobs.work(this.processJob, {
      run: ({ videoId }, job) => this.process(videoId, job),
      failed: ({ videoId }, error) => this.processingFailed(videoId, error),
    });
    this.statsTimer = setInterval(() => void this.flushStats(), STATS_FLUSH_MS);
  }

  get canProcess(): boolean {
    return this.tools !== null;
  }

  setProductLinks(p: ProductLinks): void {
    this.products = p;
  }

  onSignal(listener: (s: VideoSignal) => void): void {
    this.listeners.push(listener);
  }

  private interestListeners: ((userId: string, hashtags: string[]) => void)[] = [];

  onInterests(listener: (userId: string, hashtags: string[]) => void): void {
    this.interestListeners.push(listener);
  }

  private emitInterests(userId: string, hashtags: string[]): void {
    for (const l of this.interestListeners) l(userId, hashtags);
  }

  private emit(s: VideoSignal): void {
    for (const l of this.listeners) l(s);
  }

  /**
   * Gives every video still processing a job, in case it has none (stored by a version that
   * processed in the uploading process). A video whose job is waiting or running keeps that one:
   * the key makes this a no-op, so any node may run it at any start.
   */
  async start(): Promise<void> {
    for (const v of await this.repo.processing()) await this.jobs.enqueue(this.processJob, { videoId: v.id }, { key: v.id });
    this.jobs.wake(this.processJob);
  }

  /**
   * Counts an upload before its bytes are read: each one costs disk, bandwidth and an ffmpeg
   * run, so a refused one should cost none of them.
   */
  async admitUpload(authorId: string): Promise<void> {
    await this.deps.limits.consume('videoUploads', authorId);
  }

  /**
   * Takes an uploaded file that is already on local disk. It is checked by content, then
   * kept and processed in the background; a file that fails the checks leaves nothing behind.
   */
  async upload(authorId: string, tempFile: string, fields: UploadVideoFields): Promise<VideoRow> {
    try {
      if (!this.tools) throw new AppError('unprocessable', 'Video processing is not available on this server (ffmpeg missing)');
      const size = (await stat(tempFile)).size;
      if (size === 0) throw new AppError('unprocessable', 'The file is empty');
      const container = await sniffContainer(tempFile);
      if (!container) throw new AppError('unsupported_media_type', 'That file is not a video (MP4, WebM or MOV)');
      const info = await probe(this.tools, tempFile);
      if (!info) throw new AppError('unprocessable', 'That video could not be read; it may be truncated or damaged');
      if (info.durationMs > this.deps.opts.maxDurationSec * 1000) {
        throw new AppError('unprocessable', `Videos can be at most ${this.deps.opts.maxDurationSec} seconds long`);
      }
      const productIds = splitList(fields.productIds);
      if (productIds.length) {
        if (!this.products) throw new AppError('unprocessable', 'Product links need the shop');
        await this.products.assertOwned(authorId, productIds);
      }
      const id = newId();
      // Kept where every node can reach it, so any node can process it, or resume after a restart.
      await this.deps.files.putFile(`videos/${id}/source`, tempFile);
      // The row and its processing job are stored together: no video is left processing without a job.
      const row = await this.db.transaction(async (tx) => {
        const inserted = await new VideosRepo(tx).insert({
          id,
          authorId,
          caption: fields.caption,
          hashtags: parseHashtags(fields.hashtags, fields.caption),
          visibility: fields.visibility,
          status: 'processing',
          durationMs: info.durationMs,
          width: info.width,
          height: info.height,
          coverTimeMs: Math.min(fields.coverTimeMs ?? 0, Math.max(0, info.durationMs - 100)),
          productIds,
        });
        await this.jobs.enqueue(this.processJob, { videoId: id }, { tx, key: id });
        return inserted;
      });
      this.jobs.wake(this.processJob);
      return row;
    } finally {
      await rm(tempFile, { force: true });
    }
  }

  /**
   * One attempt at processing an upload, on whichever node took the job. A throw fails the attempt
   * and the job is retried later (here or elsewhere) while retries remain; the source stays until
   * the video is ready or has finally failed. A video already settled (or deleted) is left alone.
   */
  private async process(videoId: string, job: JobRun): Promise<void> {
    const v = await this.repo.byId(videoId);
    if (!v || v.status !== 'processing') return;
    if (!this.tools) throw new Error('ffmpeg is not available on this node');
    const opts = this.deps.opts;
    if (opts.processTestDelayMs > 0) await sleep(opts.processTestDelayMs, undefined, { signal: job.signal });
    const prefix = `videos/${videoId}`;
    // ffmpeg works on local files: the source is copied here when the store is not this disk,
    // and the results are stored (moved or uploaded) once both exist.
    const work = path.join(this.deps.files.scratchDir, `work-${videoId}-${newId()}`);
    const source = await this.deps.files.localCopy(`${prefix}/source`).catch(() => {
      // Said plainly: the uploader sees this reason, and a storage path means nothing to them.
      throw new Error('the uploaded file is missing');
    });
    try {
      const info = await probe(this.tools, source.path, job.signal);
      if (!info) throw new Error('the file could not be read');
      await mkdir(work, { recursive: true });
      await transcode(this.tools, source.path, path.join(work, 'video.mp4'), info, job.signal);
      await poster(this.tools, path.join(work, 'video.mp4'), path.join(work, 'poster.jpg'), v.coverTimeMs ?? 0, job.signal);
      // Another node that took the job over may have settled it meanwhile: its files are the video's.
      if ((await this.repo.byId(videoId))?.status !== 'processing') return;
      await this.deps.files.putFile(`${prefix}/video.mp4`, path.join(work, 'video.mp4'));
      await this.deps.files.putFile(`${prefix}/poster.jpg`, path.join(work, 'poster.jpg'));
      const done = await this.repo.settle(videoId, {
        status: 'ready',
        videoKey: `${prefix}/video.mp4`,
        posterKey: `${prefix}/poster.jpg`,
        durationMs: info.durationMs,
        width: info.width,
        height: info.height,
      });
      if (!done) return;
      // Said as soon as it is ready (before the clean-up), so what follows readiness is not behind a file removal.
      this.emit({ kind: 'published', videoId });
      await this.deps.files.remove(`${prefix}/source`);
      await this.tell(v.authorId, videoId, 'ready', null);
    } finally {
      await source.release();
      await rm(work, { recursive: true, force: true });
    }
  }

  /** The job's last attempt failed: the video is marked failed with the reason, and its files go. */
  private async processingFailed(videoId: string, error: string): Promise<void> {
    const attempts = this.deps.opts.processRetries + 1;
    const message = `Processing failed${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${error}`;
    const v = await this.repo.settle(videoId, { status: 'failed', error: message });
    if (!v) return;
    await this.deps.files.removeAll(`videos/${videoId}`).catch(() => undefined);
    await this.tell(v.authorId, videoId, 'failed', message);
  }

  private async tell(userId: string, videoId: string, status: 'ready' | 'failed', error: string | null): Promise<void> {
    await this.deps.realtime.publish(`user:${userId}`, { kind: 'video_status', videoId, status, error }).catch(() => undefined);
  }

  /** Whether `viewerId` may see this video at all: author, visibility, blocks, readiness. */
  async canView(viewerId: string | null, v: VideoRow): Promise<boolean> {
    if (viewerId === v.authorId) return true;
    if (v.status !== 'ready') return false;
    if (viewerId && (await this.deps.graph.isBlockedEitherWay(viewerId, v.authorId))) return false;
    if (v.visibility === 'public') return true;
    if (v.visibility === 'friends') return viewerId !== null && (await this.deps.graph.areFriends(viewerId, v.authorId));
    return false;
  }

  /** Looks a video up for this viewer; invisible videos are "not found", so their existence does not leak. */
  async visible(viewerId: string | null, id: string): Promise<VideoRow> {
    const v = await this.repo.byId(id);
    if (!v || !(await this.canView(viewerId, v))) throw notFound('Video');
    return v;
  }

  async get(viewerId: string | null, id: string): Promise<Video> {
    const v = await this.visible(viewerId, id);
    return (await this.hydrate(viewerId, [v]))[0]!;
  }

  async update(authorId: string, id: string, patch: { caption?: string | undefined; visibility?: Visibility | undefined }): Promise<Video> {
    const v = await this.own(authorId, id);
    const next = await this.repo.update(v.id, {
      ...(patch.caption !== undefined ? { caption: patch.caption, hashtags: parseHashtags('', patch.caption) } : {}),
      ...(patch.visibility ? { visibility: patch.visibility } : {}),
    });
    this.emit({ kind: next?.visibility === 'public' ? 'published' : 'removed', videoId: id });
    return (await this.hydrate(authorId, [next!]))[0]!;
  }

  /** Videos' share of a person's data: their videos (with the files), comments and likes. */
  accountPart(): AccountDataPart {
    return {
      name: 'videos',
      export: async (userId, archive) => {
        const { own, comments, likes } = await this.repo.allOf(userId);
        await archive.json(
          'videos.json',
          own.map((v) => ({
            id: v.id,
            caption: v.caption,
            visibility: v.visibility,
            status: v.status,
            durationMs: v.durationMs,
            createdAt: v.createdAt.toISOString(),
            file: v.videoKey ? `media/videos/${v.id}${path.extname(v.videoKey)}` : null,
          })),
        );
        for (const v of own) {
          const key = v.videoKey;
          if (key) await archive.file(`media/videos/${v.id}${path.extname(key)}`, () => this.deps.files.read(key));
          const poster = v.posterKey;
          if (poster) await archive.file(`media/videos/${v.id}-poster${path.extname(poster)}`, () => this.deps.files.read(poster));
        }
        await archive.json(
          'comments.json',
          comments.map((c) => ({ id: c.id, videoId: c.videoId, parentId: c.parentId, text: c.text, createdAt: c.createdAt.toISOString() })),
        );
        await archive.json(
          'likes.json',
          likes.map((l) => ({ videoId: l.videoId, at: l.at.toISOString() })),
        );
      },
      erase: async (userId) => {
        const { own } = await this.repo.allOf(userId);
        for (const v of own) {
          await this.repo.remove(v.id);
          await this.deps.files.removeAll(`videos/${v.id}`);
          this.emit({ kind: 'removed', videoId: v.id });
        }
        await this.repo.eraseActivityOf(userId);
      },
    };
  }

  /** Videos a person liked that the viewer may see, most recently liked first; their privacy setting may hide the list. */
  async likedBy(viewerId: string | null, handle: string, cursor: string | undefined, limit: number) {
    const owner = await this.deps.accounts.byHandle(handle);
    if (viewerId && viewerId !== owner.id && (await this.deps.graph.isBlockedEitherWay(viewerId, owner.id))) throw notFound('Person');
    await this.deps.accounts.rights.assertLikesVisible(viewerId, owner);
    const key = cursor ? decodeTimeKey(cursor) : null;
    const after = key ? { at: key.at, videoId: key.id } : null;
    const rows = await this.repo.likedBy(owner.id, after, limit + 1);
    const page = rows.slice(0, limit);
    const visible: VideoRow[] = [];
    for (const r of page) if (await this.canView(viewerId, r.video)) visible.push(r.video);
    const last = page[page.length - 1];
    return {
      items: await this.hydrate(viewerId, visible),
      nextCursor: rows.length > limit && last ? encodeTimeKey(last.at, last.video.id) : null,
    };
  }

  /** The author deletes a video; one a moderator took down too (it is theirs to delete, appeal or not). */
  async remove(authorId: string, id: string): Promise<void> {
    const v = await this.repo.byIdWithHidden(id);
    if (!v) throw notFound('Video');
    if (v.authorId !== authorId) throw new AppError('forbidden', 'Only the author can change this video');
    await this.repo.remove(v.id);
    await this.deps.files.removeAll(`videos/${v.id}`);
    this.emit({ kind: 'removed', videoId: id });
  }

  /** Moderation: a video or comment as `viewerId` sees it, to copy into a report. */
  async reportable(
    viewerId: string,
    kind: 'video' | 'comment',
    id: string,
  ): Promise<{ ownerId: string; video: VideoRow; text: string } | null> {
    if (kind === 'video') {
      const v = await this.repo.byId(id);
      if (!v || !(await this.canView(viewerId, v))) return null;
      return { ownerId: v.authorId, video: v, text: v.caption };
    }
    const c = await this.repo.commentById(id);
    const v = c && (await this.repo.byId(c.videoId));
    if (!c || !v || !(await this.canView(viewerId, v))) return null;
    return { ownerId: c.authorId, video: v, text: c.text };
  }

  /**
   * Moderation: takes a video or a comment (with its replies) down. It is hidden, not deleted:
   * every read path (feeds, lists, search, counts, files) treats it as gone, and `restore` brings
   * it back when an appeal is overturned. Account deletion still erases it with the rest.
   */
  async takeDown(kind: 'video' | 'comment', id: string): Promise<void> {
    if (kind === 'comment') return this.repo.takeDownComment(id);
    if (!(await this.repo.byId(id))) return;
    await this.repo.setTakenDown(id, new Date());
    this.emit({ kind: 'removed', videoId: id });
  }

  /** Moderation: brings back what `takeDown` hid (an overturned appeal). */
  async restore(kind: 'video' | 'comment', id: string): Promise<void> {
    if (kind === 'comment') return this.repo.restoreComment(id);
    const v = await this.repo.setTakenDown(id, null);
    // The feed's catalogue holds public videos only; any signal has search index it again.
    if (v) this.emit({ kind: v.visibility === 'public' && v.status === 'ready' ? 'published' : 'removed', videoId: id });
  }

  /** Moderation: a released comment is stored as its author sent it (unless its video is gone). */
  async releaseComment(authorId: string, videoId: string, text: string, parentId: string | null): Promise<void> {
    const v = await this.repo.byId(videoId);
    if (v) await this.storeComment(authorId, v, text, parentId ?? undefined);
  }

  private async own(authorId: string, id: string): Promise<VideoRow> {
    const v = await this.repo.byId(id);
    if (!v) throw notFound('Video');
    if (v.authorId !== authorId) throw new AppError('forbidden', 'Only the author can change this video');
    return v;
  }

  /** A person's videos as `viewerId` may see them. */
  async byAuthor(viewerId: string | null, handle: string, cursor: string | undefined, limit: number) {
    const author = await this.deps.accounts.byHandle(handle);
    let visibilities: VideoRow['visibility'][] = ['public'];
    if (viewerId === author.id) visibilities = ['public', 'friends', 'private'];
    else if (viewerId && (await this.deps.graph.isBlockedEitherWay(viewerId, author.id))) visibilities = [];
    else if (viewerId && (await this.deps.graph.areFriends(viewerId, author.id))) visibilities = ['public', 'friends'];
    if (visibilities.length === 0) return { items: [], nextCursor: null };
    const rows = await this.repo.byAuthors([author.id], visibilities, cursor, limit + 1, viewerId === author.id);
    const page = rows.slice(0, limit);
    return { items: await this.hydrate(viewerId, page), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  /**
   * Turns rows into what clients see: author, counts, my like, friends who liked it.
   * Callers that already know the viewer's friends pass them to save a query.
   */
  async hydrate(viewerId: string | null, rows: VideoRow[], knownFriendIds?: string[]): Promise<Video[]> {
    const ids = rows.map((r) => r.id);
    const [authors, counters, friendIds] = await Promise.all([
      this.deps.accounts.summaries([...new Set(rows.map((r) => r.authorId))]),
      this.repo.counters(ids),
      knownFriendIds ?? (viewerId ? this.deps.graph.friendIds(viewerId) : Promise.resolve([])),
    ]);
    const authorIds = [...new Set(rows.map((r) => r.authorId))];
    const [likers, followed] = await Promise.all([
      viewerId ? this.repo.likesBy([viewerId, ...friendIds], ids) : Promise.resolve([]),
      viewerId ? this.deps.graph.followingAmong(viewerId, authorIds).then((x) => new Set(x)) : Promise.resolve(new Set<string>()),
    ]);
    const linked = [...new Set(rows.flatMap((r) => r.productIds))];
    const cards =
      linked.length && this.products ? new Map((await this.products.cards(linked)).map((c) => [c.id, c])) : new Map<string, ProductCard>();
    const friendLikers = [...new Set(likers.filter((l) => l.userId !== viewerId).map((l) => l.userId))];
    const friendSummaries = friendLikers.length ? await this.deps.accounts.summaries(friendLikers) : new Map<string, UserSummary>();
    return rows.flatMap((r) => {
      const author = authors.get(r.authorId);
      if (!author) return [];
      const pending = this.pendingStats.get(r.id)?.views ?? 0;
      return [
        {
          id: r.id,
          author,
          caption: r.caption,
          hashtags: r.hashtags,
          visibility: r.visibility,
          status: r.status,
          error: r.error,
          durationMs: r.durationMs,
          width: r.width,
          height: r.height,
          streamUrl: r.status === 'ready' ? `/api/v1/videos/${r.id}/stream` : null,
          posterUrl: r.status === 'ready' ? `/api/v1/videos/${r.id}/poster` : null,
          productIds: r.productIds,
          products: r.productIds.flatMap((id) => cards.get(id) ?? []),
          likes: counters.get(r.id)?.likes ?? 0,
          comments: counters.get(r.id)?.comments ?? 0,
          views: (counters.get(r.id)?.views ?? 0) + pending,
          likedByMe: likers.some((l) => l.videoId === r.id && l.userId === viewerId),
          followingAuthor: viewerId === r.authorId || followed.has(r.authorId),
          likedByFriends: likers
            .filter((l) => l.videoId === r.id && l.userId !== viewerId)
            .slice(0, 3)
            .flatMap((l) => friendSummaries.get(l.userId) ?? []),
          createdAt: r.createdAt.toISOString(),
        },
      ];
    });
  }

  /** The storage key of a file of a video the viewer may see (checked on every request). */
  async fileKey(viewerId: string | null, id: string, which: 'video' | 'poster'): Promise<string> {
    const v = await this.visible(viewerId, id);
    const key = which === 'video' ? v.videoKey : v.posterKey;
    if (!key) throw notFound('Video file');
    return key;
  }

  async like(userId: string, id: string, on: boolean): Promise<{ liked: boolean; likes: number }> {
    await this.deps.limits.consume('likes', userId);
    const v = await this.visible(userId, id);
    const changed = on ? await this.repo.like(v.id, userId) : await this.repo.unlike(v.id, userId);
    if (changed) this.emit({ kind: on ? 'like' : 'unlike', userId, videoId: v.id });
    return { liked: on, likes: (await this.repo.likeCounts([v.id])).get(v.id) ?? 0 };
  }

  /**
   * Progress reports carry the running total for this viewing. A view counts once per person
   * and video, watch time grows by the increase only, and "completed" is a signal the first
   * time (a looping video reports it on every loop).
   */
  async watch(userId: string, id: string, watchedMs: number, completed: boolean): Promise<void> {
    const v = await this.visible(userId, id);
    const before = await this.repo.watchOf(userId, v.id);
    await this.repo.recordWatch(userId, v.id, watchedMs, completed);
    const added = Math.max(0, watchedMs - (before?.watchedMs ?? 0));
    const s = this.pendingStats.get(v.id) ?? { views: 0, watchMs: 0 };
    if (!before) s.views += 1;
    s.watchMs += added;
    this.pendingStats.set(v.id, s);
    if (completed && !before?.completed) this.emit({ kind: 'complete', userId, videoId: v.id });
    else if (added > 0) this.emit({ kind: 'watch', userId, videoId: v.id, watchedMs: added });
  }

  async notInterested(userId: string, id: string): Promise<void> {
    const v = await this.visible(userId, id);
    await this.repo.markNotInterested(userId, v.id);
    this.emit({ kind: 'not_interested', userId, videoId: v.id });
  }

  async comment(userId: string, id: string, text: string, parentId: string | undefined): Promise<Comment> {
    await this.deps.limits.consume('comments', userId);
    const v = await this.visible(userId, id);
    if (parentId) {
      const parent = await this.repo.commentById(parentId);
      if (!parent || parent.videoId !== v.id) throw new AppError('validation_failed', 'You can only reply to a comment on this video');
      // Replies stay one level deep: a reply to a reply attaches to its top-level comment.
      parentId = parent.parentId ?? parent.id;
    }
    await this.deps.moderation.screen({
      surface: 'comment',
      placeId: v.id,
      placeName: v.caption.slice(0, 60),
      ownerId: v.authorId,
      authorId: userId,
      text,
      payload: { parentId: parentId ?? null, text },
    });
    return this.storeComment(userId, v, text, parentId);
  }

  /** Stores a comment that passed the filters (or was held and then released). */
  async storeComment(userId: string, v: VideoRow, text: string, parentId: string | undefined): Promise<Comment> {
    const row = await this.repo.insertComment({ id: newId(), videoId: v.id, authorId: userId, parentId: parentId ?? null, text });
    const author = (await this.deps.accounts.summaries([userId])).get(userId)!;
    return {
      id: row.id,
      videoId: v.id,
      parentId: row.parentId,
      author,
      text: row.text,
      createdAt: row.createdAt.toISOString(),
      replies: 0,
    };
  }

  async comments(viewerId: string | null, id: string, parentId: string | undefined, cursor: string | undefined, limit: number) {
    const v = await this.visible(viewerId, id);
    const rows = await this.repo.comments(v.id, parentId, cursor, limit);
    const page = rows.slice(0, limit);
    const [authors, replies] = await Promise.all([
      this.deps.accounts.summaries([...new Set(page.map((r) => r.authorId))]),
      this.repo.replyCounts(page.map((r) => r.id)),
    ]);
    const items: Comment[] = page.flatMap((r) => {
      const author = authors.get(r.authorId);
      return author
        ? [
            {
              id: r.id,
              videoId: r.videoId,
              parentId: r.parentId,
              author,
              text: r.removedAt ? '' : r.text,
              createdAt: r.createdAt.toISOString(),
              replies: replies.get(r.id) ?? 0,
              ...(r.removedAt ? { removed: true } : {}),
            },
          ]
        : [];
    });
    return { items, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  /** Ready videos of these authors that friends may see (the Friends feed), newest first. */
  friendsVideos(authorIds: string[], cursor: string | undefined, limit: number): Promise<VideoRow[]> {
    return this.repo.byAuthors(authorIds, ['public', 'friends'], cursor, limit);
  }

  /** Rows of these videos whatever their state, with their counters: what the search index is built from. */
  async forIndex(ids: string[]): Promise<(VideoRow & { likes: number; views: number })[]> {
    if (ids.length === 0) return [];
    const [rows, counters] = await Promise.all([this.repo.byIds(ids), this.repo.counters(ids)]);
    return rows.map((r) => ({ ...r, likes: counters.get(r.id)?.likes ?? 0, views: counters.get(r.id)?.views ?? 0 }));
  }

  /** Video rows by id, unchecked: the caller filters them for its viewer before `hydrate` (search does, with the index's visibility). */
  rowsByIds(ids: string[]): Promise<VideoRow[]> {
    return this.repo.byIds(ids);
  }

  /** Ids in id order after `after`, for rebuilding the search index. */
  idsAfter(after: string | null, limit: number): Promise<string[]> {
    return this.repo.idsAfter(after, limit);
  }

  async authorOf(videoId: string): Promise<string | null> {
    return (await this.repo.byId(videoId))?.authorId ?? null;
  }

  /** Every ready public video: what For You ranks. */
  publicCatalogue(): Promise<VideoRow[]> {
    return this.repo.allPublicReady();
  }

  async publicById(id: string): Promise<VideoRow | null> {
    const v = await this.repo.byId(id);
    return v && v.status === 'ready' && v.visibility === 'public' ? v : null;
  }

  recentLikesBy(userIds: string[], limit: number) {
    return this.repo.recentLikesBy(userIds, limit);
  }

  seenBy(userId: string) {
    return this.repo.seen(userId);
  }

  /** Recent likes and watches, oldest first: what a ranker is warmed with at start. */
  async history(limit = 1_000_000): Promise<ViewerSignal[]> {
    const [likes, watches] = await Promise.all([this.repo.recentLikes(limit), this.repo.recentWatches(limit)]);
    return [
      ...likes.map((l): ViewerSignal => ({ kind: 'like', userId: l.userId, videoId: l.videoId })),
      ...watches.map(
        (w): ViewerSignal =>
          w.notInterested
            ? { kind: 'not_interested', userId: w.userId, videoId: w.videoId }
            : w.completed
              ? { kind: 'complete', userId: w.userId, videoId: w.videoId }
              : { kind: 'watch', userId: w.userId, videoId: w.videoId, watchedMs: 0 },
      ),
    ];
  }

  async setInterests(userId: string, hashtags: string[]): Promise<string[]> {
    const unique = [...new Set(hashtags)];
    await this.repo.setInterests(userId, unique);
    this.emitInterests(userId, unique);
    return unique;
  }

  interests(userId: string): Promise<string[]> {
    return this.repo.interests(userId);
  }

  private async flushStats(): Promise<void> {
    if (this.pendingStats.size === 0) return;
    const batch = [...this.pendingStats].map(([videoId, s]) => ({ videoId, ...s }));
    this.pendingStats = new Map();
    await this.repo.addStats(batch).catch(() => {
      for (const b of batch) {
        const s = this.pendingStats.get(b.videoId) ?? { views: 0, watchMs: 0 };
        s.views += b.views;
        s.watchMs += b.watchMs;
        this.pendingStats.set(b.videoId, s);
      }
    });
  }

  /** Writes out pending counters. Processing stops with the job queue, before this. */
  async close(): Promise<void> {
    clearInterval(this.statsTimer);
    await this.flushStats();
  }

  /** For tests and the demo: resolves when no video is processing any more (each is ready or failed). */
  async idle(): Promise<void> {
    while ((await this.repo.processing()).length > 0) await sleep(50);
  }
}

function splitList(s: string): string[] {
  return s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/** Hashtags from the explicit field and from #words in the caption, normalised and unique. */
function parseHashtags(field: string, caption: string): string[] {
  const fromCaption = [...caption.matchAll(/#([\p{L}\p{N}_]+)/gu)].map((m) => m[1]!);
  const all = [...splitList(field), ...fromCaption];
  const out = new Set<string>();
  for (const raw of all) {
    const r = Hashtag.safeParse(raw);
    if (r.success) out.add(r.data);
    if (out.size >= 10) break;
  }
  return [...out];
}
