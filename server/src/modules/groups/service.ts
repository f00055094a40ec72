import { decodeTimeKey, encodeTimeKey } from '../../platform/keyset.ts';
import type { Limits } from '../../platform/auth/limits.ts';
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type {
  ChannelEvent,
  CreateGroupBody,
  EventFrame,
  Group,
  GroupMember,
  JoinBlock,
  ModerateBody,
  PublishBody,
} from '@tremolo/protocol';
import type { Db } from '../../platform/db/client.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RateLimit } from '../../platform/auth/rate-limit.ts';
import type { Realtime } from '../../platform/realtime/realtime.ts';
import type { EventStore } from '../../platform/realtime/store.ts';
import type { AccountDataPart } from '../accounts/rights.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { ModerationService } from '../moderation/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import type { FansService } from '../fans/service.ts';
import { POINTS } from '../fans/levels.ts';
import { GroupsRepo, type GroupRow, type MemberRow } from './repo.ts';

/** What the groups module needs from the shop to drop a coupon; provided at composition. */
export interface CouponDrops {
  /** Checks the coupon belongs to `sellerId` and can still be claimed; returns its title and units left. */
  droppable(sellerId: string, couponId: string): Promise<{ title: string; remaining: number }>;
}

export type ChannelHistory = Pick<EventStore, 'head' | 'range' | 'redact'>;

const ADMIN_ROLES = new Set(['owner', 'admin']);
const GROUP_CACHE_MS = 1000;
const channelOf = (groupId: string) => `group:${groupId}`;

export interface GroupsDeps {
  db: Db;
  accounts: AccountsService;
  graph: GraphService;
  fans: FansService;
  notifications: NotificationsService;
  realtime: Realtime;
  history: ChannelHistory;
  messageLimit: RateLimit;
  limits: Limits;
  /** Word filters on messages (the site's and the group owner's lists). */
  moderation: Pick<ModerationService, 'screen'>;
}

export interface CouponDrop {
  groupId: string;
  groupName: string;
  couponId: string;
  title: string;
  actorId: string;
}
export type CouponDropListener = (drop: CouponDrop) => Promise<void>;

export class GroupsService {
  private readonly repo: GroupsRepo;
  private coupons: CouponDrops | null = null;
  /** Group rows for the message path (cachedGroup), each for GROUP_CACHE_MS. */
  private readonly recent = new LRUCache<string, GroupRow>({ max: 10_000, ttl: GROUP_CACHE_MS });

  private readonly couponDropListeners: CouponDropListener[] = [];
  /**
   * Groups whose members' Chats counts are being sent (true: another message came meanwhile). A
   * busy group sends one round at a time plus one after it, not one per message.
   */
  private readonly badgeRounds = new Map<string, boolean>();

  constructor(private readonly deps: GroupsDeps) {
    const { db } = deps;
    this.repo = new GroupsRepo(db);
  }

  setCouponDrops(c: CouponDrops): void {
    this.coupons = c;
  }

  async create(ownerId: string, body: CreateGroupBody): Promise<Group> {
    await this.deps.limits.consume('groupsCreated', ownerId);
    if (body.joinRule === 'fan_level' && !body.minFanLevel) throw new AppError('validation_failed', 'A fan-level group needs minFanLevel');
    const id = newId();
    await this.deps.db.transaction(async (tx) => {
      const repo = new GroupsRepo(tx);
      await repo.insertGroup({
        id,
        ownerId,
        name: body.name,
        description: body.description,
        capacity: body.capacity,
        memberCount: 1,
        joinRule: body.joinRule,
        minFanLevel: body.joinRule === 'fan_level' ? (body.minFanLevel ?? null) : null,
        inviteCode: randomBytes(9).toString('base64url'),
      });
      await repo.insertMember({ groupId: id, userId: ownerId, role: 'owner', status: 'member' });
    });
    return this.get(ownerId, id);
  }

  private async mustGroup(id: string): Promise<GroupRow> {
    const g = await this.repo.group(id);
    if (!g) throw notFound('Group');
    this.recent.set(id, g);
    return g;
  }

