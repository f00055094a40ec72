/**
 * Offline evaluation with the protocol of the data sets' README: for every test user, rank all
 * items the user has not interacted with in train, then Recall@k and NDCG@k against the user's
 * test items, averaged over users with at least one test item. Also the validation split and
 * the hyper-parameter search, which only ever see the training pairs.
 */
import { itemDegrees, selectHead, solveEaseSync } from './ease.ts';
import { RecommendEngine, type Blend, type EngineOptions, type RankOptions } from './engine.ts';
import { toFriendships, toInteractions, type Pair } from './loader.ts';

/** Fraction of the relevant items found in the first k of `ranked`. */
export function recallAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r]!)) hits++;
  return hits / relevant.size;
}

/** Binary-relevance NDCG: Σ hits/log2(rank+2) over the ideal DCG of min(|relevant|, k) hits. */
export function ndcgAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r]!)) dcg += 1 / Math.log2(r + 2);
  let idcg = 0;
  const ideal = Math.min(relevant.size, k);
  for (let r = 0; r < ideal; r++) idcg += 1 / Math.log2(r + 2);
  return dcg / idcg;
}

/** Groups pairs by their first element. */
export function groupByUser(pairs: readonly Pair[]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const [u, i] of pairs) {
    let l = m.get(u);
    if (!l) m.set(u, (l = []));
    l.push(i);
  }
  return m;
}

export interface Metrics {
  readonly recall: number;
  readonly ndcg: number;
  readonly users: number;
  readonly msPerUser: number;
}

/**
 * Ranks every test user with `engine` (whose live data must be the training pairs, so seen
 * items are left out exactly as the protocol says) and averages the metrics.
 */
export function evaluate(engine: RecommendEngine, test: readonly Pair[], k = 20): Metrics {
  const byUser = groupByUser(test);
  let recall = 0;
  let ndcg = 0;
  let users = 0;
  const opts: RankOptions = { k };
  const started = performance.now();
  for (const [u, items] of [...byUser].sort((a, b) => a[0] - b[0])) {
    const relevant = new Set(items);
    const ranked = engine.rank(u, opts).items;
    recall += recallAtK(ranked, relevant, k);
    ndcg += ndcgAtK(ranked, relevant, k);
    users++;
  }
  const ms = performance.now() - started;
  return { recall: users ? recall / users : 0, ndcg: users ? ndcg / users : 0, users, msPerUser: users ? ms / users : 0 };
}

/** Deterministic PRNG (mulberry32) so a split is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Holds out `fraction` of each user's pairs (users with at least 2 pairs), rounding to the
 * nearest count, as the data sets' own 80/20 split does.
 */
export function splitPerUser(pairs: readonly Pair[], fraction: number, seed: number): { train: Pair[]; valid: Pair[] } {
  const rand = rng(seed);
  const train: Pair[] = [];
  const valid: Pair[] = [];
  for (const [u, items] of [...groupByUser(pairs)].sort((a, b) => a[0] - b[0])) {
    const shuffled = items.slice();
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = shuffled[i]!;
      shuffled[i] = shuffled[j]!;
      shuffled[j] = t;
    }
    const hold = shuffled.length >= 2 ? Math.round(shuffled.length * fraction) : 0;
    shuffled.forEach((item, idx) => (idx < hold ? valid : train).push([u, item]));
  }
  return { train, valid };
}


export interface TuneGrid {
  readonly lambda: readonly number[];
  readonly popularityExponent: readonly number[];
  readonly graphWeight: readonly number[];
  readonly socialWeight: readonly number[];
}

export const DEFAULT_GRID: TuneGrid = {
  lambda: [100],
  popularityExponent: [0.3, 0.45],
  graphWeight: [0.25, 0.5, 0.75],
  socialWeight: [0, 0.15, 0.3],
};

