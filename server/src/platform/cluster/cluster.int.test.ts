import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createScratchDatabase, testDb } from '../../test/harness.ts';
import { openDatabase } from '../db/client.ts';
import { LocalCluster, PostgresCluster, RedisCluster, type ClusterOptions } from './cluster.ts';

/**
 * Liveness and sweeps: three nodes, one stops heartbeating (a crash as the others see it); the
 * two survivors run the sweeps for it exactly once between them, well within 10 s. Each backend
 * is tested where it runs: Redis when one answers, PostgreSQL with TEST_DB=postgres.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const opts = (over: Partial<ClusterOptions> = {}): ClusterOptions => ({ heartbeatMs: 200, deadAfterMs: 1000, log: quiet, ...over });

async function redisAnswers(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await probe.connect();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<number> {
  const started = Date.now();
  while (!(await ok())) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

type Node = RedisCluster | PostgresCluster;

/** Starts three nodes that record every sweep they run; kills the first; checks one survivor swept it once. */
async function deadNodeIsSweptOnce(make: (id: string) => Node): Promise<void> {
  const swept: { by: string; dead: string }[] = [];
  const ids = ['a', 'b', 'c'].map((n) => `${n}-${randomBytes(3).toString('hex')}`);
  const nodes = ids.map(make);
  for (const n of nodes) {
    n.onNodeDead('first', async (dead) => void swept.push({ by: n.nodeId, dead }));
    n.onNodeDead('second', async () => undefined);
  }
  try {
    for (const n of nodes) await n.start();
    assert.deepEqual(await nodes[1]!.alive(), [...ids].sort());
    const [victim, ...survivors] = nodes as [Node, Node, Node];
    victim.halt();
    const ms = await until('the sweep', () => swept.length > 0);
    assert.ok(ms < 10_000, `swept after ${ms} ms`);
    // Several more rounds: nobody sweeps it again.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(swept.length, 1);
    assert.equal(swept[0]!.dead, victim.nodeId);
    assert.ok(survivors.some((s) => s.nodeId === swept[0]!.by));
    assert.deepEqual(await survivors[0].alive(), [survivors[0].nodeId, survivors[1].nodeId].sort());
    // A clean stop sweeps the node's own state at once and leaves nothing for the others.
    await survivors[1].close();
    assert.deepEqual(swept.at(-1), { by: survivors[1].nodeId, dead: survivors[1].nodeId });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(swept.length, 2);
    assert.deepEqual(await survivors[0].alive(), [survivors[0].nodeId]);
  } finally {
    for (const n of nodes) await n.close().catch(() => undefined);
  }
}

describe('cluster liveness', () => {
  test('Redis: a dead node is swept once, by one survivor', async (t) => {
    if (!(await redisAnswers())) return t.skip(`no Redis at ${REDIS_URL}`);
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    await deadNodeIsSweptOnce((id) => new RedisCluster(REDIS_URL, prefix, id, opts()));
  });

  test('Redis: a node declared dead while it still runs is told so (fenced)', async (t) => {
    if (!(await redisAnswers())) return t.skip(`no Redis at ${REDIS_URL}`);
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const stalled = new RedisCluster(REDIS_URL, prefix, 'stalled', opts());
    const other = new RedisCluster(REDIS_URL, prefix, 'other', opts());
    let fenced = false;
    stalled.onFenced(() => (fenced = true));
    try {
      await stalled.start();
      await other.start();
      stalled.halt();
      await until('the sweep of the stalled node', async () => !(await other.alive()).includes('stalled') && !(await redisMember(prefix)));
      // It wakes up: its first heartbeat finds it was removed.
      await (stalled as unknown as { tick(): Promise<void> }).tick();
      assert.equal(fenced, true);
    } finally {
      await stalled.close();
      await other.close();
    }
  });

  test('PostgreSQL: a dead node is swept once, by one survivor', { skip: testDb !== 'postgres' && 'needs PostgreSQL' }, async () => {
    const scratch = await createScratchDatabase();
    const dbs = await Promise.all([0, 1, 2].map(() => openDatabase({ databaseUrl: scratch.url, dataDir: 'memory://', poolSize: 3 })));
    try {
      let i = 0;
      await deadNodeIsSweptOnce((id) => new PostgresCluster(dbs[i++]!.db, id, opts()));
    } finally {
      for (const d of dbs) await d.close();
      await scratch.drop();
    }
  });

  test('one node on PGlite sweeps what its previous run left, at start', async () => {
    const swept: string[] = [];
    const c = new LocalCluster(opts());
    c.onNodeDead('x', async (id) => void swept.push(id));
    await c.start();
    assert.deepEqual(swept, ['local']);
    assert.deepEqual(await c.alive(), ['local']);
    await c.close();
  });
});

const probes: Redis[] = [];
after(() => {
  for (const p of probes) p.disconnect();
});
async function redisMember(prefix: string): Promise<boolean> {
  const r = new Redis(REDIS_URL);
  probes.push(r);
  return (await r.sismember(`${prefix}:cluster:nodes`, 'stalled')) === 1;
}
