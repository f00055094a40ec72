import type { ListedUser, Relationship, UserSummary } from '@tremolo/protocol';
import { lockFor, type Db, type Tx } from '../../platform/db/client.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AccountDataPart } from '../accounts/rights.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import type { Limits } from '../../platform/auth/limits.ts';
import { GraphRepo } from './repo.ts';

export interface GraphDeps {
  db: Db;
  accounts: AccountsService;
  notifications: NotificationsService;
  limits: Limits;
}

export class GraphService {
  private readonly repo: GraphRepo;

  constructor(private readonly deps: GraphDeps) {
    const { db } = deps;
    this.repo = new GraphRepo(db);
  }

  async follow(meId: string, handle: string): Promise<Relationship> {
    await this.deps.limits.consume('follows', meId);
    const target = await this.deps.accounts.byHandle(handle);
    if (target.id === meId) throw new AppError('bad_request', 'You cannot follow yourself');
    const created = await this.deps.db.transaction(async (tx) => {
      await lockPair(tx, meId, target.id);
      const repo = new GraphRepo(tx);
      const b = await repo.blockState(meId, target.id);
      if (b.aBlocksB) throw new AppError('blocked', 'Unblock this person before following them');
      if (b.bBlocksA) throw new AppError('blocked', 'You cannot follow this person');
      const isNew = await repo.insertFollow(newId(), meId, target.id);
      return { isNew, mutual: isNew && (await repo.follows(target.id, meId)) };
    });
    // Unfollow and follow again must not become a way to ping someone over and over.
    if (created.isNew && (await this.deps.limits.followNotifyOnce.first(`${meId}:${target.id}`))) {
      const actor = this.deps.accounts.summary(await this.deps.accounts.mustGet(meId));
      await this.deps.notifications.notify(target.id, created.mutual ? { kind: 'friended', actor } : { kind: 'followed', actor });
      if (created.mutual) {
        const other = this.deps.accounts.summary(target);
        await this.deps.notifications.notify(meId, { kind: 'friended', actor: other });
      }
    }
    return this.relationship(meId, target.id);
  }

  async unfollow(meId: string, handle: string): Promise<Relationship> {
    await this.deps.limits.consume('follows', meId);
    const target = await this.deps.accounts.byHandle(handle);
    await this.repo.deleteFollow(meId, target.id);
    return this.relationship(meId, target.id);
  }

  /** Blocking removes follows both ways, in one transaction with the block. */
  async block(meId: string, handle: string): Promise<Relationship> {
    await this.deps.limits.consume('follows', meId);
    const target = await this.deps.accounts.byHandle(handle);
    if (target.id === meId) throw new AppError('bad_request', 'You cannot block yourself');
    await this.deps.db.transaction(async (tx) => {
      await lockPair(tx, meId, target.id);
      const repo = new GraphRepo(tx);
      await repo.insertBlock(meId, target.id);
      await repo.deleteFollow(meId, target.id);
      await repo.deleteFollow(target.id, meId);
    });
    return this.relationship(meId, target.id);
  }

  async unblock(meId: string, handle: string): Promise<Relationship> {
    await this.deps.limits.consume('follows', meId);
    const target = await this.deps.accounts.byHandle(handle);
    await this.repo.deleteBlock(meId, target.id);
    return this.relationship(meId, target.id);
  }

  async relationship(viewerId: string, targetId: string): Promise<Relationship> {
    if (viewerId === targetId) {
      return { self: true, following: false, followedBy: false, friends: false, blocking: false, blockedBy: false };
    }
    const [following, followedBy, b] = await Promise.all([
      this.repo.follows(viewerId, targetId),
      this.repo.follows(targetId, viewerId),
      this.repo.blockState(viewerId, targetId),
    ]);
    return { self: false, following, followedBy, friends: following && followedBy, blocking: b.aBlocksB, blockedBy: b.bBlocksA };
  }

  /** True when either has blocked the other: other modules ask this before any contact. */
  async isBlockedEitherWay(a: string, b: string): Promise<boolean> {
    const s = await this.repo.blockState(a, b);
    return s.aBlocksB || s.bBlocksA;
  }

