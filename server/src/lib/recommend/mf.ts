/**
 * Implicit-feedback matrix factorisation (iALS, Hu, Koren & Volinsky 2008): every (user, item)
 * cell is fitted, observed ones with confidence 1 + α·weight toward 1, the rest with
 * confidence 1 toward 0, plus an L2 penalty. Alternating exact least squares, each row a k×k
 * solve, with the Gram trick so unobserved cells cost nothing per row.
 *
 * Only the item factors are kept: a user's factor is folded in from their live history at
 * request time (one k×k solve, the same equation as the user step of training), so a new
 * event or a brand-new user is reflected at once and training users score exactly as trained.
 * It is the low-rank complement to EASE and the walk, which are both item-to-item.
 */
import type { HistorySnapshot } from './ease.ts';
import type { Yielder } from './linalg.ts';

export interface MfOptions {
  readonly factors: number;
  /** confidence of an observed pair: 1 + alpha·weight */
  readonly alpha: number;
  readonly reg: number;
  readonly iterations: number;
  readonly seed: number;
}

export interface MfModel {
  readonly k: number;
  readonly items: number;
  /** item factors, items×k */
  readonly q: Float32Array;
  /** QᵀQ, k×k, for the fold-in */
  readonly gram: Float64Array;
  readonly alpha: number;
  readonly reg: number;
}

export function fitAlsSync(h: HistorySnapshot, opts: MfOptions): MfModel {
  const steps = alsSteps(h, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export async function fitAls(h: HistorySnapshot, opts: MfOptions, yielder: Yielder): Promise<MfModel> {
  const steps = alsSteps(h, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await yielder();
  }
}

const SLICE = 5e6;

function* alsSteps(h: HistorySnapshot, opts: MfOptions): Generator<void, MfModel, void> {
  const k = opts.factors;
  const nU = h.users;
  const nI = h.items;
  // item-major copy of the snapshot
  const iptr = new Int32Array(nI + 1);
  for (let t = 0; t < h.indices.length; t++) iptr[h.indices[t]! + 1]!++;
  for (let i = 0; i < nI; i++) iptr[i + 1] = iptr[i + 1]! + iptr[i]!;
  const fill = iptr.slice(0, nI);
  const iusers = new Int32Array(h.indices.length);
  const iw = new Float32Array(h.indices.length);
  for (let u = 0; u < nU; u++) {
    for (let t = h.indptr[u]!; t < h.indptr[u + 1]!; t++) {
      const at = fill[h.indices[t]!]!++;
      iusers[at] = u;
      iw[at] = h.weights[t]!;
    }
  }

  let seed = opts.seed >>> 0 || 1;
  const rand = (): number => {
    // xorshift32 → roughly normal via the sum of uniforms, scaled small
    let s = 0;
    for (let r = 0; r < 4; r++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      s += (seed >>> 0) / 4294967296;
    }
    return (s - 2) * 0.02;
  };
  const p = new Float64Array(nU * k);
  const q = new Float64Array(nI * k);
  for (let x = 0; x < q.length; x++) q[x] = rand();
  for (let x = 0; x < p.length; x++) p[x] = rand();

  const gram = new Float64Array(k * k);
  const a = new Float64Array(k * k);
  const b = new Float64Array(k);
  let work = 0;
  for (let it = 0; it < opts.iterations; it++) {
    // user step from Q, then item step from P
    for (const side of [0, 1] as const) {
      const fixed = side === 0 ? q : p;
      const target = side === 0 ? p : q;
      const rows = side === 0 ? nU : nI;
      const ptr = side === 0 ? h.indptr : iptr;
      const nbr = side === 0 ? h.indices : iusers;
      const w = side === 0 ? h.weights : iw;
      gramOf(fixed, fixed.length / k, k, gram);
      for (let r = 0; r < rows; r++) {
        const s = ptr[r]!;
        const e = ptr[r + 1]!;
        solveRow(fixed, k, gram, nbr, w, s, e, opts.alpha, opts.reg, a, b);
        target.set(b, r * k);
        work += (e - s) * k * k + k * k * k;
        if (work >= SLICE) {
          work = 0;
          yield;
        }
      }
    }
  }
  gramOf(q, nI, k, gram);
  return { k, items: nI, q: Float32Array.from(q), gram, alpha: opts.alpha, reg: opts.reg };
}

/** gram = FᵀF for F rows×k */
function gramOf(f: Float64Array | Float32Array, rows: number, k: number, gram: Float64Array): void {
  gram.fill(0);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    for (let x = 0; x < k; x++) {
      const fx = f[o + x]!;
      if (fx === 0) continue;
      const gx = x * k;
      for (let y = 0; y <= x; y++) gram[gx + y] = gram[gx + y]! + fx * f[o + y]!;
    }
  }
  for (let x = 0; x < k; x++) for (let y = 0; y < x; y++) gram[y * k + x] = gram[x * k + y]!;
}

/**
 * b ← (G + Σ α·w·f fᵀ + reg·I)⁻¹ · Σ (1 + α·w)·f over the neighbours nbr[s..e) with weights w
 * (only positive weights count). `a` is k×k scratch.
 */
function solveRow(
  f: Float64Array | Float32Array,
  k: number,
  gram: Float64Array,
  nbr: Int32Array,
  w: Float32Array,
  s: number,
  e: number,
  alpha: number,
  reg: number,
  a: Float64Array,
  b: Float64Array,
): void {
  b.fill(0);
  let any = false;
  a.set(gram);
  for (let t = s; t < e; t++) {
    const wt = w[t]!;
    if (!(wt > 0)) continue;
    any = true;
    const o = nbr[t]! * k;
    const c = alpha * wt;
    for (let x = 0; x < k; x++) {
      const fx = f[o + x]!;
      b[x] = b[x]! + (1 + c) * fx;
      const cx = c * fx;
      const ax = x * k;
      for (let y = 0; y <= x; y++) a[ax + y] = a[ax + y]! + cx * f[o + y]!;
    }
  }
  if (!any) return; // b stays 0
  for (let x = 0; x < k; x++) a[x * k + x] = a[x * k + x]! + reg;
  cholSolve(a, b, k);
}

/** Solves a·x = b in place (x into b) for SPD a, reading its lower triangle. */
function cholSolve(a: Float64Array, b: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) {
    const ri = i * k;
    for (let j = 0; j < i; j++) {
      const rj = j * k;
      let s = a[ri + j]!;
      for (let t = 0; t < j; t++) s -= a[ri + t]! * a[rj + t]!;
      a[ri + j] = s / a[rj + j]!;
    }
    let d = a[ri + i]!;
    for (let t = 0; t < i; t++) d -= a[ri + t]! * a[ri + t]!;
    a[ri + i] = Math.sqrt(Math.max(d, 1e-12));
  }
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let t = 0; t < i; t++) s -= a[i * k + t]! * b[t]!;
    b[i] = s / a[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let t = i + 1; t < k; t++) s -= a[t * k + i]! * b[t]!;
    b[i] = s / a[i * k + i]!;
  }
}

