import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createScratchDatabase, testDb } from '../../test/harness.ts';
import { LocalCluster, RedisCluster } from '../cluster/cluster.ts';
import { LocalNodeRpc, NodeUnreachable, RedisNodeRpc } from '../cluster/rpc.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { ClusteredSfu } from './clustered.ts';
import type { SfuEvent } from './sfu.ts';
import { WeriftSfu } from './werift/index.ts';

/**
 * werift rooms on several nodes, as two nodes in one process (each its own werift, liveness and
 * RPC over the shared Redis, one database): a room has one owner whichever node asks first;
 * the other node's calls and refusals go through the owner; ending it from the other node
 * closes it on the owner; when the owner dies the survivor frees its rooms and says so.
 * (Media between browsers on different nodes: `e2e/cluster-rooms.e2e.ts`.)
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Node {
  cluster: RedisCluster;
  rpc: RedisNodeRpc;
  werift: WeriftSfu;
  sfu: ClusteredSfu;
  events: SfuEvent[];
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<number> {
  const started = Date.now();
  while (!ok()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

describe('werift rooms across nodes', () => {
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  let database: Database;
  let drop: () => Promise<void> = async () => undefined;
  let a: Node;
  let b: Node;

  async function node(name: string): Promise<Node> {
    const id = `${name}-${randomBytes(3).toString('hex')}`;
    const cluster = new RedisCluster(REDIS_URL, prefix, id, { heartbeatMs: 200, deadAfterMs: 1000, log: quiet });
    const rpc = await RedisNodeRpc.connect(REDIS_URL, prefix, id, quiet);
    const werift = new WeriftSfu();
    const sfu = new ClusteredSfu(werift, { db: database.db, cluster, rpc, log: quiet });
    const events: SfuEvent[] = [];
    sfu.onEvent((e) => events.push(e));
    await sfu.start();
    await cluster.start();
    return { cluster, rpc, werift, sfu, events };
  }

  before(async () => {
    if (testDb === 'postgres') {
      const scratch = await createScratchDatabase();
      drop = scratch.drop;
      database = await openDatabase({ databaseUrl: scratch.url, dataDir: 'memory://', poolSize: 4 });
    } else {
      database = await openDatabase({ dataDir: 'memory://' });
    }
    a = await node('a');
    b = await node('b');
  });

  after(async () => {
    for (const n of [a, b]) {
      if (!n) continue;
      await n.cluster.close().catch(() => undefined);
      await n.sfu.close();
      await n.rpc.close();
    }
    await database?.close();
    await drop();
  });

  test('the first node to open a room runs it; the other node’s calls and refusals go through it', async () => {
    await a.sfu.openRoom('r1');
    await b.sfu.openRoom('r1');
    assert.equal(a.werift.stats().rooms, 1);
    assert.equal(b.werift.stats().rooms, 0, 'the second node hands the room to the first');
    // A layer for a subscription that does not exist: werift's refusal on node a reaches node b's caller as itself.
    const refused = await b.sfu.setLayer('r1', 'viewer', 'nobody', 'high').catch((e: unknown) => e);
    assert.ok(refused instanceof AppError, String(refused));
    assert.equal(refused.code, 'not_found');
    // An answer to a room that has no owner at all: the connection was reset, connect again.
    const reset = await b.sfu.answerSubscription('r-none', 'viewer', 'v=0').catch((e: unknown) => e);
    assert.ok(reset instanceof AppError && reset.code === 'invalid_state', String(reset));
  });

  test('ending the room through the other node closes it on the node that runs it', async () => {
    await b.sfu.openRoom('r2');
    assert.equal(b.werift.stats().rooms, 1);
    await a.sfu.closeRoom('r2');
    assert.equal(b.werift.stats().rooms, 0);
    // Opened again later, through node a this time: a runs it.
    await a.sfu.openRoom('r2');
    assert.equal(a.werift.stats().rooms, 2);
  });

  test('a node nobody hears is refused at once, not after a timeout', async () => {
    const started = Date.now();
    const err = await a.rpc.call('no-such-node', 'sfu', {}).catch((e: unknown) => e);
    assert.ok(err instanceof NodeUnreachable);
    // Far inside the call's 10 s timeout: nobody waited for it.
    assert.ok(Date.now() - started < 5000);
  });

  test('the owner dies: the survivor frees its rooms and says each moved; the next call opens it on the survivor', async () => {
    await b.sfu.openRoom('r3');
    // A crash, as the others see it: no more heartbeats, no more answers.
    b.cluster.halt();
    await b.rpc.close();
    const ms = await until('room_moved', () => a.events.some((e) => e.type === 'room_moved' && e.roomId === 'r3'));
    assert.ok(ms < 10_000, `moved after ${ms} ms`);
    assert.ok(!a.events.some((e) => e.type === 'room_moved' && e.roomId === 'r1'), 'rooms of the live node stay');
    const before = a.werift.stats().rooms;
    await a.sfu.openRoom('r3');
    assert.equal(a.werift.stats().rooms, before + 1);
  });

  test('one node: rooms of a run that crashed start over when the next run starts', async () => {
    const run = async () => {
      const cluster = new LocalCluster({ heartbeatMs: 200, deadAfterMs: 1000, log: quiet });
      const sfu = new ClusteredSfu(new WeriftSfu(), { db: database.db, cluster, rpc: new LocalNodeRpc(), log: quiet });
      const events: SfuEvent[] = [];
      sfu.onEvent((e) => events.push(e));
      await sfu.start();
      await cluster.start();
      return { cluster, sfu, events };
    };
    const first = await run();
    await first.sfu.openRoom('solo');
    // It crashes: nothing is swept on the way out.
    first.cluster.halt();
    await first.sfu.close();
    const second = await run();
    try {
      assert.ok(second.events.some((e) => e.type === 'room_moved' && e.roomId === 'solo'));
    } finally {
      await second.cluster.close();
      await second.sfu.close();
    }
  });
});
