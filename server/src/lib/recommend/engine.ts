/**
 * RecommendEngine: the For You ranking engine, the same code in the live feed and in the
 * offline evaluation (evaluate.ts, bench/recommend.ts).
 *
 * A score for user u and item j blends four signals, each scaled by its own maximum over the
 * items u has not seen (so the weights are comparable across users and data sets):
 *
 *   score(u, j) = ease(u, j) + graphWeight·graph(u, j) + socialWeight·social(u, j) + mfWeight·mf(u, j)
 *
 *   ease    x_u·B over the head of the catalogue (ease.ts). B is a frozen snapshot, refitted in
 *           the background; x_u is the live history, so an event changes the next ranking.
 *   graph   RP3β (Paudel et al. 2017): the 3-step random walk u → item → user → item on the
 *           live bipartite graph, divided by the target's degree^γ. It is a linear graph filter
 *           computed at request time from adjacency lists, so it covers the whole catalogue
 *           (the tail that EASE leaves out) and every event updates it at once, with no model.
 *   social  items of u's friends (and followed creators), each friend's history weighted
 *           equally.
 *   mf      iALS item factors (mf.ts), refitted with EASE; u's factor is folded in from the
 *           live history at request time, so it too follows every event.
 *
 * The weights, β, γ and λ are fitted by evaluate.ts:tune on a validation split of the
 * training data; the defaults are what it chose on LastFM.
 *
 * Users without history get the popularity prior (plus the social term when they have friends);
 * `rankForSeeds` ranks for a set of seed items (onboarding interests, a video being watched).
 *
 * Ids are dense integers: keep an IdMap (ids.ts) per kind in the app. Indices beyond the model
 * are fine: new users and items take part in the graph and social terms from their first event
 * and join EASE at the next refit.
 *
 * Refit: `refit()` snapshots the histories (O(nnz), synchronous, milliseconds), solves EASE and
 * iALS with pauses every few milliseconds so requests interleave, and swaps the model in one
 * assignment.
 * Concurrent calls share the refit in flight. `fitSync()` is the blocking form for tests,
 * workers and benchmarks.
 *
 * API (indices are IdMap indices):
 *   new RecommendEngine(options?: Partial<EngineOptions>)
 *   load(interactions, social?)            replace the live data, keep the model
 *   fit(interactions?, social?, yielder?)  load + refit (Promise<FitReport>)
 *   refit(yielder?)                        background refit from the live data, atomic swap
 *   fitSync(interactions?, social?)        blocking fit
 *   observe({ user, item, weight })        one event; the next rank() sees it
 *   setSocial(user, friends) / addFriend(user, friend)
 *   rank(user, { k, exclude?, candidates?, includeSeen? }) → { items: Int32Array, scores: Float32Array }
 *   rankForSeeds(seedItems, { k, ... }, seedWeights?)
 *   popular(k, exclude?) → Int32Array
 *
 * Event weights: observe() adds the event's weight to the (user, item) pair, clamped to
 * ±maxWeight. A positive pair is an edge of the graph, a row of X for EASE and history for
 * the walk; a negative pair (e.g. "not interested") is never recommended again and enters the
 * EASE input with its negative weight, pushing similar items down; a pair back at 0 (like then
 * unlike) is forgotten.
 */
import {
  easeWeights,
  easeWeightsAsync,
  itemDegrees,
  selectHead,
  solveEase,
  solveEaseSync,
  type EaseSolution,
  type HistorySnapshot,
} from './ease.ts';
import { yieldToEventLoop, type Yielder } from './linalg.ts';
import { dotRow, fitAls, fitAlsSync, foldIn, foldScratch, mfScores, type FoldScratch, type MfModel, type MfOptions } from './mf.ts';
import { SparseRows } from './sparse.ts';
import { topK, type Ranked } from './topk.ts';

export interface Interaction {
  readonly user: number;
  readonly item: number;
  readonly weight: number;
}

export interface Friendship {
  readonly user: number;
  readonly friend: number;
}

