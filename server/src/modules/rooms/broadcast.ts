import { existsSync, watch } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Config } from '../../platform/config.ts';
import { AppError } from '../../platform/errors.ts';
import type { JobKind, Jobs } from '../../platform/jobs/jobs.ts';
import type { PrivateFiles } from '../../platform/storage.ts';
import { findMediaTools } from '../videos/media.ts';
import type { RoomAccess } from './access.ts';
import { CompositorRun, playlistFile, type StageFeed } from './compositor.ts';
import type { RoomsDeps } from './context.ts';
import { livePlaylist, offsetOf, parsePlaylist, replayPlaylist, SEGMENT_NAME, withRunTimes } from './hls.ts';
import { MAX_TILES } from './layout.ts';
import type { RoomMedia } from './media.ts';
import type { RoomRow } from './repo.ts';

type BroadcastDeps = Pick<RoomsDeps, 'repo' | 'sfu' | 'accounts' | 'log'> & {
  access: RoomAccess;
  media: RoomMedia;
  jobs: Jobs;
  files: PrivateFiles;
  config: Config['broadcast'];
};

const BroadcastJob = z.object({ roomId: z.string().uuid() });
type BroadcastJob = z.infer<typeof BroadcastJob>;

/**
 * How often the job looks at the room (its status, who is on stage). New segments are shipped as
 * soon as ffmpeg rewrites its playlist (a watch on its directory); the tick only backs that up.
 */
const TICK_MS = 500;
/** Seconds of picture in the audience's live playlist. */
const LIVE_WINDOW_SEC = 6;
/** A blocking playlist reload looks at storage this often when another node runs the room's job. */
const BLOCKING_POLL_MS = 200;
/** A compositor that keeps dying is started again no sooner than this. */
const RESTART_BACKOFF_MS = 2000;

interface Current {
  run: CompositorRun;
  signature: string;
}

/** Storage keys (private area) of a room's broadcast: the event playlist and its segments. */
const prefixOf = (roomId: string) => `rooms/${roomId}/broadcast`;
/** The SFU subscriber the compositor is: never a person's id. */
const compositorSubscriberId = (roomId: string) => `compositor:${roomId}`;

/**
 * The broadcast tier of a live room. A job on the durable queue (one per room, keyed) runs the
 * compositor for as long as the room is live: it starts a compositor run for the stage's feeds,
 * starts a new one when the stage changes or ffmpeg dies, and ships each finished segment and
 * then the playlist to storage (segments first, so a playlist never names a missing file). If
 * the node dies, the queue gives the job to another node, which picks the playlist up from
 * storage and appends to it. Ending the room ends the job and closes the recording.
 */
export class RoomBroadcast {
  readonly kind: JobKind<BroadcastJob>;
  private readonly ffmpeg: string | null;
  /** Blocking playlist reloads waiting, per room, for this node's next shipment. */
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(private readonly deps: BroadcastDeps) {
    this.ffmpeg = deps.config.enabled ? (findMediaTools()?.ffmpeg ?? null) : null;
    this.kind = {
      name: 'room-broadcast',
      payload: BroadcastJob,
      // A live room outlives any single attempt; a crash is retried quickly, many times.
      retries: 1000,
      retryDelaySec: 1,
      timeoutSec: 24 * 3600,
      keyed: true,
    };
    deps.jobs.work(this.kind, {
      run: ({ roomId }, job) => this.run(roomId, job.signal),
      failed: async ({ roomId }, error) => deps.log.error({ roomId, error }, 'broadcast: gave up'),
    });
  }

  /** The audience is on the broadcast (rather than WebRTC) in this deployment. */
  get enabled(): boolean {
    return this.ffmpeg !== null;
  }

  /** The room went live: its compositor job starts (a no-op when it already has one). */
  async wentLive(roomId: string): Promise<void> {
    if (!this.enabled) return;
    await this.deps.jobs.enqueue(this.kind, { roomId }, { key: roomId });
    this.deps.jobs.wake(this.kind);
  }