export interface TuneOptions {
  readonly fraction?: number;
  readonly seed?: number;
  /** Validation users to rank (a deterministic sample when there are more). */
  readonly maxUsers?: number;
  readonly k?: number;
  readonly log?: (line: string) => void;
}

export interface TuneResult {
  readonly lambda: number;
  readonly popularityExponent: number;
  readonly graphWeight: number;
  readonly socialWeight: number;
  readonly recall: number;
  readonly ndcg: number;
  /** λ rescaled to the full training set (the Gram matrix grows with the data). */
  readonly lambdaForFull: number;
  readonly seconds: number;
}

/**
 * Grid search on a validation split carved from the training pairs: one EASE solve per λ, one
 * B per β, and every (graph, social) blend scored from the same per-user parts, so the grid
 * costs little more than its λ values. The ranking code is the engine's own.
 */
export function tune(train: readonly Pair[], trust: readonly Pair[], base: Partial<EngineOptions>, grid: TuneGrid = DEFAULT_GRID, opts: TuneOptions = {}): TuneResult {
  const started = performance.now();
  const k = opts.k ?? 20;
  const log = opts.log ?? (() => {});
  const { train: fitPairs, valid } = splitPerUser(train, opts.fraction ?? 0.2, opts.seed ?? 1);
  const engine = new RecommendEngine(base);
  engine.load(toInteractions(fitPairs), toFriendships(trust));
  const snap = engine.snapshot();
  const head = selectHead(itemDegrees(snap), engine.options.headSize);

  let users = [...groupByUser(valid)].sort((a, b) => a[0] - b[0]);
  const maxUsers = opts.maxUsers ?? Infinity;
  if (users.length > maxUsers) {
    const rand = rng((opts.seed ?? 1) + 7919);
    users = users
      .map((e) => [rand(), e] as const)
      .sort((a, b) => a[0] - b[0])
      .slice(0, maxUsers)
      .map(([, e]) => e);
  }
  const relevant = users.map(([u, items]) => [u, new Set(items)] as const);

  const blends: Blend[] = [];
  for (const graphWeight of grid.graphWeight) for (const socialWeight of grid.socialWeight) blends.push({ graphWeight, socialWeight });

  type Best = Omit<TuneResult, 'lambdaForFull' | 'seconds'>;
  let best = null as Best | null;
  for (const lambda of grid.lambda) {
    const t0 = performance.now();
    const sol = solveEaseSync(snap, head, lambda);
    log(`  λ=${lambda}: EASE ${sol.solver} n=${sol.n} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const beta of grid.popularityExponent) {
      engine.useSolution(sol, beta);
      const rec = new Float64Array(blends.length);
      const nd = new Float64Array(blends.length);
      for (const [u, rel] of relevant) {
        const parts = engine.parts(u);
        for (let b = 0; b < blends.length; b++) {
          const ranked = engine.select(parts, blends[b]!, { k }).items;
          rec[b] = rec[b]! + recallAtK(ranked, rel, k);
          nd[b] = nd[b]! + ndcgAtK(ranked, rel, k);
        }
      }
      for (let b = 0; b < blends.length; b++) {
        const r = rec[b]! / relevant.length;
        const n = nd[b]! / relevant.length;
        const blend = blends[b]!;
        if (!best || r + n > best.recall + best.ndcg) {
          best = { lambda, popularityExponent: beta, graphWeight: blend.graphWeight, socialWeight: blend.socialWeight, recall: r, ndcg: n };
        }
      }
      log(`    β=${beta}: best so far λ=${best?.lambda} β=${best?.popularityExponent} graph=${best?.graphWeight} social=${best?.socialWeight} recall=${best?.recall.toFixed(4)} ndcg=${best?.ndcg.toFixed(4)}`);
    }
  }
  if (!best) throw new Error('empty grid');
  const lambdaForFull = (best.lambda * train.length) / Math.max(1, fitPairs.length);
  return { ...best, lambdaForFull, seconds: (performance.now() - started) / 1000 };
}
