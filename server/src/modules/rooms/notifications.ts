import type { RoomAccess } from './access.ts';
import type { RoomsDeps } from './context.ts';
import type { RoomRow } from './repo.ts';
import type { RoomReservations } from './reservations.ts';

/** Followers told that a room went live, at most (the rest find it on the card). */
const MAX_LIVE_NOTIFICATIONS = 5000;

type NoticesDeps = Pick<RoomsDeps, 'accounts' | 'graph' | 'groups' | 'notifications'> & {
  access: RoomAccess;
  reservations: RoomReservations;
};

/** What rooms put in people's inboxes: `room_live` to the followers who may enter, `room_invite` to an invited friend. */
export class RoomNotices {
  constructor(private readonly deps: NoticesDeps) {}

  /** Followers who may enter, friends only for friends rooms, members for group rooms; at most 5,000. */
  async wentLive(id: string): Promise<void> {
    const { accounts, graph, groups, notifications } = this.deps;
    const room = await this.deps.access.mustRoom(id);
    const host = await accounts.mustGet(room.creatorId);
    const actor = accounts.summary(host);
    let cursor: string | undefined;
    let sent = 0;
    do {
      const page = await graph.list(null, host.handle, 'followers', cursor, 100);
      for (const f of page.items) {
        if (sent >= MAX_LIVE_NOTIFICATIONS) return;
        if (room.audience === 'friends' && !f.friends) continue;
        if (room.audience === 'group' && !(await groups.isMember(room.groupId!, f.id))) continue;
        // A follower who reserved hears of it once, from the reservations' job.
        if (await this.deps.reservations.isReserver(id, f.id)) continue;
        await notifications.notify(f.id, { kind: 'room_live', actor, roomId: id, title: room.title });
        sent++;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  async invited(hostId: string, targetId: string, room: RoomRow): Promise<void> {
    const actor = (await this.deps.accounts.summaries([hostId])).get(hostId);
    if (actor) await this.deps.notifications.notify(targetId, { kind: 'room_invite', actor, roomId: room.id, title: room.title });
  }
}
