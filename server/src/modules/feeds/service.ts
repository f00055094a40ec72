import type { FeedItem, FeedPage } from '@tremolo/protocol';
import type { GraphService } from '../graph/service.ts';
import type { VideoRow } from '../videos/service.ts';
import type { VideoSignal, VideosService, ViewerSignal } from '../videos/service.ts';
import { RecommendEngine } from '../../lib/recommend/engine.ts';
import { IdMap } from '../../lib/recommend/ids.ts';
import { WorkerFit } from '../../lib/recommend/worker-fit.ts';
import { Catalogue } from './catalogue.ts';
import { InterestModel, type InterestEvent } from './interest-model.ts';

type Reason = Extract<FeedItem, { type: 'video' }>['reason'];

interface Scored {
  c: Candidate;
  v: VideoRow;
  s: number;
  /** liked by hardly anyone yet: a candidate for the exploration slots */
  unpopular: boolean;
}

interface History {
  seen: Set<string>;
  served: Map<string, number>;
}

interface Candidate {
  id: string;
  reason: Reason;
  /** Friends and followed creators who liked it. */
  social: number;
}

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

/** What each action says to the item-item engine, as the weight of a (person, video) pair. */
const ENGINE_WEIGHTS = { like: 2, unlike: -2, complete: 1.5, watch: 0.5, not_interested: -4 } as const;
/** What each action adds to a video's popularity. */
const POPULARITY_WEIGHTS = { like: 1, unlike: -1, complete: 0.5, watch: 0.1, not_interested: -0.5 } as const;
const ENGINE_CANDIDATES = 150;
const REASON_RANK: Record<Reason, number> = { friends: 0, following: 1, interest: 2, fresh: 3, popular: 4 };
const REFIT_EVERY_MS = 10 * 60_000;
const EXPLORE_EVERY = 5;
const PRODUCT_EVERY = 4;
const SERVED_TTL_MS = 30 * 60_000;
const CACHED_PEOPLE = 10_000;
/**
 * How long a viewer's ranked candidates are reused across pages. The viewer's own events drop
 * them at once (so a like changes the very next page); others' likes and new videos reach an
 * open feed within this time.
 */
const POOL_TTL_MS = 30_000;
const CACHED_POOLS = 5_000;
/** Scored candidates kept per viewer between pages. */
const POOL_KEPT = 600;

export interface FeedsDeps {
  videos: VideosService;
  graph: GraphService;
}

/**
 * Feeds follow one pipeline: candidates → filter → score → present → hydrate.
 * Friends reads mutual follows from the graph; For You blends interest, social and fresh
 * candidates and learns from every like, watch and "not interested" as it happens.
 */
export class FeedsService {
  private readonly catalogue = new Catalogue();
  private readonly model = new InterestModel();
  /** What each person has seen or been served recently: never shown twice in a row of pages. */
  private readonly seen = new Map<string, History>();
  /** Each viewer's scored candidates, best first (rankCandidates), for POOL_TTL_MS. */
  private readonly pools = new Map<string, { at: number; gen: number; ranked: Scored[] }>();
  /** Per viewer, how many of their events have been learnt: a pool ranked before the latest is stale. */
  private readonly generation = new Map<string, number>();
  private readonly loadedInterests = new Set<string>();
  private ready: Promise<void>;
  private readonly refreshing = new Set<Promise<unknown>>();
  /** The collaborative model (lib/recommend): EASE over the head, a graph walk for the tail, friends. */
  private readonly engine = new RecommendEngine({ headSize: 2000, maxWalkUsers: 100 });
  private readonly people = new IdMap();
  private readonly items = new IdMap();
  private refitTimer: NodeJS.Timeout | null = null;
  /** The refit solves in a worker thread: tens of seconds of CPU at scale, never on the request path. */
  private readonly fitter = new WorkerFit();

  private readonly videos: VideosService;
  private readonly graph: GraphService;