/** Scratch for foldIn, reused across requests. */
export interface FoldScratch {
  readonly a: Float64Array;
  readonly b: Float64Array;
}

export function foldScratch(k: number): FoldScratch {
  return { a: new Float64Array(k * k), b: new Float64Array(k) };
}

/**
 * The user factor for a history (items beyond the model are ignored), into scratch.b; the
 * same solve as the user step of training.
 */
export function foldIn(m: MfModel, items: Int32Array, weights: Float32Array, len: number, scratch: FoldScratch): Float64Array {
  let e = 0;
  // keep only items the model knows; solveRow reads nbr[s..e)
  const known = new Int32Array(len);
  const kw = new Float32Array(len);
  for (let t = 0; t < len; t++) {
    if (items[t]! < m.items) {
      known[e] = items[t]!;
      kw[e] = weights[t]!;
      e++;
    }
  }
  solveRow(m.q, m.k, m.gram, known, kw, 0, e, m.alpha, m.reg, scratch.a, scratch.b);
  return scratch.b;
}

/** The user factor for a history, then scores for every model item into out[0..items). */
export function mfScores(m: MfModel, items: Int32Array, weights: Float32Array, len: number, scratch: FoldScratch, out: Float32Array): void {
  const k = m.k;
  const pu = foldIn(m, items, weights, len, scratch);
  const q = m.q;
  for (let i = 0; i < m.items; i++) out[i] = dotRow(pu, q, i * k, k);
}

/** pu · q[off .. off+k) */
export function dotRow(pu: Float64Array, q: Float32Array, off: number, k: number): number {
  let dot = 0;
  for (let x = 0; x < k; x++) dot += pu[x]! * q[off + x]!;
  return dot;
}
