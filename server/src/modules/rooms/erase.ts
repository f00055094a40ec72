import { AppError } from '../../platform/errors.ts';
import type { AccountDataPart } from '../accounts/rights.ts';
import type { RoomsDeps } from './context.ts';
import type { Rooms } from './parts.ts';

/**
 * Rooms' share of a deleted account: the rooms they host end (as if they ended them), and they
 * leave every other room they are in, stage and hands included, which everyone in it sees live
 * (the stage and hands events of an ordinary leave). Their sockets close first, so they stop
 * counting as present. Invitations to a stage they never answered go (the host's list updates
 * live), and so do their reservations, so counts and start notifications leave them out.
 * Idempotent: a second run finds nothing open, nothing joined, invited or reserved.
 */
export function roomsAccountPart(
  deps: Pick<RoomsDeps, 'repo' | 'realtime'>,
  rooms: Pick<Rooms, 'lifecycle' | 'membership' | 'stage'>,
): AccountDataPart {
  return {
    name: 'rooms',
    erase: async (userId) => {
      await deps.realtime.disconnectUser(userId);
      for (;;) {
        const hosted = await deps.repo.openRoomsOf(userId);
        if (hosted.length === 0) break;
        for (const room of hosted)
          await rooms.lifecycle.end(userId, room.id).catch((err: unknown) => {
            // Ended meanwhile (by a retry of this job, or the host a moment before): nothing left to do.
            if (!(err instanceof AppError && err.code === 'invalid_state')) throw err;
          });
      }
      for (const id of await deps.repo.openRoomsJoinedBy(userId)) await rooms.membership.leave(userId, id);
      for (const id of await deps.repo.openRoomsInviting(userId)) await rooms.stage.dropInvite(userId, id);
      await deps.repo.unreserveAll(userId);
    },
  };
}
