import type { FeedPage } from '@tremolo/protocol';
import { LRUCache } from 'lru-cache';
import type { GraphService } from '../graph/service.ts';
import type { VideoSignal, VideosService, ViewerSignal } from '../videos/service.ts';
import { RecommendEngine } from '../../lib/recommend/engine.ts';
import { IdMap } from '../../lib/recommend/ids.ts';
import { WorkerFit } from '../../lib/recommend/worker-fit.ts';
import { Catalogue } from './catalogue.ts';
import { InterestModel, type InterestEvent } from './interest-model.ts';
import { filterForYou } from './pipeline/filter.ts';
import { hydrateVideos, hydrateViewer } from './pipeline/hydrate.ts';
import { arrangeForYou, presentForYou, presentFriends } from './pipeline/present.ts';
import { forYouSkeleton, friendsSkeleton, type ForYouSources } from './pipeline/skeleton.ts';
import type { History, Scored } from './pipeline/types.ts';

/** What each action says to the item-item engine, as the weight of a (person, video) pair. */
const ENGINE_WEIGHTS = { like: 2, unlike: -2, complete: 1.5, watch: 0.5, not_interested: -4 } as const;
/** What each action adds to a video's popularity. */
const POPULARITY_WEIGHTS = { like: 1, unlike: -1, complete: 0.5, watch: 0.1, not_interested: -0.5 } as const;
const REFIT_EVERY_MS = 10 * 60_000;
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
 * Feeds follow one pipeline, composed below for each feed from the stages in `pipeline/`:
 * skeleton (candidates, scored) → hydrate (the viewer's circle and history) → filter → present
 * (the page's order) → hydrate (the page's videos) → present (items, products between them).
 * Friends reads mutual follows from the graph; For You blends interest, social and fresh
 * candidates and learns from every like, watch and "not interested" as it happens.
 */
export class FeedsService {
  private readonly catalogue = new Catalogue();
  private readonly model = new InterestModel();
  /** What each person has seen or been served recently: never shown twice in a row of pages. */
  private readonly seen = new LRUCache<string, History>({ max: CACHED_PEOPLE });
  /** Each viewer's scored candidates, best first (the For You skeleton), for POOL_TTL_MS. */
  private readonly pools = new LRUCache<string, { gen: number; ranked: Scored[] }>({ max: CACHED_POOLS, ttl: POOL_TTL_MS });
  /** Per viewer, how many of their events have been learnt: a pool ranked before the latest is stale. */
  private readonly generation = new Map<string, number>();
  private readonly loadedInterests = new Set<string>();
  private ready: Promise<void>;
  private readonly refreshing = new Set<Promise<unknown>>();
  /** The collaborative model (lib/recommend): EASE over the head, a graph walk for the tail, friends. */
  private readonly engine = new RecommendEngine({ headSize: 2000, maxWalkUsers: 100 });
  private readonly people = new IdMap();
  private readonly items = new IdMap();
  private readonly sources: ForYouSources;
  private refitTimer: NodeJS.Timeout | null = null;
  /** The refit solves in a worker thread: tens of seconds of CPU at scale, never on the request path. */
  private readonly fitter = new WorkerFit();

  constructor(private readonly deps: FeedsDeps) {
    const { videos } = deps;
    this.sources = { catalogue: this.catalogue, model: this.model, engine: this.engine, people: this.people, items: this.items, videos };
    videos.onSignal((s) => this.onSignal(s));
    videos.onInterests((userId, tags) => {
      this.loadedInterests.add(userId);
      this.model.observe(userId, 'picked', tags);
      this.invalidate(userId);
    });
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    this.catalogue.load(await this.deps.videos.publicCatalogue());
    for (const s of await this.deps.videos.history()) this.learn(s);
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
      const refresh = this.deps.videos
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
    const friendIds = await this.deps.graph.friendIds(viewerId);
    const skeleton = await friendsSkeleton(this.deps.videos, friendIds, cursor, limit);
    const videos = await hydrateVideos(this.deps.videos, viewerId, skeleton.rows, friendIds);
    return presentFriends(videos, skeleton.nextCursor);
  }

  async forYou(viewerId: string | null, limit: number): Promise<FeedPage> {
    await this.ready;
    const now = Date.now();
    const viewer = await hydrateViewer(this.deps.graph, (id) => this.history(id), viewerId);
    const { friends, following, history } = viewer;
    const filter = (pool: Scored[]) =>
      filterForYou({ pool, limit, viewerId, blocked: viewer.blocked, history, now, isCurrent: (id, v) => this.catalogue.get(id) === v });

    const gen = viewerId ? (this.generation.get(viewerId) ?? 0) : 0;
    let pool = viewerId ? this.pools.get(viewerId) : undefined;
    if (pool && pool.gen !== gen) pool = undefined;
    let filtered = pool ? filter(pool.ranked) : null;
    // Too few unseen left in a cached pool: gather afresh, as for a new viewer.
    if (!pool || !filtered || filtered.fresh.length < limit) {
      if (viewerId) await this.loadInterests(viewerId);
      const all = await forYouSkeleton(this.sources, { viewerId, friends, following, now });
      filtered = filter(all);
      // Only the head is kept (a thousand viewers' full lists are millions of objects for the
      // GC to trace); a viewer who pages past it gets the whole list gathered afresh.
      pool = { gen, ranked: all.slice(0, POOL_KEPT) };
      // An event of the viewer's while this was being ranked (the awaits above) makes it stale.
      if (viewerId && (this.generation.get(viewerId) ?? 0) === gen) this.pools.set(viewerId, pool);
    }

    const picked = arrangeForYou(filtered, limit, history);
    if (history) for (const x of picked) history.served.set(x.c.id, now);
    const videos = await hydrateVideos(
      this.deps.videos,
      viewerId,
      picked.map((x) => x.v),
      friends,
    );
    const { page, served } = presentForYou({
      videos,
      reasons: new Map(picked.map((x) => [x.v.id, x.c.reason])),
      following: new Set(following),
      history,
    });
    if (history) for (const key of served) history.served.set(key, now);
    return page;
  }

  /** The interests the person picked, told to the model once per process (later picks arrive as events). */
  private async loadInterests(viewerId: string): Promise<void> {
    if (this.loadedInterests.has(viewerId)) return;
    this.loadedInterests.add(viewerId);
    this.model.observe(viewerId, 'picked', await this.deps.videos.interests(viewerId));
  }

  private async history(userId: string): Promise<History> {
    let h = this.seen.get(userId);
    if (!h) {
      const rows = await this.deps.videos.seenBy(userId);
      h = { seen: new Set(rows.map((r) => r.videoId)), served: new Map() };
      this.seen.set(userId, h);
    }
    return h;
  }
}