export interface EngineOptions {
  /** L2 penalty of EASE, in units of (interaction weight)². */
  lambda: number;
  /** β in B_ij = −P_ij / P_jj^β; 1 is classic EASE, lower favours popular items. */
  popularityExponent: number;
  /**
   * Items in the dense EASE block; memory 4·n² bytes (3000 → 36 MB). On LastFM validation
   * 3000 and 4000 tie, 6000 is worse (items seen once only add noise to B).
   */
  headSize: number;
  /**
   * Largest matrix the refit may invert, min(users, head items): the solve costs about
   * size³/2 multiply-adds, ~1 GFLOP/s in plain JS (2000 → ~4 s, 3000 → ~14 s of one core).
   * With more active users than this, the head shrinks to this size (primal solve).
   */
  maxSolveSize: number;
  /** Weight of the RP3β graph term relative to EASE. */
  graphWeight: number;
  /** γ in RP3β: the target item's degree is raised to it and divided out. */
  graphPopularityExponent: number;
  /** Weight of the friends term relative to EASE. */
  socialWeight: number;
  /** Weight of the matrix-factorisation term relative to EASE (0 skips fitting it). */
  mfWeight: number;
  /** Latent factors of the iALS model; the fit costs about iterations·(nnz·k² + (users+items)·k³). */
  mfFactors: number;
  mfAlpha: number;
  mfReg: number;
  mfIterations: number;
  /** The walk visits at most this many users per item (the most recent ones), bounding ranking cost on viral items. */
  maxWalkUsers: number;
  /** |weight| of one (user, item) pair is clamped to this. */
  maxWeight: number;
}

const DEFAULT_OPTIONS: Readonly<EngineOptions> = {
  lambda: 150,
  popularityExponent: 0.3,
  headSize: 3000,
  maxSolveSize: 2500,
  graphWeight: 0.75,
  graphPopularityExponent: 0.4,
  socialWeight: 0.3,
  mfWeight: 1,
  mfFactors: 32,
  mfAlpha: 10,
  mfReg: 5,
  mfIterations: 6,
  maxWalkUsers: 1000,
  maxWeight: 4,
};

/** The frozen item-item model, replaced as a whole by each refit. */
export interface ItemModel {
  readonly solution: EaseSolution;
  /** n×n, row i = what history item head[i] adds to each head item */
  readonly b: Float32Array;
  readonly beta: number;
  /** item factors of the iALS term, or null when mfWeight is 0 */
  readonly mf: MfModel | null;
  readonly fittedAt: number;
  readonly fitSeconds: number;
  readonly interactions: number;
}

export interface RankOptions {
  readonly k: number;
  /** Items never to return (besides those the user has already interacted with). */
  readonly exclude?: ReadonlySet<number> | Int32Array;
  /** Rank only these items. */
  readonly candidates?: Int32Array;
  /** Allow items the user has already interacted with (re-watch shelves). Default false. */
  readonly includeSeen?: boolean;
}

/** The three signals for one user, each already divided by its max over unseen items. */
export interface ScoreParts {
  readonly ease: Float32Array;
  readonly graph: Float32Array;
  readonly social: Float32Array;
  readonly mf: Float32Array;
  /** 1 where the user has a positive or negative pair */
  readonly seen: Uint8Array;
  readonly cold: boolean;
}

export interface Blend {
  readonly graphWeight: number;
  readonly socialWeight: number;
  readonly mfWeight: number;
}

export interface FitReport {
  readonly seconds: number;
  readonly solver: 'primal' | 'dual';
  readonly headSize: number;
  readonly users: number;
  readonly items: number;
  readonly interactions: number;
}

/** What a refit needs to know: the snapshot, its head and the engine's options. */
export interface FitJob {
  readonly snap: HistorySnapshot;
  readonly head: Int32Array;
  readonly options: EngineOptions;
}

/** A fitted model: EASE, its weights under the job's popularity exponent, and the MF factors. */
export interface FitResult {
  readonly solution: EaseSolution;
  readonly b: Float32Array;
  readonly mf: MfModel | null;
}

export type RemoteFit = (job: FitJob) => Promise<FitResult>;

type SnapshotSize = Pick<HistorySnapshot, 'users' | 'items'> & { readonly indices: { readonly length: number } };

/** The whole blocking fit of a job: what a worker thread runs. */
export function fitJob({ snap, head, options: o }: FitJob): FitResult {
  const solution = solveEaseSync(snap, head, o.lambda);
  const wantsMf = o.mfWeight > 0 && o.mfFactors > 0 && o.mfIterations > 0;
  const mf = wantsMf
    ? fitAlsSync(snap, { factors: o.mfFactors, alpha: o.mfAlpha, reg: o.mfReg, iterations: o.mfIterations, seed: 1 })
    : null;
  return { solution, b: easeWeights(solution, o.popularityExponent), mf };
}

