import type { CardSectionProvider } from '../cards/service.ts';
import type { RoomAccess } from './access.ts';
import { iso, type RoomsDeps } from './context.ts';
import { replayOf } from './projection.ts';

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

/** Replays read per card for one viewer; rooms they may not enter are left out of these. */
const REPLAYS_SCAN = 20;
const REPLAYS_SHOWN = 6;

/** 回放 on the creator's personal card: ended rooms with a recording the viewer may watch, newest first. */
export function roomReplaysSection(deps: Pick<RoomsDeps, 'repo'> & { access: RoomAccess }): CardSectionProvider {
  const { repo, access } = deps;
  return {
    async sections(owner, viewerId) {
      const shown = [];
      for (const r of await repo.replaysOf(owner.id, REPLAYS_SCAN)) {
        if (shown.length >= REPLAYS_SHOWN) break;
        const replay = replayOf(r);
        if (!replay || !r.endedAt) continue;
        const may = viewerId ? (await access.mayEnter(viewerId, r, await repo.member(r.id, viewerId))) === null : r.audience === 'public';
        if (may)
          shown.push({ id: r.id, title: r.title, coverUrl: r.coverUrl, durationSec: replay.durationSec, endedAt: r.endedAt.toISOString() });
      }
      return shown.length > 0 ? [{ kind: 'room_replays' as const, rooms: shown }] : [];
    },
  };
}
