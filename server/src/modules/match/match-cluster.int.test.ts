import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { ChannelEvent, ServerFrame } from '@tremolo/protocol';
import { testDb, TestSocket } from '../../test/harness.ts';
import { signupOverHttp } from '../../test/processes.ts';
import { startCluster, type TestCluster } from '../../test/cluster.ts';

/**
 * 连线 and shake on two server processes sharing PostgreSQL and Redis: people whose sockets are
 * on different nodes are matched, signal to each other and hang up; shakes at the same moment
 * on different nodes pair; three people joining at once on two nodes make one pair and nobody is
 * matched twice; a dead node's queued people leave the shared queue.
 */
type Person = { id: string; csrf: string; cookie: string; handle: string; sock: TestSocket; base: string };

let c: TestCluster;
let cids = 0;
const ws = (base: string) => base.replace('http', 'ws') + '/ws?v=1';
const ev = (f: ServerFrame): ChannelEvent | null => (f.t === 'ev' ? f.body : null);

async function person(base: string, handle: string, interests = ['music']): Promise<Person> {
  const p = await signupOverHttp(base, handle);
  const r = await fetch(`${base}/api/v1/match/me`, {
    method: 'PUT',
    headers: { cookie: p.cookie, 'x-csrf-token': p.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ confirmAdult: true, acceptRules: true, interests, languages: ['zh'] }),
  });
  assert.equal(r.status, 200, await r.text());
  const sock = await TestSocket.open(ws(base), p.cookie);
  sock.send({ t: 'sub', ch: `match:${p.id}` });
  await sock.next((f) => f.t === 'subbed' && f.ch === `match:${p.id}`);
  return { ...p, handle, sock, base };
}

/** Publishes on `target`'s match channel and waits for the ack (or fails with the error). */
async function pub(who: Person, target: Person, body: Record<string, unknown>): Promise<void> {
  const cid = `c${++cids}`;
  who.sock.send({ t: 'pub', ch: `match:${target.id}`, cid, body });
  const f = await who.sock.next((x) => (x.t === 'ack' && x.cid === cid) || (x.t === 'err' && x.ref === cid));
  assert.equal(f.t, 'ack', JSON.stringify(f));
}