export class RecommendEngine {
  readonly options: EngineOptions;
  /** user → item → positive weight */
  private readonly byUser = new SparseRows();
  /** item → user → positive weight (mirror of byUser, in arrival order) */
  private readonly byItem = new SparseRows();
  /** user → item → negative weight */
  private readonly negative = new SparseRows();
  private readonly friends = new SparseRows();
  private nUsers = 0;
  private nItems = 0;
  private model: ItemModel | null = null;
  private refitting: Promise<FitReport> | null = null;
  // Scratch buffers reused across rank calls (ranking is synchronous, so never shared).
  private bufEase = new Float32Array(0);
  private bufScore = new Float32Array(0);
  private bufGraph = new Float32Array(0);
  private bufSocial = new Float32Array(0);
  private bufMf = new Float32Array(0);
  private fold: FoldScratch | null = null;
  private bufSeen = new Uint8Array(0);
  private bufWalk = new Float64Array(0);
  private bufHead = new Float64Array(0);
  private bufWalkSparse = new Float64Array(0);
  private bufSeenSparse = new Uint8Array(0);
  private damp = new Float32Array(0);
  /** γ the damping was computed with; NaN until first use */
  private dampGamma = Number.NaN;
  private bufSocialSparse = new Float32Array(0);
  private popularCache: Int32Array | null = null;
  /** Events since the popularity order was computed; it is rebuilt after 1% drift, not per event. */
  private popularDrift = 0;

  constructor(options: Partial<EngineOptions> = {}) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  get userCount(): number {
    return this.nUsers;
  }

  get itemCount(): number {
    return this.nItems;
  }

  get currentModel(): ItemModel | null {
    return this.model;
  }

  /** Replaces all live data (histories and friendships); the model is kept until the next fit. */
  load(interactions: Iterable<Interaction>, social: Iterable<Friendship> = []): void {
    for (let u = 0; u < this.byUser.rowCount; u++) this.byUser.clearRow(u);
    for (let i = 0; i < this.byItem.rowCount; i++) this.byItem.clearRow(i);
    for (let u = 0; u < this.negative.rowCount; u++) this.negative.clearRow(u);
    for (let u = 0; u < this.friends.rowCount; u++) this.friends.clearRow(u);
    for (const e of interactions) this.observe(e);
    for (const f of social) this.addFriend(f.user, f.friend);
    this.popularCache = null;
  }

  /** load() then a blocking fit: for tests, benchmarks and workers. */
  fitSync(interactions?: Iterable<Interaction>, social?: Iterable<Friendship>): FitReport {
    if (interactions) this.load(interactions, social);
    const started = performance.now();
    const snap = this.snapshot();
    const sol = solveEaseSync(snap, this.headFor(snap), this.options.lambda);
    const mf = this.wantsMf() ? fitAlsSync(snap, this.mfOptions()) : null;
    return this.install(sol, mf, snap, started);
  }

  /** load() (when data is given) then a refit; see refit(). */
  async fit(interactions?: Iterable<Interaction>, social?: Iterable<Friendship>, yielder: Yielder = yieldToEventLoop): Promise<FitReport> {
    if (interactions) this.load(interactions, social);
    return this.refit(yielder);
  }

  /**
   * Refits EASE on the current live data without blocking the event loop for more than a few
   * milliseconds at a time, then swaps the model in. Events observed meanwhile are kept (they
   * are in the live histories) and are learnt by the next refit.
   */
  refit(yielder: Yielder = yieldToEventLoop): Promise<FitReport> {
    if (this.refitting) return this.refitting;
    const run = async (): Promise<FitReport> => {
      const started = performance.now();
      const snap = this.snapshot();
      const sol = await solveEase(snap, this.headFor(snap), this.options.lambda, yielder);
      const mf = this.wantsMf() ? await fitAls(snap, this.mfOptions(), yielder) : null;
      const beta = this.options.popularityExponent;
      return this.install(sol, mf, snap, started, beta, await easeWeightsAsync(sol, beta, yielder));
    };
    this.refitting = run().finally(() => {
      this.refitting = null;
    });
    return this.refitting;
  }

  /**
   * refit() with the solve done by `fit`, typically in a worker thread (refit-worker.ts): only
   * the snapshot (O(nnz), milliseconds) and the swap run here, so requests never wait on the
   * solve. Concurrent calls share the refit in flight, as with refit().
   */
  refitWith(fit: RemoteFit): Promise<FitReport> {
    if (this.refitting) return this.refitting;
    const run = async (): Promise<FitReport> => {
      const started = performance.now();
      const snap = this.snapshot();
      const head = this.headFor(snap);
      const beta = this.options.popularityExponent;
      const interactions = snap.indices.length;
      const r = await fit({ snap, head, options: { ...this.options } });
      return this.install(r.solution, r.mf, { ...snap, indices: { length: interactions } }, started, beta, r.b);
    };
    this.refitting = run().finally(() => {
      this.refitting = null;
    });
    return this.refitting;
  }

