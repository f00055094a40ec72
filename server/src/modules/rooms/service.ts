import type { Limits } from '../../platform/auth/limits.ts';
import {
  MAX_HANDS_SHOWN,
  type CardSection,
  type ChannelEvent,
  type CreateRoomBody,
  type EventFrame,
  type GuestActionBody,
  type IceServer,
  type ProductCard,
  type PublishBody,
  type Room,
  type RoomInfo,
  type RoomList,
  type RoomMe,
  type RoomState,
  type RoomSummary,
  type StageMember,
  type SubscribeOffer,
  type UserSummary,
  type VersionedRoomEvent,
  type VideoLayer,
} from '@tremolo/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../platform/db/client.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RateLimit } from '../../platform/auth/rate-limit.ts';
import type { Realtime } from '../../platform/realtime/realtime.ts';
import type { Storage } from '../../platform/storage.ts';
import type { EventStore } from '../../platform/realtime/store.ts';
import type { SfuAdapter, SfuEvent } from '../../platform/media/sfu.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { UserRow } from '../accounts/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { GroupsService } from '../groups/service.ts';
import type { FansService } from '../fans/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import type { ShopService } from '../shop/service.ts';
import type { VideosService } from '../videos/service.ts';
import { RoomsRepo, type MemberPatch, type MemberRow, type RoomRow } from './repo.ts';
import { assertStageRoom, isOnStage, mayPublish, planGuestAction, planTransfer, type Party } from './rules.ts';
import { assertUsableSdp, sfuFailure } from './sfu-errors.ts';
import { processRoomCover } from './cover.ts';

const channelOf = (roomId: string) => `room:${roomId}`;
const linkOf = (roomId: string) => `/r/${roomId}`;
/** Storage keys of a room's uploaded covers; the room row keeps only the URL. */
const coverPrefix = (roomId: string) => `rooms/${roomId}/`;

const MAX_SCHEDULE_MS = 30 * 86_400_000;
/** Followers told that a room went live, at most (the rest find it on the card). */
const MAX_LIVE_NOTIFICATIONS = 5000;
const TICK_MS = 1000;

export interface RoomsDeps {
  db: Db;
  accounts: AccountsService;
  graph: GraphService;
  groups: GroupsService;
  fans: FansService;
  notifications: NotificationsService;
  shop: ShopService;
  videos: VideosService;
  realtime: Realtime;
  store: EventStore;
  sfu: SfuAdapter;
  storage: Storage;
  chatLimit: RateLimit;
  heartLimit: RateLimit;
  limits: Limits;
  iceServers: IceServer[];
  log: FastifyBaseLogger;
  /** This node's id, recorded beside the presence it holds. */
  nodeId: string;
}

/** Parts of the state a change touched; each becomes one versioned event. */
interface Dirty {
  status?: boolean;
  stage?: boolean;
  hands?: boolean;
  pinned?: boolean;
}

/** What a change read under the lock, turned into events after the commit. */
interface Captured {
  room: RoomRow;
  first: number;
  status: boolean;
  stage: MemberRow[] | null;
  invites: MemberRow[] | null;
  hands: { rows: MemberRow[]; total: number } | null;
  pinned: boolean;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Friends chat rooms: who is on stage, raised hands, invites, the pinned product, and the
 * media permissions that follow from them. The truth is the `rooms` row and its members in
 * Postgres; every change runs under the room's row lock, bumps its version once per event and
 * publishes those events on `room:<id>` (durable), so any node can serve any request. What a
 * node keeps in memory is only its own: sockets it hosts (presence), hearts not yet added,
 * and the SFU rooms it opened (werift media lives in the process that runs it).
 */
export class RoomsService {
  private readonly repo: RoomsRepo;
  /** Rooms whose SFU room this node opened. */
  private readonly opened = new Set<string>();
  /** People listening to `room:<id>` through this node. */
  private readonly local = new Map<string, Set<string>>();
  private readonly viewersDirty = new Set<string>();
  private readonly pendingHearts = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(private readonly d: RoomsDeps) {
    this.repo = new RoomsRepo(d.db);
    d.sfu.onEvent((e) => void this.onSfuEvent(e).catch((err: unknown) => d.log.warn({ err }, 'room: SFU event not applied')));
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = this.tick()
        .catch((err: unknown) => this.d.log.warn({ err }, 'room: tick failed'))
        .finally(() => (this.ticking = null));
    }, TICK_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    await this.tick().catch(() => undefined);
  }

  // ------------------------------------------------------------------ rooms

