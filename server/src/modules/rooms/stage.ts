import type { GuestActionBody, Room } from '@tremolo/protocol';
import { AppError, forbidden } from '../../platform/errors.ts';
import { mustHost, mustJoined, partyIn, partyOf } from './access.ts';
import { offStage, onStage, type Dirty, type RoomChanges } from './changes.ts';
import { channelOf, type RoomsDeps } from './context.ts';
import type { RoomMedia } from './media.ts';
import type { RoomNotices } from './notifications.ts';
import type { MemberPatch, MemberRow } from './repo.ts';
import { assertStageRoom, isOnStage, planGuestAction, planTransfer } from './rules.ts';
import type { RoomViews } from './views.ts';

type StageDeps = Pick<RoomsDeps, 'accounts' | 'graph' | 'realtime'> & {
  changes: RoomChanges;
  media: RoomMedia;
  notices: RoomNotices;
  views: RoomViews;
};

/**
 * Who is on stage: raised hands, invitations, leaving the stage, my own mic and camera switches,
 * the host's actions on a guest and the host handover. The rules are `rules.ts`; this applies
 * them under the room's lock, then has the media follow.
 */
export class RoomStage {
  constructor(private readonly deps: StageDeps) {}

  async raiseHand(userId: string, id: string, raised: boolean): Promise<void> {
    await this.deps.changes.mutate(id, async (repo, room) => {
      const m = await mustJoined(repo, id, userId);
      if (raised && room.status !== 'live') throw new AppError('invalid_state', 'The room is not live');
      if (raised && m.role !== 'audience') throw new AppError('invalid_state', 'You are already on stage');
      if (raised === (m.handRaisedAt !== null)) return { dirty: {} };
      await repo.updateMember(id, userId, { handRaisedAt: raised ? new Date() : null });
      return { dirty: { hands: true } };
    });
  }

  async answerHand(hostId: string, id: string, targetId: string, accept: boolean): Promise<void> {
    await this.deps.changes.mutate(id, async (repo, room) => {
      mustHost(room, hostId);
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
    const friends = targetId !== hostId && (await this.deps.graph.areFriends(hostId, targetId));
    // Their privacy setting has the last word on who may invite them (today only friends may anyway).
    if (friends) await this.deps.accounts.rights.assertMayReach(hostId, targetId, 'invites');
    const room = await this.deps.changes.mutate(id, async (repo, room) => {
      mustHost(room, hostId);
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
    await this.deps.notices.invited(hostId, targetId, room);
  }

  /** The invitee accepts (comes on stage, entering the room if needed) or declines. */
  async answerInvite(userId: string, id: string, accept: boolean): Promise<Room> {
    await this.deps.changes.mutate(id, async (repo, room) => {
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
    return this.deps.views.get(userId, id);
  }

  /** Their unanswered invitation goes, as if they declined it (a deleted account's). */
  async dropInvite(userId: string, id: string): Promise<void> {
    await this.deps.changes.mutate(id, async (repo) => {
      if (!(await repo.member(id, userId))?.invitedAt) return { dirty: {} };
      await repo.updateMember(id, userId, { invitedAt: null });
      return { dirty: { stage: true } };
    });
  }

  async leaveStage(userId: string, id: string): Promise<void> {
    let stop = false;
    await this.deps.changes.mutate(id, async (repo) => {
      const m = await mustJoined(repo, id, userId);
      if (m.role === 'host')
        throw new AppError('invalid_state', 'The host stays on stage: hand the host role to the co-host or end the room');
      if (m.role === 'audience') return { dirty: {} };
      stop = true;
      await repo.updateMember(id, userId, offStage);
      return { dirty: { stage: true } };
    });
    if (stop) await this.deps.media.stop(id, userId);
  }

  /** My own mic/camera switches, shown on my tile. */
  async setMedia(userId: string, id: string, media: { mic?: boolean | undefined; camera?: boolean | undefined }): Promise<void> {
    await this.deps.changes.mutate(id, async (repo) => {
      const m = await mustJoined(repo, id, userId);
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
    const { media, accounts, realtime } = this.deps;
    let target: MemberRow | undefined;
    let plan: ReturnType<typeof planGuestAction> | undefined;
    await this.deps.changes.mutate(id, async (repo, room) => {
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
    if (p.stopMedia) await media.stop(id, targetId);
    if (p.forwarding && t.publishing) await media.forward(id, targetId, p.forwarding.kind, p.forwarding.enabled);
    if (p.leaveRoom) {
      await media.disconnect(id, targetId);
      const user = (await accounts.summaries([targetId])).get(targetId) ?? null;
      // The gateway stops the person's sockets listening once this event has gone out, on every node.
      await realtime.publish(channelOf(id), { kind: 'member', event: p.banned ? 'banned' : 'removed', user });
    }
  }

  /** The host role goes to the co-host; the old host stays on stage as a guest. */
  async transferHost(hostId: string, id: string, targetId: string): Promise<Room> {
    await this.deps.changes.mutate(id, async (repo, room) => {
      const plan = planTransfer(partyOf(room, hostId, await repo.member(id, hostId)), await partyIn(repo, room, targetId));
      await repo.updateRoom(id, { hostId: plan.newHost });
      await repo.updateMember(id, plan.newHost, { role: 'host' });
      await repo.updateMember(id, hostId, { role: plan.oldHostRole });
      return { dirty: { stage: true } };
    });
    return this.deps.views.get(hostId, id);
  }
}
