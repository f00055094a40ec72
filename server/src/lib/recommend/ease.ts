/**
 * EASE (Steck 2019) on the head of the catalogue: the n most-interacted items.
 *
 *   P = (X_hᵀX_h + λI)⁻¹,   B_ij = −P_ij / P_jj^β (i ≠ j),   B_jj = 0
 *
 * β = 1 is the published closed form; β < 1 divides less by P_jj (which is roughly
 * 1/(popularity + λ)), i.e. it leans toward popular items, and is tuned on validation.
 *
 * Two exact routes to the same P, whichever inverts the smaller matrix:
 *   primal  invert the n×n Gram matrix;                               O(n³/2)
 *   dual    P = (I − X_hᵀ(X_hX_hᵀ + λI)⁻¹X_h)/λ (Woodbury) over the m users who touched
 *           the head, then two sparse products;                       O(m³/2 + nnz·(m + n))
 * With few users and a wide head (LastFM: 1.9k users, 4k head items) the dual is ~10× cheaper;
 * with many users the primal bounds the cost by the head size.
 */
import { invertSteps, type Yielder } from './linalg.ts';

/** A frozen copy of the users' positive histories (CSR), taken before a fit starts. */
export interface HistorySnapshot {
  readonly users: number;
  readonly items: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly weights: Float32Array;
}

export interface EaseSolution {
  /** head index → item */
  readonly head: Int32Array;
  /** item → head index, or −1 (length = items at fit time) */
  readonly headOf: Int32Array;
  readonly n: number;
  readonly lambda: number;
  /** P, n×n row-major */
  readonly p: Float64Array;
  readonly solver: 'primal' | 'dual';
}

/** Item degrees (sum of weights) of a snapshot. */
export function itemDegrees(h: HistorySnapshot): Float64Array {
  const d = new Float64Array(h.items);
  for (let k = 0; k < h.indices.length; k++) d[h.indices[k]!] = d[h.indices[k]!]! + h.weights[k]!;
  return d;
}

/** The `size` items of highest degree (ties: lower index first), only items with degree > 0. */
export function selectHead(degrees: Float64Array, size: number): Int32Array {
  const idx: number[] = [];
  for (let i = 0; i < degrees.length; i++) if (degrees[i]! > 0) idx.push(i);
  idx.sort((a, b) => degrees[b]! - degrees[a]! || a - b);
  return Int32Array.from(idx.slice(0, Math.max(0, size)));
}

interface HeadMatrix {
  /** head-restricted rows of the users who touched the head */
  readonly rowPtr: Int32Array;
  readonly col: Int32Array;
  readonly val: Float64Array;
  readonly m: number;
}

function restrictToHead(h: HistorySnapshot, headOf: Int32Array): HeadMatrix {
  const rowPtr: number[] = [0];
  const col: number[] = [];
  const val: number[] = [];
  for (let u = 0; u < h.users; u++) {
    const before = col.length;
    for (let k = h.indptr[u]!; k < h.indptr[u + 1]!; k++) {
      const j = headOf[h.indices[k]!]!;
      if (j >= 0) {
        col.push(j);
        val.push(h.weights[k]!);
      }
    }
    if (col.length > before) rowPtr.push(col.length);
  }
  return { rowPtr: Int32Array.from(rowPtr), col: Int32Array.from(col), val: Float64Array.from(val), m: rowPtr.length - 1 };
}

/** Transposes the head matrix: for each head item, the (row, weight) pairs. */
function transpose(x: HeadMatrix, n: number): { ptr: Int32Array; row: Int32Array; val: Float64Array } {
  const ptr = new Int32Array(n + 1);
  for (let k = 0; k < x.col.length; k++) ptr[x.col[k]! + 1]!++;
  for (let j = 0; j < n; j++) ptr[j + 1] = ptr[j + 1]! + ptr[j]!;
  const fill = ptr.slice(0, n);
  const row = new Int32Array(x.col.length);
  const val = new Float64Array(x.col.length);
  for (let a = 0; a < x.m; a++) {
    for (let k = x.rowPtr[a]!; k < x.rowPtr[a + 1]!; k++) {
      const j = x.col[k]!;
      const at = fill[j]!++;
      row[at] = a;
      val[at] = x.val[k]!;
    }
  }
  return { ptr, row, val };
}

export type Solver = 'primal' | 'dual' | 'auto';

/** Solves on the event loop, awaiting `yielder` every few milliseconds of work. */
export async function solveEase(
  h: HistorySnapshot,
  head: Int32Array,
  lambda: number,
  yielder: Yielder,
  solver: Solver = 'auto',
): Promise<EaseSolution> {
  const steps = easeSteps(h, head, lambda, solver);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await yielder();
  }
}

