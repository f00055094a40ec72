import type { RoomAccess } from './access.ts';
import type { RoomsDeps } from './context.ts';
import type { RoomLifecycle } from './lifecycle.ts';

/**
 * A room as moderation sees it. The room itself (`<id>`): reports copy its title and cover;
 * removing it ends it, as its host would, and an ended broadcast cannot be restored (no `restore`:
 * the person is told so if an appeal is overturned). One chat line (`<id>#<seq>`): copied with the
 * lines around it, removed for everyone live, like a group message.
 */
export function registerRoomSurface(deps: Pick<RoomsDeps, 'moderation' | 'repo'>, access: RoomAccess, lifecycle: RoomLifecycle): void {
  const line = deps.moderation.chatLineAdapter({
    title: 'Room chat',
    channelFor: (_viewerId, roomId) => `room:${roomId}`,
    canSee: async (viewerId, ch) => (await access.mustSee(viewerId, ch.slice('room:'.length)).catch(() => null)) !== null,
  });
  deps.moderation.registerSurface('room', {
    snapshot: async (viewerId, ref) => {
      if (ref.includes('#')) return line.snapshot(viewerId, ref);
      const seen = await access.mustSee(viewerId, ref).catch(() => null);
      if (!seen) return null;
      const { room } = seen;
      return { ownerId: room.hostId, snapshot: { title: room.title, text: room.title, imageUrl: room.coverUrl, context: [] } };
    },
    remove: async (ref, reporterId) => {
      if (ref.includes('#')) return line.remove(ref, reporterId);
      const room = await deps.repo.room(ref);
      if (room && room.status !== 'ended') await lifecycle.end(room.hostId, ref);
    },
  });
}
