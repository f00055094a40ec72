import type { RecommendEngine } from '../../../lib/recommend/engine.ts';
import type { IdMap } from '../../../lib/recommend/ids.ts';
import type { VideoRow, VideosService } from '../../videos/service.ts';
import type { Catalogue } from '../catalogue.ts';
import type { InterestModel } from '../interest-model.ts';
import type { Candidate, Reason, Scored } from './types.ts';

/**
 * Stage 1, skeleton: which videos a page could hold, before anything about them is loaded for
 * the viewer. For You gathers candidates from every source and scores them; Friends reads one
 * keyset page of friends' videos.
 */

/** Weights of the For You score; documented in docs/architecture.md. */
const FOR_YOU_WEIGHTS = {
  interest: 1,
  collaborative: 1,
  social: 0.6,
  following: 0.4,
  popularity: 0.3,
  freshness: 0.25,
  jitter: 0.05,
} as const;
const ENGINE_CANDIDATES = 150;
const REASON_RANK: Record<Reason, number> = { friends: 0, following: 1, interest: 2, fresh: 3, popular: 4 };

/** What the For You skeleton reads: the in-memory models and one query for the circle's likes. */
export interface ForYouSources {
  catalogue: Catalogue;
  model: InterestModel;
  engine: RecommendEngine;
  people: IdMap;
  items: IdMap;
  videos: Pick<VideosService, 'recentLikesBy'>;
}

export interface ForYouSkeletonInput {
  viewerId: string | null;
  friends: string[];
  following: string[];
  now: number;
}

/**
 * Every For You candidate for one viewer, scored, best first. The service caches it per viewer,
 * so it must not depend on what was served: that is the filter's job.
 */
export async function forYouSkeleton(src: ForYouSources, { viewerId, friends, following, now }: ForYouSkeletonInput): Promise<Scored[]> {
  const { catalogue, model, engine, people, items } = src;
  // Candidates from every source, remembering the best reason for each.
  const candidates = new Map<string, Candidate>();
  const add = (id: string, reason: Reason, social = 0) => {
    const c = candidates.get(id);
    if (!c) return void candidates.set(id, { id, reason, social });
    c.social += social;
    // The reason shown is the most personal one that applies.
    if (REASON_RANK[reason] < REASON_RANK[c.reason]) c.reason = reason;
  };
  if (viewerId) for (const tag of model.topTags(viewerId, 5)) for (const id of catalogue.withTag(tag, 100)) add(id, 'interest');
  // Collaborative candidates: what people with similar histories engaged with, and friends' picks.
  const cf = new Map<string, number>();
  if (viewerId) {
    const me = people.intern(viewerId);
    engine.setSocial(
      me,
      [...friends, ...following].map((id) => people.intern(id)),
    );
    const ranked = engine.rankReachable(me, { k: ENGINE_CANDIDATES });
    const top = ranked.scores[0] ?? 0;
    for (let i = 0; i < ranked.items.length; i++) {
      const id = items.key(ranked.items[i]!);
      if (!catalogue.get(id)) continue;
      cf.set(id, top > 0 ? ranked.scores[i]! / top : 0);
      add(id, 'interest');
    }
  }
  const friendSet = new Set(friends);
  const circle = [...new Set([...friends, ...following])];
  if (circle.length)
    for (const l of await src.videos.recentLikesBy(circle, 300)) add(l.videoId, friendSet.has(l.userId) ? 'friends' : 'following', 1);
  for (const creator of following.slice(-50)) for (const id of catalogue.byCreator(creator, 3)) add(id, 'following');
  for (const id of catalogue.newest(100)) add(id, 'fresh');
  for (const id of catalogue.popular(100)) add(id, 'popular');

  // Score.
  const followingSet = new Set(following);
  const maxPop = Math.log1p(catalogue.maxPopularity()) || 1;
  const W = FOR_YOU_WEIGHTS;
  const out: Scored[] = [];
  for (const c of candidates.values()) {
    const v = catalogue.get(c.id);
    if (!v) continue;
    const ageDays = (now - v.createdAt.getTime()) / 86_400_000;
    const pop = catalogue.popularityOf(v.id);
    const s =
      W.interest * (viewerId ? model.score(viewerId, v.hashtags) : 0) +
      W.collaborative * (cf.get(v.id) ?? 0) +
      W.social * Math.tanh(c.social / 2) +
      W.following * (followingSet.has(v.authorId) ? 1 : 0) +
      W.popularity * (Math.log1p(pop) / maxPop) +
      W.freshness * Math.exp(-ageDays / 3) +
      W.jitter * Math.random();
    out.push({ c, v, s, unpopular: pop < 1 });
  }
  return out.sort((a, b) => b.s - a.s);
}

export interface FriendsSkeleton {
  rows: VideoRow[];
  nextCursor: string | null;
}

/** One page of friends' videos, newest first (the query keeps to what friends may see). */
export async function friendsSkeleton(
  videos: Pick<VideosService, 'friendsVideos'>,
  friendIds: string[],
  cursor: string | undefined,
  limit: number,
): Promise<FriendsSkeleton> {
  const rows = await videos.friendsVideos(friendIds, cursor, limit + 1);
  const pageRows = rows.slice(0, limit);
  return { rows: pageRows, nextCursor: rows.length > limit ? pageRows[pageRows.length - 1]!.id : null };
}
