import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stageLayout } from './media.ts';

test('the stage grid follows the number of people: 1 full, 2 split, 2×2, 3×2, 3×3', () => {
  const shape = (n: number) => {
    const { cols, rows } = stageLayout(n);
    return `${cols}x${rows}`;
  };
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map(shape), ['1x1', '2x1', '2x2', '2x2', '3x2', '3x2', '3x3', '3x3', '3x3']);
  // Every tile fits in its grid.
  for (let n = 1; n <= 9; n++) {
    const { cols, rows } = stageLayout(n);
    assert.ok(cols * rows >= n && cols * rows - n < cols, `${n} people in ${cols}×${rows}`);
  }
});
