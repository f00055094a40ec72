import type { Room, RoomList, RoomState } from '@tremolo/protocol';
import type { RoomAccess } from './access.ts';
import type { RoomsDeps } from './context.ts';
import type { RoomProjection } from './projection.ts';
import type { RoomRow } from './repo.ts';

type ViewsDeps = Pick<RoomsDeps, 'repo' | 'sfu' | 'iceServers'> & { access: RoomAccess; projection: RoomProjection };

/** Reading rooms: one room with its state and my place in it, its bare state, and the lists. */
export class RoomViews {
  constructor(private readonly deps: ViewsDeps) {}

  async get(viewerId: string, id: string): Promise<Room> {
    const { projection } = this.deps;
    const { room, me } = await this.deps.access.mustSee(viewerId, id);
    const [info, state] = await Promise.all([projection.info(room), projection.state(room)]);
    return {
      ...info,
      state,
      me: projection.meOf(room, me, state),
      media: { adapter: this.deps.sfu.name, iceServers: this.deps.iceServers },
      serverTime: Date.now(),
    };
  }

  /** The snapshot a (re)connecting client rebuilds its view from. */
  async snapshot(viewerId: string, id: string): Promise<RoomState> {
    const { room } = await this.deps.access.mustSee(viewerId, id);
    return this.deps.projection.state(room);
  }

  async list(viewerId: string, filter: 'live' | 'mine', cursor: string | undefined, limit: number): Promise<RoomList> {
    const { repo, access, projection } = this.deps;
    const rows = filter === 'mine' ? await repo.roomsOf(viewerId, cursor, limit) : await repo.liveRooms(cursor, limit);
    const visible: RoomRow[] = [];
    for (const r of rows)
      if (filter === 'mine' || (await access.mayEnter(viewerId, r, await repo.member(r.id, viewerId))) === null) visible.push(r);
    const items = await Promise.all(visible.map(async (r) => ({ ...(await projection.info(r)), viewers: await repo.viewers(r.id) })));
    return { items, nextCursor: rows.length === limit ? rows[rows.length - 1]!.id : null };
  }
}
