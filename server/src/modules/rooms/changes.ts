import { MAX_HANDS_SHOWN } from '@tremolo/protocol';
import { notFound } from '../../platform/errors.ts';
import { channelOf, type RoomsDeps } from './context.ts';
import type { CapturedChange, RoomProjection } from './projection.ts';
import { RoomsRepo, type MemberPatch, type RoomRow } from './repo.ts';

/** Parts of the state a change touched; each becomes one versioned event. */
export interface Dirty {
  status?: boolean;
  stage?: boolean;
  hands?: boolean;
  pinned?: boolean;
}

type ChangesDeps = Pick<RoomsDeps, 'db' | 'realtime'> & { projection: RoomProjection };

/**
 * How the room's state changes: under the room's row lock, one version per touched part, and
 * one event per part on `room:<id>` after the commit.
 */
export class RoomChanges {
  constructor(private readonly deps: ChangesDeps) {}

  /**
   * Runs a change under the room's row lock. The change says which parts it touched; the room's
   * version grows by one per part and each part is published as one event after the commit.
   */
  async mutate(id: string, change: (repo: RoomsRepo, room: RoomRow) => Promise<{ dirty: Dirty }>): Promise<RoomRow> {
    const cap = await this.deps.db.transaction(async (tx): Promise<CapturedChange> => {
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
    for (const e of await this.deps.projection.events(cap)) await this.deps.realtime.publish(channelOf(cap.room.id), e);
    return cap.room;
  }
}

/** A member coming on stage starts with both switches on and nothing blocked. */
export const onStage = (): MemberPatch => ({
  role: 'guest',
  stageAt: new Date(),
  handRaisedAt: null,
  mic: true,
  camera: true,
  micBlocked: false,
  cameraBlocked: false,
  publishing: false,
});
export const offStage: MemberPatch = { role: 'audience', stageAt: null, publishing: false, micBlocked: false, cameraBlocked: false };
