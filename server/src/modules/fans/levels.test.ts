import { test } from 'node:test';
import assert from 'node:assert/strict';
import { levelFor, LEVEL_THRESHOLDS, orderPoints, watchPoints } from './levels.ts';

test('levels follow the thresholds', () => {
  assert.equal(levelFor(0), 1);
  assert.equal(levelFor(9), 1);
  assert.equal(levelFor(10), 2);
  assert.equal(levelFor(59), 3);
  assert.equal(levelFor(60), 4);
  assert.equal(levelFor(1_000_000), LEVEL_THRESHOLDS.length);
});

test('orders and watch time earn bounded points', () => {
  assert.equal(orderPoints(0), 10);
  assert.equal(orderPoints(5_000), 15);
  assert.equal(orderPoints(10_000_000), 100);
  assert.equal(watchPoints(29_000), 0);
  assert.equal(watchPoints(61_000), 2);
  assert.equal(watchPoints(3_600_000), 4);
});
