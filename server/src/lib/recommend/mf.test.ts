import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistorySnapshot } from './ease.ts';
import { fitAlsSync, foldScratch, mfScores } from './mf.ts';

/** Two taste clusters: users 0–5 on items 0–2, users 6–11 on items 3–5, each missing one item. */
function clusters(): HistorySnapshot {
  const indptr = [0];
  const indices: number[] = [];
  for (let u = 0; u < 12; u++) {
    const base = u < 6 ? 0 : 3;
    for (let i = 0; i < 3; i++) if ((u + i) % 3 !== 0) indices.push(base + i);
    indptr.push(indices.length);
  }
  return {
    users: 12,
    items: 6,
    indptr: Int32Array.from(indptr),
    indices: Int32Array.from(indices),
    weights: new Float32Array(indices.length).fill(1),
  };
}

test('iALS folds a history into its own cluster', () => {
  // two factors for two clusters (more would overfit twelve users)
  const m = fitAlsSync(clusters(), { factors: 2, alpha: 10, reg: 0.1, iterations: 10, seed: 3 });
  assert.equal(m.q.length, 6 * 2);
  const out = new Float32Array(6);
  mfScores(m, Int32Array.from([0]), Float32Array.from([1]), 1, foldScratch(2), out);
  for (const same of [1, 2]) for (const other of [3, 4, 5]) assert.ok(out[same]! > out[other]! + 0.5);
  // an empty history has a zero factor, so every score is 0
  mfScores(m, new Int32Array(0), new Float32Array(0), 0, foldScratch(2), out);
  assert.ok(out.every((x) => x === 0));
});

test('iALS is deterministic for a seed', () => {
  const a = fitAlsSync(clusters(), { factors: 3, alpha: 5, reg: 1, iterations: 3, seed: 9 });
  const b = fitAlsSync(clusters(), { factors: 3, alpha: 5, reg: 1, iterations: 3, seed: 9 });
  assert.deepEqual(a.q, b.q);
});