  /**
   * Installs a solution computed elsewhere (a tuning run, a worker) under a popularity
   * exponent; keeps the engine's live data.
   */
  useSolution(sol: EaseSolution, beta = this.options.popularityExponent, mf: MfModel | null = this.model?.mf ?? null): void {
    this.options.popularityExponent = beta;
    this.model = {
      solution: sol,
      b: easeWeights(sol, beta),
      beta,
      mf,
      fittedAt: Date.now(),
      fitSeconds: 0,
      interactions: this.byUser.nnz,
    };
  }

  private wantsMf(): boolean {
    return this.options.mfWeight > 0 && this.options.mfFactors > 0 && this.options.mfIterations > 0;
  }

  mfOptions(): MfOptions {
    const o = this.options;
    return { factors: o.mfFactors, alpha: o.mfAlpha, reg: o.mfReg, iterations: o.mfIterations, seed: 1 };
  }

  private install(
    sol: EaseSolution,
    mf: MfModel | null,
    snap: SnapshotSize,
    started: number,
    beta = this.options.popularityExponent,
    b = easeWeights(sol, beta),
  ): FitReport {
    const seconds = (performance.now() - started) / 1000;
    this.popularCache = null;
    // one assignment: a rank() before it uses the old model, after it the new one
    this.model = {
      solution: sol,
      b,
      beta,
      mf,
      fittedAt: Date.now(),
      fitSeconds: seconds,
      interactions: snap.indices.length,
    };
    return {
      seconds: (performance.now() - started) / 1000,
      solver: sol.solver,
      headSize: sol.n,
      users: snap.users,
      items: snap.items,
      interactions: snap.indices.length,
    };
  }

  /**
   * The head for a snapshot: `headSize` items when few enough users touch them for the dual
   * solve to stay within `maxSolveSize`, else the `maxSolveSize` most popular (primal solve).
   */
  headFor(snap: HistorySnapshot): Int32Array {
    const { headSize, maxSolveSize } = this.options;
    const head = selectHead(itemDegrees(snap), headSize);
    if (head.length <= maxSolveSize) return head;
    const inHead = new Uint8Array(snap.items);
    for (const i of head) inHead[i] = 1;
    let active = 0;
    for (let u = 0; u < snap.users; u++) {
      for (let k = snap.indptr[u]!; k < snap.indptr[u + 1]!; k++) {
        if (inHead[snap.indices[k]!] === 1) {
          active++;
          break;
        }
      }
    }
    return active <= maxSolveSize ? head : head.slice(0, maxSolveSize);
  }

  /** Frozen CSR copy of the positive histories. */
  snapshot(): HistorySnapshot {
    const users = this.nUsers;
    const indptr = new Int32Array(users + 1);
    for (let u = 0; u < users; u++) indptr[u + 1] = indptr[u]! + this.byUser.length(u);
    const nnz = indptr[users]!;
    const indices = new Int32Array(nnz);
    const weights = new Float32Array(nnz);
    for (let u = 0; u < users; u++) {
      const len = this.byUser.length(u);
      indices.set(this.byUser.cols(u).subarray(0, len), indptr[u]);
      weights.set(this.byUser.vals(u).subarray(0, len), indptr[u]);
    }
    return { users, items: this.nItems, indptr, indices, weights };
  }

  /** Records one event; the user's next ranking reflects it. */
  observe(e: Interaction): void {
    const { user, item } = e;
    if (!Number.isInteger(user) || user < 0 || !Number.isInteger(item) || item < 0)
      throw new RangeError('user and item must be non-negative integers');
    if (!Number.isFinite(e.weight) || e.weight === 0) return;
    this.touch(user, item);
    const cap = this.options.maxWeight;
    const before = this.byUser.get(user, item) || this.negative.get(user, item);
    const after = Math.max(-cap, Math.min(cap, before + e.weight));
    if (after > 0) {
      this.negative.set(user, item, 0);
      this.byUser.set(user, item, after);
      this.byItem.set(item, user, after);
    } else {
      this.byUser.set(user, item, 0);
      this.byItem.set(item, user, 0);
      this.negative.set(user, item, after);
    }
    if (item < this.damp.length) this.damp[item] = Math.pow(Math.max(this.byItem.sum(item), 1), -this.dampGamma);
    if (++this.popularDrift > Math.max(100, this.byUser.nnz / 100)) this.popularCache = null;
  }

  /** Replaces a user's friends (mutual follows and followed creators). */
  setSocial(user: number, friends: ArrayLike<number>): void {
    this.touchUser(user);
    this.friends.clearRow(user);
    for (let k = 0; k < friends.length; k++) {
      const f = friends[k]!;
      if (f !== user) {
        this.touchUser(f);
        this.friends.set(user, f, 1);
      }
    }
  }

