import type { FeedItem, FeedPage } from '@tremolo/protocol';
import type { GraphService } from '../graph/service.ts';
import type { VideoRow } from '../videos/repo.ts';
import type { VideoSignal, VideosService, ViewerSignal } from '../videos/service.ts';
import { RecommendEngine } from '../recommend/engine.ts';
import { IdMap } from '../recommend/ids.ts';
import { Catalogue } from './catalogue.ts';
import { InterestModel, type InterestEvent } from './interest-model.ts';

type Reason = Extract<FeedItem, { type: 'video' }>['reason'];

interface Candidate {
  id: string;
  reason: Reason;
  /** Friends and followed creators who liked it. */
  social: number;
}

/** Weights of the For You score; documented in docs/architecture.md. */
export const FOR_YOU_WEIGHTS = { interest: 1, collaborative: 1, social: 0.6, following: 0.4, popularity: 0.3, freshness: 0.25, jitter: 0.05 } as const;

/** What each action says to the item-item engine, as the weight of a (person, video) pair. */
export const ENGINE_WEIGHTS = { like: 2, unlike: -2, complete: 1.5, watch: 0.5, not_interested: -4 } as const;
const ENGINE_CANDIDATES = 150;
const REASON_RANK: Record<Reason, number> = { friends: 0, following: 1, interest: 2, fresh: 3, popular: 4 };
const REFIT_EVERY_MS = 10 * 60_000;
const EXPLORE_EVERY = 5;
const PRODUCT_EVERY = 4;
const SERVED_TTL_MS = 30 * 60_000;
const CACHED_PEOPLE = 10_000;

/**
 * Feeds follow one pipeline: candidates → filter → score → present → hydrate.
 * Friends reads mutual follows from the graph; For You blends interest, social and fresh
 * candidates and learns from every like, watch and "not interested" as it happens.
 */