  constructor(deps: FeedsDeps) {
    this.videos = deps.videos;
    this.graph = deps.graph;
    const { videos } = deps;
    videos.onSignal((s) => this.onSignal(s));
    videos.onInterests((userId, tags) => {
      this.loadedInterests.add(userId);
      this.model.observe(userId, 'picked', tags);
      this.invalidate(userId);
    });
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    this.catalogue.load(await this.videos.publicCatalogue());
    for (const s of await this.videos.history()) this.learn(s);
    // The first fit runs in the background, never holding a request; then periodically.
    const refit = () => void this.engine.refitWith(this.fitter.fit).catch(() => undefined);
    refit();
    this.refitTimer = setInterval(refit, REFIT_EVERY_MS);
    this.refitTimer.unref();
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Lets catalogue refreshes in flight finish before the database closes. */
  async close(): Promise<void> {
    if (this.refitTimer) clearInterval(this.refitTimer);
    await this.ready.catch(() => undefined);
    await Promise.all(this.refreshing);
    await this.fitter.close();
  }

  private onSignal(s: VideoSignal): void {
    if (!('userId' in s)) {
      const refresh = this.videos
        .publicById(s.videoId)
        .then((v) => (v ? this.catalogue.add(v) : this.catalogue.remove(s.videoId)))
        .catch(() => undefined)
        .finally(() => this.refreshing.delete(refresh));
      this.refreshing.add(refresh);
      return;
    }
    // What the viewer just did changes their ranking: drop their cached pool.
    if (this.learn(s)) this.invalidate(s.userId);
    const mine = this.seen.get(s.userId);
    if (mine && s.kind !== 'unlike') mine.seen.add(s.videoId);
  }

  private invalidate(userId: string): void {
    this.generation.set(userId, (this.generation.get(userId) ?? 0) + 1);
    this.pools.delete(userId);
  }

  /** Feeds one event to both models; false when it says nothing (unknown video, a glance). */
  private learn(s: ViewerSignal): boolean {
    const v = this.catalogue.get(s.videoId);
    if (!v) return false;
    const event: InterestEvent = s.kind === 'watch' ? 'watch' : s.kind;
    if (s.kind === 'watch' && s.watchedMs < 3000) return false;
    this.engine.observe({ user: this.people.intern(s.userId), item: this.items.intern(s.videoId), weight: ENGINE_WEIGHTS[s.kind] });
    this.model.observe(s.userId, event, v.hashtags);
    this.catalogue.bump(s.videoId, POPULARITY_WEIGHTS[s.kind]);
    return true;
  }

  async friends(viewerId: string, cursor: string | undefined, limit: number): Promise<FeedPage> {
    const friendIds = await this.graph.friendIds(viewerId);
    const rows = await this.videos.friendsVideos(friendIds, cursor, limit + 1);
    const pageRows = rows.slice(0, limit);
    const videos = await this.videos.hydrate(viewerId, pageRows, friendIds);
    return {
      items: videos.map((video) => ({ type: 'video', video, reason: 'friends' })),
      nextCursor: rows.length > limit ? pageRows[pageRows.length - 1]!.id : null,
    };
  }

  async forYou(viewerId: string | null, limit: number): Promise<FeedPage> {
    await this.ready;
    const now = Date.now();
    const { friends, following, blocked } = viewerId ? await this.graph.circle(viewerId) : { friends: [], following: [], blocked: [] };
    const history = viewerId ? await this.history(viewerId) : null;
    const gen = viewerId ? (this.generation.get(viewerId) ?? 0) : 0;
    let pool = viewerId ? this.pools.get(viewerId) : undefined;
    if (pool && (now - pool.at > POOL_TTL_MS || pool.gen !== gen)) pool = undefined;
    let split = pool ? this.split(pool.ranked, limit, viewerId, blocked, history, now) : null;
    // Too few unseen left in a cached pool: gather afresh, as for a new viewer.
    if (!pool || !split || split.fresh.length < limit) {
      const all = await this.rankCandidates(viewerId, friends, following, now);
      split = this.split(all, limit, viewerId, blocked, history, now);
      // Only the head is kept (a thousand viewers' full lists are millions of objects for the
      // GC to trace); a viewer who pages past it gets the whole list gathered afresh.
      pool = { at: now, gen, ranked: all.slice(0, POOL_KEPT) };
      // An event of the viewer's while this was being ranked (the awaits above) makes it stale.
      if (viewerId && (this.generation.get(viewerId) ?? 0) === gen) {
        this.pools.delete(viewerId);
        if (this.pools.size >= CACHED_POOLS) this.pools.delete(this.pools.keys().next().value!);
        this.pools.set(viewerId, pool);
      }
    }
    const ranked = split.fresh;
    const recycled = split.recycled;
    const followingSet = new Set(following);

    // 4. Present: no creator twice in a row; every few slots a new or little-seen creator gets a chance.
    const picked: { c: Candidate; v: VideoRow }[] = [];
    let lastAuthor: string | null = null;
    const take = (pool: typeof ranked, pred: (x: (typeof ranked)[number]) => boolean) => {
      const i = pool.findIndex((x) => x.v.authorId !== lastAuthor && pred(x));
      if (i < 0) return false;
      const [x] = pool.splice(i, 1);
      picked.push(x!);
      lastAuthor = x!.v.authorId;
      return true;
    };
    while (picked.length < limit && ranked.length) {
      const explore = (picked.length + 1) % EXPLORE_EVERY === 0;
      if (explore && take(ranked, (x) => x.unpopular)) {
        // a copy: the pool's candidate keeps its own reason for later pages
        const last = picked[picked.length - 1]!;
        picked[picked.length - 1] = { ...last, c: { ...last.c, reason: 'fresh' } };
        continue;
      }
      if (!take(ranked, () => true)) break;
    }
    // Seen everything? Loop back to what was seen longest ago rather than end the feed.
    if (picked.length < limit) {
      recycled.sort((a, b) => (history?.served.get(a.c.id) ?? 0) - (history?.served.get(b.c.id) ?? 0));
      for (const x of recycled) {
        if (picked.length >= limit) break;
        if (x.v.authorId === lastAuthor && recycled.length > 1 && picked.length > 0) continue;
        picked.push(x);
        lastAuthor = x.v.authorId;
      }
    }
    if (history) for (const x of picked) history.served.set(x.c.id, now);

    // 5. Hydrate.
    const hydrated = await this.videos.hydrate(
      viewerId,
      picked.map((x) => x.v),
      friends,
    );
    const reasons = new Map(picked.map((x) => [x.v.id, x.c.reason]));
    const items: FeedItem[] = [];
    // Products ride along with the videos that sell them: after every few videos, the card of a
    // product linked to one of them, never the same product twice within the served window.
    const products = hydrated.flatMap((video) => video.products.filter((p) => p.inStock).map((product) => ({ product, video })));
    for (const [i, video] of hydrated.entries()) {
      items.push({ type: 'video', video, reason: reasons.get(video.id) ?? 'popular' });
      if ((i + 1) % PRODUCT_EVERY !== 0) continue;
      const next = products.find(
        (p) =>
          !(history?.served.has(`product:${p.product.id}`) ?? false) &&
          !items.some((x) => x.type === 'product' && x.product.id === p.product.id),
      );
      if (!next) continue;
      items.push({
        type: 'product',
        product: next.product,
        reason: followingSet.has(next.video.author.id) ? 'following' : 'interest',
        viaVideoId: next.video.id,
      });
      history?.served.set(`product:${next.product.id}`, now);
    }
    return { items, nextCursor: hydrated.length ? 'more' : null };
  }

  /**
   * Steps 1 and 3 of For You for one viewer: every candidate, scored, best first. Cached per
   * viewer (see `pools`), so it must not depend on what was served: filtering is split().
   */
  private async rankCandidates(viewerId: string | null, friends: string[], following: string[], now: number): Promise<Scored[]> {
    if (viewerId && !this.loadedInterests.has(viewerId)) {
      this.loadedInterests.add(viewerId);
      this.model.observe(viewerId, 'picked', await this.videos.interests(viewerId));
    }
    // 1. Candidates from every source, remembering the best reason for each.
    const candidates = new Map<string, Candidate>();
    const add = (id: string, reason: Reason, social = 0) => {
      const c = candidates.get(id);
      if (!c) return void candidates.set(id, { id, reason, social });
      c.social += social;
      // The reason shown is the most personal one that applies.
      if (REASON_RANK[reason] < REASON_RANK[c.reason]) c.reason = reason;
    };
    if (viewerId) for (const tag of this.model.topTags(viewerId, 5)) for (const id of this.catalogue.withTag(tag, 100)) add(id, 'interest');
    // Collaborative candidates: what people with similar histories engaged with, and friends' picks.
    const cf = new Map<string, number>();
    if (viewerId) {
      const me = this.people.intern(viewerId);
      this.engine.setSocial(
        me,
        [...friends, ...following].map((id) => this.people.intern(id)),
      );
      const ranked = this.engine.rankReachable(me, { k: ENGINE_CANDIDATES });
      const top = ranked.scores[0] ?? 0;
      for (let i = 0; i < ranked.items.length; i++) {
        const id = this.items.key(ranked.items[i]!);
        if (!this.catalogue.get(id)) continue;
        cf.set(id, top > 0 ? ranked.scores[i]! / top : 0);
        add(id, 'interest');
      }
    }
    const friendSet = new Set(friends);
    const circle = [...new Set([...friends, ...following])];
    if (circle.length)
      for (const l of await this.videos.recentLikesBy(circle, 300)) add(l.videoId, friendSet.has(l.userId) ? 'friends' : 'following', 1);
    for (const creator of following.slice(-50)) for (const id of this.catalogue.byCreator(creator, 3)) add(id, 'following');
    for (const id of this.catalogue.newest(100)) add(id, 'fresh');
    for (const id of this.catalogue.popular(100)) add(id, 'popular');

    // 3. Score.
    const followingSet = new Set(following);
    const maxPop = Math.log1p(this.catalogue.maxPopularity()) || 1;
    const W = FOR_YOU_WEIGHTS;
    const out: Scored[] = [];
    for (const c of candidates.values()) {
      const v = this.catalogue.get(c.id);
      if (!v) continue;
      const ageDays = (now - v.createdAt.getTime()) / 86_400_000;
      const pop = this.catalogue.popularityOf(v.id);
      const s =
        W.interest * (viewerId ? this.model.score(viewerId, v.hashtags) : 0) +
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

  /**
   * 2. Filter: public and ready (the catalogue holds only those, and a video may have left it
   * since the pool was ranked), not mine, not blocked, not seen or just served.
   */
  private split(
    pool: Scored[],
    limit: number,
    viewerId: string | null,
    blocked: string[],
    history: History | null,
    now: number,
  ): { fresh: Scored[]; recycled: Scored[] } {
    const blockedSet = new Set(blocked);
    const fresh: Scored[] = [];
    const recycled: Scored[] = [];
    // A page takes `limit` from the front of the fresh list (a few more when creators repeat),
    // and its exploration slots the first unpopular ones: past that window only those are
    // worth filtering. The rest is needed (as recycled) only when too few are fresh, and then
    // the loop runs to the end anyway.
    const window = 3 * limit + 10;
    const explorers = Math.ceil(limit / EXPLORE_EVERY) + 1;
    let unpopular = 0;
    for (const x of pool) {
      if (fresh.length >= window) {
        if (unpopular >= explorers) break;
        if (!x.unpopular) continue;
      }
      const { c, v } = x;
      if (v.authorId === viewerId || blockedSet.has(v.authorId) || this.catalogue.get(c.id) !== v) continue;
      const servedAt = history?.served.get(c.id);
      const wasSeen = history?.seen.has(c.id) || (servedAt !== undefined && now - servedAt < SERVED_TTL_MS);
      if (wasSeen) recycled.push(x);
      else {
        fresh.push(x);
        if (x.unpopular) unpopular++;
      }
    }
    return { fresh, recycled };
  }

  private async history(userId: string): Promise<History> {
    let h = this.seen.get(userId);
    if (!h) {
      const rows = await this.videos.seenBy(userId);
      h = { seen: new Set(rows.map((r) => r.videoId)), served: new Map() };
      if (this.seen.size >= CACHED_PEOPLE) this.seen.delete(this.seen.keys().next().value!);
      this.seen.set(userId, h);
    }
    return h;
  }
}
