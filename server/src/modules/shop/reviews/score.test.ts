import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeScore, type ScoreInputs } from './score.ts';

const none: ScoreInputs = { ratings: { count: 0, sum: 0 }, shipping: { count: 0, averageHours: 0 }, refunds: { settled: 0, refunded: 0 } };

describe('store score', () => {
  test('nothing to judge: no score', () => {
    assert.equal(storeScore(none), null);
  });

  test('a single five-star review does not make a perfect shop; many do', () => {
    const one = storeScore({ ...none, ratings: { count: 1, sum: 5 } })!;
    assert.equal(one.rating?.average, 5);
    assert.ok(one.score < 4.5, `one review: ${one.score}`);
    const many = storeScore({ ...none, ratings: { count: 200, sum: 1000 } })!;
    assert.ok(many.score >= 4.9, `many reviews: ${many.score}`);
    const bad = storeScore({ ...none, ratings: { count: 200, sum: 200 } })!;
    assert.ok(bad.score <= 1.1, `many one-star reviews: ${bad.score}`);
  });

  test('shipping within a day scores 5, a week or more scores 1, linear between', () => {
    const fast = storeScore({ ...none, shipping: { count: 3, averageHours: 10 } })!;
    assert.equal(fast.score, 5);
    const slow = storeScore({ ...none, shipping: { count: 3, averageHours: 400 } })!;
    assert.equal(slow.score, 1);
    const mid = storeScore({ ...none, shipping: { count: 3, averageHours: 96 } })!;
    assert.equal(mid.score, 3);
  });

  test('refunds: none is 5, one in five or more is 1', () => {
    assert.equal(storeScore({ ...none, refunds: { settled: 10, refunded: 0 } })!.score, 5);
    assert.equal(storeScore({ ...none, refunds: { settled: 10, refunded: 5 } })!.score, 1);
    assert.equal(storeScore({ ...none, refunds: { settled: 10, refunded: 1 } })!.score, 3);
  });

  test('the parts are weighted 60/20/20 over what there is evidence for', () => {
    const s = storeScore({
      ratings: { count: 1000, sum: 5000 },
      shipping: { count: 10, averageHours: 168 },
      refunds: { settled: 10, refunded: 0 },
    })!;
    // rating ≈ 5 (0.6), shipping 1 (0.2), refunds 5 (0.2) → 4.2
    assert.equal(s.score, 4.2);
    assert.equal(s.shipping?.score, 1);
    assert.equal(s.refunds?.rate, 0);
    const noShipping = storeScore({ ...none, ratings: { count: 1000, sum: 5000 }, refunds: { settled: 10, refunded: 2 } })!;
    // (≈5 × 0.6 + 1 × 0.2) / 0.8 = 4.0
    assert.equal(noShipping.score, 4);
    assert.equal(noShipping.shipping, null);
  });

  test('the score stays within 1..5', () => {
    for (const sum of [1, 3, 5]) {
      for (const h of [0, 50, 1000]) {
        const s = storeScore({
          ratings: { count: 7, sum: sum * 7 },
          shipping: { count: 2, averageHours: h },
          refunds: { settled: 4, refunded: 4 },
        })!;
        assert.ok(s.score >= 1 && s.score <= 5, JSON.stringify(s));
      }
    }
  });
});
