import type { CreateRoomBody, Room, RoomSummary } from '@tremolo/protocol';
import { AppError, forbidden } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RoomAccess } from './access.ts';
import type { RoomBroadcast } from './broadcast.ts';
import type { RoomChanges } from './changes.ts';
import { iso, type RoomsDeps } from './context.ts';
import { processRoomCover } from './cover.ts';
import type { LiveCounts } from './live-counts.ts';
import type { RoomMedia } from './media.ts';
import type { RoomNotices } from './notifications.ts';
import type { RoomReservations } from './reservations.ts';
import { RoomsRepo } from './repo.ts';
import type { RoomViews } from './views.ts';

const MAX_SCHEDULE_MS = 30 * 86_400_000;
/** Storage keys of a room's uploaded covers; the room row keeps only the URL. */
const coverPrefix = (roomId: string) => `rooms/${roomId}/`;

type LifecycleDeps = Pick<RoomsDeps, 'db' | 'repo' | 'groups' | 'videos' | 'shop' | 'storage' | 'limits' | 'log'> & {
  access: RoomAccess;
  changes: RoomChanges;
  media: RoomMedia;
  counts: LiveCounts;
  notices: RoomNotices;
  views: RoomViews;
  broadcast: RoomBroadcast;
  reservations: RoomReservations;
};

/** A room from opening (now or scheduled) through going live to its end, its cover, and the host's summary. */
export class RoomLifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  async create(userId: string, body: CreateRoomBody): Promise<Room> {
    const { limits, groups, videos, db } = this.deps;
    await limits.consume('roomsCreated', userId);
    if (body.audience === 'group') {
      const g = await groups.get(userId, body.groupId!);
      if (g.owner.id !== userId) throw forbidden('A room for a fan group must be opened by the group’s owner');
    }
    let coverUrl: string | null = null;
    if (body.coverVideoId) {
      const v = await videos.get(userId, body.coverVideoId);
      if (v.author.id !== userId) throw new AppError('forbidden', 'The cover must be one of your own videos');
      coverUrl = v.posterUrl;
    }
    let scheduledAt: Date | null = null;
    if (body.scheduledAt) {
      scheduledAt = new Date(body.scheduledAt);
      const ahead = scheduledAt.getTime() - Date.now();
      if (ahead <= 0 || ahead > MAX_SCHEDULE_MS)
        throw new AppError('validation_failed', 'A room is scheduled in the future, within 30 days', [
          { path: 'scheduledAt', message: 'in the future, within 30 days' },
        ]);
    }
    const id = newId();
    const now = new Date();
    await db.transaction(async (tx) => {
      const repo = new RoomsRepo(tx);
      await repo.insertRoom({
        id,
        creatorId: userId,
        hostId: userId,
        title: body.title,
        coverUrl,
        audience: body.audience,
        groupId: body.groupId ?? null,
        status: scheduledAt ? 'scheduled' : 'live',
        scheduledAt,
        startedAt: scheduledAt ? null : now,
        version: 1,
      });
      await repo.enter(id, userId, 'host');
    });
    if (!scheduledAt) await this.wentLive(id);
    return this.deps.views.get(userId, id);
  }

  /**
   * The host uploads a cover image (before the room starts or while it is live). It is not part
   * of the versioned state: the list, the card and the room page read it when they load.
   */
  async setCover(userId: string, id: string, bytes: Buffer): Promise<Room> {
    const { storage, log } = this.deps;
    const room = await this.deps.access.mustRoom(id);
    if (room.hostId !== userId && room.creatorId !== userId) throw forbidden('Only the host changes the cover');
    if (room.status === 'ended') throw new AppError('invalid_state', 'This room has ended');
    const webp = await processRoomCover(bytes);
    const key = `${coverPrefix(id)}cover-${Date.now().toString(36)}.webp`;
    await storage.put(key, webp);
    await this.deps.repo.updateRoom(id, { coverUrl: storage.url(key) });
    // Only files we stored for this room are ours to delete (a video poster belongs to the video).
    const old = room.coverUrl?.startsWith(storage.url(coverPrefix(id))) ? room.coverUrl.slice(storage.url(coverPrefix(id)).length) : null;
    if (old)
      await storage.remove(coverPrefix(id) + old).catch((err: unknown) => log.warn({ err, roomId: id }, 'room: old cover not removed'));
    return this.deps.views.get(userId, id);
  }

  /** A scheduled room goes live (host only). */
  async startRoom(userId: string, id: string): Promise<Room> {
    await this.deps.changes.mutate(id, async (repo, room) => {
      if (room.hostId !== userId) throw forbidden('Only the host starts the room');
      if (room.status !== 'scheduled')
        throw new AppError('invalid_state', room.status === 'live' ? 'The room is already live' : 'The room has ended');
      await repo.updateRoom(id, { status: 'live', startedAt: new Date() });
      return { dirty: { status: true } };
    });
    await this.wentLive(id);
    await this.deps.reservations
      .roomStarted(id)
      .catch((err: unknown) => this.deps.log.warn({ err, roomId: id }, 'room: reservers notification not queued'));
    return this.deps.views.get(userId, id);
  }

  async end(userId: string, id: string): Promise<RoomSummary> {
    await this.deps.changes.mutate(id, async (repo, room) => {
      if (room.hostId !== userId) throw forbidden('Only the host ends the room');
      if (room.status === 'ended') throw new AppError('invalid_state', 'The room has already ended');
      await repo.updateRoom(id, { status: 'ended', endedAt: new Date() });
      await repo.clearStage(id);
      return { dirty: { status: true, stage: true, hands: true } };
    });
    // Everyone has been told; the media goes last so the "ended" screen comes before black tiles.
    this.deps.counts.forget(id);
    await this.deps.media.closeRoom(id);
    return this.summary(userId, id);
  }

  /** The host's (and the creator's) numbers for the room, during or after it. */
  async summary(userId: string, id: string): Promise<RoomSummary> {
    const { repo, shop, counts } = this.deps;
    const room = await this.deps.access.mustRoom(id);
    if (userId !== room.hostId && userId !== room.creatorId) throw forbidden('Only the host sees the room’s summary');
    const [viewers, total, sales] = await Promise.all([
      repo.viewers(id),
      repo.totalViewers(id, room.creatorId),
      shop.insights.surfaceSales('room', id),
    ]);
    const end = room.endedAt ?? new Date();
    return {
      roomId: id,
      title: room.title,
      startedAt: iso(room.startedAt),
      endedAt: iso(room.endedAt),
      durationMs: room.startedAt ? Math.max(0, end.getTime() - room.startedAt.getTime()) : 0,
      peakViewers: Math.max(room.peakViewers, viewers),
      totalViewers: total,
      messages: room.messages,
      hearts: room.hearts + (await counts.pendingHeartsOf(id)),
      orders: sales.orders,
      revenue: sales.revenue,
    };
  }

  private async wentLive(id: string): Promise<void> {
    const { media, notices, log, broadcast } = this.deps;
    await media.ensureRoom(id).catch((err: unknown) => log.warn({ err, roomId: id }, 'room: SFU room not opened yet'));
    await broadcast.wentLive(id).catch((err: unknown) => log.warn({ err, roomId: id }, 'room: broadcast job not queued'));
    // Followers hear of it in the background: a host with many followers must not wait for them.
    void notices.wentLive(id).catch((err: unknown) => log.warn({ err, roomId: id }, 'room: live notifications failed'));
  }
}
