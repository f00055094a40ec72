import type { Room, RoomList, RoomPreview, RoomState } from '@tremolo/protocol';
import { notFound } from '../../platform/errors.ts';
import type { RoomAccess } from './access.ts';
import type { RoomsDeps } from './context.ts';
import type { RoomProjection } from './projection.ts';
import type { RoomRow } from './repo.ts';

type ViewsDeps = Pick<RoomsDeps, 'repo' | 'sfu' | 'iceServers'> & {
  access: RoomAccess;
  projection: RoomProjection;
  /** The audience watches the broadcast (HLS) rather than WebRTC. */
  broadcast: boolean;
};

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
      // A seated member of the audience stays on WebRTC; the stage always is.
      media: { adapter: this.deps.sfu.name, iceServers: this.deps.iceServers, broadcast: this.deps.broadcast && !me?.webrtcSeat },
      serverTime: Date.now(),
    };
  }

  /**
   * What the link shows before entering. A visitor who is not logged in sees only public rooms
   * (and never what a followers', friends' or group room is called); a person sees a room they
   * are in or may enter.
   */
  async preview(viewerId: string | null, id: string): Promise<RoomPreview> {
    const { access, projection, repo } = this.deps;
    const room = await access.mustRoom(id);
    if (viewerId === null) {
      if (room.audience !== 'public') throw notFound('Room');
    } else {
      const me = await repo.member(id, viewerId);
      if (!me?.joined && (await access.mayEnter(viewerId, room, me)) !== null) throw notFound('Room');
    }
    const [info, viewers] = await Promise.all([projection.info(room), repo.viewers(room.id)]);
    return {
      id: info.id,
      title: info.title,
      coverUrl: info.coverUrl,
      host: info.host,
      status: info.status,
      scheduledAt: info.scheduledAt,
      viewers,
      link: info.link,
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
    const items = await Promise.all(
      visible.map(async (r) => ({
        ...(await projection.info(r)),
        viewers: await repo.viewers(r.id),
        reservations: r.status === 'scheduled' ? await repo.reservationCount(r.id) : 0,
      })),
    );
    return { items, nextCursor: rows.length === limit ? rows[rows.length - 1]!.id : null };
  }
}