  /**
   * The group row for the message path, reused for up to a second: every chat message needs
   * its owner and mute-all flag, and they change rarely. Changes made on this node drop it at
   * once; another node's change is seen within the second.
   */
  private async cachedGroup(id: string): Promise<GroupRow> {
    return this.recent.get(id) ?? this.mustGroup(id);
  }

  async get(viewerId: string | null, id: string): Promise<Group> {
    return this.toDto(viewerId, await this.mustGroup(id));
  }

  async ofCreator(viewerId: string | null, ownerId: string): Promise<Group[]> {
    const groups = await this.repo.groupsOf(ownerId);
    return Promise.all(groups.map((g) => this.toDto(viewerId, g)));
  }

  async mine(userId: string): Promise<Group[]> {
    const rows = await this.repo.groupsJoinedBy(userId);
    return Promise.all(rows.map((r) => this.toDto(userId, r.group, r.member)));
  }

  private async toDto(viewerId: string | null, g: GroupRow, knownMember?: MemberRow): Promise<Group> {
    const [owner, head, member, banned, fanLevel] = await Promise.all([
      this.deps.accounts.summaries([g.ownerId]).then((m) => m.get(g.ownerId)!),
      this.deps.history.head(channelOf(g.id)),
      viewerId ? (knownMember ? Promise.resolve(knownMember) : this.repo.member(g.id, viewerId)) : Promise.resolve(undefined),
      viewerId ? this.repo.isBanned(g.id, viewerId) : Promise.resolve(false),
      viewerId ? this.deps.fans.level(g.ownerId, viewerId) : Promise.resolve(1),
    ]);
    const isAdmin = !!member && member.status === 'member' && ADMIN_ROLES.has(member.role);
    const status = banned ? 'banned' : member ? member.status : 'none';
    return {
      id: g.id,
      owner,
      name: g.name,
      description: g.description,
      avatarUrl: owner.avatarUrl,
      capacity: g.capacity,
      members: g.memberCount,
      joinRule: g.joinRule,
      minFanLevel: g.minFanLevel,
      announcement: g.announcement,
      mutedAll: g.mutedAll,
      channel: channelOf(g.id),
      me: viewerId
        ? {
            status,
            role: member?.status === 'member' ? member.role : null,
            fanLevel,
            mutedUntil: member?.mutedUntil && member.mutedUntil > new Date() ? member.mutedUntil.toISOString() : null,
            lastReadSeq: member?.lastReadSeq ?? 0,
            unread: member?.status === 'member' ? Math.max(0, head - member.lastReadSeq) : 0,
            ...(await this.joinBlockedView(status === 'none' ? viewerId : null, g)),
          }
        : null,
      inviteCode: isAdmin ? g.inviteCode : null,
      head,
    };
  }

  /** What the viewer (null: a member, or nobody) is told about joining: the sentence and its code. */
  private async joinBlockedView(
    viewerId: string | null,
    g: GroupRow,
  ): Promise<{ joinBlockedReason: string | null; joinBlocked: JoinBlock | null }> {
    const block = viewerId ? await this.joinBlocked(viewerId, g, null) : null;
    return { joinBlockedReason: block?.reason ?? null, joinBlocked: block?.code ?? null };
  }

  /** Why this person may not join (null = may join), as a code for screens and a sentence for the error. */
  private async joinBlocked(userId: string, g: GroupRow, inviteCode: string | null): Promise<{ code: JoinBlock; reason: string } | null> {
    if (await this.repo.isBanned(g.id, userId)) return { code: 'banned', reason: 'You were banned from this group' };
    if (await this.deps.graph.isBlockedEitherWay(userId, g.ownerId)) return { code: 'blocked', reason: 'You cannot join this group' };
    if (g.memberCount >= g.capacity) return { code: 'full', reason: 'The group is full' };
    switch (g.joinRule) {
      case 'anyone':
      case 'approval':
        return null;
      case 'followers':
        return (await this.deps.graph.relationship(userId, g.ownerId)).following
          ? null
          : { code: 'follow', reason: 'Follow the creator to join' };
      case 'fan_level': {
        const level = await this.deps.fans.level(g.ownerId, userId);
        return level >= (g.minFanLevel ?? 1)
          ? null
          : { code: 'fan_level', reason: `Fan level ${g.minFanLevel} needed (you are level ${level})` };
      }
      case 'invite':
        return inviteCode === g.inviteCode ? null : { code: 'invite', reason: 'Invite only: ask an admin for the link' };
    }
  }