export class FeedsService {
  private readonly catalogue = new Catalogue();
  private readonly model = new InterestModel();
  /** What each person has seen or been served recently: never shown twice in a row of pages. */
  private readonly seen = new Map<string, { seen: Set<string>; served: Map<string, number> }>();
  private readonly loadedInterests = new Set<string>();
  private ready: Promise<void>;
  private readonly refreshing = new Set<Promise<unknown>>();
  /** The collaborative model (modules/recommend): EASE over the head, a graph walk for the tail, friends. */
  private readonly engine = new RecommendEngine({ headSize: 2000, maxWalkUsers: 200 });
  private readonly people = new IdMap();
  private readonly items = new IdMap();
  private refitTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly videos: VideosService,
    private readonly graph: GraphService,
  ) {
    videos.onSignal((s) => this.onSignal(s));
    videos.onInterests((userId, tags) => {
      this.loadedInterests.add(userId);
      this.model.observe(userId, 'picked', tags);
    });
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    this.catalogue.load(await this.videos.publicCatalogue());
    for (const s of await this.videos.history()) this.learn(s);
    // The first fit runs in the background with pauses, never holding a request; then periodically.
    void this.engine.refit().catch(() => undefined);
    this.refitTimer = setInterval(() => void this.engine.refit().catch(() => undefined), REFIT_EVERY_MS);
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
    this.learn(s);
    const mine = this.seen.get(s.userId);
    if (mine && s.kind !== 'unlike') mine.seen.add(s.videoId);
  }

  private learn(s: ViewerSignal): void {
    const v = this.catalogue.get(s.videoId);
    if (!v) return;
    const event: InterestEvent = s.kind === 'watch' ? 'watch' : s.kind;
    if (s.kind === 'watch' && s.watchedMs < 3000) return;
    this.engine.observe({ user: this.people.intern(s.userId), item: this.items.intern(s.videoId), weight: ENGINE_WEIGHTS[s.kind] });
    this.model.observe(s.userId, event, v.hashtags);
    const pop = { like: 1, unlike: -1, complete: 0.5, watch: 0.1, not_interested: -0.5 }[s.kind];
    this.catalogue.bump(s.videoId, pop);
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
    if (viewerId && !this.loadedInterests.has(viewerId)) {
      this.loadedInterests.add(viewerId);
      this.model.observe(viewerId, 'picked', await this.videos.interests(viewerId));
    }
    const history = viewerId ? await this.history(viewerId) : null;

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
      this.engine.setSocial(me, [...friends, ...following].map((id) => this.people.intern(id)));
      const ranked = this.engine.rank(me, { k: ENGINE_CANDIDATES });
      const top = ranked.scores[0] ?? 0;
      for (let i = 0; i < ranked.items.length; i++) {
        const id = this.items.key(ranked.items[i]!);
        if (!this.catalogue.get(id)) continue;
        cf.set(id, top > 0 ? ranked.scores[i]! / top : 0);
        add(id, 'interest');
      }
    }
    const circle = [...new Set([...friends, ...following])];
    if (circle.length) for (const l of await this.videos.recentLikesBy(circle, 300)) add(l.videoId, friends.includes(l.userId) ? 'friends' : 'following', 1);
    for (const creator of following.slice(-50)) for (const id of this.catalogue.byCreator(creator, 3)) add(id, 'following');
    for (const id of this.catalogue.newest(100)) add(id, 'fresh');
    for (const id of this.catalogue.popular(100)) add(id, 'popular');

    // 2. Filter: public and ready (the catalogue holds only those), not mine, not blocked, not seen or just served.
    const blockedSet = new Set(blocked);
    const followingSet = new Set(following);
    const fresh: { c: Candidate; v: VideoRow }[] = [];
    const recycled: { c: Candidate; v: VideoRow }[] = [];
    for (const c of candidates.values()) {
      const v = this.catalogue.get(c.id);
      if (!v || v.authorId === viewerId || blockedSet.has(v.authorId)) continue;
      const servedAt = history?.served.get(c.id);
      const wasSeen = history?.seen.has(c.id) || (servedAt !== undefined && now - servedAt < SERVED_TTL_MS);
      (wasSeen ? recycled : fresh).push({ c, v });
    }

    // 3. Score.
    const maxPop = Math.log1p(this.catalogue.maxPopularity()) || 1;
    const score = ({ c, v }: { c: Candidate; v: VideoRow }) => {
      const W = FOR_YOU_WEIGHTS;
      const ageDays = (now - v.createdAt.getTime()) / 86_400_000;
      return (
        W.interest * (viewerId ? this.model.score(viewerId, v.hashtags) : 0) +
        W.collaborative * (cf.get(v.id) ?? 0) +
        W.social * Math.tanh(c.social / 2) +
        W.following * (followingSet.has(v.authorId) ? 1 : 0) +
        W.popularity * (Math.log1p(this.catalogue.popularityOf(v.id)) / maxPop) +
        W.freshness * Math.exp(-ageDays / 3) +
        W.jitter * Math.random()
      );
    };
    const ranked = fresh.map((x) => ({ ...x, s: score(x) })).sort((a, b) => b.s - a.s);

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
      if (explore && take(ranked, (x) => this.catalogue.popularityOf(x.v.id) < 1)) {
        picked[picked.length - 1]!.c.reason = 'fresh';
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
    const hydrated = await this.videos.hydrate(viewerId, picked.map((x) => x.v), friends);
    const reasons = new Map(picked.map((x) => [x.v.id, x.c.reason]));
    const items: FeedItem[] = [];
    // Products ride along with the videos that sell them: after every few videos, the card of a
    // product linked to one of them, never the same product twice within the served window.
    const products = hydrated.flatMap((video) => video.products.filter((p) => p.inStock).map((product) => ({ product, video })));
    for (const [i, video] of hydrated.entries()) {
      items.push({ type: 'video', video, reason: reasons.get(video.id) ?? 'popular' });
      if ((i + 1) % PRODUCT_EVERY !== 0) continue;
      const next = products.find((p) => !(history?.served.has(`product:${p.product.id}`) ?? false) && !items.some((x) => x.type === 'product' && x.product.id === p.product.id));
      if (!next) continue;
      items.push({ type: 'product', product: next.product, reason: followingSet.has(next.video.author.id) ? 'following' : 'interest', viaVideoId: next.video.id });
      history?.served.set(`product:${next.product.id}`, now);
    }
    return { items, nextCursor: hydrated.length ? 'more' : null };
  }

  private async history(userId: string) {
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