  /** Adds one directed friendship (call twice for a mutual one). */
  addFriend(user: number, friend: number): void {
    if (user === friend) return;
    this.touchUser(Math.max(user, friend));
    this.friends.set(user, friend, 1);
  }

  private touchUser(user: number): void {
    if (user >= this.nUsers) this.nUsers = user + 1;
  }

  private touch(user: number, item: number): void {
    this.touchUser(user);
    if (item >= this.nItems) this.nItems = item + 1;
  }

  /** Items by degree, most popular first (the cold-start prior). */
  popular(k: number, exclude?: ReadonlySet<number> | Int32Array): Int32Array {
    if (!this.popularCache) {
      this.popularDrift = 0;
      const d = new Float64Array(this.nItems);
      for (let i = 0; i < this.nItems; i++) d[i] = this.byItem.sum(i);
      this.popularCache = selectHead(d, this.nItems);
    }
    const skip = toSkip(exclude);
    const out: number[] = [];
    for (let c = 0; c < this.popularCache.length && out.length < k; c++) {
      const i = this.popularCache[c]!;
      if (!skip?.(i)) out.push(i);
    }
    return Int32Array.from(out);
  }

  /** Ranks the catalogue for a user; items they interacted with are left out unless includeSeen. */
  rank(user: number, opts: RankOptions): Ranked {
    const parts = this.parts(user);
    return this.select(parts, this.options, opts);
  }

  /**
   * rank() for the live feed, at a cost that does not grow with the catalogue: only the best
   * `perSignal` items of each item-to-item signal (EASE over the head, the graph walk, friends)
   * plus `extra` are scored in full, MF included. Every other item has zero EASE, graph and
   * social score, or too little of each to reach the top k, so all that is lost is an MF-only
   * pick. Each signal is still divided by its maximum over all unseen items, as in rank(); the
   * MF term by its maximum over the scored items. Users without history fall back to rank()
   * (popularity prior, no MF term).
   */
  rankReachable(user: number, opts: { readonly k: number; readonly extra?: ArrayLike<number>; readonly perSignal?: number }): Ranked {
    const len = this.byUser.length(user);
    if (len === 0) return this.rank(user, { k: opts.k });
    this.ensureBuffers();
    const per = opts.perSignal ?? 200;
    const n = this.nItems;
    if (this.bufWalkSparse.length < this.bufEase.length) {
      // Own buffers, kept all-zero between calls (rank() leaves its buffers dirty).
      this.bufWalkSparse = new Float64Array(this.bufEase.length);
      this.bufSocialSparse = new Float32Array(this.bufEase.length);
      this.bufSeenSparse = new Uint8Array(this.bufEase.length);
    }
    const items = this.byUser.cols(user);
    const weights = this.byUser.vals(user);
    const nlen = this.negative.length(user);
    const negItems = this.negative.cols(user);
    const negWeights = this.negative.vals(user);
    const seen = this.bufSeenSparse;
    for (let k = 0; k < len; k++) seen[items[k]!] = 1;
    for (let k = 0; k < nlen; k++) if (negItems[k]! < n) seen[negItems[k]!] = 1;
    const unseen = (i: number): boolean => seen[i] !== 1;
    const isSeen = (i: number): boolean => seen[i] === 1;
    const cand = new Set<number>();

    // EASE over the head: the whole head is scored (n_head per history item), the best join.
    const m = this.model;
    const acc = this.bufHead;
    let easeMax = 0;
    if (m) {
      const { n: hn, head, headOf } = m.solution;
      acc.fill(0, 0, hn);
      const add = (item: number, w: number): void => {
        const h = item < headOf.length ? headOf[item]! : -1;
        if (h >= 0) addRow(acc, m.b, h * hn, hn, w);
      };
      for (let k = 0; k < len; k++) add(items[k]!, weights[k]!);
      for (let k = 0; k < nlen; k++) add(negItems[k]!, negWeights[k]!);
      for (let j = 0; j < hn; j++) if (unseen(head[j]!)) easeMax = Math.max(easeMax, Math.abs(acc[j]!));
      const best = topK(acc.subarray(0, hn), per, (j) => isSeen(head[j]!));
      for (const j of best.items) cand.add(head[j]!);
    }

    // The walk, from the user's history through (at most maxWalkUsers) people per item.
    const walk = this.bufWalkSparse;
    const walked: number[] = [];
    this.walk(items, weights, len, user, walk, walked);
    const damp = this.degreeDamping();
    let graphMax = 0;
    for (const i of walked) {
      walk[i] = walk[i]! * damp[i]!;
      if (unseen(i)) graphMax = Math.max(graphMax, walk[i]);
    }
    for (const i of topK(walk, per, isSeen, walked).items) cand.add(i);

    const social = this.bufSocialSparse;
    const befriended: number[] = [];
    const fl = this.friends.length(user);
    const fs = this.friends.cols(user);
    for (let t = 0; t < fl; t++) {
      const f = fs[t]!;
      accumulateTracked32(social, this.byUser.cols(f), this.byUser.vals(f), this.byUser.length(f), befriended);
    }
    let socialMax = 0;
    for (const i of befriended) if (unseen(i)) socialMax = Math.max(socialMax, social[i]!);
    for (const i of topK(social, per, isSeen, befriended).items) cand.add(i);
    if (opts.extra) for (let t = 0; t < opts.extra.length; t++) if (opts.extra[t]! < n && unseen(opts.extra[t]!)) cand.add(opts.extra[t]!);

    const ids = Int32Array.from(cand);
    const c = ids.length;
    const f = new Float32Array(c);
    const mf = m?.mf ?? null;
    if (mf) {
      if (!this.fold || this.fold.b.length !== mf.k) this.fold = foldScratch(mf.k);
      const pu = foldIn(mf, items, weights, len, this.fold);
      for (let t = 0; t < c; t++) if (ids[t]! < mf.items) f[t] = dotRow(pu, mf.q, ids[t]! * mf.k, mf.k);
      scaleByMax(f);
    }
    const headOf = m?.solution.headOf;
    const { graphWeight: gw, socialWeight: sw, mfWeight: fw } = this.options;
    const inv = (x: number): number => (x > 0 ? 1 / x : 1);
    const [ie, ig, is] = [inv(easeMax), inv(graphMax), inv(socialMax)];
    const out = new Float32Array(c);
    for (let t = 0; t < c; t++) {
      const i = ids[t]!;
      const h = headOf && i < headOf.length ? headOf[i]! : -1;
      out[t] = (h >= 0 ? acc[h]! * ie : 0) + gw * walk[i]! * ig + sw * social[i]! * is + fw * f[t]!;
    }
    // The sparse buffers are shared between calls: put back the zeros this call overwrote.
    for (const i of walked) walk[i] = 0;
    for (const i of befriended) social[i] = 0;
    for (let k = 0; k < len; k++) seen[items[k]!] = 0;
    for (let k = 0; k < nlen; k++) if (negItems[k]! < n) seen[negItems[k]!] = 0;
    const top = topK(out, opts.k);
    const ranked = new Int32Array(top.items.length);
    for (let t = 0; t < ranked.length; t++) ranked[t] = ids[top.items[t]!]!;
    return { items: ranked, scores: top.scores };
  }

