import type { CardSectionProvider } from '../cards/service.ts';
import type { RoomAccess } from './access.ts';
import { iso, type RoomsDeps } from './context.ts';

/** "Live now" on the host's personal card, for viewers who may enter. */
export function liveRoomSection(deps: Pick<RoomsDeps, 'repo'> & { access: RoomAccess }): CardSectionProvider {
  const { repo, access } = deps;
  return {
    async sections(owner, viewerId) {
      const open = await repo.openRoomsOf(owner.id);
      for (const r of open) {
        if (r.status === 'ended') continue;
        if (!viewerId ? r.audience !== 'public' : (await access.mayEnter(viewerId, r, await repo.member(r.id, viewerId))) !== null)
          continue;
        return [
          {
            kind: 'live_room' as const,
            room: {
              id: r.id,
              title: r.title,
              coverUrl: r.coverUrl,
              status: r.status,
              viewers: await repo.viewers(r.id),
              scheduledAt: iso(r.scheduledAt),
              startedAt: iso(r.startedAt),
              reservations: r.status === 'scheduled' ? await repo.reservationCount(r.id) : 0,
              reserved: r.status === 'scheduled' && viewerId !== null ? await repo.isReserved(r.id, viewerId) : false,
            },
          },
        ];
      }
      return [];
    },
  };
}
