import { forbidden, notFound, type AppError } from '../../platform/errors.ts';
import type { RoomsDeps } from './context.ts';
import type { MemberRow, RoomRow, RoomsRepo } from './repo.ts';
import { isOnStage, type Party } from './rules.ts';

type AccessDeps = Pick<RoomsDeps, 'repo' | 'graph' | 'groups'>;

/** Who may enter a room and see it: the audience rule, blocks, bans, invitations and the stage. */
export class RoomAccess {
  constructor(private readonly deps: AccessDeps) {}

  async mustRoom(id: string): Promise<RoomRow> {
    const r = await this.deps.repo.room(id);
    if (!r) throw notFound('Room');
    return r;
  }

  /** The room and my membership, when I am in it or may enter it. */
  async mustSee(viewerId: string, id: string): Promise<{ room: RoomRow; me: MemberRow | undefined }> {
    const room = await this.mustRoom(id);
    const me = await this.deps.repo.member(id, viewerId);
    if (!me?.joined) await this.assertMayEnter(viewerId, room, me);
    return { room, me };
  }

  /** Null when this person may enter the room; else why not. */
  async mayEnter(userId: string, room: RoomRow, m: MemberRow | undefined): Promise<AppError | null> {
    const { graph, groups } = this.deps;
    if (userId === room.creatorId || userId === room.hostId) return null;
    if (await graph.isBlockedEitherWay(userId, room.creatorId)) return notFound('Room');
    if (m?.bannedAt) return forbidden('You were banned from this room');
    if (m && (m.invitedAt || isOnStage(m.role))) return null;
    switch (room.audience) {
      case 'public':
        return null;
      case 'followers':
        return (await graph.relationship(userId, room.creatorId)).following ? null : forbidden('This room is for the host’s followers');
      case 'friends':
        return (await graph.areFriends(userId, room.creatorId)) ? null : forbidden('This room is for the host’s friends');
      case 'group':
        return room.groupId && (await groups.isMember(room.groupId, userId))
          ? null
          : forbidden('This room is for members of the host’s fan group');
    }
  }

  async assertMayEnter(userId: string, room: RoomRow, m: MemberRow | undefined): Promise<void> {
    const why = await this.mayEnter(userId, room, m);
    if (why) throw why;
  }
}

export function mustHost(room: RoomRow, userId: string): void {
  if (room.hostId !== userId) throw forbidden('Only the host can do that');
}

export async function mustJoined(repo: RoomsRepo, id: string, userId: string): Promise<MemberRow> {
  const m = await repo.member(id, userId);
  if (!m?.joined) throw forbidden('Enter the room first');
  return m;
}

export function partyOf(room: RoomRow, userId: string, m: MemberRow | undefined): Party {
  const role = room.hostId === userId ? 'host' : (m?.role ?? 'audience');
  return { id: userId, role, joined: !!m?.joined || room.hostId === userId, banned: !!m?.bannedAt };
}

export async function partyIn(repo: RoomsRepo, room: RoomRow, userId: string): Promise<Party | undefined> {
  const m = await repo.member(room.id, userId);
  return m && partyOf(room, userId, m);
}
