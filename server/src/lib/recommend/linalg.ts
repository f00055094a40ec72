/**
 * Dense symmetric positive-definite inversion in place, row-major Float64Array.
 *
 * Cholesky (A = L·Lᵀ), then L⁻¹, then A⁻¹ = L⁻ᵀ·L⁻¹: about n³/2 multiply-adds in all, half of
 * Gauss–Jordan. Hot loops live in small plain functions (V8 optimises them far better than
 * loops inside a generator) and walk rows contiguously. The driver pauses between row blocks
 * so a refit on the server's event loop never holds a request for more than a few
 * milliseconds; the same body runs blocking for tests, workers and offline evaluation.
 */

export type Yielder = () => Promise<void>;

/** Resolves on the next turn of the event loop (after pending I/O callbacks). */
export const yieldToEventLoop: Yielder = () => new Promise((resolve) => setImmediate(resolve));

class NotPositiveDefiniteError extends Error {
  constructor(row: number) {
    super(`matrix is not positive definite (pivot ${row})`);
  }
}

/**
 * Replaces the SPD matrix `a` (n×n, row-major; only the lower triangle is read) by its full
 * symmetric inverse, blocking (`invertSteps` is the same work in slices).
 */
export function invertSpdSync(a: Float64Array, n: number): void {
  for (const _ of invertSteps(a, n, Infinity));
}

export function* invertSteps(a: Float64Array, n: number, opsPerYield: number): Generator<void, void, void> {
  if (a.length < n * n) throw new RangeError('matrix buffer too small');
  let ops = 0;
  for (let i = 0; i < n; i++) {
    choleskyRow(a, n, i);
    ops += i * i * 0.5;
    if (ops >= opsPerYield) {
      ops = 0;
      yield;
    }
  }
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    invertLowerRow(a, n, i, row);
    ops += i * i * 0.5;
    if (ops >= opsPerYield) {
      ops = 0;
      yield;
    }
  }
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    accumulateOuter(a, n, k, out);
    ops += k * k * 0.5;
    if (ops >= opsPerYield) {
      ops = 0;
      yield;
    }
  }
  mirrorUpper(out, a, n);
}

/** Row i of the Cholesky factor: L[i][j] = (A[i][j] − Σ_{k<j} L[i][k]·L[j][k]) / L[j][j]. */
function choleskyRow(a: Float64Array, n: number, i: number): void {
  const ri = i * n;
  for (let j = 0; j < i; j++) {
    const rj = j * n;
    let s = a[ri + j]!;
    for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
    a[ri + j] = s / a[rj + j]!;
  }
  let d = a[ri + i]!;
  for (let k = 0; k < i; k++) {
    const v = a[ri + k]!;
    d -= v * v;
  }
  if (!(d > 0)) throw new NotPositiveDefiniteError(i);
  a[ri + i] = Math.sqrt(d);
}

/**
 * Row i of X = L⁻¹, written over row i of L: X[i][j] = −(Σ_{j≤k<i} L[i][k]·X[k][j]) / L[i][i].
 * Rows above i already hold X.
 */
function invertLowerRow(a: Float64Array, n: number, i: number, row: Float64Array): void {
  const ri = i * n;
  row.fill(0, 0, i);
  for (let k = 0; k < i; k++) {
    const lik = a[ri + k]!;
    if (lik === 0) continue;
    const rk = k * n;
    for (let j = 0; j <= k; j++) row[j] = row[j]! + lik * a[rk + j]!;
  }
  const inv = 1 / a[ri + i]!;
  for (let j = 0; j < i; j++) a[ri + j] = -row[j]! * inv;
  a[ri + i] = inv;
}

/** Adds the outer product of row k of X (columns ≤ k) to the upper triangle of `out`. */
function accumulateOuter(a: Float64Array, n: number, k: number, out: Float64Array): void {
  const rk = k * n;
  for (let i = 0; i <= k; i++) {
    const xki = a[rk + i]!;
    if (xki === 0) continue;
    const ro = i * n;
    for (let j = i; j <= k; j++) out[ro + j] = out[ro + j]! + xki * a[rk + j]!;
  }
}

function mirrorUpper(out: Float64Array, a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = i; j < n; j++) {
      const v = out[ri + j]!;
      a[ri + j] = v;
      a[j * n + i] = v;
    }
  }
}
