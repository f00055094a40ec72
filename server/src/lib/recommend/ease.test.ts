import assert from 'node:assert/strict';
import { test } from 'node:test';
import { easeWeights, itemDegrees, selectHead, solveEase, solveEaseSync, type HistorySnapshot } from './ease.ts';
import { invertSpdSync } from './linalg.ts';

/** users: u0 {0,1}, u1 {1,2}, u2 {0,1,2} */
const toy: HistorySnapshot = {
  users: 3,
  items: 3,
  indptr: Int32Array.from([0, 2, 4, 7]),
  indices: Int32Array.from([0, 1, 1, 2, 0, 1, 2]),
  weights: Float32Array.from([1, 1, 1, 1, 1, 1, 1]),
};
// XᵀX + I = [[3,2,1],[2,4,2],[1,2,3]], whose inverse (by cofactors, det 16) is:
const P = [
  [0.5, -0.25, 0],
  [-0.25, 0.5, -0.25],
  [0, -0.25, 0.5],
];

function close(actual: ArrayLike<number>, expected: number[], eps = 1e-9): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) < eps, `at ${i}: ${actual[i]} vs ${expected[i]}`);
}

test('SPD inverse of a 3×3 matrix matches the cofactor inverse', () => {
  const a = Float64Array.from([3, 2, 1, 2, 4, 2, 1, 2, 3]);
  invertSpdSync(a, 3);
  close(a, P.flat());
});

test('SPD inverse of a larger random matrix times the matrix is the identity', () => {
  const n = 40;
  let seed = 3;
  const rand = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rand();
  for (let i = 0; i < n; i++) a[i * n + i]! += n;
  const copy = a.slice();
  invertSpdSync(a, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += copy[i * n + k]! * a[k * n + j]!;
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-10);
    }
});

test('primal and dual EASE give the hand-computed P and B', () => {
  const head = selectHead(itemDegrees(toy), 10);
  assert.deepEqual([...head], [1, 0, 2]); // degree 3 first, then ties by index
  for (const solver of ['primal', 'dual'] as const) {
    const sol = solveEaseSync(toy, Int32Array.from([0, 1, 2]), 1, solver);
    assert.equal(sol.solver, solver);
    close(sol.p, P.flat());
    // β = 1: B_ij = −P_ij / P_jj
    close(easeWeights(sol, 1), [0, 0.5, 0, 0.5, 0, 0.5, 0, 0.5, 0], 1e-6);
    // β = 0: B_ij = −P_ij
    close(easeWeights(sol, 0), [0, 0.25, 0, 0.25, 0, 0.25, 0, 0.25, 0], 1e-6);
  }
});

test('a head smaller than the catalogue is EASE on the head columns only', () => {
  // head {1, 2}: Gram [[3,2],[2,2]] + I = [[4,2],[2,3]], inverse [[3,−2],[−2,4]]/8
  const sol = solveEaseSync(toy, Int32Array.from([1, 2]), 1, 'dual');
  close(sol.p, [3 / 8, -2 / 8, -2 / 8, 4 / 8]);
  assert.deepEqual([...sol.headOf], [-1, 0, 1]);
});

test('the cooperative solve yields and matches the blocking one', async () => {
  let pauses = 0;
  const sol = await solveEase(toy, Int32Array.from([0, 1, 2]), 1, async () => {
    pauses++;
  });
  close(sol.p, P.flat());
  assert.ok(pauses >= 0);
});
