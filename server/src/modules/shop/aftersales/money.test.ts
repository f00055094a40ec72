import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linePaid, unitsRefund } from './money.ts';

test('without a discount a line is paid at its total and units at their price', () => {
  const paid = linePaid([{ id: 'a', lineTotal: 3000, quantity: 3 }], 3000, 0);
  assert.equal(paid.get('a'), 3000);
  assert.equal(unitsRefund(3000, 3, 0, 1), 1000);
  assert.equal(unitsRefund(3000, 3, 1, 2), 2000);
});

test('a discount is shared by line totals and refunds of every unit add up to the order total', () => {
  const lines = [
    { id: 'a', lineTotal: 1000, quantity: 3 },
    { id: 'b', lineTotal: 2001, quantity: 1 },
  ];
  const paid = linePaid(lines, 3001, 500);
  assert.equal(paid.get('a')! + paid.get('b')!, 2501);
  assert.equal(paid.get('a'), 1000 - Math.floor((500 * 1000) / 3001));
  const a = paid.get('a')!;
  const batches = [unitsRefund(a, 3, 0, 1), unitsRefund(a, 3, 1, 1), unitsRefund(a, 3, 2, 1)];
  assert.equal(
    batches.reduce((s, x) => s + x, 0),
    a,
  );
  assert.ok(batches.every((x) => x > 0));
});
