import type { FeedPage } from '@tremolo/protocol';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Metrics } from '../../platform/metrics.ts';
import type { Bus } from '../../platform/realtime/bus.ts';
import type { GraphService } from '../graph/service.ts';
import type { VideoSignal, VideosService, ViewerSignal } from '../videos/service.ts';
import { RecommendEngine } from '../../lib/recommend/engine.ts';
import { IdMap } from '../../lib/recommend/ids.ts';
import { WorkerFit } from '../../lib/recommend/worker-fit.ts';
import { Catalogue } from './catalogue.ts';
import { InterestModel, type InterestEvent } from './interest-model.ts';
import { filterForYou, SERVED_TTL_MS } from './pipeline/filter.ts';
import { hydrateVideos, hydrateViewer, type ViewerContext } from './pipeline/hydrate.ts';
import { arrangeForYou, presentForYou, presentFriends } from './pipeline/present.ts';
import { forYouSkeleton, friendsSkeleton, type ForYouSources } from './pipeline/skeleton.ts';
import type { History, Scored } from './pipeline/types.ts';
import { Pools } from './pools.ts';
import { MemoryServedHistory, type ServedHistory } from './served.ts';

/** What each action says to the item-item engine, as the weight of a (person, video) pair. */
const ENGINE_WEIGHTS = { like: 2, unlike: -2, complete: 1.5, watch: 0.5, not_interested: -4 } as const;
/** What each action adds to a video's popularity. */
const POPULARITY_WEIGHTS = { like: 1, unlike: -1, complete: 0.5, watch: 0.1, not_interested: -0.5 } as const;
const REFIT_EVERY_MS = 10 * 60_000;
const CACHED_PEOPLE = 10_000;
/**
 * How long a viewer's ranked candidates are fresh. The viewer's own events drop them at once (so
 * a like changes the very next page); a request that finds them older is served from them and has
 * them re-ranked in the background, so others' likes and new videos reach an open feed on the
 * page after. Pools unused for POOL_KEEP_MS are dropped.
 */
const POOL_FRESH_MS = 30_000;
const POOL_KEEP_MS = 10 * 60_000;
const CACHED_POOLS = 5_000;
/**
 * Scored candidates kept per viewer between pages: a pool lives POOL_TTL_MS, in which a viewer
 * watches a page or two. With the little-liked ones just past it (for the exploration slots);
 * a viewer who pages past it gets the whole list gathered afresh.
 */
const POOL_KEPT = 200;
const POOL_EXPLORERS = 20;

/** The bus topic on which a node tells the others what For You must learn. */
const SIGNALS_TOPIC = 'feeds';
const Id = z.string().min(1).max(100);
/** What travels on SIGNALS_TOPIC: what this node's videos module said, or hashtags someone picked. */
const NodeSignal = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('video'),
    s: z.union([
      z.object({ kind: z.enum(['like', 'unlike', 'complete', 'not_interested']), userId: Id, videoId: Id }),
      z.object({ kind: z.literal('watch'), userId: Id, videoId: Id, watchedMs: z.number() }),
      z.object({ kind: z.enum(['published', 'removed']), videoId: Id }),
    ]),
  }),
  z.object({ t: z.literal('interests'), userId: Id, hashtags: z.array(z.string().max(200)).max(100) }),
  z.object({ t: z.literal('searched'), userId: Id, hashtags: z.array(z.string().max(200)).max(100) }),
]);
type NodeSignal = z.infer<typeof NodeSignal>;