  /**
   * deg(j)^−γ per item, the RP3β damping, kept current by observe() so that ranking does not
   * take a power per reached item; rebuilt whole when γ changes (tuning).
   */
  private degreeDamping(): Float32Array {
    const gamma = this.options.graphPopularityExponent;
    if (this.dampGamma !== gamma || this.damp.length < this.nItems) {
      this.damp = new Float32Array(Math.max(this.nItems, Math.ceil(this.damp.length * 1.25)));
      for (let i = 0; i < this.damp.length; i++) this.damp[i] = Math.pow(Math.max(i < this.nItems ? this.byItem.sum(i) : 0, 1), -gamma);
      this.dampGamma = gamma;
    }
    return this.damp;
  }

  /**
   * The RP3β random walk Σ_i p(u→i) Σ_v p(i→v) p(v→j) into `acc`, unscaled; the most recent
   * audience of each item first when capped. With `touched`, each item reached is recorded once.
   */
  private walk(items: Int32Array, weights: Float32Array, len: number, user: number, acc: Float64Array, touched: number[] | null): void {
    const cap = this.options.maxWalkUsers;
    let wu = 0;
    for (let k = 0; k < len; k++) wu += weights[k]!;
    if (wu <= 0) return;
    for (let k = 0; k < len; k++) {
      const i = items[k]!;
      const pui = weights[k]! / wu;
      const ilen = this.byItem.length(i);
      const iSum = this.byItem.sum(i);
      if (ilen === 0 || iSum <= 0) continue;
      const vs = this.byItem.cols(i);
      const vw = this.byItem.vals(i);
      const start = Math.max(0, ilen - cap);
      let used = 0;
      for (let t = start; t < ilen; t++) used += vw[t]!;
      for (let t = start; t < ilen; t++) {
        const v = vs[t]!;
        if (v === user) continue;
        const vSum = this.byUser.sum(v);
        if (vSum <= 0) continue;
        const piv = (pui * vw[t]!) / used / vSum;
        if (touched) accumulateTracked(acc, this.byUser.cols(v), this.byUser.vals(v), this.byUser.length(v), piv, touched);
        else accumulate(acc, this.byUser.cols(v), this.byUser.vals(v), this.byUser.length(v), piv);
      }
    }
  }