/** Blocking solve, for workers, tests and offline evaluation. */
export function solveEaseSync(h: HistorySnapshot, head: Int32Array, lambda: number, solver: Solver = 'auto'): EaseSolution {
  const steps = easeSteps(h, head, lambda, solver);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Work between two pauses, in multiply-adds (a few milliseconds). */
const SLICE = 5e6;

function* easeSteps(h: HistorySnapshot, head: Int32Array, lambda: number, solverOpt: Solver): Generator<void, EaseSolution, void> {
  if (!(lambda > 0)) throw new RangeError('lambda must be positive');
  const n = head.length;
  const headOf = new Int32Array(h.items).fill(-1);
  for (let j = 0; j < n; j++) headOf[head[j]!] = j;
  const x = restrictToHead(h, headOf);
  const solver = solverOpt === 'auto' ? (x.m < n ? 'dual' : 'primal') : solverOpt;
  let work = 0; // multiply-adds since the last pause

  let p: Float64Array;
  if (solver === 'primal') {
    p = new Float64Array(n * n);
    // lower triangle of X_hᵀX_h
    for (let a = 0; a < x.m; a++) {
      const s = x.rowPtr[a]!;
      const e = x.rowPtr[a + 1]!;
      for (let k = s; k < e; k++) {
        const i = x.col[k]!;
        const wi = x.val[k]!;
        for (let l = s; l < e; l++) {
          const j = x.col[l]!;
          if (j <= i) p[i * n + j] = p[i * n + j]! + wi * x.val[l]!;
        }
      }
      work += (e - s) * (e - s);
      if (work >= SLICE) {
        work = 0;
        yield;
      }
    }
    for (let i = 0; i < n; i++) p[i * n + i] = p[i * n + i]! + lambda;
    yield* invertSteps(p, n, SLICE);
  } else {
    const m = x.m;
    const t = transpose(x, n);
    // K = X_hX_hᵀ + λI over users (lower triangle), accumulated item by item.
    const kmat = new Float64Array(m * m);
    for (let j = 0; j < n; j++) {
      const s = t.ptr[j]!;
      const e = t.ptr[j + 1]!;
      for (let k = s; k < e; k++) {
        const a = t.row[k]!;
        const wa = t.val[k]!;
        for (let l = s; l <= k; l++) {
          // rows within a column are in increasing order, so t.row[l] ≤ a
          kmat[a * m + t.row[l]!] = kmat[a * m + t.row[l]!]! + wa * t.val[l]!;
        }
      }
      work += ((e - s) * (e - s + 1)) / 2;
      if (work >= SLICE) {
        work = 0;
        yield;
      }
    }
    for (let a = 0; a < m; a++) kmat[a * m + a] = kmat[a * m + a]! + lambda;
    yield* invertSteps(kmat, m, SLICE);
    // Z = M·X_h (m×n): Z[a][j] = Σ_{b∈users(j)} M[a][b]·w_bj
    const z = new Float64Array(m * n);
    for (let a = 0; a < m; a++) {
      zRow(kmat, m, a, t.ptr, t.row, t.val, z, n);
      work += t.row.length;
      if (work >= SLICE) {
        work = 0;
        yield;
      }
    }
    // P = (I − X_hᵀZ)/λ: row i = (e_i − Σ_{a∈users(i)} w_ai·Z[a]) / λ
    p = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      pRow(p, n, i, t.ptr, t.row, t.val, z, lambda);
      work += (t.ptr[i + 1]! - t.ptr[i]! + 1) * n;
      if (work >= SLICE) {
        work = 0;
        yield;
      }
    }
  }
  return { head, headOf, n, lambda, p, solver };
}

function zRow(
  mInv: Float64Array,
  m: number,
  a: number,
  ptr: Int32Array,
  rows: Int32Array,
  vals: Float64Array,
  z: Float64Array,
  n: number,
): void {
  const ra = a * m;
  const za = a * n;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = ptr[j]!; k < ptr[j + 1]!; k++) s += mInv[ra + rows[k]!]! * vals[k]!;
    z[za + j] = s;
  }
}

function pRow(
  p: Float64Array,
  n: number,
  i: number,
  ptr: Int32Array,
  rows: Int32Array,
  vals: Float64Array,
  z: Float64Array,
  lambda: number,
): void {
  const ri = i * n;
  for (let k = ptr[i]!; k < ptr[i + 1]!; k++) {
    const za = rows[k]! * n;
    const w = vals[k]!;
    for (let j = 0; j < n; j++) p[ri + j] = p[ri + j]! - w * z[za + j]!;
  }
  const inv = 1 / lambda;
  for (let j = 0; j < n; j++) p[ri + j] = p[ri + j]! * inv;
  p[ri + i] = p[ri + i]! + inv;
}

/** B from P for a popularity exponent β: B_ij = −P_ij·P_jj^(−β), zero diagonal; Float32 to halve memory. */
export function easeWeights(sol: EaseSolution, beta: number): Float32Array {
  const steps = easeWeightsSteps(sol, beta);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** easeWeights with pauses, for the background refit. */
export async function easeWeightsAsync(sol: EaseSolution, beta: number, yielder: Yielder): Promise<Float32Array> {
  const steps = easeWeightsSteps(sol, beta);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await yielder();
  }
}

function* easeWeightsSteps(sol: EaseSolution, beta: number): Generator<void, Float32Array, void> {
  const { n, p } = sol;
  const scale = new Float64Array(n);
  for (let j = 0; j < n; j++) scale[j] = Math.pow(p[j * n + j]!, -beta);
  const b = new Float32Array(n * n);
  let work = 0;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < n; j++) b[ri + j] = -p[ri + j]! * scale[j]!;
    b[ri + i] = 0;
    work += n;
    if (work >= SLICE) {
      work = 0;
      yield;
    }
  }
  return b;
}
