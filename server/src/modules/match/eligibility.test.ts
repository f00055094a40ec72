import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UserSummary } from '@tremolo/protocol';
import type { AccountsService } from '../accounts/service.ts';
import type { GraphService } from '../graph/service.ts';
import { Eligibilities } from './eligibility.ts';
import type { MatchOptions } from './options.ts';
import type { EligibilityRow, MatchRepo } from './repo.ts';

/** Fake stores answering each round after `release()`; `rounds` records who each round asked about. */
function fakes(rounds = 1) {
  const asked: string[][] = [];
  let release: () => void = () => undefined;
  let gate = new Promise<void>((r) => (release = r));
  const row = (): EligibilityRow => ({ optedIn: true, interests: [], languages: [], cooldownUntil: null, banned: false, reported: ['r'] });
  const repo = {
    async eligibilityOf(ids: string[]) {
      asked.push(ids);
      await gate;
      return new Map(ids.filter((id) => id !== 'ghost').map((id) => [id, row()]));
    },
  } as unknown as MatchRepo;
  const graph = { blockedEitherWayAmong: async (ids: string[]) => new Map(ids.map((id) => [id, ['b']])) } as unknown as GraphService;
  const accounts = {
    summaries: async (ids: string[]) =>
      new Map(ids.map((id): [string, UserSummary] => [id, { id, handle: id, displayName: id, avatarUrl: null }])),
  } as unknown as AccountsService;
  const options = { cacheMs: 60_000 } as MatchOptions;
  return {
    e: new Eligibilities({ repo, graph, accounts, options }, rounds),
    rounds: asked,
    open() {
      release();
      gate = new Promise<void>((r) => (release = r));
    },
  };
}

test('people asked for while a round is out are loaded together in the next round, once each', async () => {
  const f = fakes();
  const first = f.e.of('a');
  const rest = [f.e.of('b'), f.e.of('c'), f.e.of('b')];
  f.open();
  await first;
  f.open();
  const [b, c, b2] = await Promise.all(rest);
  assert.deepEqual(f.rounds, [['a'], ['b', 'c']]);
  assert.equal(b, b2);
  assert.deepEqual([...c!.excluded].sort(), ['b', 'r']);
  // Cached: no third round.
  await f.e.of('a');
  assert.equal(f.rounds.length, 2);
});

test('a block or report made while a load is out is in what it loads', async () => {
  const f = fakes();
  const loading = f.e.of('a');
  f.e.exclude('a', 'x');
  f.open();
  assert.ok((await loading).excluded.has('x'));
  assert.ok((await f.e.of('a')).excluded.has('x'));
});

test('someone forgotten while loading is loaded again next time; an unknown person is not found', async () => {
  const f = fakes();
  const loading = f.e.of('a');
  f.e.forget('a');
  f.open();
  await loading;
  const again = f.e.of('a');
  f.open();
  await again;
  assert.equal(f.rounds.length, 2);
  const ghost = f.e.of('ghost');
  f.open();
  await assert.rejects(ghost, /not found/i);
});

test('rounds run side by side up to the limit; who is asked for meanwhile waits for the next', async () => {
  const f = fakes(2);
  const a = f.e.of('a');
  const b = f.e.of('b');
  const rest = [f.e.of('c'), f.e.of('d')];
  assert.deepEqual(f.rounds, [['a'], ['b']]);
  f.open();
  await Promise.all([a, b]);
  assert.deepEqual(f.rounds, [['a'], ['b'], ['c', 'd']]);
  f.open();
  await Promise.all(rest);
});