  /** Ranks for an explicit set of seed items (onboarding picks, "more like this"). */
  rankForSeeds(seeds: ArrayLike<number>, opts: RankOptions, weights?: ArrayLike<number>): Ranked {
    const items = Int32Array.from(seeds);
    const w = Float32Array.from(weights ?? new Array<number>(items.length).fill(1));
    const parts = this.partsFor(items, w, items.length, new Int32Array(0), new Float32Array(0), 0, -1);
    return this.select(parts, this.options, opts);
  }

  /** Combines parts with blend weights and takes the top k (exposed for tuning). */
  select(parts: ScoreParts, blend: Blend, opts: RankOptions): Ranked {
    const n = this.nItems;
    const out = this.bufScore;
    const { ease, graph, social, mf, seen } = parts;
    if (parts.cold) this.coldScores(social, blend.socialWeight, out);
    else {
      const g = blend.graphWeight;
      const s = blend.socialWeight;
      const f = blend.mfWeight;
      for (let i = 0; i < n; i++) out[i] = ease[i]! + g * graph[i]! + s * social[i]! + f * mf[i]!;
    }
    if (!opts.includeSeen) for (let i = 0; i < n; i++) if (seen[i] === 1) out[i] = -Infinity;
    return topK(out.subarray(0, n), opts.k, toSkip(opts.exclude), opts.candidates);
  }

  /** Popularity orders the catalogue; friends' items come first when there are any. */
  private coldScores(social: Float32Array, socialWeight: number, out: Float32Array): void {
    const n = this.nItems;
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, this.byItem.sum(i));
    const w = socialWeight > 0 ? 1 : 0;
    for (let i = 0; i < n; i++) out[i] = (max > 0 ? this.byItem.sum(i) / max : 0) * 0.5 + w * social[i]!;
  }

  /** Sum of the positive weights on an item (its popularity). */
  itemDegree(item: number): number {
    return this.byItem.sum(item);
  }

  /** The normalised signals for a user from their live history and friends. */
  parts(user: number): ScoreParts {
    const len = this.byUser.length(user);
    const nlen = this.negative.length(user);
    return this.partsFor(
      this.byUser.cols(user),
      this.byUser.vals(user),
      len,
      this.negative.cols(user),
      this.negative.vals(user),
      nlen,
      user,
    );
  }

  private ensureBuffers(): void {
    const n = this.nItems;
    if (this.bufEase.length < n) {
      const cap = Math.max(n, Math.ceil(this.bufEase.length * 1.25));
      this.bufEase = new Float32Array(cap);
      this.bufScore = new Float32Array(cap);
      this.bufGraph = new Float32Array(cap);
      this.bufSocial = new Float32Array(cap);
      this.bufMf = new Float32Array(cap);
      this.bufSeen = new Uint8Array(cap);
      this.bufWalk = new Float64Array(cap);
    }
    const m = this.model;
    if (m && this.bufHead.length < m.solution.n) this.bufHead = new Float64Array(m.solution.n);
  }

  private partsFor(
    items: Int32Array,
    weights: Float32Array,
    len: number,
    negItems: Int32Array,
    negWeights: Float32Array,
    negLen: number,
    user: number,
  ): ScoreParts {
    this.ensureBuffers();
    const n = this.nItems;
    const ease = this.bufEase;
    const graph = this.bufGraph;
    const social = this.bufSocial;
    const mfPart = this.bufMf;
    const seen = this.bufSeen;
    mfPart.fill(0, 0, n);
    ease.fill(0, 0, n);
    graph.fill(0, 0, n);
    social.fill(0, 0, n);
    seen.fill(0, 0, n);
    for (let k = 0; k < len; k++) if (items[k]! < n) seen[items[k]!] = 1;
    for (let k = 0; k < negLen; k++) if (negItems[k]! < n) seen[negItems[k]!] = 1;

    const cold = len === 0;
    if (!cold) {
      this.easeScores(items, weights, len, negItems, negWeights, negLen, ease);
      this.walkScores(items, weights, len, user, graph);
      normalise(ease, seen, n);
      normalise(graph, seen, n);
      const mf = this.model?.mf;
      if (mf) {
        if (!this.fold || this.fold.b.length !== mf.k) this.fold = foldScratch(mf.k);
        mfScores(mf, items, weights, len, this.fold, mfPart);
        normalise(mfPart, seen, n);
      }
    }
    if (user >= 0) {
      this.socialScores(user, social);
      normalise(social, seen, n);
    }
    return { ease, graph, social, mf: mfPart, seen, cold };
  }

  private easeScores(
    items: Int32Array,
    weights: Float32Array,
    len: number,
    negItems: Int32Array,
    negWeights: Float32Array,
    negLen: number,
    out: Float32Array,
  ): void {
    const m = this.model;
    if (!m) return;
    const { n, head, headOf } = m.solution;
    const acc = this.bufHead;
    acc.fill(0, 0, n);
    const b = m.b;
    const add = (item: number, w: number): void => {
      if (item >= headOf.length) return;
      const h = headOf[item]!;
      if (h < 0) return;
      addRow(acc, b, h * n, n, w);
    };
    for (let k = 0; k < len; k++) add(items[k]!, weights[k]!);
    for (let k = 0; k < negLen; k++) add(negItems[k]!, negWeights[k]!);
    for (let j = 0; j < n; j++) out[head[j]!] = acc[j]!;
  }

  /**
   * RP3β from the live graph: Σ_i p(u→i) Σ_v p(i→v) p(v→j), then / deg(j)^γ. The walk
   * leaves out the user's own row (it only reaches items they have seen).
   */
  private walkScores(items: Int32Array, weights: Float32Array, len: number, user: number, out: Float32Array): void {
    const n = this.nItems;
    const acc = this.bufWalk;
    acc.fill(0, 0, n);
    this.walk(items, weights, len, user, acc, null);
    const gamma = this.options.graphPopularityExponent;
    for (let j = 0; j < n; j++) {
      const a = acc[j]!;
      if (a !== 0) out[j] = a / Math.pow(Math.max(this.byItem.sum(j), 1), gamma);
    }
  }

  private socialScores(user: number, out: Float32Array): void {
    const fl = this.friends.length(user);
    const fs = this.friends.cols(user);
    for (let k = 0; k < fl; k++) {
      const f = fs[k]!;
      accumulate32(out, this.byUser.cols(f), this.byUser.vals(f), this.byUser.length(f), 1);
    }
  }
}