  async create(userId: string, body: CreateRoomBody): Promise<Room> {
    await this.d.limits.consume('roomsCreated', userId);
    if (body.audience === 'group') {
      const g = await this.d.groups.get(userId, body.groupId!);
      if (g.owner.id !== userId) throw forbidden('A room for a fan group must be opened by the group’s owner');
    }
    let coverUrl: string | null = null;
    if (body.coverVideoId) {
      const v = await this.d.videos.get(userId, body.coverVideoId);
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
    await this.d.db.transaction(async (tx) => {
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
    return this.get(userId, id);
  }

  /**
   * The host uploads a cover image (before the room starts or while it is live). It is not part
   * of the versioned state: the list, the card and the room page read it when they load.
   */
  async setCover(userId: string, id: string, bytes: Buffer): Promise<Room> {
    const room = await this.mustRoom(id);
    if (room.hostId !== userId && room.creatorId !== userId) throw forbidden('Only the host changes the cover');
    if (room.status === 'ended') throw new AppError('invalid_state', 'This room has ended');
    const webp = await processRoomCover(bytes);
    const key = `${coverPrefix(id)}cover-${Date.now().toString(36)}.webp`;
    await this.d.storage.put(key, webp);
    await this.repo.updateRoom(id, { coverUrl: this.d.storage.url(key) });
    // Only files we stored for this room are ours to delete (a video poster belongs to the video).
    const old = room.coverUrl?.startsWith(this.d.storage.url(coverPrefix(id)))
      ? room.coverUrl.slice(this.d.storage.url(coverPrefix(id)).length)
      : null;
    if (old)
      await this.d.storage
        .remove(coverPrefix(id) + old)
        .catch((err: unknown) => this.d.log.warn({ err, roomId: id }, 'room: old cover not removed'));
    return this.get(userId, id);
  }

  /** A scheduled room goes live (host only). */
  async startRoom(userId: string, id: string): Promise<Room> {
    await this.mutate(id, async (repo, room) => {
      if (room.hostId !== userId) throw forbidden('Only the host starts the room');
      if (room.status !== 'scheduled')
        throw new AppError('invalid_state', room.status === 'live' ? 'The room is already live' : 'The room has ended');
      await repo.updateRoom(id, { status: 'live', startedAt: new Date() });
      return { dirty: { status: true } };
    });
    await this.wentLive(id);
    return this.get(userId, id);
  }

  async end(userId: string, id: string): Promise<RoomSummary> {
    const publishing: string[] = [];
    await this.mutate(id, async (repo, room) => {
      if (room.hostId !== userId) throw forbidden('Only the host ends the room');
      if (room.status === 'ended') throw new AppError('invalid_state', 'The room has already ended');
      publishing.push(...(await repo.stage(id)).filter((m) => m.publishing).map((m) => m.userId));
      await repo.updateRoom(id, { status: 'ended', endedAt: new Date() });
      await repo.clearStage(id);
      return { dirty: { status: true, stage: true, hands: true } };
    });
    // Everyone has been told; the media goes last so the "ended" screen comes before black tiles.
    this.local.delete(id);
    this.opened.delete(id);
    await this.d.sfu.closeRoom(id).catch((err: unknown) => this.d.log.warn({ err, roomId: id }, 'room: SFU room not closed'));
    return this.summary(userId, id);
  }

  /** The host's (and the creator's) numbers for the room, during or after it. */
  async summary(userId: string, id: string): Promise<RoomSummary> {
    const room = await this.mustRoom(id);
    if (userId !== room.hostId && userId !== room.creatorId) throw forbidden('Only the host sees the room’s summary');
    const [viewers, total, sales] = await Promise.all([
      this.repo.viewers(id),
      this.repo.totalViewers(id, room.creatorId),
      this.d.shop.insights.surfaceSales('room', id),
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
      hearts: room.hearts + (this.pendingHearts.get(id) ?? 0),
      orders: sales.orders,
      revenue: sales.revenue,
    };
  }

  async get(viewerId: string, id: string): Promise<Room> {
    const room = await this.mustRoom(id);
    const me = await this.repo.member(id, viewerId);
    if (!me?.joined) await this.assertMayEnter(viewerId, room, me);
    const [info, state] = await Promise.all([this.info(room), this.state(room)]);
    return {
      ...info,
      state,
      me: this.meOf(room, me, state),
      media: { adapter: this.d.sfu.name, iceServers: this.d.iceServers },
      serverTime: Date.now(),
    };
  }

  /** The snapshot a (re)connecting client rebuilds its view from. */
  async snapshot(viewerId: string, id: string): Promise<RoomState> {
    const room = await this.mustRoom(id);
    const me = await this.repo.member(id, viewerId);
    if (!me?.joined) await this.assertMayEnter(viewerId, room, me);
    return this.state(room);
  }

  async list(viewerId: string, filter: 'live' | 'mine', cursor: string | undefined, limit: number): Promise<RoomList> {
    const rows = filter === 'mine' ? await this.repo.roomsOf(viewerId, cursor, limit) : await this.repo.liveRooms(cursor, limit);
    const visible: RoomRow[] = [];
    for (const r of rows)
      if (filter === 'mine' || (await this.mayEnter(viewerId, r, await this.repo.member(r.id, viewerId))) === null) visible.push(r);
    const items = await Promise.all(visible.map(async (r) => ({ ...(await this.info(r)), viewers: await this.repo.viewers(r.id) })));
    return { items, nextCursor: rows.length === limit ? rows[rows.length - 1]!.id : null };
  }

  async join(userId: string, id: string): Promise<Room> {
    const room = await this.mustRoom(id);
    if (room.status === 'ended') throw new AppError('invalid_state', 'This room has ended');
    const me = await this.repo.member(id, userId);
    if (!me?.joined) {
      await this.assertMayEnter(userId, room, me);
      await this.repo.enter(id, userId);
    }
    return this.get(userId, id);
  }

  /** Leaves the room (a guest leaves the stage too); the host stays host and may come back. */
  async leave(userId: string, id: string): Promise<void> {
    let stop = false;
    await this.mutate(id, async (repo) => {
      const m = await repo.member(id, userId);
      if (!m?.joined) return { dirty: {} };
      const dirty: Dirty = {};
      const patch: MemberPatch = { joined: false };
      if (m.role === 'guest' || m.role === 'cohost') {
        Object.assign(patch, offStage);
        dirty.stage = true;
        stop = true;
      }
      if (m.handRaisedAt) {
        patch.handRaisedAt = null;
        dirty.hands = true;
      }
      await repo.updateMember(id, userId, patch);
      return { dirty };
    });
    if (stop) await this.quietly(() => this.d.sfu.unpublish(id, userId));
    await this.quietly(() => this.d.sfu.leave(id, userId));
  }

  // ------------------------------------------------------------------ stage

  async raiseHand(userId: string, id: string, raised: boolean): Promise<void> {
    await this.mutate(id, async (repo, room) => {
      const m = await this.mustJoined(repo, id, userId);
      if (raised && room.status !== 'live') throw new AppError('invalid_state', 'The room is not live');
      if (raised && m.role !== 'audience') throw new AppError('invalid_state', 'You are already on stage');
      if (raised === (m.handRaisedAt !== null)) return { dirty: {} };
      await repo.updateMember(id, userId, { handRaisedAt: raised ? new Date() : null });
      return { dirty: { hands: true } };
    });
  }

  async answerHand(hostId: string, id: string, targetId: string, accept: boolean): Promise<void> {
    await this.mutate(id, async (repo, room) => {
      this.mustHost(room, hostId);
      const t = await repo.member(id, targetId);
      if (!t?.handRaisedAt || !t.joined) throw new AppError('not_found', 'That person has not raised a hand');
      if (!accept) {
        await repo.updateMember(id, targetId, { handRaisedAt: null });
        return { dirty: { hands: true } };
      }
      if (room.status !== 'live') throw new AppError('invalid_state', 'The room is not live');
      assertStageRoom(await repo.stageCount(id));
      await repo.updateMember(id, targetId, { ...onStage(), invitedAt: null });
      return { dirty: { hands: true, stage: true } };
    });
  }

  async invite(hostId: string, id: string, targetId: string): Promise<void> {
    // Asked before taking the lock: other services read through their own connection.
    const friends = targetId !== hostId && (await this.d.graph.areFriends(hostId, targetId));
    const room = await this.mutate(id, async (repo, room) => {
      this.mustHost(room, hostId);
      if (room.status === 'ended') throw new AppError('invalid_state', 'This room has ended');
      if (targetId === hostId) throw new AppError('bad_request', 'You are already on stage');
      if (!friends) throw forbidden('You can invite friends (people you follow who follow you back)');
      const t = await repo.member(id, targetId);
      if (t?.bannedAt) throw new AppError('invalid_state', 'That person is banned from this room');
      if (t && isOnStage(t.role)) throw new AppError('invalid_state', 'That person is already on stage');
      assertStageRoom(await repo.stageCount(id));
      await repo.invite(id, targetId);
      return { dirty: { stage: true } };
    });
    const actor = (await this.d.accounts.summaries([hostId])).get(hostId);
    if (actor) await this.d.notifications.notify(targetId, { kind: 'room_invite', actor, roomId: id, title: room.title });
  }

  /** The invitee accepts (comes on stage, entering the room if needed) or declines. */
  async answerInvite(userId: string, id: string, accept: boolean): Promise<Room> {
    await this.mutate(id, async (repo, room) => {
      const m = await repo.member(id, userId);
      if (!m?.invitedAt) throw new AppError('not_found', 'You have no invitation to this room’s stage');
      if (!accept) {
        await repo.updateMember(id, userId, { invitedAt: null });
        return { dirty: { stage: true } };
      }
      if (room.status !== 'live') throw new AppError('invalid_state', 'The room is not live');
      if (m.bannedAt) throw forbidden('You are banned from this room');
      assertStageRoom(await repo.stageCount(id));
      await repo.enter(id, userId);
      await repo.updateMember(id, userId, { ...onStage(), invitedAt: null });
      return { dirty: { stage: true, hands: m.handRaisedAt !== null } };
    });
    return this.get(userId, id);
  }

  async leaveStage(userId: string, id: string): Promise<void> {
    let stop = false;
    await this.mutate(id, async (repo) => {
      const m = await this.mustJoined(repo, id, userId);
      if (m.role === 'host')
        throw new AppError('invalid_state', 'The host stays on stage: hand the host role to the co-host or end the room');
      if (m.role === 'audience') return { dirty: {} };
      stop = true;
      await repo.updateMember(id, userId, offStage);
      return { dirty: { stage: true } };
    });
    if (stop) await this.quietly(() => this.d.sfu.unpublish(id, userId));
  }

  /** My own mic/camera switches, shown on my tile. */
  async setMedia(userId: string, id: string, media: { mic?: boolean | undefined; camera?: boolean | undefined }): Promise<void> {
    await this.mutate(id, async (repo) => {
      const m = await this.mustJoined(repo, id, userId);
      if (!isOnStage(m.role)) throw new AppError('invalid_state', 'You are not on stage');
      const patch: MemberPatch = {};
      if (media.mic !== undefined && media.mic !== m.mic) patch.mic = media.mic;
      if (media.camera !== undefined && media.camera !== m.camera) patch.camera = media.camera;
      if (Object.keys(patch).length === 0) return { dirty: {} };
      await repo.updateMember(id, userId, patch);
      return { dirty: { stage: true } };
    });
  }

  async guestAction(hostId: string, id: string, targetId: string, body: GuestActionBody): Promise<void> {
    let target: MemberRow | undefined;
    let plan: ReturnType<typeof planGuestAction> | undefined;
    await this.mutate(id, async (repo, room) => {
      const actor = await repo.member(id, hostId);
      target = await repo.member(id, targetId);
      plan = planGuestAction(partyOf(room, hostId, actor), target && partyOf(room, targetId, target), body.action);
      const t = target!;
      const dirty: Dirty = {};
      const patch: MemberPatch = {};
      if (plan.replacesCohost) await repo.demoteCohost(id);
      if (plan.role && plan.role !== t.role) {
        Object.assign(patch, plan.role === 'audience' ? offStage : { role: plan.role });
        dirty.stage = true;
      }
      if (plan.micBlocked !== undefined && plan.micBlocked !== t.micBlocked) {
        patch.micBlocked = plan.micBlocked;
        dirty.stage = true;
      }
      if (plan.cameraBlocked !== undefined && plan.cameraBlocked !== t.cameraBlocked) {
        patch.cameraBlocked = plan.cameraBlocked;
        dirty.stage = true;
      }
      if (plan.banned !== undefined) patch.bannedAt = plan.banned ? new Date() : null;
      if (plan.leaveRoom || plan.banned) {
        Object.assign(patch, { joined: false, handRaisedAt: null, invitedAt: null });
        if (t.handRaisedAt) dirty.hands = true;
        if (t.invitedAt) dirty.stage = true;
      }
      if (Object.keys(patch).length) await repo.updateMember(id, targetId, patch);
      return { dirty };
    });
    const t = target!;
    const p = plan!;
    // Media follows the decision at once: a guest sent back, kicked or banned stops reaching anyone.
    // Even when the row says they are not sending: a publish may be in flight on another request.
    if (p.stopMedia) await this.quietly(() => this.d.sfu.unpublish(id, targetId));
    if (p.forwarding && t.publishing)
      await this.quietly(() => this.d.sfu.setForwarding(id, targetId, p.forwarding!.kind, p.forwarding!.enabled));
    if (p.leaveRoom) {
      await this.quietly(() => this.d.sfu.leave(id, targetId));
      const user = (await this.d.accounts.summaries([targetId])).get(targetId) ?? null;
      // The gateway stops the person's sockets listening once this event has gone out, on every node.
      await this.d.realtime.publish(channelOf(id), { kind: 'member', event: p.banned ? 'banned' : 'removed', user });
    }
  }

  /** The host role goes to the co-host; the old host stays on stage as a guest. */
  async transferHost(hostId: string, id: string, targetId: string): Promise<Room> {
    await this.mutate(id, async (repo, room) => {
      const plan = planTransfer(partyOf(room, hostId, await repo.member(id, hostId)), await this.partyIn(repo, room, targetId));
      await repo.updateRoom(id, { hostId: plan.newHost });
      await repo.updateMember(id, plan.newHost, { role: 'host' });
      await repo.updateMember(id, hostId, { role: plan.oldHostRole });
      return { dirty: { stage: true } };
    });
    return this.get(hostId, id);
  }

  async pin(hostId: string, id: string, productId: string | null): Promise<void> {
    this.mustHost(await this.mustRoom(id), hostId);
    if (productId) {
      await this.d.shop.catalog.owned(hostId, productId);
      const [card] = await this.d.shop.catalog.cards([productId]);
      if (!card) throw new AppError('invalid_state', 'Publish the product before pinning it');
    }
    await this.mutate(id, async (repo, room) => {
      this.mustHost(room, hostId);
      if (room.status === 'ended') throw new AppError('invalid_state', 'This room has ended');
      if (room.pinnedProductId === productId) return { dirty: {} };
      await repo.updateRoom(id, { pinnedProductId: productId });
      return { dirty: { pinned: true } };
    });
  }

  /** Hearts are added up here and broadcast as one total per room at most once a second. */
  async hearts(userId: string, id: string, count: number): Promise<void> {
    const room = await this.mustRoom(id);
    const m = await this.repo.member(id, userId);
    if (!m?.joined) throw forbidden('Enter the room first');
    if (room.status !== 'live') throw new AppError('invalid_state', 'The room is not live');
    await this.d.heartLimit.consume(`${id}:${userId}`, 'heart posts in this room');
    this.pendingHearts.set(id, (this.pendingHearts.get(id) ?? 0) + count);
  }

  async messages(viewerId: string, id: string, before: number | undefined, limit: number): Promise<{ items: EventFrame[]; head: number }> {
    const room = await this.mustRoom(id);
    const me = await this.repo.member(id, viewerId);
    if (!me?.joined) await this.assertMayEnter(viewerId, room, me);
    const ch = channelOf(id);
    const head = await this.d.store.head(ch);
    const upTo = Math.min(head, (before ?? head + 1) - 1);
    const items = upTo > 0 ? await this.d.store.range(ch, Math.max(0, upTo - limit), upTo, limit) : [];
    return { items: items.filter((f) => f.body.kind === 'chat'), head };
  }

  // ------------------------------------------------------------------ signalling

  async publish(userId: string, id: string, offerSdp: string): Promise<{ answerSdp: string }> {
    const room = await this.mustRoom(id);
    const m = await this.repo.member(id, userId);
    if (!m || !mayPublish(m.role, m.joined)) throw forbidden('Only the host and guests on stage can send video');
    if (room.status !== 'live') throw new AppError('invalid_state', 'The room is not live');
    assertUsableSdp(offerSdp, 'offerSdp');
    await this.ensureSfuRoom(id);
    const answer = await this.sfuCall(() => this.d.sfu.publish(id, userId, offerSdp));
    let still: MemberRow | undefined;
    await this.mutate(id, async (repo) => {
      still = await repo.member(id, userId);
      if (!still || !mayPublish(still.role, still.joined)) return { dirty: {} };
      if (still.publishing) return { dirty: {} };
      await repo.updateMember(id, userId, { publishing: true });
      return { dirty: { stage: true } };
    });
    // Taken off stage while the offer was being answered: the feed never goes out.
    if (!still || !mayPublish(still.role, still.joined)) {
      await this.quietly(() => this.d.sfu.unpublish(id, userId));
      throw forbidden('You are no longer on stage');
    }
    if (still.micBlocked) await this.quietly(() => this.d.sfu.setForwarding(id, userId, 'audio', false));
    if (still.cameraBlocked) await this.quietly(() => this.d.sfu.setForwarding(id, userId, 'video', false));
    return { answerSdp: answer.answerSdp };
  }

  async unpublish(userId: string, id: string): Promise<void> {
    await this.mutate(id, async (repo) => {
      const m = await repo.member(id, userId);
      if (!m?.publishing) return { dirty: {} };
      await repo.updateMember(id, userId, { publishing: false });
      return { dirty: { stage: true } };
    });
    await this.quietly(() => this.d.sfu.unpublish(id, userId));
  }

  async subscribe(userId: string, id: string, publisherIds: string[] | undefined): Promise<SubscribeOffer> {
    const room = await this.mustRoom(id);
    const m = await this.repo.member(id, userId);
    if (!m?.joined || m.bannedAt) throw forbidden('Enter the room first');
    if (room.status !== 'live') throw new AppError('invalid_state', 'The room is not live');
    const live = new Set((await this.repo.stage(id)).filter((s) => s.publishing).map((s) => s.userId));
    const ids = publisherIds ? [...new Set(publisherIds)] : [...live].filter((p) => p !== userId);
    const missing = ids.filter((p) => !live.has(p));
    if (missing.length)
      throw new AppError(
        'media_not_live',
        'Some of them are not sending video now',
        missing.map((p) => ({ path: 'publisherIds', message: `${p} is not publishing` })),
      );
    if (ids.length === 0) {
      // An offer with no feeds is a connection carrying nothing (and Janus refuses one outright):
      // close what I had and say so; the client subscribes again when a stage event shows a feed.
      await this.quietly(() => this.d.sfu.leave(id, userId));
      throw new AppError('media_not_live', 'Nobody on stage is sending video yet');
    }
    await this.ensureSfuRoom(id);
    try {
      return await this.sfuCall(() => this.d.sfu.subscribe(id, userId, ids));
    } catch (err) {
      // The feed went away between our read and the SFU's (its publisher_gone is on its way).
      if (err instanceof AppError && err.code === 'media_not_live') await this.quietly(() => this.d.sfu.leave(id, userId));
      throw err;
    }
  }

  async answerSubscription(userId: string, id: string, answerSdp: string): Promise<void> {
    await this.mustListener(userId, id);
    assertUsableSdp(answerSdp, 'answerSdp');
    await this.sfuCall(() => this.d.sfu.answerSubscription(id, userId, answerSdp));
  }

  async setLayer(userId: string, id: string, publisherId: string, layer: VideoLayer): Promise<void> {
    await this.mustListener(userId, id);
    await this.sfuCall(() => this.d.sfu.setLayer(id, userId, publisherId, layer));
  }

  async unsubscribe(userId: string, id: string): Promise<void> {
    await this.mustRoom(id);
    await this.quietly(() => this.d.sfu.leave(id, userId));
  }

  private async mustListener(userId: string, id: string): Promise<void> {
    await this.mustRoom(id);
    const m = await this.repo.member(id, userId);
    if (!m?.joined || m.bannedAt) throw forbidden('Enter the room first');
  }

  private async ensureSfuRoom(id: string): Promise<void> {
    if (this.opened.has(id)) return;
    await this.sfuCall(() => this.d.sfu.openRoom(id));
    this.opened.add(id);
  }

  /** The SFU's refusals (a bad SDP, an unknown peer, a feed gone) are the client's to see and act on, not a 500. */
  private async sfuCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const mapped = sfuFailure(err);
      if (mapped !== err) this.d.log.warn({ err, code: mapped.code }, 'room: SFU refused');
      throw mapped;
    }
  }

  /** Stopping media that is already gone is not an error worth telling anyone. */
  private async quietly(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.d.log.debug({ err }, 'room: SFU cleanup');
    }
  }

  private async onSfuEvent(e: SfuEvent): Promise<void> {
    if (e.type !== 'publisher_gone') return;
    await this.mutate(e.roomId, async (repo) => {
      const m = await repo.member(e.roomId, e.publisherId);
      if (!m?.publishing) return { dirty: {} };
      await repo.updateMember(e.roomId, e.publisherId, { publishing: false });
      return { dirty: { stage: true } };
    });
  }

  // ------------------------------------------------------------------ realtime

  async canSubscribe(userId: string, id: string): Promise<boolean> {
    const [room, m] = await Promise.all([this.repo.room(id), this.repo.member(id, userId)]);
    if (!room || room.status === 'ended' || !m?.joined || m.bannedAt) return false;
    let here = this.local.get(id);
    if (!here) this.local.set(id, (here = new Set()));
    if (!here.has(userId)) {
      here.add(userId);
      await this.repo.addPresence(id, userId, this.d.nodeId);
      this.viewersDirty.add(id);
    }
    return true;
  }

  left(userId: string, id: string): void {
    const here = this.local.get(id);
    if (!here?.delete(userId)) return;
    if (here.size === 0) this.local.delete(id);
    this.viewersDirty.add(id);
    void this.repo
      .removePresence(id, userId, this.d.nodeId)
      .catch((err: unknown) => this.d.log.warn({ err }, 'room: presence not updated'));
  }

  async checkPublish(userId: string, id: string, body: PublishBody): Promise<boolean> {
    if (body.kind !== 'chat' || body.mentionAll || body.replyTo !== undefined) return false;
    const [room, m] = await Promise.all([this.repo.room(id), this.repo.member(id, userId)]);
    if (!room || !m?.joined || m.bannedAt) return false;
    if (room.status !== 'live') throw new AppError('invalid_state', 'The room is not live');
    return true;
  }

  async prepare(userId: string, id: string, body: PublishBody): Promise<ChannelEvent> {
    if (body.kind !== 'chat') return body;
    await this.d.chatLimit.consume(`${id}:${userId}`, 'messages in this room');
    const room = await this.mustRoom(id);
    return { ...body, fanLevel: await this.d.fans.level(room.hostId, userId) };
  }

  async afterPublish(id: string, frame: EventFrame): Promise<void> {
    if (frame.body.kind === 'chat') await this.repo.countMessage(id);
  }

  /** A node died: the people it hosted are no longer viewers (they count again when they reconnect elsewhere). */
  async sweepNode(nodeId: string): Promise<void> {
    for (const id of await this.repo.dropNodePresence(nodeId)) await this.publishViewers(id);
  }

  private async publishViewers(id: string): Promise<void> {
    const viewers = await this.repo.viewers(id);
    const peakViewers = await this.repo.raisePeak(id, viewers);
    await this.d.realtime.publish(channelOf(id), { kind: 'room_viewers', viewers, peakViewers });
  }

  /** Viewer counts and heart totals, each at most once a second per room (per node). */
  private async tick(): Promise<void> {
    const dirty = [...this.viewersDirty];
    this.viewersDirty.clear();
    for (const id of dirty) await this.publishViewers(id);
    const hearts = [...this.pendingHearts];
    this.pendingHearts.clear();
    for (const [id, added] of hearts) {
      const total = await this.repo.addHearts(id, added);
      await this.d.realtime.publish(channelOf(id), { kind: 'room_hearts', total, added });
    }
  }

  // ------------------------------------------------------------------ card and notifications

  /** "Live now" on the host's personal card, for viewers who may enter. */
  async sections(owner: UserRow, viewerId: string | null): Promise<CardSection[]> {
    const open = await this.repo.openRoomsOf(owner.id);
    for (const r of open) {
      if (r.status === 'ended') continue;
      if (!viewerId ? r.audience !== 'public' : (await this.mayEnter(viewerId, r, await this.repo.member(r.id, viewerId))) !== null)
        continue;
      return [
        {
          kind: 'live_room',
          room: {
            id: r.id,
            title: r.title,
            coverUrl: r.coverUrl,
            status: r.status,
            viewers: await this.repo.viewers(r.id),
            scheduledAt: iso(r.scheduledAt),
            startedAt: iso(r.startedAt),
          },
        },
      ];
    }
    return [];
  }

  private async wentLive(id: string): Promise<void> {
    await this.ensureSfuRoom(id).catch((err: unknown) => this.d.log.warn({ err, roomId: id }, 'room: SFU room not opened yet'));
    // Followers hear of it in the background: a host with many followers must not wait for them.
    void this.notifyFollowers(id).catch((err: unknown) => this.d.log.warn({ err, roomId: id }, 'room: live notifications failed'));
  }

  private async notifyFollowers(id: string): Promise<void> {
    const room = await this.mustRoom(id);
    const host = await this.d.accounts.mustGet(room.creatorId);
    const actor = this.d.accounts.summary(host);
    let cursor: string | undefined;
    let sent = 0;
    do {
      const page = await this.d.graph.list(null, host.handle, 'followers', cursor, 100);
      for (const f of page.items) {
        if (sent >= MAX_LIVE_NOTIFICATIONS) return;
        if (room.audience === 'friends' && !f.friends) continue;
        if (room.audience === 'group' && !(await this.d.groups.isMember(room.groupId!, f.id))) continue;
        await this.d.notifications.notify(f.id, { kind: 'room_live', actor, roomId: id, title: room.title });
        sent++;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  // ------------------------------------------------------------------ permissions

  /** Null when this person may enter the room; else why not. */
  private async mayEnter(userId: string, room: RoomRow, m: MemberRow | undefined): Promise<AppError | null> {
    if (userId === room.creatorId || userId === room.hostId) return null;
    if (await this.d.graph.isBlockedEitherWay(userId, room.creatorId)) return notFound('Room');
    if (m?.bannedAt) return forbidden('You were banned from this room');
    if (m && (m.invitedAt || isOnStage(m.role))) return null;
    switch (room.audience) {
      case 'public':
        return null;
      case 'followers':
        return (await this.d.graph.relationship(userId, room.creatorId)).following
          ? null
          : forbidden('This room is for the host’s followers');
      case 'friends':
        return (await this.d.graph.areFriends(userId, room.creatorId)) ? null : forbidden('This room is for the host’s friends');
      case 'group':
        return room.groupId && (await this.d.groups.isMember(room.groupId, userId))
          ? null
          : forbidden('This room is for members of the host’s fan group');
    }
  }

  private async assertMayEnter(userId: string, room: RoomRow, m: MemberRow | undefined): Promise<void> {
    const why = await this.mayEnter(userId, room, m);
    if (why) throw why;
  }

  private mustHost(room: RoomRow, userId: string): void {
    if (room.hostId !== userId) throw forbidden('Only the host can do that');
  }

  private async mustJoined(repo: RoomsRepo, id: string, userId: string): Promise<MemberRow> {
    const m = await repo.member(id, userId);
    if (!m?.joined) throw forbidden('Enter the room first');
    return m;
  }

  private async partyIn(repo: RoomsRepo, room: RoomRow, userId: string): Promise<Party | undefined> {
    const m = await repo.member(room.id, userId);
    return m && partyOf(room, userId, m);
  }

  private async mustRoom(id: string): Promise<RoomRow> {
    const r = await this.repo.room(id);
    if (!r) throw notFound('Room');
    return r;
  }

  // ------------------------------------------------------------------ state and events

  /**
   * Runs a change under the room's row lock. The change says which parts it touched; the room's
   * version grows by one per part and each part is published as one event after the commit.
   */
  private async mutate(id: string, change: (repo: RoomsRepo, room: RoomRow) => Promise<{ dirty: Dirty }>): Promise<RoomRow> {
    const cap = await this.d.db.transaction(async (tx): Promise<Captured> => {
      const repo = new RoomsRepo(tx);
      const room = await repo.roomForUpdate(id);
      if (!room) throw notFound('Room');
      const { dirty } = await change(repo, room);
      const n = [dirty.status, dirty.stage, dirty.hands, dirty.pinned].filter(Boolean).length;
      const after = n ? await repo.updateRoom(id, { version: room.version + n }) : ((await repo.room(id)) ?? room);
      return {
        room: after,
        first: room.version + 1,
        status: !!dirty.status,
        stage: dirty.stage ? await repo.stage(id) : null,
        invites: dirty.stage ? await repo.invites(id) : null,
        hands: dirty.hands ? await repo.hands(id, MAX_HANDS_SHOWN) : null,
        pinned: !!dirty.pinned,
      };
    });
    await this.publishCaptured(cap);
    return cap.room;
  }

  private async publishCaptured(c: Captured): Promise<void> {
    const events: VersionedRoomEvent[] = [];
    let v = c.first;
    const r = c.room;
    const [people, levels] = await this.peopleOf(r, [...(c.stage ?? []), ...(c.invites ?? []), ...(c.hands?.rows ?? [])]);
    if (c.status)
      events.push({ kind: 'room_status', version: v++, status: r.status, startedAt: iso(r.startedAt), endedAt: iso(r.endedAt) });
    if (c.stage)
      events.push({
        kind: 'room_stage',
        version: v++,
        stage: stageOf(c.stage, r, people, levels),
        invites: usersOf(c.invites ?? [], people),
      });
    if (c.hands) events.push({ kind: 'room_hands', version: v++, hands: handsOf(c.hands.rows, people, levels), handsTotal: c.hands.total });
    if (c.pinned) events.push({ kind: 'room_pinned', version: v++, product: await this.pinnedCard(r) });
    for (const e of events) await this.d.realtime.publish(channelOf(r.id), e);
  }

  /** Who the rows are, and their fan levels with the current host (after a handover: the new one). */
  private async peopleOf(r: RoomRow, rows: MemberRow[]): Promise<[Map<string, UserSummary>, Map<string, number>]> {
    const ids = [...new Set(rows.map((m) => m.userId))];
    return Promise.all([this.d.accounts.summaries(ids), this.d.fans.levels(r.hostId, ids)]);
  }

  private async pinnedCard(r: RoomRow): Promise<ProductCard | null> {
    if (!r.pinnedProductId) return null;
    const [card] = await this.d.shop.catalog.cards([r.pinnedProductId]);
    return card ?? null;
  }

  /** Read after the room row, so every part is at least as new as `version` says. */
  private async state(r: RoomRow): Promise<RoomState> {
    const [stage, invites, hands, viewers, pinned] = await Promise.all([
      this.repo.stage(r.id),
      this.repo.invites(r.id),
      this.repo.hands(r.id, MAX_HANDS_SHOWN),
      this.repo.viewers(r.id),
      this.pinnedCard(r),
    ]);
    const [people, levels] = await this.peopleOf(r, [...stage, ...invites, ...hands.rows]);
    return {
      version: r.version,
      status: r.status,
      stage: stageOf(stage, r, people, levels),
      invites: usersOf(invites, people),
      hands: handsOf(hands.rows, people, levels),
      handsTotal: hands.total,
      pinned,
      viewers,
      peakViewers: Math.max(r.peakViewers, viewers),
      hearts: r.hearts,
      startedAt: iso(r.startedAt),
      endedAt: iso(r.endedAt),
    };
  }

  private async info(r: RoomRow): Promise<RoomInfo> {
    const host = (await this.d.accounts.summaries([r.hostId])).get(r.hostId);
    if (!host) throw notFound('Room');
    return {
      id: r.id,
      title: r.title,
      coverUrl: r.coverUrl ?? host.avatarUrl,
      host,
      audience: r.audience,
      groupId: r.groupId,
      status: r.status,
      scheduledAt: iso(r.scheduledAt),
      createdAt: r.createdAt.toISOString(),
      channel: channelOf(r.id),
      link: linkOf(r.id),
    };
  }

  private meOf(room: RoomRow, m: MemberRow | undefined, state: RoomState): RoomMe {
    const joined = !!m?.joined;
    const role = joined && m ? (room.hostId === m.userId ? 'host' : m.role) : 'audience';
    return {
      role,
      joined,
      handRaised: !!m?.handRaisedAt,
      invited: !!m?.invitedAt,
      canPublish: state.status === 'live' && joined && isOnStage(role),
      canModerate: room.hostId === m?.userId && state.status !== 'ended',
    };
  }
}

/** A member coming on stage starts with both switches on and nothing blocked. */
const onStage = (): MemberPatch => ({
  role: 'guest',
  stageAt: new Date(),
  handRaisedAt: null,
  mic: true,
  camera: true,
  micBlocked: false,
  cameraBlocked: false,
  publishing: false,
});
const offStage: MemberPatch = { role: 'audience', stageAt: null, publishing: false, micBlocked: false, cameraBlocked: false };

function partyOf(room: RoomRow, userId: string, m: MemberRow | undefined): Party {
  const role = room.hostId === userId ? 'host' : (m?.role ?? 'audience');
  return { id: userId, role, joined: !!m?.joined || room.hostId === userId, banned: !!m?.bannedAt };
}

function stageOf(rows: MemberRow[], room: RoomRow, people: Map<string, UserSummary>, levels: Map<string, number>): StageMember[] {
  const order = { host: 0, cohost: 1, guest: 2, audience: 3 } as const;
  return rows
    .filter((m) => people.has(m.userId))
    .sort((a, b) => order[a.role] - order[b.role] || (a.stageAt?.getTime() ?? 0) - (b.stageAt?.getTime() ?? 0))
    .map((m) => ({
      user: people.get(m.userId)!,
      role: room.hostId === m.userId ? 'host' : m.role === 'cohost' ? 'cohost' : 'guest',
      publishing: m.publishing,
      mic: m.mic,
      camera: m.camera,
      micBlocked: m.micBlocked,
      cameraBlocked: m.cameraBlocked,
      joinedAt: (m.stageAt ?? m.firstJoinedAt ?? new Date(0)).toISOString(),
      fanLevel: levels.get(m.userId) ?? 1,
    }));
}

function usersOf(rows: MemberRow[], people: Map<string, UserSummary>): UserSummary[] {
  return rows.flatMap((m) => (people.has(m.userId) ? [people.get(m.userId)!] : []));
}

function handsOf(rows: MemberRow[], people: Map<string, UserSummary>, levels: Map<string, number>) {
  return rows.flatMap((m) =>
    people.has(m.userId) && m.handRaisedAt
      ? [{ user: people.get(m.userId)!, at: m.handRaisedAt.toISOString(), fanLevel: levels.get(m.userId) ?? 1 }]
      : [],
  );
}