async function next<K extends ChannelEvent['kind']>(
  who: Person,
  kind: K,
  pred: (e: Extract<ChannelEvent, { kind: K }>) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Extract<ChannelEvent, { kind: K }>> {
  const f = await who.sock.next((x) => {
    const b = ev(x);
    return b?.kind === kind && pred(b as Extract<ChannelEvent, { kind: K }>);
  }, timeoutMs);
  return ev(f) as Extract<ChannelEvent, { kind: K }>;
}

const found = (who: Person) => who.sock.frames.map(ev).filter((b) => b?.kind === 'match_found');

describe('连线 and shake across two nodes', { skip: testDb !== 'postgres' && 'needs Postgres and Redis shared by two processes' }, () => {
  before(async () => {
    c = await startCluster({
      env: { MATCH_FALLBACK_MS: '300', SHAKE_RING_MS: '5000', CLUSTER_HEARTBEAT_MS: '250', CLUSTER_DEAD_AFTER_MS: '1500' },
    });
  });
  after(async () => c?.close());

  test('two people on different nodes are matched, signal to each other and hang up', async () => {
    const [n1, n2] = c.nodes.map((n) => n.url) as [string, string];
    const ann = await person(n1, 'mc_ann');
    const bob = await person(n2, 'mc_bob');
    await pub(ann, ann, { kind: 'match_queue', action: 'join' });
    await next(ann, 'match_status', (e) => e.state === 'queued');
    await pub(bob, bob, { kind: 'match_queue', action: 'join' });
    const a = await next(ann, 'match_found');
    const b = await next(bob, 'match_found');
    assert.equal(a.callId, b.callId);
    assert.equal(a.peer.id, bob.id);
    assert.equal(b.peer.id, ann.id);
    assert.deepEqual([a.role, b.role].sort(), ['answerer', 'offerer']);

    // Signalling from node 1 is accepted there and reaches node 2 over the bus, and back.
    await pub(ann, bob, { kind: 'rtc_signal', callId: a.callId, sdp: { type: 'offer', sdp: 'v=0 offer' } });
    assert.equal((await next(bob, 'rtc_signal')).sdp?.sdp, 'v=0 offer');
    await pub(bob, ann, { kind: 'rtc_signal', callId: a.callId, sdp: { type: 'answer', sdp: 'v=0 answer' } });
    assert.equal((await next(ann, 'rtc_signal')).sdp?.sdp, 'v=0 answer');
    await pub(bob, ann, { kind: 'rtc_signal', callId: a.callId, candidate: { candidate: 'candidate:1' } });
    await next(ann, 'rtc_signal', (e) => e.candidate?.candidate === 'candidate:1');
    await pub(ann, bob, { kind: 'match_chat', callId: a.callId, text: 'hi across nodes' });
    await next(bob, 'match_chat', (e) => e.text === 'hi across nodes');

    // Bob hangs up on node 2: Ann hears it on node 1, and the call is gone for both nodes.
    await pub(bob, bob, { kind: 'match_queue', action: 'leave' });
    assert.equal((await next(ann, 'match_ended')).callId, a.callId);
    const cid = `c${++cids}`;
    ann.sock.send({ t: 'pub', ch: `match:${bob.id}`, cid, body: { kind: 'match_chat', callId: a.callId, text: 'still there?' } });
    const refused = await ann.sock.next((x) => (x.t === 'ack' && x.cid === cid) || (x.t === 'err' && x.ref === cid));
    assert.equal(refused.t, 'err');

    // Having just met, the two are not matched again, even past the fallback, whichever node passes.
    await pub(ann, ann, { kind: 'match_queue', action: 'join' });
    await pub(bob, bob, { kind: 'match_queue', action: 'join' });
    await new Promise((r) => setTimeout(r, 800));
    for (const p of [ann, bob]) await p.sock.marker();
    assert.equal(found(ann).length, 1);
    assert.equal(found(bob).length, 1);
    assert.deepEqual((await queueKeys()).sort(), [ann.id, bob.id].sort());
    for (const p of [ann, bob]) p.sock.close();
    await waitFor(async () => (await queueKeys()).length === 0);
  });

  test('two shakes at the same moment on different nodes pair, and the video call rings across nodes', async () => {
    const [n1, n2] = c.nodes.map((n) => n.url) as [string, string];
    const cat = await person(n1, 'mc_cat');
    const dan = await person(n2, 'mc_dan');
    await Promise.all([pub(cat, cat, { kind: 'shake', oneWayMs: 20 }), pub(dan, dan, { kind: 'shake', oneWayMs: 20 })]);
    const a = await next(cat, 'match_found');
    const b = await next(dan, 'match_found');
    assert.equal(a.callId, b.callId);
    assert.equal(a.source, 'shake');
    assert.equal(a.peer.id, dan.id);
    // Cat places the video call from node 1; Dan answers it from node 2: one ring, shared.
    await pub(cat, dan, { kind: 'rtc_signal', callId: a.callId, sdp: { type: 'offer', sdp: 'v=0 ring' } });
    await next(dan, 'rtc_signal', (e) => e.sdp?.type === 'offer');
    await pub(dan, cat, { kind: 'rtc_signal', callId: a.callId, sdp: { type: 'answer', sdp: 'v=0 pick up' } });
    await next(cat, 'rtc_signal', (e) => e.sdp?.type === 'answer');
    await pub(cat, cat, { kind: 'match_queue', action: 'leave' });
    await next(dan, 'match_ended');
    for (const p of [cat, dan]) p.sock.close();
  });

  test('three people joining at once on two nodes make one pair; nobody is matched twice', async () => {
    const [n1, n2] = c.nodes.map((n) => n.url) as [string, string];
    for (let round = 0; round < 3; round++) {
      const people = await Promise.all([
        person(n1, `mc_x${round}`),
        person(n2, `mc_y${round}`),
        person(round % 2 ? n1 : n2, `mc_z${round}`),
      ]);
      await Promise.all(people.map((p) => pub(p, p, { kind: 'match_queue', action: 'join' })));
      // Past the fallback, and a few passes on both nodes after it.
      await new Promise((r) => setTimeout(r, 1000));
      for (const p of people) await p.sock.marker();
      const counts = people.map((p) => found(p).length);
      assert.deepEqual([...counts].sort(), [0, 1, 1], `round ${round}: ${counts.join(',')}`);
      const [p1, p2] = people.filter((_p, i) => counts[i] === 1) as [Person, Person];
      const f1 = found(p1)[0] as Extract<ChannelEvent, { kind: 'match_found' }>;
      const f2 = found(p2)[0] as Extract<ChannelEvent, { kind: 'match_found' }>;
      assert.equal(f1.callId, f2.callId);
      assert.equal(f1.peer.id, p2.id);
      // The third one is still waiting, in the shared queue.
      const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
      const waiting = await redis.hkeys(`${c.redisPrefix}:match:queue`);
      redis.disconnect();
      const third = people.find((_p, i) => counts[i] === 0)!;
      assert.deepEqual(waiting, [third.id]);
      for (const p of people) p.sock.close();
      // Their sockets closing takes everyone out of the queue and ends the call.
      await waitFor(async () => (await queueKeys()).length === 0);
    }
  });

  test("a dead node's queued people leave the shared queue and its people's calls end", async () => {
    const [n1, n2] = c.nodes.map((n) => n.url) as [string, string];
    const gus = await person(n1, 'mc_gus', ['travel']);
    const hal = await person(n2, 'mc_hal', ['travel']);
    await pub(gus, gus, { kind: 'match_queue', action: 'join' });
    await pub(hal, hal, { kind: 'match_queue', action: 'join' });
    const call = await next(gus, 'match_found');
    const eve = await person(n2, 'mc_eve', ['chess']);
    await pub(eve, eve, { kind: 'match_queue', action: 'join' });
    await next(eve, 'match_status', (e) => e.state === 'queued');
    assert.deepEqual(await queueKeys(), [eve.id]);
    await c.nodes[1]!.stop('SIGKILL');
    // Swept by node 1 once node 2 has been silent past the deadline (1.5 s here).
    await waitFor(async () => (await queueKeys()).length === 0, 10_000);
    // Gus (node 1) was talking to Hal (node 2): the call ends for him.
    const ended = await next(gus, 'match_ended', (e) => e.callId === call.callId, 5000);
    assert.equal(ended.reason, 'disconnected');
    // Someone joining on the survivor is not matched with Eve.
    const fay = await person(n1, 'mc_fay', ['chess']);
    await pub(fay, fay, { kind: 'match_queue', action: 'join' });
    await next(fay, 'match_status', (e) => e.state === 'queued');
    await new Promise((r) => setTimeout(r, 600));
    await fay.sock.marker();
    assert.equal(found(fay).length, 0);
    for (const p of [fay, gus]) p.sock.close();
  });
});

describe('the hourly skip cool-down across two nodes', {
  skip: testDb !== 'postgres' && 'needs Postgres and Redis shared by two processes',
}, () => {
  let sc: TestCluster;
  before(async () => {
    sc = await startCluster({ env: { MATCH_SKIPS_PER_HOUR: '2', MATCH_FALLBACK_MS: '300' } });
  });
  after(async () => sc?.close());

  test('skips through two nodes add up: the second of the hour puts the person in a cool-down wherever they skip', async () => {
    const [n1, n2] = sc.nodes.map((n) => n.url) as [string, string];
    const ann = await person(n1, 'sk_ann', ['poetry']);
    const bob = await person(n2, 'sk_bob', ['poetry']);
    const cat = await person(n1, 'sk_cat', ['poetry']);
    // Ann's second tab landed on node 2.
    const annThere: Person = { ...ann, sock: await TestSocket.open(ws(n2), ann.cookie), base: n2 };
    annThere.sock.send({ t: 'sub', ch: `match:${ann.id}` });
    await annThere.sock.next((f) => f.t === 'subbed' && f.ch === `match:${ann.id}`);

    await pub(ann, ann, { kind: 'match_queue', action: 'join' });
    await next(ann, 'match_status', (e) => e.state === 'queued');
    await pub(bob, bob, { kind: 'match_queue', action: 'join' });
    await next(ann, 'match_found', (e) => e.peer.id === bob.id);
    // The first skip of the hour, counted by node 1.
    await pub(ann, ann, { kind: 'match_queue', action: 'leave' });
    await next(bob, 'match_ended');

    await pub(annThere, annThere, { kind: 'match_queue', action: 'join' });
    await next(annThere, 'match_status', (e) => e.state === 'queued');
    await pub(cat, cat, { kind: 'match_queue', action: 'join' });
    await next(annThere, 'match_found', (e) => e.peer.id === cat.id);
    // The second, counted by node 2: node 2 alone has seen one.
    await pub(annThere, annThere, { kind: 'match_queue', action: 'leave' });
    await next(cat, 'match_ended');

    const cid = `c${++cids}`;
    annThere.sock.send({ t: 'pub', ch: `match:${ann.id}`, cid, body: { kind: 'match_queue', action: 'join' } });
    const f = await annThere.sock.next((x) => (x.t === 'ack' && x.cid === cid) || (x.t === 'err' && x.ref === cid));
    assert.equal(f.t === 'err' ? f.code : f.t, 'rate_limited', JSON.stringify(f));
    for (const p of [ann, annThere, bob, cat]) p.sock.close();
  });
});

async function queueKeys(): Promise<string[]> {
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    return await redis.hkeys(`${c.redisPrefix}:match:queue`);
  } finally {
    redis.disconnect();
  }
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 100));
  }
}
