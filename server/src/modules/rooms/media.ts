import type { SubscribeOffer, VideoLayer } from '@tremolo/protocol';
import { AppError, forbidden } from '../../platform/errors.ts';
import type { MediaKind, SfuEvent } from '../../platform/media/sfu.ts';
import type { RoomAccess } from './access.ts';
import type { RoomChanges } from './changes.ts';
import type { RoomsDeps } from './context.ts';
import type { MemberRow } from './repo.ts';
import { isOnStage, mayPublish } from './rules.ts';
import { assertUsableSdp, sfuFailure } from './sfu-errors.ts';

type MediaDeps = Pick<RoomsDeps, 'repo' | 'sfu' | 'log'> & {
  access: RoomAccess;
  changes: RoomChanges;
  /** The audience watches the broadcast: only the stage receives over WebRTC. */
  broadcast: boolean;
};

/**
 * Media signalling over HTTP: the permission check and the SFU call in one request. Stage
 * changes stop, mute or disconnect media through here too. This node remembers which SFU rooms
 * it opened (werift media lives in the process that runs it).
 */
export class RoomMedia {
  /** Rooms whose SFU room this node opened. */
  private readonly opened = new Set<string>();

  constructor(private readonly deps: MediaDeps) {
    deps.sfu.onEvent((e) => void this.onSfuEvent(e).catch((err: unknown) => deps.log.warn({ err }, 'room: SFU event not applied')));
  }

  async publish(userId: string, id: string, offerSdp: string): Promise<{ answerSdp: string }> {
    const { access, repo, sfu, changes } = this.deps;
    const room = await access.mustRoom(id);
    const m = await repo.member(id, userId);
    if (!m || !mayPublish(m.role, m.joined)) throw forbidden('Only the host and guests on stage can send video');
    if (room.status !== 'live') throw new AppError('invalid_state', 'The room is not live');
    assertUsableSdp(offerSdp, 'offerSdp');
    await this.ensureRoom(id);
    const answer = await this.sfuCall(() => sfu.publish(id, userId, offerSdp));
    let still: MemberRow | undefined;
    await changes.mutate(id, async (repo) => {
      still = await repo.member(id, userId);
      if (!still || !mayPublish(still.role, still.joined)) return { dirty: {} };
      if (still.publishing) return { dirty: {} };
      await repo.updateMember(id, userId, { publishing: true });
      return { dirty: { stage: true } };
    });
    // Taken off stage while the offer was being answered: the feed never goes out.
    if (!still || !mayPublish(still.role, still.joined)) {
      await this.stop(id, userId);
      throw forbidden('You are no longer on stage');
    }
    if (still.micBlocked) await this.forward(id, userId, 'audio', false);
    if (still.cameraBlocked) await this.forward(id, userId, 'video', false);
    return { answerSdp: answer.answerSdp };
  }

  async unpublish(userId: string, id: string): Promise<void> {
    await this.deps.changes.mutate(id, async (repo) => {
      const m = await repo.member(id, userId);
      if (!m?.publishing) return { dirty: {} };
      await repo.updateMember(id, userId, { publishing: false });
      return { dirty: { stage: true } };
    });
    await this.stop(id, userId);
  }