function addRow(acc: Float64Array, b: Float32Array, off: number, n: number, w: number): void {
  for (let j = 0; j < n; j++) acc[j] = acc[j]! + w * b[off + j]!;
}

function accumulate(acc: Float64Array, cols: Int32Array, vals: Float32Array, len: number, w: number): void {
  for (let k = 0; k < len; k++) acc[cols[k]!] = acc[cols[k]!]! + w * vals[k]!;
}

/** accumulate(), pushing each index that was zero before onto `touched` (weights are positive). */
function accumulateTracked(acc: Float64Array, cols: Int32Array, vals: Float32Array, len: number, w: number, touched: number[]): void {
  for (let k = 0; k < len; k++) {
    const i = cols[k]!;
    const a = acc[i]!;
    if (a === 0) touched.push(i);
    acc[i] = a + w * vals[k]!;
  }
}

function accumulateTracked32(acc: Float32Array, cols: Int32Array, vals: Float32Array, len: number, touched: number[]): void {
  for (let k = 0; k < len; k++) {
    const i = cols[k]!;
    const a = acc[i]!;
    if (a === 0) touched.push(i);
    acc[i] = a + vals[k]!;
  }
}

/** Divides by the largest |value| (no-op when all are zero). */
function scaleByMax(v: Float32Array): void {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]!));
  if (max === 0) return;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / max;
}

function accumulate32(acc: Float32Array, cols: Int32Array, vals: Float32Array, len: number, w: number): void {
  for (let k = 0; k < len; k++) acc[cols[k]!] = acc[cols[k]!]! + w * vals[k]!;
}

/** Divides by the largest |score| among unseen items (no-op when all are zero). */
function normalise(v: Float32Array, seen: Uint8Array, n: number): void {
  let max = 0;
  for (let i = 0; i < n; i++) {
    if (seen[i] === 1) continue;
    const a = Math.abs(v[i]!);
    if (a > max) max = a;
  }
  if (max === 0) return;
  const inv = 1 / max;
  for (let i = 0; i < n; i++) v[i] = v[i]! * inv;
}

function toSkip(exclude: ReadonlySet<number> | Int32Array | undefined): ((i: number) => boolean) | undefined {
  if (!exclude) return undefined;
  if (exclude instanceof Int32Array) {
    const s = new Set<number>(exclude);
    return (i) => s.has(i);
  }
  return (i) => exclude.has(i);
}
