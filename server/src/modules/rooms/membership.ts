import type { Room } from '@tremolo/protocol';
import { AppError } from '../../platform/errors.ts';
import type { RoomAccess } from './access.ts';
import { offStage, type Dirty, type RoomChanges } from './changes.ts';
import type { RoomsDeps } from './context.ts';
import type { RoomMedia } from './media.ts';
import type { MemberPatch } from './repo.ts';
import type { RoomViews } from './views.ts';

type MembershipDeps = Pick<RoomsDeps, 'repo'> & {
  access: RoomAccess;
  changes: RoomChanges;
  media: RoomMedia;
  views: RoomViews;
  /** With the broadcast on: how many of the audience get WebRTC seats; null: everyone is on WebRTC. */
  seats: number | null;
};

/** Entering and leaving a room. */
export class RoomMembership {
  constructor(private readonly deps: MembershipDeps) {}

  async join(userId: string, id: string): Promise<Room> {
    const { access, repo } = this.deps;
    const room = await access.mustRoom(id);
    if (room.status === 'ended') throw new AppError('invalid_state', 'This room has ended');
    const me = await repo.member(id, userId);
    if (!me?.joined) {
      await access.assertMayEnter(userId, room, me);
      await repo.enter(id, userId);
    }
    const seats = this.deps.seats;
    // Once the seats are taken a crowd's arrivals only count them, without queueing on the room's lock.
    if (seats !== null && seats > 0 && !me?.webrtcSeat && room.status === 'live' && (await repo.seatsTaken(id)) < seats) {
      // The SFU's room is shared by the stage and these seats: first come, first seated, under the room's lock.
      await this.deps.changes.mutate(id, async (r) => {
        await r.claimSeat(id, userId, seats);
        return { dirty: {} };
      });
    }
    return this.deps.views.get(userId, id);
  }

  /** Leaves the room (a guest leaves the stage too); the host stays host and may come back. */
  async leave(userId: string, id: string): Promise<void> {
    let stop = false;
    await this.deps.changes.mutate(id, async (repo) => {
      const m = await repo.member(id, userId);
      if (!m?.joined) return { dirty: {} };
      const dirty: Dirty = {};
      // Leaving frees a WebRTC seat for whoever enters next.
      const patch: MemberPatch = { joined: false, webrtcSeat: false };
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
    if (stop) await this.deps.media.stop(id, userId);
    await this.deps.media.disconnect(id, userId);
  }
}