export interface FeedsDeps {
  videos: VideosService;
  graph: GraphService;
  /** Carries each node's learning signals and new videos to the other nodes. */
  bus: Pick<Bus, 'signal' | 'onSignal'>;
  /** What each person has been served: in Redis when several nodes serve them. */
  served?: ServedHistory;
  /** Counts the signals applied, this node's own and those heard from the others. */
  metrics?: Pick<Metrics, 'feedSignalsApplied'>;
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
  /** What each person has seen (watched, liked, …; from the database, then every node's signals). */
  private readonly seen = new LRUCache<string, Set<string>>({ max: CACHED_PEOPLE });
  /** What For You has served each person, shared by the nodes when Redis is configured. */
  private readonly served: ServedHistory;
  /** Each viewer's scored candidates, best first (the For You skeleton), ranked ahead of their requests when possible. */
  private readonly pools: Pools<Scored, ViewerContext>;
  /** Requests that paged past their pool's head and had the whole list ranked. */
  private rankedPastPool = 0;
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
    this.served = deps.served ?? new MemoryServedHistory();
    this.sources = { catalogue: this.catalogue, model: this.model, engine: this.engine, people: this.people, items: this.items, videos };
    this.pools = new Pools({
      rank: (id, viewer) => this.rankPool(id, viewer),
      freshMs: POOL_FRESH_MS,
      keepMs: POOL_KEEP_MS,
      max: CACHED_POOLS,
    });
    // What happens on this node is applied at once (the next page here shows it) and told to
    // the others, which apply the same; so every node's ranker learns from every request.
    videos.onSignal((s) => this.tell({ t: 'video', s }));
    videos.onInterests((userId, hashtags) => this.tell({ t: 'interests', userId, hashtags }));
    // Listening starts before the load, so nothing falls between the database's history and the bus.
    deps.bus.onSignal(SIGNALS_TOPIC, (payload) => {
      const m = NodeSignal.safeParse(payload);
      if (!m.success) return;
      void this.ready.then(
        () => this.apply(m.data, 'peer'),
        () => undefined,
      );
    });
    this.ready = this.load();
  }

  private tell(m: NodeSignal): void {
    this.apply(m, 'local');
    this.deps.bus.signal(SIGNALS_TOPIC, m);
  }

  private apply(m: NodeSignal, origin: 'local' | 'peer'): void {
    if (m.t === 'video') this.onSignal(m.s);
    else if (m.t === 'searched') {
      this.model.observe(m.userId, 'searched', m.hashtags);
      this.invalidate(m.userId);
    } else {
      this.loadedInterests.add(m.userId);
      this.model.observe(m.userId, 'picked', m.hashtags);
      this.invalidate(m.userId);
    }
    this.deps.metrics?.feedSignalsApplied.inc({ origin });
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

  /** What a person searched for or opened from search, as hashtags: a For You signal like a light like. */
  searched(userId: string, hashtags: string[]): void {
    if (hashtags.length) this.tell({ t: 'searched', userId, hashtags: hashtags.slice(0, 20) });
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Lets catalogue refreshes in flight finish before the database closes. */
  async close(): Promise<void> {
    if (this.refitTimer) clearInterval(this.refitTimer);
    await this.ready.catch(() => undefined);
    await Promise.all(this.refreshing);
    await this.pools.idle();
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
    if (mine && s.kind !== 'unlike') mine.add(s.videoId);
  }

  private invalidate(userId: string): void {
    this.pools.invalidate(userId);
  }

  /**
   * A session of the viewer's has started (their app connected): their first page is ranked in
   * the background, so that their first request finds it ready or under way.
   */
  warm(userId: string): void {
    void this.ready.then(
      () => this.pools.ahead(userId),
      () => undefined,
    );
  }

  /** Resolves when no For You pool is being ranked in the background (for tests). */
  settled(): Promise<void> {
    return this.pools.idle();
  }

  /** How many rankings ran on the request path and ahead of it, for tests. */
  get rankings(): { readonly onRequest: number; readonly ahead: number } {
    return { onRequest: this.pools.counts.onRequest + this.rankedPastPool, ahead: this.pools.counts.ahead };
  }

  /**
   * What a viewer's pool keeps of their ranking: the best POOL_KEPT they have neither seen nor been
   * served lately (both only grow while the pool lives), so that paging deep does not run out of
   * it page after page.
   */
  private async rankPool(viewerId: string, viewer: ViewerContext | undefined): Promise<Scored[]> {
    const [all, history] = await Promise.all([this.rank(viewerId, viewer), viewer?.history ?? this.history(viewerId)]);
    return poolHead(all, history, Date.now());
  }

  /** One viewer's whole candidate list, scored, best first; `viewer` when a request has loaded their circle. */
  private async rank(viewerId: string, viewer: ViewerContext | undefined): Promise<Scored[]> {
    const [circle] = await Promise.all([viewer ?? this.deps.graph.circle(viewerId), this.loadInterests(viewerId)]);
    return forYouSkeleton(this.sources, { viewerId, friends: circle.friends, following: circle.following, now: Date.now() });
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
    const filter = (pool: readonly Scored[]) =>
      filterForYou({ pool, limit, viewerId, blocked: viewer.blocked, history, now, isCurrent: (id, v) => this.catalogue.get(id) === v });

    // The viewer's pool, ranked ahead when possible; at their current generation in any case.
    const pool = viewerId ? await this.pools.get(viewerId, viewer) : null;
    let filtered = pool ? filter(pool.ranked) : null;
    // Logged out, or too few unseen left in the pool's head: the whole list, gathered afresh.
    if (!filtered || filtered.fresh.length < limit) {
      const gen = viewerId ? this.pools.gen(viewerId) : 0;
      if (viewerId) this.rankedPastPool++;
      const all = viewerId ? await this.rank(viewerId, viewer) : await forYouSkeleton(this.sources, { viewerId, friends, following, now });
      filtered = filter(all);
      // Kept as their pool, so their next pages only slice again.
      if (viewerId) this.pools.put(viewerId, gen, poolHead(all, history, now), now);
    }

    const picked = arrangeForYou(filtered, limit, history);
    const served = new Map<string, number>();
    for (const x of picked) served.set(x.c.id, now);
    if (history) for (const [key, at] of served) history.served.set(key, at);
    const videos = await hydrateVideos(
      this.deps.videos,
      viewerId,
      picked.map((x) => x.v),
      friends,
    );
    const presented = presentForYou({
      videos,
      reasons: new Map(picked.map((x) => [x.v.id, x.c.reason])),
      following: new Set(following),
      history,
    });
    for (const key of presented.served) served.set(key, now);
    // Remembered before the page leaves, so the next page, from whichever node, never repeats it.
    if (viewerId) await this.served.add(viewerId, served);
    return presented.page;
  }

  /** The interests the person picked, told to the model once per process (later picks arrive as events). */
  private async loadInterests(viewerId: string): Promise<void> {
    if (this.loadedInterests.has(viewerId)) return;
    this.loadedInterests.add(viewerId);
    this.model.observe(viewerId, 'picked', await this.deps.videos.interests(viewerId));
  }

  private async history(userId: string): Promise<History> {
    const [seen, served] = await Promise.all([this.seenBy(userId), this.served.get(userId)]);
    return { seen, served };
  }

  private async seenBy(userId: string): Promise<Set<string>> {
    let seen = this.seen.get(userId);
    if (!seen) {
      const rows = await this.deps.videos.seenBy(userId);
      seen = new Set(rows.map((r) => r.videoId));
      this.seen.set(userId, seen);
    }
    return seen;
  }
}

/** The head of a ranking a pool keeps (what is still new to the viewer), and the first little-liked candidates beyond it. */
function poolHead(ranked: Scored[], history: History | null, now: number): Scored[] {
  const head: Scored[] = [];
  let explorers = 0;
  for (const x of ranked) {
    const full = head.length >= POOL_KEPT + explorers;
    if (full && explorers >= POOL_EXPLORERS) break;
    if (full && !x.unpopular) continue;
    const servedAt = history?.served.get(x.c.id);
    if (history?.seen.has(x.c.id) || (servedAt !== undefined && now - servedAt < SERVED_TTL_MS)) continue;
    if (full) explorers++;
    head.push(x);
  }
  return head;
}
