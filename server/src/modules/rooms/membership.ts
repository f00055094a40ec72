import type { Room } from '@tremolo/protocol';
import { AppError } from '../../platform/errors.ts';
import type { RoomAccess } from './access.ts';
import { offStage, type Dirty, type RoomChanges } from './changes.ts';
import type { RoomsDeps } from './context.ts';
import type { RoomMedia } from './media.ts';
import type { MemberPatch } from './repo.ts';
import type { RoomViews } from './views.ts';

type MembershipDeps = Pick<RoomsDeps, 'repo'> & { access: RoomAccess; changes: RoomChanges; media: RoomMedia; views: RoomViews };

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
    return this.deps.views.get(userId, id);
  }

  /** Leaves the room (a guest leaves the stage too); the host stays host and may come back. */
  async leave(userId: string, id: string): Promise<void> {
    let stop = false;
    await this.deps.changes.mutate(id, async (repo) => {
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
    if (stop) await this.deps.media.stop(id, userId);
    await this.deps.media.disconnect(id, userId);
  }
}
