/**
 * Offline evaluation with the protocol of the data sets' README: for every test user, rank all
 * items the user has not interacted with in train, then Recall@k and NDCG@k against the user's
 * test items, averaged over users with at least one test item. Also the validation split and
 * the hyper-parameter search, which only ever see the training pairs.
 */
import { solveEaseSync } from './ease.ts';
import { fitAlsSync } from './mf.ts';
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
function groupByUser(pairs: readonly Pair[]): Map<number, number[]> {
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
function rng(seed: number): () => number {
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
  readonly graphPopularityExponent: readonly number[];
  readonly graphWeight: readonly number[];
  readonly socialWeight: readonly number[];
  readonly mfWeight: readonly number[];
}

/**
 * Each λ costs a full EASE solve, so the grid spends its budget on the cheap knobs; on LastFM
 * validation λ between 80 and 160 moved Recall@20 by less than 0.001 once blended.
 */
export const DEFAULT_GRID: TuneGrid = {
  lambda: [120],
  popularityExponent: [0.3, 0.5],
  graphPopularityExponent: [0.4],
  graphWeight: [0.5, 0.75],
  socialWeight: [0.15, 0.3],
  mfWeight: [0.75, 1, 1.5],
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
  readonly graphPopularityExponent: number;
  readonly graphWeight: number;
  readonly socialWeight: number;
  readonly mfWeight: number;
  readonly recall: number;
  readonly ndcg: number;
  /** λ rescaled to the full training set (the Gram matrix grows with the data). */
  readonly lambdaForFull: number;
  readonly seconds: number;
}

/**
 * Grid search on a validation split carved from the training pairs, ranking with the engine's
 * own code. It is cheap because the exponents only rescale columns: x·B(β) equals x·B(β₀)
 * times P_jj^(β₀−β) for item j, and the walk under γ equals the walk under γ₀ times
 * deg_j^(γ₀−γ). So each validation user's parts are computed once per λ, and every
 * (β, γ, graph, social) combination is a rescale, a weighted sum and a top-k.
 */
export function tune(
  train: readonly Pair[],
  trust: readonly Pair[],
  base: Partial<EngineOptions>,
  grid: TuneGrid = DEFAULT_GRID,
  opts: TuneOptions = {},
): TuneResult {
  const started = performance.now();
  const k = opts.k ?? 20;
  const log = opts.log ?? (() => {});
  const beta0 = grid.popularityExponent[0];
  const gamma0 = grid.graphPopularityExponent[0];
  if (beta0 === undefined || gamma0 === undefined || grid.lambda.length === 0) throw new Error('empty grid');
  const { train: fitPairs, valid } = splitPerUser(train, opts.fraction ?? 0.2, opts.seed ?? 1);
  const engine = new RecommendEngine({ ...base, popularityExponent: beta0, graphPopularityExponent: gamma0 });
  engine.load(toInteractions(fitPairs), toFriendships(trust));
  const snap = engine.snapshot();
  const head = engine.headFor(snap);
  const nItems = engine.itemCount;

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
  const relevant = users.filter(([u]) => u < engine.userCount).map(([u, items]) => [u, new Set(items)] as const);

  const blends: Blend[] = [];
  for (const graphWeight of grid.graphWeight)
    for (const socialWeight of grid.socialWeight)
      for (const mfWeight of grid.mfWeight) blends.push({ graphWeight, socialWeight, mfWeight });
  const tMf = performance.now();
  const wantMf = grid.mfWeight.some((w) => w > 0) && engine.options.mfFactors > 0;
  const mf = wantMf ? fitAlsSync(snap, engine.mfOptions()) : null;
  if (mf) log(`  iALS k=${mf.k} in ${((performance.now() - tMf) / 1000).toFixed(1)} s`);
  const gammaScales = grid.graphPopularityExponent.map((gamma) => {
    const sc = new Float32Array(nItems);
    for (let i = 0; i < nItems; i++) sc[i] = Math.pow(Math.max(engine.itemDegree(i), 1), gamma0 - gamma);
    return sc;
  });
  const nb = grid.popularityExponent.length;
  const ng = grid.graphPopularityExponent.length;
  const easeBufs = grid.popularityExponent.map(() => new Float32Array(nItems));
  const graphBufs = grid.graphPopularityExponent.map(() => new Float32Array(nItems));

  type Best = Omit<TuneResult, 'lambdaForFull' | 'seconds'>;
  let best = null as Best | null;
  for (const lambda of grid.lambda) {
    const t0 = performance.now();
    const sol = solveEaseSync(snap, head, lambda);
    engine.useSolution(sol, beta0, mf);
    log(`  λ=${lambda}: EASE ${sol.solver} over ${sol.n} items in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const betaScales = grid.popularityExponent.map((beta) => {
      const sc = new Float32Array(nItems);
      for (let j = 0; j < sol.n; j++) sc[sol.head[j]!] = Math.pow(sol.p[j * sol.n + j]!, beta0 - beta);
      return sc;
    });
    const rec = new Float64Array(nb * ng * blends.length);
    const nd = new Float64Array(nb * ng * blends.length);
    for (const [u, rel] of relevant) {
      const parts = engine.parts(u);
      for (let b = 0; b < nb; b++) rescale(parts.ease, betaScales[b]!, parts.seen, easeBufs[b]!, nItems);
      for (let g = 0; g < ng; g++) rescale(parts.graph, gammaScales[g]!, parts.seen, graphBufs[g]!, nItems);
      for (let b = 0; b < nb; b++)
        for (let g = 0; g < ng; g++) {
          const variant = { ...parts, ease: easeBufs[b]!, graph: graphBufs[g]! };
          for (let w = 0; w < blends.length; w++) {
            const ranked = engine.select(variant, blends[w]!, { k }).items;
            const at = (b * ng + g) * blends.length + w;
            rec[at] = rec[at]! + recallAtK(ranked, rel, k);
            nd[at] = nd[at]! + ndcgAtK(ranked, rel, k);
          }
        }
    }
    for (let b = 0; b < nb; b++)
      for (let g = 0; g < ng; g++)
        for (let w = 0; w < blends.length; w++) {
          const at = (b * ng + g) * blends.length + w;
          const r = rec[at]! / relevant.length;
          const n = nd[at]! / relevant.length;
          if (!best || r + n > best.recall + best.ndcg) {
            best = {
              lambda,
              popularityExponent: grid.popularityExponent[b]!,
              graphPopularityExponent: grid.graphPopularityExponent[g]!,
              graphWeight: blends[w]!.graphWeight,
              socialWeight: blends[w]!.socialWeight,
              mfWeight: blends[w]!.mfWeight,
              recall: r,
              ndcg: n,
            };
          }
        }
    log(
      `    best so far: λ=${best?.lambda} β=${best?.popularityExponent} γ=${best?.graphPopularityExponent} graph=${best?.graphWeight} social=${best?.socialWeight} mf=${best?.mfWeight} recall=${best?.recall.toFixed(4)} ndcg=${best?.ndcg.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
  if (!best) throw new Error('empty grid');
  const lambdaForFull = (best.lambda * train.length) / Math.max(1, fitPairs.length);
  return { ...best, lambdaForFull, seconds: (performance.now() - started) / 1000 };
}

/** out = v ⊙ scale, divided by its largest |value| over unseen items. */
function rescale(v: Float32Array, scale: Float32Array, seen: Uint8Array, out: Float32Array, n: number): void {
  let max = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i]! * scale[i]!;
    out[i] = x;
    if (seen[i] !== 1 && Math.abs(x) > max) max = Math.abs(x);
  }
  if (max > 0) for (let i = 0; i < n; i++) out[i] = out[i]! / max;
}
