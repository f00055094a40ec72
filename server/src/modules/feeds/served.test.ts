import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryServedHistory } from './served.ts';

test('the in-memory served history hands out copies, keeps the newest entries, per person', async () => {
  const h = new MemoryServedHistory();
  await h.add('ann', new Map([['v1', 1]]));
  const copy = await h.get('ann');
  copy.set('v2', 2);
  assert.deepEqual([...(await h.get('ann'))], [['v1', 1]], 'only add remembers');
  await h.add(
    'ann',
    new Map([
      ['v2', 2],
      ['v1', 3],
    ]),
  );
  assert.deepEqual(
    [...(await h.get('ann'))],
    [
      ['v2', 2],
      ['v1', 3],
    ],
    'served again moves to the end',
  );
  assert.equal((await h.get('bob')).size, 0);
  const many = new Map<string, number>();
  for (let i = 0; i < 2500; i++) many.set(`x${i}`, 10 + i);
  await h.add('ann', many);
  const kept = await h.get('ann');
  assert.equal(kept.size, 2000);
  assert.ok(kept.has('x2499') && !kept.has('v1') && !kept.has('x0'));
});
