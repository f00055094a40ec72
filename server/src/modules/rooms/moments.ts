import type { ProductMoments, RoomMoments } from '@tremolo/protocol';
import type { RoomAccess } from './access.ts';
import type { RoomsDeps } from './context.ts';
import { replayOf } from './projection.ts';
import type { MomentRow } from './repo.ts';

/** Ended rooms read per request for a product page; those the viewer may not enter are dropped. */
const PRODUCT_MOMENTS_SCAN = 50;
const PRODUCT_MOMENTS_SHOWN = 10;

type MomentsDeps = Pick<RoomsDeps, 'repo' | 'shop' | 'accounts'> & { access: RoomAccess };

const base = (m: MomentRow, hasReplay: boolean) => ({
  roomId: m.roomId,
  productId: m.productId,
  offsetMs: m.offsetMs,
  replayOffsetMs: hasReplay ? m.replayOffsetMs : null,
  at: m.at.toISOString(),
});

/** 讲解: the products a room showed and when, and the lives a product was shown in. */
export class RoomMomentsView {
  constructor(private readonly deps: MomentsDeps) {}

  async ofRoom(viewerId: string, roomId: string): Promise<RoomMoments> {
    const { access, repo, shop } = this.deps;
    const { room } = await access.mustSee(viewerId, roomId);
    const hasReplay = replayOf(room) !== null;
    const rows = await repo.momentsOf(roomId);
    const cards = new Map((await shop.catalog.cards([...new Set(rows.map((m) => m.productId))])).map((c) => [c.id, c]));
    return { items: rows.map((m) => ({ ...base(m, hasReplay), product: cards.get(m.productId) ?? null })) };
  }

  async ofProduct(viewerId: string | null, productId: string): Promise<ProductMoments> {
    const { access, repo, accounts } = this.deps;
    const rows = await repo.endedMomentsOfProduct(productId, PRODUCT_MOMENTS_SCAN);
    const shown: typeof rows = [];
    for (const r of rows) {
      if (shown.length >= PRODUCT_MOMENTS_SHOWN) break;
      const may =
        viewerId === null
          ? r.room.audience === 'public'
          : (await access.mayEnter(viewerId, r.room, await repo.member(r.room.id, viewerId))) === null;
      if (may) shown.push(r);
    }
    const hosts = await accounts.summaries([...new Set(shown.map((r) => r.room.hostId))]);
    return {
      items: shown.flatMap((r) => {
        const host = hosts.get(r.room.hostId);
        return host ? [{ ...base(r.moment, replayOf(r.room) !== null), roomTitle: r.room.title, host }] : [];
      }),
    };
  }
}
