import { LRUCache } from 'lru-cache';

/** A viewer's ranked candidates, and the generation of their events they were ranked at. */
export interface Pool<T> {
  readonly gen: number;
  readonly ranked: readonly T[];
  /** When the ranking started (ms): a pool ranked before something changed is at most this old. */
  readonly at: number;
}

export interface PoolsOptions<T, H> {
  /**
   * Ranks one viewer's candidates from scratch and returns what their pool keeps (the head: a
   * thousand viewers' full lists are millions of objects for the GC to trace); `hint` is what a
   * request already loaded about them, if any.
   */
  rank: (viewerId: string, hint: H | undefined) => Promise<T[]>;
  /** How long a pool is fresh; a request that finds it older is still served from it, and has the next one ranked in the background. */
  freshMs: number;
  /** How long a pool is kept at all: a viewer back after longer has theirs ranked on the request. */
  keepMs: number;
  /** Pools kept (least recently used ones go). */
  max: number;
  now?: () => number;
}

/**
 * Each viewer's For You pool, ranked off the request path whenever it can be: when their session
 * starts, when they do something (a like, a skip, …) and when a request finds their pool past its
 * freshness (it is served from it all the same), the next pool is ranked in the background, one
 * viewer at a time between other work, so that the next request only slices. Only a viewer who
 * comes back is re-ranked: nothing is spent on one who has left. A request that finds a ranking
 * under way waits for it rather than ranking twice; only a viewer never seen before (or back
 * after keepMs) has their pool ranked on the request path.
 *
 * Every event of the viewer's bumps their generation: a pool ranked at an older generation is
 * never used, kept or waited for, so their own like always shows on the next page.
 */
export class Pools<T, H = never> {
  private readonly pools: LRUCache<string, Pool<T>>;
  private readonly generation = new Map<string, number>();
  private readonly inFlight = new Map<string, { gen: number; done: Promise<Pool<T>> }>();
  /** Viewers whose pool is wanted in the background, in order of asking. */
  private readonly wanted = new Set<string>();
  private draining: Promise<void> | null = null;
  private readonly now: () => number;
  /** Rankings done on the request path and in the background, for tests and metrics. */
  readonly counts = { onRequest: 0, ahead: 0 };

  constructor(private readonly o: PoolsOptions<T, H>) {
    this.pools = new LRUCache({ max: o.max, ttl: o.keepMs });
    this.now = o.now ?? Date.now;
  }

  gen(viewerId: string): number {
    return this.generation.get(viewerId) ?? 0;
  }

  /** One of the viewer's own events: the pool they have is stale, and the next one is ranked ahead. */
  invalidate(viewerId: string): void {
    this.generation.set(viewerId, this.gen(viewerId) + 1);
    const had = this.pools.delete(viewerId);
    // Only a viewer this node is serving gets re-ranked; one heard of from another node waits for their request.
    if (had || this.inFlight.has(viewerId)) this.ahead(viewerId);
  }

  /** The viewer's pool at their current generation: kept, being ranked (waited for), or ranked now. */
  async get(viewerId: string, hint?: H): Promise<Pool<T>> {
    for (;;) {
      const gen = this.gen(viewerId);
      const kept = this.pools.get(viewerId);
      if (kept && kept.gen === gen) {
        if (this.now() - kept.at >= this.o.freshMs) this.ahead(viewerId);
        return kept;
      }
      const running = this.inFlight.get(viewerId);
      const pool = running && running.gen === gen ? await running.done : await this.start(viewerId, 'onRequest', hint);
      // An event of the viewer's while it was being ranked: rank again.
      if (pool.gen === this.gen(viewerId)) return pool;
    }
  }

  /** A pool a request ranked itself (it paged past the last one), kept unless an event of the viewer's came meanwhile. */
  put(viewerId: string, gen: number, ranked: readonly T[], at: number): void {
    if (gen === this.gen(viewerId)) this.pools.set(viewerId, { gen, ranked, at });
  }

  /** Asks for the viewer's pool to be ranked in the background unless a fresh one is kept or under way. */
  ahead(viewerId: string): void {
    this.wanted.delete(viewerId);
    this.wanted.add(viewerId);
    this.draining ??= this.drain().finally(() => (this.draining = null));
  }

  /** Resolves when no ranking is wanted or under way (tests; shutting down). */
  async idle(): Promise<void> {
    while (this.draining || this.inFlight.size)
      await Promise.all([this.draining, ...[...this.inFlight.values()].map((r) => r.done)]).catch(() => undefined);
  }

  private async drain(): Promise<void> {
    for (;;) {
      // A turn of the event loop between rankings: requests waiting on I/O go first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const viewerId = this.wanted.values().next().value;
      if (viewerId === undefined) return;
      this.wanted.delete(viewerId);
      const gen = this.gen(viewerId);
      const kept = this.pools.get(viewerId);
      if (kept && kept.gen === gen && this.now() - kept.at < this.o.freshMs) continue;
      const running = this.inFlight.get(viewerId);
      if (running && running.gen === gen) continue;
      await this.start(viewerId, 'ahead', undefined).catch(() => undefined);
    }
  }

  private start(viewerId: string, where: 'onRequest' | 'ahead', hint: H | undefined): Promise<Pool<T>> {
    const gen = this.gen(viewerId);
    const at = this.now();
    this.counts[where]++;
    const done = this.o.rank(viewerId, hint).then((ranked) => {
      const pool: Pool<T> = { gen, ranked, at };
      if (gen === this.gen(viewerId)) this.pools.set(viewerId, pool);
      return pool;
    });
    const entry = { gen, done };
    this.inFlight.set(viewerId, entry);
    const forget = () => {
      if (this.inFlight.get(viewerId) === entry) this.inFlight.delete(viewerId);
    };
    done.then(forget, forget);
    return done;
  }
}