  async join(userId: string, id: string, inviteCode: string | undefined): Promise<{ status: 'member' | 'pending'; group: Group }> {
    // Join and leave share one budget: each announces itself to the whole group.
    await this.deps.limits.consume('groupJoins', userId);
    const g = await this.mustGroup(id);
    const existing = await this.repo.member(id, userId);
    if (existing) return { status: existing.status, group: await this.toDto(userId, g, existing) };
    // A valid invite link lets anyone in, whatever the rule (except bans and blocks).
    const viaInvite = inviteCode !== undefined && inviteCode === g.inviteCode;
    const block = await this.joinBlocked(userId, viaInvite ? { ...g, joinRule: 'invite' } : g, inviteCode ?? null);
    if (block) throw new AppError(block.code === 'full' ? 'conflict' : 'forbidden', block.reason);
    const pending = g.joinRule === 'approval' && !viaInvite;
    // What was said before I joined is history, not unread: my Chats badge starts from here.
    const head = pending ? 0 : await this.deps.history.head(channelOf(id));
    const joined = await this.deps.db.transaction(async (tx) => {
      const repo = new GroupsRepo(tx);
      // Under the group's row lock, which a ban also takes: a ban racing this join is seen here.
      await repo.groupForUpdate(id);
      if (await repo.isBanned(id, userId)) throw new AppError('forbidden', 'You were banned from this group');
      if (!pending && !(await repo.takeSeat(id))) throw new AppError('conflict', 'The group is full');
      const inserted = await repo.insertMember({
        groupId: id,
        userId,
        role: 'member',
        status: pending ? 'pending' : 'member',
        lastReadSeq: head,
      });
      if (!inserted && !pending) await repo.freeSeat(id);
      return inserted;
    });
    if (joined) {
      const actor = (await this.deps.accounts.summaries([userId])).get(userId)!;
      if (pending) {
        for (const admin of await this.repo.admins(id))
          await this.deps.notifications.notify(admin, { kind: 'join_request', actor, groupId: id, groupName: g.name });
      } else {
        await this.readUpTo(id, userId, await this.system(id, { kind: 'member', event: 'joined', user: actor }));
      }
    }
    return { status: pending ? 'pending' : 'member', group: await this.get(userId, id) };
  }

  async leave(userId: string, id: string): Promise<void> {
    await this.deps.limits.consume('groupJoins', userId);
    const g = await this.mustGroup(id);
    if (g.ownerId === userId) throw new AppError('bad_request', 'The owner cannot leave; hand the group over or delete it');
    const removed = await this.removeMember(id, userId);
    if (removed?.status === 'member')
      await this.system(id, { kind: 'member', event: 'left', user: (await this.deps.accounts.summaries([userId])).get(userId)! });
  }

  /**
   * Groups' share of a deleted account: they leave every group they were in, and its members see
   * them leave live (the `member` event, which also ends their subscription on every node); their
   * pending requests go. A group they own stays, with its owner shown as a deleted account (its
   * admins keep running it). Idempotent: a second run finds no membership.
   */
  accountPart(): AccountDataPart {
    return {
      name: 'groups',
      erase: async (userId) => {
        await this.repo.deletePendingOf(userId);
        const me = (await this.deps.accounts.summaries([userId])).get(userId);
        for (const { group } of await this.repo.groupsJoinedBy(userId)) {
          if (group.ownerId === userId) continue;
          const removed = await this.removeMember(group.id, userId);
          if (removed?.status === 'member' && me) await this.system(group.id, { kind: 'member', event: 'left', user: me });
        }
      },
    };
  }