  /** The follow graph's share of a person's data: archived as follows.json, removed with the account. */
  accountPart(): AccountDataPart {
    return {
      name: 'graph',
      export: async (userId, archive) => {
        const edges = await this.repo.allEdgesOf(userId);
        const people = await this.deps.accounts.summaries([...edges.following, ...edges.followers, ...edges.blocked].map((e) => e.userId));
        const named = (list: { userId: string; at: Date }[]) =>
          list.flatMap((e) => {
            const u = people.get(e.userId);
            return u && !u.deleted ? [{ handle: u.handle, displayName: u.displayName, since: e.at.toISOString() }] : [];
          });
        await archive.json('follows.json', {
          following: named(edges.following),
          followers: named(edges.followers),
          blocked: named(edges.blocked),
        });
      },
      erase: (userId) => this.repo.deleteAllOf(userId),
    };
  }

  /** Whether `followerId` follows `followeeId` (privacy settings ask it). */
  isFollowing(followerId: string, followeeId: string): Promise<boolean> {
    return this.repo.follows(followerId, followeeId);
  }

  async areFriends(a: string, b: string): Promise<boolean> {
    const [x, y] = await Promise.all([this.repo.follows(a, b), this.repo.follows(b, a)]);
    return x && y;
  }

  /** Following, friends and blocked ids of one person, for feeds. */
  circle(userId: string) {
    return this.repo.circle(userId);
  }

  followingIds(userId: string): Promise<string[]> {
    return this.repo.followingIds(userId);
  }

  /** Which of these people the user follows (for the "+" on a feed video's author). */
  followingAmong(userId: string, ids: string[]): Promise<string[]> {
    return this.repo.followingAmong(userId, ids);
  }

  /** Whom each of these people blocked or was blocked by (an empty list for nobody), in one query. */
  blockedEitherWayAmong(ids: string[]): Promise<Map<string, string[]>> {
    return this.repo.blockedEitherWayAmong(ids);
  }

  /** Followers of each of `ids`, and how many of the viewer's friends are theirs too (search ranks people by it). */
  socialAmong(viewerId: string | null, ids: string[]) {
    return this.repo.socialAmong(viewerId, ids);
  }

  friendIds(userId: string): Promise<string[]> {
    return this.repo.friendIds(userId);
  }

  counts(userId: string) {
    return this.repo.counts(userId);
  }

  async list(
    viewerId: string | null,
    handle: string,
    direction: 'followers' | 'following' | 'friends',
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: ListedUser[]; nextCursor: string | null }> {
    const owner = await this.deps.accounts.byHandle(handle);
    if (viewerId && viewerId !== owner.id && (await this.repo.blockState(owner.id, viewerId)).aBlocksB) {
      throw new AppError('blocked', 'This person has blocked you');
    }
    const page = await this.repo.edges(owner.id, direction, cursor, limit);
    const users = await this.deps.accounts.summaries(page.rows.map((r) => r.userId));
    return {
      items: page.rows.flatMap((r) => {
        const u = users.get(r.userId);
        return u ? [{ ...u, friends: r.mutual }] : [];
      }),
      nextCursor: page.nextCursor,
    };
  }

  async popular(viewerId: string | null, limit: number): Promise<UserSummary[]> {
    const hidden = viewerId ? new Set([viewerId, ...(await this.repo.blockedEitherWay(viewerId))]) : new Set<string>();
    // Ask for as many more as could be hidden, so hiding them still fills the page.
    const ids = (await this.repo.mostFollowed(limit + hidden.size)).filter((id) => !hidden.has(id)).slice(0, limit);
    const users = await this.deps.accounts.summaries(ids);
    return ids.flatMap((id) => {
      const u = users.get(id);
      return u ? [u] : [];
    });
  }

  async blocked(meId: string) {
    const rows = await this.repo.blockedBy(meId, undefined, 500);
    const users = await this.deps.accounts.summaries(rows.map((r) => r.userId));
    return rows.flatMap((r) => {
      const u = users.get(r.userId);
      return u ? [u] : [];
    });
  }
}

/**
 * Follows and blocks between the same two people take turns, on any node: a follow racing a
 * block would otherwise pass its block check before the block commits and survive it, and two
 * people following each other at once would each miss the other's follow and neither hear
 * "friends".
 */
function lockPair(tx: Tx, a: string, b: string): Promise<void> {
  return lockFor(tx, 'graph-pair', a < b ? `${a}:${b}` : `${b}:${a}`);
}