  private async run(roomId: string, signal: AbortSignal): Promise<void> {
    const { repo, files, log, media } = this.deps;
    const ffmpeg = this.ffmpeg;
    if (!ffmpeg) return;
    const dir = path.join(files.scratchDir, 'broadcast', roomId);
    await mkdir(dir, { recursive: true });
    await this.restore(roomId, dir);
    const shipper = new Shipper(files, dir, prefixOf(roomId), () => this.shipped(roomId));
    // ffmpeg writes its playlist beside and renames it over the old one once a segment is complete:
    // shipping right then, rather than on the next tick, takes a quarter of a second (on average)
    // off the broadcast's latency.
    const watcher = watch(dir, (_event, name) => {
      if (name === playlistFile) shipper.ship().catch((err: unknown) => log.warn({ err, roomId }, 'broadcast: shipping failed'));
    });
    let current: Current | null = null;
    let lastStart = 0;
    try {
      while (!signal.aborted) {
        const room = await repo.room(roomId);
        if (!room || room.status !== 'live') break;
        const feeds = await this.feeds(room);
        const signature = JSON.stringify(feeds);
        if (needsRestart(current, signature)) {
          if (current) {
            await current.run.stop();
            await shipper.ship();
          }
          current = null;
          if (feeds.length > 0 && Date.now() - lastStart >= RESTART_BACKOFF_MS) {
            lastStart = Date.now();
            await media.ensureRoom(roomId);
            current = {
              run: await CompositorRun.start(
                {
                  sfu: this.deps.sfu,
                  roomId,
                  subscriberId: compositorSubscriberId(roomId),
                  dir,
                  ffmpeg,
                  picture: this.deps.config,
                  log,
                },
                feeds,
                Date.now(),
              ),
              signature,
            };
            log.info({ roomId, feeds: feeds.length, runId: current.run.id }, 'broadcast: compositor started');
          }
        }
        await shipper.ship();
        await sleep(TICK_MS, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      watcher.close();
      if (current) await current.run.stop();
      await shipper.ship();
    }
    if (!signal.aborted) {
      await this.closeRecording(roomId);
      await rm(dir, { recursive: true, force: true });
      log.info({ roomId }, 'broadcast: room ended, recording closed');
    }
  }

  /**
   * The room has ended and its recording is complete in storage: its length goes on the room
   * (which makes it a replay) and each product moment learns where it is in the recording. Read
   * from the stored playlist, so a retried job (or another node) computes the same; a room
   * without segments has no replay.
   */
  async closeRecording(roomId: string): Promise<void> {
    const { repo } = this.deps;
    const room = await repo.room(roomId);
    if (room?.status !== 'ended') return;
    const text = await this.storedPlaylist(roomId);
    const segments = text ? parsePlaylist(text).segments : [];
    if (!text || segments.length === 0) return;
    const durationMs = Math.round(segments.reduce((sum, s) => sum + s.durationSec, 0) * 1000);
    const moments = (await repo.momentsOf(roomId)).map((m) => {
      const at = offsetOf(text, m.at.getTime());
      return { id: m.id, replayOffsetMs: at === null ? null : Math.min(durationMs, Math.round(at * 1000)) };
    });
    await repo.closeReplay(roomId, durationMs, moments);
  }

  /** A job that moved here continues the playlist another node was writing. */
  private async restore(roomId: string, dir: string): Promise<void> {
    const local = path.join(dir, playlistFile);
    if (existsSync(local)) return;
    const key = `${prefixOf(roomId)}/${playlistFile}`;
    if (!(await this.deps.files.stat(key))) return;
    const copy = await this.deps.files.localCopy(key);
    try {
      await copyFile(copy.path, local);
    } finally {
      await copy.release();
    }
  }

  /** The stage as the broadcast shows it: who sends, in stage order, what they send now. */
  private async feeds(room: RoomRow): Promise<StageFeed[]> {
    const stage = (await this.deps.repo.stage(room.id)).filter((m) => m.publishing).slice(0, MAX_TILES);
    const people = await this.deps.accounts.summaries(stage.map((m) => m.userId));
    // A camera turned off sends (almost) no frames, which would hold the whole picture back: such a
    // tile shows the name on a dark background instead. The same for a microphone.
    return stage.map((m) => ({
      userId: m.userId,
      name: people.get(m.userId)?.displayName ?? '',
      video: m.camera && !m.cameraBlocked,
      audio: m.mic && !m.micBlocked,
    }));
  }

  /** The room's stored event playlist, or null before its first segment. */
  private async storedPlaylist(roomId: string): Promise<string | null> {
    const key = `${prefixOf(roomId)}/${playlistFile}`;
    if (!(await this.deps.files.stat(key))) return null;
    const chunks: Buffer[] = [];
    for await (const c of await this.deps.files.read(key)) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  /**
   * Who may watch sees the same bytes as everyone: answers for a public room may be kept by
   * shared caches (the nginx in `deploy/`, a CDN); any other room's stay private to the viewer.
   */
  private cacheScope(room: RoomRow): 'public' | 'private' {
    return room.audience === 'public' ? 'public' : 'private';
  }

  /**
   * The live window. With `msn` (a blocking reload, LL-HLS) the answer waits until segment `msn` is
   * listed, for at most three target durations: hls.js asks for the next segment as soon as it has
   * a playlist, so it learns of each segment the moment it is stored instead of up to a reload
   * interval later, and a cache in front (whose key has the query) collapses the audience's waits
   * into one request per segment and keeps the answer, which never changes.
   */
  async live(viewerId: string, roomId: string, msn?: number): Promise<{ body: string; cacheControl: string }> {
    const { room } = await this.deps.access.mustSee(viewerId, roomId);
    let text = await this.storedPlaylist(roomId);
    if (!text || parsePlaylist(text).segments.length === 0) throw new AppError('not_found', 'The broadcast has not started yet');
    let { segments, targetSec } = parsePlaylist(text);
    const ended = room.status === 'ended';
    const window = Math.max(3, Math.ceil(LIVE_WINDOW_SEC / this.deps.config.segmentSec));
    const scope = this.cacheScope(room);
    // Further ahead than the next two segments is no reload anyone following the edge asks for.
    if (msn !== undefined && !ended && msn >= segments.length && msn <= segments.length + 1) {
      const deadline = Date.now() + 3 * targetSec * 1000;
      while (msn >= segments.length && Date.now() < deadline) {
        await this.nextShipment(roomId, Math.min(BLOCKING_POLL_MS, deadline - Date.now()));
        text = (await this.storedPlaylist(roomId)) ?? text;
        ({ segments, targetSec } = parsePlaylist(text));
      }
      if (msn < segments.length) return { body: livePlaylist(text, window, false), cacheControl: `${scope}, max-age=10` };
    }
    // About one segment: a cache answers the audience, the origin sees a request per segment.
    return { body: livePlaylist(text, window, ended), cacheControl: `${scope}, max-age=${ended ? 60 : 1}` };
  }

  /** Resolves at this node's next shipment of the room's playlist, or after `ms`. */
  private nextShipment(roomId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiting.get(roomId) ?? new Set<() => void>();
      this.waiting.set(roomId, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.waiting.get(roomId) === set) this.waiting.delete(roomId);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      set.add(done);
    });
  }

  private shipped(roomId: string): void {
    for (const done of [...(this.waiting.get(roomId) ?? [])]) done();
  }

  async replay(viewerId: string, roomId: string): Promise<{ body: string; cacheControl: string }> {
    const { room } = await this.deps.access.mustSee(viewerId, roomId);
    const text = await this.storedPlaylist(roomId);
    if (!text || parsePlaylist(text).segments.length === 0) throw new AppError('not_found', 'This room has no recording');
    const ended = room.status === 'ended';
    return { body: replayPlaylist(text, ended), cacheControl: `${this.cacheScope(room)}, max-age=${ended ? 3600 : 1}` };
  }

  /** The storage key of a segment this viewer may fetch; segments never change once written. */
  async segment(viewerId: string, roomId: string, name: string): Promise<{ key: string; cacheControl: string }> {
    if (!SEGMENT_NAME.test(name)) throw new AppError('not_found', 'No such segment');
    const { room } = await this.deps.access.mustSee(viewerId, roomId);
    return { key: `${prefixOf(roomId)}/${name}`, cacheControl: `${this.cacheScope(room)}, max-age=31536000, immutable` };
  }
}

function needsRestart(current: Current | null, signature: string): boolean {
  return current === null || current.run.done || current.signature !== signature;
}

/** Moves finished segments from ffmpeg's directory into storage, then the playlist naming them. */
class Shipper {
  private readonly shipped = new Set<string>();
  private lastPlaylist = '';
  private tail: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;

