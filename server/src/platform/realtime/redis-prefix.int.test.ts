import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { EventFrame } from '@tremolo/protocol';
import { Limits } from '../auth/limits.ts';
import { RateLimit } from '../auth/rate-limit.ts';
import { RedisCluster } from '../cluster/cluster.ts';
import { loadLimits } from '../config.ts';
import { newId } from '../ids.ts';
import { RedisServedHistory } from '../../modules/feeds/served.ts';
import { RedisBus } from './bus.ts';
import { RedisSessionSockets } from './session-sockets.ts';

/**
 * Two deployments sharing one Redis under different `REDIS_PREFIX`es hear nothing of each other:
 * not the bus, not socket evictions, not rate limits, not node liveness; and every key either
 * writes starts with its prefix. Node-to-node signals reach the deployment's other nodes only.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

test('two prefixes on one Redis: no crosstalk, every key under its prefix', async (t) => {
  const admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await admin.connect();
  } catch {
    admin.disconnect();
    return t.skip(`no Redis at ${REDIS_URL}`);
  }
  const tag = randomBytes(4).toString('hex');
  const [pa, pb] = [`blue-${tag}`, `green-${tag}`];
  const busA = await RedisBus.connect(REDIS_URL, pa);
  const busB = await RedisBus.connect(REDIS_URL, pb);
  const busA2 = await RedisBus.connect(REDIS_URL, pa);
  const socketsA = await RedisSessionSockets.connect(REDIS_URL, pa);
  const socketsB = await RedisSessionSockets.connect(REDIS_URL, pb);
  const redisA = new Redis(REDIS_URL);
  const redisB = new Redis(REDIS_URL);
  const clusterA = new RedisCluster(REDIS_URL, pa, `a-${tag}`, { heartbeatMs: 200, deadAfterMs: 1000, log: quiet });
  const clusterB = new RedisCluster(REDIS_URL, pb, `b-${tag}`, { heartbeatMs: 200, deadAfterMs: 1000, log: quiet });
  const who0 = `${newId()}-${tag}`;
  try {
    // The bus: each hears its own publish, never the other deployment's.
    const heardA: string[] = [];
    const heardB: string[] = [];
    busA.onEvent((f) => heardA.push(f.ch));
    busB.onEvent((f) => heardB.push(f.ch));
    const frame = (ch: string): EventFrame => ({ t: 'ev', ch, from: null, at: Date.now(), body: { kind: 'broadcast', text: 'hi' } });
    busA.publish(frame('creator:a'));
    busB.publish(frame('creator:b'));
    const deadline = Date.now() + 5000;
    while ((heardA.length < 1 || heardB.length < 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(heardA, ['creator:a']);
    assert.deepEqual(heardB, ['creator:b']);

    // Node-to-node signals: the other node of the same deployment hears it, the sender and the
    // other deployment do not.
    const signals: string[] = [];
    busA.onSignal('feeds', (p) => signals.push(`a:${JSON.stringify(p)}`));
    busA2.onSignal('feeds', (p) => signals.push(`a2:${JSON.stringify(p)}`));
    busA2.onSignal('other', (p) => signals.push(`a2-other:${JSON.stringify(p)}`));
    busB.onSignal('feeds', (p) => signals.push(`b:${JSON.stringify(p)}`));
    busA.signal('feeds', { n: 1 });
    const signalDeadline = Date.now() + 5000;
    while (signals.length < 1 && Date.now() < signalDeadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(signals, ['a2:{"n":1}']);

    // For You's served history lives under the prefix.
    const served = new RedisServedHistory(redisA, pa);
    await served.add(
      who0,
      new Map([
        ['v1', 1],
        ['v2', 2],
      ]),
    );
    assert.deepEqual(
      [...(await served.get(who0))],
      [
        ['v1', 1],
        ['v2', 2],
      ],
    );
    assert.equal((await new RedisServedHistory(redisB, pb).get(who0)).size, 0);

    // Sockets per session: the same session id counts separately; evictions stay home.
    const evictedB: string[] = [];
    socketsB.onEvict((id) => evictedB.push(id));
    assert.deepEqual(await socketsA.add('session-1', 's1', 1), []);
    assert.deepEqual(await socketsB.add('session-1', 's2', 1), []);
    assert.deepEqual(await socketsA.add('session-1', 's3', 1), ['s1']);
    socketsA.evict(['s1']);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(evictedB, []);

    // Rate limits: one deployment spending a budget leaves the other's untouched.
    const config = loadLimits({ FOLLOWS_PER_MIN: '1' });
    const limitsA = new Limits(config, { redis: redisA, redisPrefix: pa });
    const limitsB = new Limits(config, { redis: redisB, redisPrefix: pb });
    const who = newId();
    await limitsA.consume('follows', who);
    await assert.rejects(limitsA.consume('follows', who), /Too many follows/);
    await limitsB.consume('follows', who);
    assert.equal(await limitsB.touchOnce.first(who), true);
    assert.equal(await limitsA.touchOnce.first(who), true);
    const chatA = new RateLimit({ name: 'room-msg', points: 1, durationSec: 10, redis: redisA, redisPrefix: pa });
    const chatB = new RateLimit({ name: 'room-msg', points: 1, durationSec: 10, redis: redisB, redisPrefix: pb });
    assert.equal(await chatA.allow(who), true);
    assert.equal(await chatB.allow(who), true);

    // Liveness: each deployment sees only its own nodes.
    await clusterA.start();
    await clusterB.start();
    assert.deepEqual(await clusterA.alive(), [`a-${tag}`]);
    assert.deepEqual(await clusterB.alive(), [`b-${tag}`]);

    // Everything written is under one of the two prefixes.
    const keys = await admin.keys(`*${tag}*`);
    assert.ok(keys.length >= 8, `keys: ${keys.join(', ')}`);
    for (const k of keys) assert.ok(k.startsWith(`${pa}:`) || k.startsWith(`${pb}:`), k);
    assert.ok(keys.some((k) => k.startsWith(`${pa}:rl:follows:`)));
    assert.ok(keys.some((k) => k.startsWith(`${pb}:once:touch:`)));
    assert.ok(keys.some((k) => k.startsWith(`${pa}:ws-session:`)));
    assert.ok(keys.some((k) => k.startsWith(`${pb}:cluster:node:`)));
    assert.ok(keys.some((k) => k.startsWith(`${pa}:feeds:served:`)));
  } finally {
    await clusterA.close();
    await clusterB.close();
    await busA.close();
    await busB.close();
    await busA2.close();
    await socketsA.close();
    await socketsB.close();
    redisA.disconnect();
    redisB.disconnect();
    const left = await admin.keys(`*${tag}*`);
    if (left.length > 0) await admin.del(...left);
    admin.disconnect();
  }
});
