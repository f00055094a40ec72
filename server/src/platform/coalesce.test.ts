import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Coalescer } from './coalesce.ts';

/** A `load` whose rounds are answered by the test, one at a time. */
function manualLoad() {
  const rounds: { keys: string[]; answer(found: Map<string, string>): void; fail(err: Error): void }[] = [];
  const load = (keys: string[]) =>
    new Promise<Map<string, string>>((resolve, reject) => rounds.push({ keys, answer: resolve, fail: reject }));
  return { rounds, load };
}

test('a lone lookup starts at once; lookups made while the rounds are out go together in the next', async () => {
  const { rounds, load } = manualLoad();
  const c = new Coalescer(load, { rounds: 1, max: 100 });
  const first = c.get('a');
  assert.deepEqual(
    rounds.map((r) => r.keys),
    [['a']],
  );
  const later = ['b', 'c', 'b', 'd'].map((k) => c.get(k));
  assert.equal(rounds.length, 1, 'no second round while the first is out');
  rounds[0]!.answer(new Map([['a', 'A']]));
  assert.equal(await first, 'A');
  assert.deepEqual(rounds[1]!.keys, ['b', 'c', 'd'], 'one round for everyone who waited, each key once');
  rounds[1]!.answer(new Map([['b', 'B']]));
  assert.deepEqual(await Promise.all(later), ['B', undefined, 'B', undefined]);
});

test('rounds run side by side up to the limit and hold at most `max` keys', async () => {
  const { rounds, load } = manualLoad();
  const c = new Coalescer(load, { rounds: 2, max: 2 });
  const [a] = ['a', 'b', 'c', 'd', 'e'].map((k) => c.get(k));
  assert.deepEqual(
    rounds.map((r) => r.keys),
    [['a'], ['b']],
  );
  rounds[0]!.answer(new Map());
  assert.equal(await a, undefined);
  assert.deepEqual(
    rounds.map((r) => r.keys),
    [['a'], ['b'], ['c', 'd']],
  );
});

test('a failed round fails its lookups only; the next round still runs', async () => {
  const { rounds, load } = manualLoad();
  const c = new Coalescer(load, { rounds: 1, max: 10 });
  const a = c.get('a');
  const b = c.get('b');
  rounds[0]!.fail(new Error('database unreachable'));
  await assert.rejects(a, /database unreachable/);
  rounds[1]!.answer(new Map([['b', 'B']]));
  assert.equal(await b, 'B');
});