  constructor(
    private readonly files: PrivateFiles,
    private readonly dir: string,
    private readonly prefix: string,
    private readonly onShipped: () => void,
  ) {}

  /** One shipment at a time; calls made while one runs share the next, which reads the playlist afresh. */
  ship(): Promise<void> {
    this.queued ??= this.tail.then(() => {
      this.queued = null;
      return this.shipOnce();
    });
    this.tail = this.queued.catch(() => undefined);
    return this.queued;
  }

  private async shipOnce(): Promise<void> {
    const local = path.join(this.dir, playlistFile);
    const text = await readFile(local, 'utf8').catch(() => '');
    if (!text || text === this.lastPlaylist) return;
    for (const s of parsePlaylist(text).segments) {
      if (this.shipped.has(s.uri)) continue;
      const file = path.join(this.dir, s.uri);
      // Already moved by an earlier run of this job (the playlist carries every segment since the start).
      if (existsSync(file)) await this.files.putFile(`${this.prefix}/${s.uri}`, file);
      this.shipped.add(s.uri);
    }
    const copy = path.join(this.dir, `ship-${Date.now()}.m3u8`);
    await writeFile(copy, withRunTimes(text));
    await this.files.putFile(`${this.prefix}/${playlistFile}`, copy);
    this.lastPlaylist = text;
    this.onShipped();
  }
}
