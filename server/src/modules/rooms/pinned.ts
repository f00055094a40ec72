import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { mustHost, type RoomAccess } from './access.ts';
import type { RoomChanges } from './changes.ts';
import type { RoomsDeps } from './context.ts';

type PinDeps = Pick<RoomsDeps, 'shop'> & { access: RoomAccess; changes: RoomChanges };

/** The product the host pins in the room: one of their published products, or none. */
export class RoomPin {
  constructor(private readonly deps: PinDeps) {}

  async pin(hostId: string, id: string, productId: string | null): Promise<void> {
    const { shop } = this.deps;
    mustHost(await this.deps.access.mustRoom(id), hostId);
    if (productId) {
      await shop.catalog.owned(hostId, productId);
      const [card] = await shop.catalog.cards([productId]);
      if (!card) throw new AppError('invalid_state', 'Publish the product before pinning it');
    }
    await this.deps.changes.mutate(id, async (repo, room) => {
      mustHost(room, hostId);
      if (room.status === 'ended') throw new AppError('invalid_state', 'This room has ended');
      if (room.pinnedProductId === productId) return { dirty: {} };
      await repo.updateRoom(id, { pinnedProductId: productId });
      // 讲解: a pin while live is a moment the product page can point back to.
      if (productId && room.status === 'live' && room.startedAt) {
        const at = new Date();
        await repo.insertMoment({ id: newId(), roomId: id, productId, offsetMs: Math.max(0, at.getTime() - room.startedAt.getTime()), at });
      }
      return { dirty: { pinned: true } };
    });
  }
}
