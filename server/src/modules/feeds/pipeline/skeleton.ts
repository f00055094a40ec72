import type { RecommendEngine } from '../../../lib/recommend/engine.ts';
import type { IdMap } from '../../../lib/recommend/ids.ts';
import type { VideoRow, VideosService } from '../../videos/service.ts';
import type { Catalogue } from '../catalogue.ts';
import type { InterestModel } from '../interest-model.ts';
import type { Reason, Scored } from './types.ts';

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
  // The circle's likes are the one query: asked first, so that everything after it runs in one
  // synchronous stretch and each candidate's row, read once when it is added, is still the
  // catalogue's when it is scored.
  const friendSet = new Set(friends);
  const circle = [...new Set([...friends, ...following])];
  const likes = circle.length ? await src.videos.recentLikesBy(circle, 300) : [];

  // Candidates from every source, remembering the best reason for each. A candidate costs one
  // catalogue lookup (row and popularity together), whichever sources name it, and its score is
  // summed in place: every term that depends on the video alone when it is added (its row is
  // then in the CPU's cache; read again after a thousand others it mostly is not), the
  // collaborative one when the engine names it, the social one at the end. Nothing is awaited
  // from here on, so neither the catalogue nor the interest model moves meanwhile.
  const W = FOR_YOU_WEIGHTS;
  const popScale = 1 / (Math.log1p(catalogue.maxPopularity()) || 1);
  // The viewer's interest weights are looked up once for the whole ranking.
  const interest = viewerId ? model.scorer(viewerId) : null;
  const followingSet = new Set(following);
  const candidates = new Map<string, Scored>();
  const add = (id: string, reason: Reason, social = 0): Scored | undefined => {
    const x = candidates.get(id);
    if (!x) {
      const slot = catalogue.slot(id);
      const v = slot?.row;
      if (!v) return undefined;
      const pop = Math.max(0, slot.pop);
      const ageDays = (now - v.createdAt.getTime()) / 86_400_000;
      const s =
        W.interest * (interest ? interest(v.hashtags) : 0) +
        W.following * (followingSet.has(v.authorId) ? 1 : 0) +
        W.popularity * (pop > 0 ? Math.log1p(pop) * popScale : 0) +
        W.freshness * Math.exp(-ageDays / 3) +
        W.jitter * Math.random();
      const y: Scored = { c: { id, reason, social }, v, s, unpopular: pop < 1 };
      candidates.set(id, y);
      return y;
    }
    x.c.social += social;
    // The reason shown is the most personal one that applies.
    if (REASON_RANK[reason] < REASON_RANK[x.c.reason]) x.c.reason = reason;
    return x;
  };
  if (viewerId) for (const tag of model.topTags(viewerId, 5)) for (const id of catalogue.withTag(tag, 100)) add(id, 'interest');
  // Collaborative candidates: what people with similar histories engaged with, and friends' picks.
  if (viewerId) {
    const me = people.intern(viewerId);
    engine.setSocial(
      me,
      [...friends, ...following].map((id) => people.intern(id)),
    );
    const ranked = engine.rankReachable(me, { k: ENGINE_CANDIDATES });
    const top = ranked.scores[0] ?? 0;
    for (let i = 0; i < ranked.items.length; i++) {
      const x = add(items.key(ranked.items[i]!), 'interest');
      if (x && top > 0) x.s += W.collaborative * (ranked.scores[i]! / top);
    }
  }
  for (const l of likes) add(l.videoId, friendSet.has(l.userId) ? 'friends' : 'following', 1);
  for (const creator of following.slice(-50)) for (const id of catalogue.byCreator(creator, 3)) add(id, 'following');
  for (const id of catalogue.newest(100)) add(id, 'fresh');
  for (const id of catalogue.popular(100)) add(id, 'popular');

  // The social term, now that every like of the circle is counted.
  const out: Scored[] = new Array<Scored>(candidates.size);
  let n = 0;
  for (const x of candidates.values()) {
    if (x.c.social > 0) x.s += W.social * Math.tanh(x.c.social / 2);
    out[n++] = x;
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