  async subscribe(userId: string, id: string, publisherIds: string[] | undefined): Promise<SubscribeOffer> {
    const { access, repo, sfu } = this.deps;
    const room = await access.mustRoom(id);
    const m = await repo.member(id, userId);
    if (!m?.joined || m.bannedAt) throw forbidden('Enter the room first');
    if (room.status !== 'live') throw new AppError('invalid_state', 'The room is not live');
    // The SFU's capacity is the stage's and the seats': the rest of the audience, whatever its size, is one compositor subscription.
    if (this.deps.broadcast && !isOnStage(m.role) && !m.webrtcSeat)
      throw new AppError('invalid_state', 'The audience watches the broadcast');
    const live = new Set((await repo.stage(id)).filter((s) => s.publishing).map((s) => s.userId));
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
      await this.disconnect(id, userId);
      throw new AppError('media_not_live', 'Nobody on stage is sending video yet');
    }
    await this.ensureRoom(id);
    try {
      return await this.sfuCall(() => sfu.subscribe(id, userId, ids));
    } catch (err) {
      // The feed went away between our read and the SFU's (its publisher_gone is on its way).
      if (err instanceof AppError && err.code === 'media_not_live') await this.disconnect(id, userId);
      throw err;
    }
  }

  async answerSubscription(userId: string, id: string, answerSdp: string): Promise<void> {
    await this.mustListener(userId, id);
    assertUsableSdp(answerSdp, 'answerSdp');
    await this.sfuCall(() => this.deps.sfu.answerSubscription(id, userId, answerSdp));
  }

  async setLayer(userId: string, id: string, publisherId: string, layer: VideoLayer): Promise<void> {
    await this.mustListener(userId, id);
    await this.sfuCall(() => this.deps.sfu.setLayer(id, userId, publisherId, layer));
  }

  async unsubscribe(userId: string, id: string): Promise<void> {
    await this.deps.access.mustRoom(id);
    await this.disconnect(id, userId);
  }

  async ensureRoom(id: string): Promise<void> {
    if (this.opened.has(id)) return;
    await this.sfuCall(() => this.deps.sfu.openRoom(id));
    this.opened.add(id);
  }

  async closeRoom(id: string): Promise<void> {
    this.opened.delete(id);
    await this.deps.sfu.closeRoom(id).catch((err: unknown) => this.deps.log.warn({ err, roomId: id }, 'room: SFU room not closed'));
  }

  /** Their feed stops reaching anyone. */
  async stop(id: string, userId: string): Promise<void> {
    await this.quietly(() => this.deps.sfu.unpublish(id, userId));
  }

  /** Their receive connection (and anything else they hold on the SFU) closes. */
  async disconnect(id: string, userId: string): Promise<void> {
    await this.quietly(() => this.deps.sfu.leave(id, userId));
  }

  /** The host's server-side mute: their audio or video is (not) forwarded. */
  async forward(id: string, userId: string, kind: MediaKind, enabled: boolean): Promise<void> {
    await this.quietly(() => this.deps.sfu.setForwarding(id, userId, kind, enabled));
  }

  private async mustListener(userId: string, id: string): Promise<void> {
    await this.deps.access.mustRoom(id);
    const m = await this.deps.repo.member(id, userId);
    if (!m?.joined || m.bannedAt) throw forbidden('Enter the room first');
  }

  /** The SFU's refusals (a bad SDP, an unknown peer, a feed gone) are the client's to see and act on, not a 500. */
  private async sfuCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const mapped = sfuFailure(err);
      if (mapped !== err) this.deps.log.warn({ err, code: mapped.code }, 'room: SFU refused');
      throw mapped;
    }
  }

  /**
   * The node carrying the room's media went away with every connection: nobody is publishing,
   * and the new epoch tells each client to connect again (the first call opens the room on a
   * live node).
   */
  private async restart(id: string): Promise<void> {
    this.opened.delete(id);
    await this.deps.changes.mutate(id, async (repo, room) => {
      if (room.status !== 'live') return { dirty: {} };
      await repo.stopAllPublishing(id);
      await repo.updateRoom(id, { mediaEpoch: room.mediaEpoch + 1 });
      return { dirty: { stage: true } };
    });
    this.deps.log.info({ roomId: id }, 'room: media starts over on another node');
  }

  /** Stopping media that is already gone is not an error worth telling anyone. */
  private async quietly(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.deps.log.debug({ err }, 'room: SFU cleanup');
    }
  }

  private async onSfuEvent(e: SfuEvent): Promise<void> {
    if (e.type === 'room_moved') return this.restart(e.roomId);
    if (e.type !== 'publisher_gone') return;
    // The page publishes again when its tile turns not publishing (web useRoomMedia), so the feed
    // comes back; a drop is still worth seeing in the logs (usually a starved machine).
    this.deps.log.warn({ roomId: e.roomId, publisherId: e.publisherId }, 'room: the SFU dropped a publisher connection');
    await this.deps.changes.mutate(e.roomId, async (repo) => {
      const m = await repo.member(e.roomId, e.publisherId);
      if (!m?.publishing) return { dirty: {} };
      await repo.updateMember(e.roomId, e.publisherId, { publishing: false });
      return { dirty: { stage: true } };
    });
  }
}
