import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecommendEngine } from './engine.ts';
import { evaluate, ndcgAtK, recallAtK, splitPerUser } from './evaluate.ts';
import { parsePairs, toInteractions, type Pair } from './loader.ts';
import { topK } from './topk.ts';

test('recall@k counts relevant items in the first k', () => {
  const rel = new Set([1, 5, 9, 11]);
  assert.equal(recallAtK([1, 2, 5, 7], rel, 4), 0.5);
  assert.equal(recallAtK([1, 2, 5, 7], rel, 1), 0.25);
  assert.equal(recallAtK([], rel, 20), 0);
  assert.equal(recallAtK([1], new Set(), 20), 0);
});

test('ndcg@k discounts by log2(rank+1) and normalises by the ideal list', () => {
  const rel = new Set([3, 4]);
  // hits at ranks 1 and 3: (1 + 1/2) / (1 + 1/log2 3)
  const expected = (1 + 1 / 2) / (1 + 1 / Math.log2(3));
  assert.ok(Math.abs(ndcgAtK([3, 0, 4, 8], rel, 4) - expected) < 1e-12);
  assert.equal(ndcgAtK([3, 4], rel, 20), 1);
  // one relevant item at rank 2 with k=1 is not counted; the ideal has one hit
  assert.equal(ndcgAtK([0, 3], new Set([3]), 1), 0);
});

test('topK returns the best k in order, ties to the lower index, honouring skip', () => {
  const scores = Float32Array.from([0.5, 2, 2, -1, 7, 0.5]);
  const r = topK(scores, 3, (i) => i === 4);
  assert.deepEqual([...r.items], [1, 2, 0]);
  assert.deepEqual([...r.scores], [2, 2, 0.5]);
  assert.deepEqual([...topK(scores, 10, () => false).items], [4, 1, 2, 0, 5, 3]);
  assert.deepEqual([...topK(scores, 2, () => false, Int32Array.from([3, 5, 0])).items], [0, 5]);
  assert.equal(topK(scores, 0, () => false).items.length, 0);
});

test('parsePairs skips the header and rejects garbage', () => {
  assert.deepEqual(parsePairs('user,item\n0,3\r\n2,5\n\n'), [
    [0, 3],
    [2, 5],
  ]);
  assert.throws(() => parsePairs('user,item\n0,3\nx,1\n'), SyntaxError);
});

test('the validation split is per user, deterministic and holds out ~20%', () => {
  const pairs: Pair[] = [];
  for (let u = 0; u < 50; u++) for (let i = 0; i < 10; i++) pairs.push([u, (u * 7 + i) % 40]);
  pairs.push([99, 1]); // a single pair always stays in train
  const a = splitPerUser(pairs, 0.2, 5);
  const b = splitPerUser(pairs, 0.2, 5);
  assert.deepEqual(a, b);
  assert.equal(a.valid.length, 100);
  assert.equal(a.train.length + a.valid.length, pairs.length);
  assert.ok(a.train.some(([u]) => u === 99));
  const perUser = new Map<number, number>();
  for (const [u] of a.valid) perUser.set(u, (perUser.get(u) ?? 0) + 1);
  assert.ok([...perUser.values()].every((c) => c === 2));
});

test('evaluate ranks items unseen in train and averages over test users', () => {
  const e = new RecommendEngine({ lambda: 1 });
  const train: Pair[] = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
    [1, 2],
    [2, 0],
  ];
  e.fitSync(toInteractions(train));
  // user 2 should get item 1 first (co-occurs with 0), then 2
  const m = evaluate(e, [[2, 1]], 1);
  assert.equal(m.users, 1);
  assert.equal(m.recall, 1);
  assert.equal(m.ndcg, 1);
});