  private async removeMember(groupId: string, userId: string): Promise<MemberRow | undefined> {
    return this.deps.db.transaction(async (tx) => {
      const repo = new GroupsRepo(tx);
      const m = await repo.deleteMember(groupId, userId);
      if (m?.status === 'member') await repo.freeSeat(groupId);
      return m;
    });
  }

  private async banMember(groupId: string, userId: string, by: string): Promise<MemberRow | undefined> {
    return this.deps.db.transaction(async (tx) => {
      const repo = new GroupsRepo(tx);
      await repo.groupForUpdate(groupId);
      await repo.ban(groupId, userId, by);
      const m = await repo.deleteMember(groupId, userId);
      if (m?.status === 'member') await repo.freeSeat(groupId);
      return m;
    });
  }

  private async requireAdmin(actorId: string, groupId: string): Promise<{ g: GroupRow; me: MemberRow }> {
    const g = await this.mustGroup(groupId);
    const me = await this.repo.member(groupId, actorId);
    if (!me || me.status !== 'member' || !ADMIN_ROLES.has(me.role)) throw forbidden('Only group admins can do that');
    return { g, me };
  }

  async update(
    actorId: string,
    id: string,
    patch: {
      name?: string | undefined;
      description?: string | undefined;
      capacity?: number | undefined;
      joinRule?: GroupRow['joinRule'] | undefined;
      minFanLevel?: number | null | undefined;
      announcement?: string | undefined;
      mutedAll?: boolean | undefined;
    },
  ): Promise<Group> {
    const { g, me } = await this.requireAdmin(actorId, id);
    const ownerOnly =
      patch.name !== undefined ||
      patch.description !== undefined ||
      patch.capacity !== undefined ||
      patch.joinRule !== undefined ||
      patch.minFanLevel !== undefined;
    if (ownerOnly && me.role !== 'owner') throw forbidden('Only the owner can change the group settings');
    const joinRule = patch.joinRule ?? g.joinRule;
    const minFanLevel = patch.minFanLevel === undefined ? g.minFanLevel : patch.minFanLevel;
    if (joinRule === 'fan_level' && !minFanLevel) throw new AppError('validation_failed', 'A fan-level group needs minFanLevel');
    // Conditional in SQL: joins racing a lower capacity either fit under it or make it fail.
    if (patch.capacity !== undefined && !(await this.repo.setCapacity(id, patch.capacity))) {
      throw new AppError('conflict', `The group already has more than ${patch.capacity} members`);
    }
    await this.repo.updateGroup(id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.capacity !== undefined ? { capacity: patch.capacity } : {}),
      joinRule,
      minFanLevel: joinRule === 'fan_level' ? minFanLevel : null,
      ...(patch.announcement !== undefined ? { announcement: patch.announcement || null } : {}),
      ...(patch.mutedAll !== undefined ? { mutedAll: patch.mutedAll } : {}),
    });
    if (patch.announcement) await this.system(id, { kind: 'announcement', text: patch.announcement }, actorId);
    if (patch.mutedAll !== undefined && patch.mutedAll !== g.mutedAll) {
      await this.system(id, { kind: 'member', event: patch.mutedAll ? 'group_muted' : 'group_unmuted', user: null }, actorId);
    }
    return this.get(actorId, id);
  }

  async moderate(actorId: string, id: string, targetId: string, action: ModerateBody): Promise<void> {
    const { g, me } = await this.requireAdmin(actorId, id);
    if (targetId === g.ownerId) throw forbidden('Nobody can moderate the owner');
    const target = await this.repo.member(id, targetId);
    // Admins moderate members; only the owner moderates admins.
    if (target && target.role === 'admin' && me.role !== 'owner') throw forbidden('Only the owner can moderate admins');
    const user = (await this.deps.accounts.summaries([targetId])).get(targetId) ?? null;
    if (!user) throw notFound('Person');
    switch (action.action) {
      case 'mute':
      case 'unmute': {
        if (target?.status !== 'member') throw notFound('Member');
        const until = action.action === 'mute' ? new Date(Date.now() + action.minutes * 60_000) : null;
        await this.repo.updateMember(id, targetId, { mutedUntil: until });
        await this.system(id, { kind: 'member', event: action.action === 'mute' ? 'muted' : 'unmuted', user }, actorId);
        return;
      }
      case 'remove':
      case 'ban': {
        const removed = action.action === 'ban' ? await this.banMember(id, targetId, actorId) : await this.removeMember(id, targetId);
        if (removed?.status === 'member' || action.action === 'ban')
          await this.system(id, { kind: 'member', event: action.action === 'ban' ? 'banned' : 'removed', user }, actorId);
        return;
      }
      case 'unban':
        return this.repo.unban(id, targetId);
      case 'approve': {
        if (target?.status !== 'pending') throw notFound('Join request');
        await this.deps.db.transaction(async (tx) => {
          const repo = new GroupsRepo(tx);
          if (!(await repo.takeSeat(id))) throw new AppError('conflict', 'The group is full');
          // Two admins approving at once: the second finds no request, and its seat goes back with the rollback.
          if (!(await repo.admitPending(id, targetId))) throw notFound('Join request');
        });
        // Admitted now: what came before (and the news of it) is not unread for them.
        await this.readUpTo(id, targetId, await this.system(id, { kind: 'member', event: 'joined', user }, actorId));
        return;
      }
      case 'decline':
        if (target?.status !== 'pending') throw notFound('Join request');
        await this.repo.deleteMember(id, targetId);
        return;
      case 'set_role':
        if (me.role !== 'owner') throw forbidden('Only the owner can appoint admins');
        if (target?.status !== 'member') throw notFound('Member');
        await this.repo.updateMember(id, targetId, { role: action.role });
        await this.system(id, { kind: 'member', event: 'role', user, role: action.role }, actorId);
        return;
    }
  }

  async members(
    viewerId: string,
    id: string,
    status: 'member' | 'pending',
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: GroupMember[]; nextCursor: string | null }> {
    const g = await this.mustGroup(id);
    const me = await this.repo.member(id, viewerId);
    if (!me || me.status !== 'member') throw forbidden('Join the group to see its members');
    if (status === 'pending' && !ADMIN_ROLES.has(me.role)) throw forbidden('Only admins see join requests');
    const key = cursor ? decodeTimeKey(cursor) : null;
    const rows = await this.repo.members(id, status, key && { joinedAt: key.at, userId: key.id }, limit);
    const page = rows.slice(0, limit);
    const [users, levels] = await Promise.all([
      this.deps.accounts.summaries(page.map((r) => r.userId)),
      this.deps.fans.levels(
        g.ownerId,
        page.map((r) => r.userId),
      ),
    ]);
    const last = page[page.length - 1];
    return {
      items: page.flatMap((r) => {
        const user = users.get(r.userId);
        return user
          ? [
              {
                user,
                role: r.role,
                fanLevel: levels.get(r.userId) ?? 1,
                mutedUntil: r.mutedUntil && r.mutedUntil > new Date() ? r.mutedUntil.toISOString() : null,
                joinedAt: r.joinedAt.toISOString(),
              },
            ]
          : [];
      }),
      nextCursor: rows.length > limit && last ? encodeTimeKey(last.joinedAt, last.userId) : null,
    };
  }

  /** Older messages for infinite scroll: sequences are contiguous, so "before n" is a range. */
  async messages(viewerId: string, id: string, before: number | undefined, limit: number): Promise<{ items: EventFrame[]; head: number }> {
    await this.requireMember(viewerId, id);
    const head = await this.deps.history.head(channelOf(id));
    const upTo = Math.min(head, (before ?? head + 1) - 1);
    const items = upTo > 0 ? await this.deps.history.range(channelOf(id), Math.max(0, upTo - limit), upTo, limit) : [];
    return { items, head };
  }

  async read(userId: string, id: string, seq: number): Promise<{ unread: number }> {
    await this.requireMember(userId, id);
    const head = await this.deps.history.head(channelOf(id));
    if (seq > head) throw new AppError('validation_failed', `There is no message ${seq} yet (the latest is ${head})`);
    await this.repo.markRead(id, userId, seq);
    const me = await this.repo.member(id, userId);
    await this.deps.notifications.publishBadges(userId);
    return { unread: Math.max(0, head - (me?.lastReadSeq ?? 0)) };
  }

  private async readUpTo(groupId: string, userId: string, frame: EventFrame): Promise<void> {
    if (frame.seq) await this.repo.markRead(groupId, userId, frame.seq);
  }

  /** Unread messages over all my groups, for the Chats badge (counted like each group's `me.unread`). */
  async unreadTotal(userId: string): Promise<number> {
    const rows = await this.repo.groupsJoinedBy(userId);
    const heads = await Promise.all(rows.map((r) => this.deps.history.head(channelOf(r.group.id))));
    return rows.reduce((sum, r, i) => sum + Math.max(0, heads[i]! - r.member.lastReadSeq), 0);
  }

  /** Sends every member their new Chats count after a message, coalescing a burst into rounds. */
  private refreshMemberBadges(groupId: string): void {
    if (this.badgeRounds.has(groupId)) {
      this.badgeRounds.set(groupId, true);
      return;
    }
    this.badgeRounds.set(groupId, false);
    const round = async (): Promise<void> => {
      const ids = await this.repo.allMemberIds(groupId, 10_000);
      for (const id of ids) await this.deps.notifications.publishBadges(id);
      if (this.badgeRounds.get(groupId)) {
        this.badgeRounds.set(groupId, false);
        return round();
      }
      this.badgeRounds.delete(groupId);
    };
    // A failed round only leaves counts stale until the next message or read sends them again.
    round().catch(() => this.badgeRounds.delete(groupId));
  }

  async deleteMessage(actorId: string, id: string, seq: number): Promise<void> {
    const me = await this.requireMember(actorId, id);
    const [ev] = await this.deps.history.range(channelOf(id), seq - 1, seq, 1);
    if (!ev) throw notFound('Message');
    if (ev.from !== actorId && !ADMIN_ROLES.has(me.role)) throw forbidden('Only admins can delete messages of others');
    if (ev.body.kind === 'message_deleted' || ev.from === null) throw new AppError('bad_request', 'That message cannot be deleted');
    // The content goes from storage; the tombstone keeps the sequence whole and tells live clients.
    await this.deps.history.redact(channelOf(id), seq, { kind: 'message_deleted', seq, by: actorId });
    await this.system(id, { kind: 'message_deleted', seq, by: actorId }, actorId);
  }

  async dropCoupon(actorId: string, id: string, couponId: string): Promise<EventFrame> {
    const { g } = await this.requireAdmin(actorId, id);
    if (!this.coupons) throw new AppError('unprocessable', 'Coupons need the shop');
    const c = await this.coupons.droppable(g.ownerId, couponId);
    const frame = await this.system(id, { kind: 'coupon_drop', couponId, title: c.title, remaining: c.remaining }, actorId);
    for (const l of this.couponDropListeners) await l({ groupId: id, groupName: g.name, couponId, title: c.title, actorId });
    return frame;
  }

  /** Hears each coupon dropped in a group (web push tells the members whose app is closed). */
  onCouponDrop(listener: CouponDropListener): void {
    this.couponDropListeners.push(listener);
  }

  /** Who is in a group now, up to `limit` people (the audience of a coupon drop's push). */
  memberIdsOf(groupId: string, limit: number): Promise<string[]> {
    return this.repo.allMemberIds(groupId, limit);
  }

  private async requireMember(userId: string, id: string): Promise<MemberRow> {
    await this.mustGroup(id);
    const me = await this.repo.member(id, userId);
    if (!me || me.status !== 'member') throw forbidden('Join the group first');
    return me;
  }

  private system(groupId: string, body: ChannelEvent, senderId: string | null = null): Promise<EventFrame> {
    return this.deps.realtime.publish(channelOf(groupId), body, { senderId });
  }

  // ------------------------------------------------------------ realtime policy hooks

  async canSubscribe(userId: string, groupId: string): Promise<boolean> {
    const me = await this.repo.member(groupId, userId);
    return !!me && me.status === 'member';
  }

  /** Members may chat unless muted (personally, or the whole group for non-admins), within a rate limit. */
  async checkPublish(userId: string, groupId: string, body: PublishBody): Promise<boolean> {
    if (!['chat', 'share', 'image', 'typing'].includes(body.kind)) return false;
    const me = await this.repo.member(groupId, userId);
    if (!me || me.status !== 'member') return false;
    if (body.kind === 'typing') return true;
    const isAdmin = ADMIN_ROLES.has(me.role);
    if (me.mutedUntil && me.mutedUntil > new Date()) throw new AppError('forbidden', `You are muted until ${me.mutedUntil.toISOString()}`);
    const g = await this.cachedGroup(groupId);
    if (g.mutedAll && !isAdmin) throw new AppError('forbidden', 'Only admins can talk while the group is muted');
    if (body.kind === 'chat' && body.mentionAll && !isAdmin) throw new AppError('forbidden', 'Only admins can mention @all');
    await this.deps.messageLimit.consume(`${groupId}:${userId}`, 'messages; slow down');
    return true;
  }

  /** Adds the sender's fan level badge to what is stored. */
  async prepare(userId: string, groupId: string, body: PublishBody): Promise<ChannelEvent> {
    if (body.kind !== 'chat' && body.kind !== 'share' && body.kind !== 'image') return body;
    const g = await this.cachedGroup(groupId);
    const prepared = { ...body, fanLevel: await this.deps.fans.level(g.ownerId, userId) };
    if (prepared.kind === 'chat') {
      await this.deps.moderation.screen({
        surface: 'group_message',
        placeId: groupId,
        placeName: g.name,
        ownerId: g.ownerId,
        authorId: userId,
        text: prepared.text,
        payload: prepared,
      });
    }
    return prepared;
  }

  /** Members' Chats counts rise; mentions become inbox notifications; chatting earns fan points (capped per day). */
  async afterPublish(userId: string, groupId: string, frame: EventFrame): Promise<void> {
    const body = frame.body;
    if (body.kind !== 'chat' && body.kind !== 'share' && body.kind !== 'image') return;
    // What I sent I have read; everyone else's Chats count rises by it.
    await this.readUpTo(groupId, userId, frame);
    this.refreshMemberBadges(groupId);
    const g = await this.cachedGroup(groupId);
    // The daily cap is counted in the shared limits (Redis across nodes), so several nodes
    // cannot each pay out a full day's points.
    if (await this.deps.limits.allow('groupMessagePoints', `${userId}:${g.ownerId}`)) {
      await this.deps.fans.award(g.ownerId, userId, POINTS.groupMessage);
    }
    if (body.kind !== 'chat') return;
    const targets = body.mentionAll
      ? await this.repo.allMemberIds(groupId, 10_000)
      : await this.repo.memberIds(groupId, body.mentions ?? []);
    if (targets.length === 0) return;
    const actor = (await this.deps.accounts.summaries([userId])).get(userId)!;
    const preview = body.text.slice(0, 80);
    for (const t of targets) {
      if (t === userId) continue;
      await this.deps.notifications.notify(t, { kind: 'mention', actor, groupId, groupName: g.name, seq: frame.seq ?? 0, preview });
    }
  }

  /** For shop coupon audiences. */
  async isMember(groupId: string, userId: string): Promise<boolean> {
    const m = await this.repo.member(groupId, userId);
    return !!m && m.status === 'member';
  }

  async fanLevelIn(groupId: string, userId: string): Promise<number> {
    const g = await this.repo.group(groupId);
    return g ? this.deps.fans.level(g.ownerId, userId) : 0;
  }
}
