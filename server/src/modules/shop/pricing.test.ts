import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../platform/errors.ts';
import { clampDiscount, lineTotal, subtotal, totals, MIN_CHARGE } from './pricing.ts';

const line = (unitPrice: number, quantity: number, productId = 'p1') => ({
  variantId: `v-${unitPrice}-${quantity}`,
  productId,
  unitPrice,
  quantity,
});

describe('pricing', () => {
  test('line totals and subtotals are integer minor units', () => {
    assert.equal(lineTotal(1999, 3), 5997);
    assert.equal(subtotal([line(1999, 3), line(1, 1)]), 5998);
    assert.equal(subtotal([]), 0);
  });

  test('fractions, negatives and zero quantities are refused', () => {
    assert.throws(() => lineTotal(19.99, 1), AppError);
    assert.throws(() => lineTotal(-100, 1), AppError);
    assert.throws(() => lineTotal(100, 0), AppError);
    assert.throws(() => lineTotal(100, 1.5), AppError);
    assert.throws(() => lineTotal(100, -2), AppError);
    assert.throws(() => lineTotal(Number.MAX_SAFE_INTEGER, 2), AppError, 'overflow past safe integers');
  });

  test('a discount never takes the total below the minimum charge or below zero', () => {
    assert.equal(clampDiscount(1000, 300), 300);
    assert.equal(clampDiscount(1000, 5000), 1000 - MIN_CHARGE);
    assert.equal(clampDiscount(1000, -5), 0);
    assert.equal(clampDiscount(1, 1), 0);
    assert.deepEqual(totals([line(500, 2)], 2000), { subtotal: 1000, discount: 999, total: 1 });
    assert.deepEqual(totals([line(500, 2)], 0), { subtotal: 1000, discount: 0, total: 1000 });
  });
});
