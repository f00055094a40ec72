import {
  MAX_HANDS_SHOWN,
  type ProductCard,
  type RoomInfo,
  type RoomMe,
  type RoomState,
  type StageMember,
  type UserSummary,
  type VersionedRoomEvent,
} from '@tremolo/protocol';
import { notFound } from '../../platform/errors.ts';
import { channelOf, iso, linkOf, type RoomsDeps } from './context.ts';
import type { MemberRow, RoomRow } from './repo.ts';
import { isOnStage } from './rules.ts';

type ProjectionDeps = Pick<RoomsDeps, 'repo' | 'accounts' | 'fans' | 'shop'>;

/** What a change read under the room's lock: the parts it touched, turned into events after the commit. */
export interface CapturedChange {
  room: RoomRow;
  /** The version of the first event. */
  first: number;
  status: boolean;
  stage: MemberRow[] | null;
  invites: MemberRow[] | null;
  hands: { rows: MemberRow[]; total: number } | null;
  pinned: boolean;
}

/** Rows to what clients see: the room's card, its state, my place in it, and the versioned events. */
export class RoomProjection {
  constructor(private readonly deps: ProjectionDeps) {}

  async info(r: RoomRow): Promise<RoomInfo> {
    const host = (await this.deps.accounts.summaries([r.hostId])).get(r.hostId);
    if (!host) throw notFound('Room');
    return {
      id: r.id,
      title: r.title,
      coverUrl: r.coverUrl ?? host.avatarUrl,
      host,
      audience: r.audience,
      groupId: r.groupId,
      status: r.status,
      scheduledAt: iso(r.scheduledAt),
      createdAt: r.createdAt.toISOString(),
      channel: channelOf(r.id),
      link: linkOf(r.id),
      replay: replayOf(r),
    };
  }

  /** Read after the room row, so every part is at least as new as `version` says. */
  async state(r: RoomRow): Promise<RoomState> {
    const { repo } = this.deps;
    const [stage, invites, hands, viewers, pinned] = await Promise.all([
      repo.stage(r.id),
      repo.invites(r.id),
      repo.hands(r.id, MAX_HANDS_SHOWN),
      repo.viewers(r.id),
      this.pinnedCard(r),
    ]);
    const [people, levels] = await this.peopleOf(r, [...stage, ...invites, ...hands.rows]);
    return {
      version: r.version,
      status: r.status,
      stage: stageOf(stage, r, people, levels),
      invites: usersOf(invites, people),
      hands: handsOf(hands.rows, people, levels),
      handsTotal: hands.total,
      pinned,
      viewers,
      peakViewers: Math.max(r.peakViewers, viewers),
      hearts: r.hearts,
      startedAt: iso(r.startedAt),
      endedAt: iso(r.endedAt),
      mediaEpoch: r.mediaEpoch,
    };
  }

  meOf(room: RoomRow, m: MemberRow | undefined, state: RoomState): RoomMe {
    const joined = !!m?.joined;
    const role = joined && m ? (room.hostId === m.userId ? 'host' : m.role) : 'audience';
    return {
      role,
      joined,
      handRaised: !!m?.handRaisedAt,
      invited: !!m?.invitedAt,
      canPublish: state.status === 'live' && joined && isOnStage(role),
      canModerate: room.hostId === m?.userId && state.status !== 'ended',
    };
  }

  /** One event per touched part, numbered from the first new version. */
  async events(c: CapturedChange): Promise<VersionedRoomEvent[]> {
    const events: VersionedRoomEvent[] = [];
    let v = c.first;
    const r = c.room;
    const [people, levels] = await this.peopleOf(r, [...(c.stage ?? []), ...(c.invites ?? []), ...(c.hands?.rows ?? [])]);
    if (c.status)
      events.push({ kind: 'room_status', version: v++, status: r.status, startedAt: iso(r.startedAt), endedAt: iso(r.endedAt) });
    if (c.stage)
      events.push({
        kind: 'room_stage',
        version: v++,
        stage: stageOf(c.stage, r, people, levels),
        invites: usersOf(c.invites ?? [], people),
        mediaEpoch: r.mediaEpoch,
      });
    if (c.hands) events.push({ kind: 'room_hands', version: v++, hands: handsOf(c.hands.rows, people, levels), handsTotal: c.hands.total });
    if (c.pinned) events.push({ kind: 'room_pinned', version: v++, product: await this.pinnedCard(r) });
    return events;
  }

  /** Who the rows are, and their fan levels with the current host (after a handover: the new one). */
  private async peopleOf(r: RoomRow, rows: MemberRow[]): Promise<[Map<string, UserSummary>, Map<string, number>]> {
    const ids = [...new Set(rows.map((m) => m.userId))];
    return Promise.all([this.deps.accounts.summaries(ids), this.deps.fans.levels(r.hostId, ids)]);
  }

  private async pinnedCard(r: RoomRow): Promise<ProductCard | null> {
    if (!r.pinnedProductId) return null;
    const [card] = await this.deps.shop.catalog.cards([r.pinnedProductId]);
    return card ?? null;
  }
}

/** An ended room with a closed recording can be watched again. */
export function replayOf(r: RoomRow): { durationSec: number } | null {
  return r.status === 'ended' && r.replayMs !== null ? { durationSec: r.replayMs / 1000 } : null;
}

function stageOf(rows: MemberRow[], room: RoomRow, people: Map<string, UserSummary>, levels: Map<string, number>): StageMember[] {
  const order = { host: 0, cohost: 1, guest: 2, audience: 3 } as const;
  return rows
    .filter((m) => people.has(m.userId))
    .sort((a, b) => order[a.role] - order[b.role] || (a.stageAt?.getTime() ?? 0) - (b.stageAt?.getTime() ?? 0))
    .map((m) => ({
      user: people.get(m.userId)!,
      role: room.hostId === m.userId ? 'host' : m.role === 'cohost' ? 'cohost' : 'guest',
      publishing: m.publishing,
      mic: m.mic,
      camera: m.camera,
      micBlocked: m.micBlocked,
      cameraBlocked: m.cameraBlocked,
      joinedAt: (m.stageAt ?? m.firstJoinedAt ?? new Date(0)).toISOString(),
      fanLevel: levels.get(m.userId) ?? 1,
    }));
}

function usersOf(rows: MemberRow[], people: Map<string, UserSummary>): UserSummary[] {
  return rows.flatMap((m) => (people.has(m.userId) ? [people.get(m.userId)!] : []));
}

function handsOf(rows: MemberRow[], people: Map<string, UserSummary>, levels: Map<string, number>) {
  return rows.flatMap((m) =>
    people.has(m.userId) && m.handRaisedAt
      ? [{ user: people.get(m.userId)!, at: m.handRaisedAt.toISOString(), fanLevel: levels.get(m.userId) ?? 1 }]
      : [],
  );
}
