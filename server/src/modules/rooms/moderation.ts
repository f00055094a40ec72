import type { RoomAccess } from './access.ts';
import type { RoomsDeps } from './context.ts';
import type { RoomLifecycle } from './lifecycle.ts';

/** A room as moderation sees it: reports copy its title and cover; removing it ends it (as its host would). */
export function registerRoomSurface(deps: Pick<RoomsDeps, 'moderation' | 'repo'>, access: RoomAccess, lifecycle: RoomLifecycle): void {
  deps.moderation.registerSurface('room', {
    snapshot: async (viewerId, id) => {
      const seen = await access.mustSee(viewerId, id).catch(() => null);
      if (!seen) return null;
      const { room } = seen;
      return { ownerId: room.hostId, snapshot: { title: room.title, text: room.title, imageUrl: room.coverUrl, context: [] } };
    },
    remove: async (id) => {
      const room = await deps.repo.room(id);
      if (room && room.status !== 'ended') await lifecycle.end(room.hostId, id);
    },
  });
}
