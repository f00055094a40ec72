import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { ServerFrame } from '@tremolo/protocol';
import { testDb, TestSocket } from '../../test/harness.ts';
import { signupOverHttp } from '../../test/processes.ts';
import { startCluster, type TestCluster } from '../../test/cluster.ts';
import { sampleVideo } from '../../modules/videos/fixtures.ts';

/**
 * Two nodes behind the shipped HAProxy config, used the way browsers use them: some people
 * pinned to one node, others going through the load balancer's round-robin. Then one node is
 * killed with SIGKILL: the survivor's clients keep working, the balancer stops sending anyone
 * to the dead node, and within 10 s a survivor sweeps what the dead node held (room viewers,
 * a watch party waiting for someone who was buffering on it).
 */
type Person = { id: string; csrf: string; cookie: string; handle: string };

let c: TestCluster;
const ws = (base: string) => base.replace('http', 'ws') + '/ws?v=1';

async function call<T>(base: string, who: Person, method: string, url: string, body?: unknown): Promise<T> {
  const r = await fetch(base + url, {
    method,
    headers: {
      cookie: who.cookie,
      'x-csrf-token': who.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${url} via ${base}: HTTP ${r.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function signup(base: string, handle: string): Promise<Person> {
  return { ...(await signupOverHttp(base, handle)), handle };
}

async function subscribe(s: TestSocket, ch: string, since?: number): Promise<void> {
  s.send({ t: 'sub', ch, ...(since === undefined ? {} : { since }) });
  const f = await s.next((x) => (x.t === 'subbed' && x.ch === ch) || (x.t === 'err' && x.ref === ch));
  assert.equal(f.t, 'subbed', JSON.stringify(f));
}

let cids = 0;
async function post(s: TestSocket, ch: string, body: Record<string, unknown>): Promise<void> {
  const cid = `c${++cids}`;
  s.send({ t: 'pub', ch, cid, body });
  const f = await s.next((x) => (x.t === 'ack' && x.cid === cid) || (x.t === 'err' && x.ref === cid));
  assert.equal(f.t, 'ack', JSON.stringify(f));
}

const chat = (ch: string, text: string) => (f: ServerFrame) =>
  f.t === 'ev' && f.ch === ch && f.body.kind === 'chat' && f.body.text === text;

async function uploadVideo(base: string, who: Person): Promise<string> {
  const form = new FormData();
  form.append('visibility', 'public');
  form.append('file', new Blob([await readFile(await sampleVideo('cluster', { seconds: 2 }))], { type: 'video/mp4' }), 'a.mp4');
  const r = await fetch(`${base}/api/v1/videos`, { method: 'POST', headers: { cookie: who.cookie, 'x-csrf-token': who.csrf }, body: form });
  const text = await r.text();
  assert.equal(r.status, 202, text);
  const { id } = JSON.parse(text) as { id: string };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await call<{ status: string }>(base, who, 'GET', `/api/v1/videos/${id}`);
    if (v.status === 'ready') return id;
    if (v.status === 'failed' || Date.now() > deadline) throw new Error(`video ${id}: ${v.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('two nodes behind HAProxy', { skip: testDb !== 'postgres' && 'needs Postgres shared by two processes' }, () => {
  before(async () => {
    c = await startCluster();
  });
  after(async () => c?.close());

  test('pinned and round-robin clients work together; a SIGKILLed node is routed around and swept within 10 s', async (t) => {
    const [a, b] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0]];
    // Ana is pinned to node 1, Ben to node 2; Cleo goes through the load balancer.
    const ana = await signup(a.url, 'cl_ana');
    const ben = await signup(b.url, 'cl_ben');
    const cleo = await signup(c.lb, 'cl_cleo');

    // Round-robin without stickiness: consecutive requests of one person land on both nodes.
    const servedBy = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const r = await fetch(`${c.lb}/api/v1/me`, { headers: { cookie: cleo.cookie } });
      assert.equal(r.status, 200);
      servedBy.add(r.headers.get('x-served-by') ?? '?');
    }
    assert.deepEqual([...servedBy].sort(), ['node1', 'node2']);

    const anaSock = await TestSocket.open(ws(a.url), ana.cookie);
    const benSock = await TestSocket.open(ws(b.url), ben.cookie);
    const cleoSock = await TestSocket.open(ws(c.lb), cleo.cookie);
    await subscribe(anaSock, `user:${ana.id}`);
    await subscribe(benSock, `user:${ben.id}`);

    // Follows across nodes (and through the balancer) notify the followed person on theirs.
    await call(a.url, ana, 'PUT', `/api/v1/users/${ben.handle}/follow`);
    await benSock.next((f) => f.t === 'ev' && f.body.kind === 'notification' && f.body.notification.payload.kind === 'followed');
    await call(c.lb, ben, 'PUT', `/api/v1/users/${ana.handle}/follow`);
    await anaSock.next((f) => f.t === 'ev' && f.body.kind === 'notification' && f.body.notification.payload.kind === 'friended');
    await call(c.lb, cleo, 'PUT', `/api/v1/users/${ana.handle}/follow`);

    // A DM from node 1 reaches node 2.
    const dm = await call<{ channel: string }>(a.url, ana, 'GET', `/api/v1/dms/${ben.handle}`);
    await subscribe(anaSock, dm.channel);
    await subscribe(benSock, dm.channel);
    await post(anaSock, dm.channel, { kind: 'chat', text: 'hi Ben' });
    await benSock.next(chat(dm.channel, 'hi Ben'));
    await post(benSock, dm.channel, { kind: 'chat', text: 'hi Ana' });
    await anaSock.next(chat(dm.channel, 'hi Ana'));

    // A group chat with members on both nodes and behind the balancer.
    const group = await call<{ id: string; channel: string }>(c.lb, ana, 'POST', '/api/v1/groups', { name: 'Cluster club' });
    await call(b.url, ben, 'POST', `/api/v1/groups/${group.id}/join`, {});
    await call(c.lb, cleo, 'POST', `/api/v1/groups/${group.id}/join`, {});
    for (const s of [anaSock, benSock, cleoSock]) await subscribe(s, group.channel);
    await post(benSock, group.channel, { kind: 'chat', text: 'hello from node 2' });
    await anaSock.next(chat(group.channel, 'hello from node 2'));
    await cleoSock.next(chat(group.channel, 'hello from node 2'));

    // A live room: Ana (host, node 1) and Ben (audience, node 2) are its viewers.
    const room = await call<{ id: string }>(a.url, ana, 'POST', '/api/v1/rooms', { title: 'Live from two nodes', audience: 'public' });
    const roomCh = `room:${room.id}`;
    await subscribe(anaSock, roomCh);
    await call(b.url, ben, 'POST', `/api/v1/rooms/${room.id}/join`);
    await subscribe(benSock, roomCh);
    await anaSock.next((f) => f.t === 'ev' && f.ch === roomCh && f.body.kind === 'room_viewers' && f.body.viewers === 2, 5000);

    // A watch party Ana hosts; Ben (node 2) buffers, and the party waits for him.
    const video = await uploadVideo(a.url, ana);
    const party = await call<{ id: string; state: { playing: boolean } }>(a.url, ana, 'POST', '/api/v1/watch', { videoIds: [video] });
    assert.equal(party.state.playing, true);
    const watchCh = `watch:${party.id}`;
    await subscribe(anaSock, watchCh);
    await call(b.url, ben, 'POST', `/api/v1/watch/${party.id}/join`);
    await subscribe(benSock, watchCh);
    await post(benSock, watchCh, { kind: 'watch_presence', status: 'buffering' });
    const isState = (action: string) => (f: ServerFrame) =>
      f.t === 'ev' && f.ch === watchCh && f.body.kind === 'watch_state' && f.body.action === action;
    const wait = await anaSock.next(isState('wait'));
    assert.ok(wait.t === 'ev' && wait.body.kind === 'watch_state' && wait.body.state.waiting && !wait.body.state.playing);

    // Node 2 dies at once, with the party's resume timer (3 s) and Ben's presence in it.
    const mark = anaSock.frames.length;
    const afterKill = (f: ServerFrame) => anaSock.frames.indexOf(f) >= mark;
    await b.stop('SIGKILL');
    const killedAt = Date.now();

    // The load balancer: requests keep succeeding (a refused connection is retried on node 1).
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${c.lb}/api/v1/me`, { headers: { cookie: cleo.cookie } });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-served-by'), 'node1');
    }

    // The survivor's clients keep working: Ana posts, Cleo (whose socket was on either node) reconnects through the balancer.
    await post(anaSock, group.channel, { kind: 'chat', text: 'still here' });
    await post(anaSock, dm.channel, { kind: 'chat', text: 'did you drop?' });
    const cleoAgain = await TestSocket.open(ws(c.lb), cleo.cookie);
    await subscribe(cleoAgain, group.channel, 1);
    await cleoAgain.next(chat(group.channel, 'still here'));
    // Ben comes back through the balancer and gets what he missed.
    const benAgain = await TestSocket.open(ws(c.lb), ben.cookie);
    await subscribe(benAgain, dm.channel, 2);
    await benAgain.next(chat(dm.channel, 'did you drop?'));

    // The dead node's viewer is swept: Ana sees the count drop to herself.
    await anaSock.next(
      (f) => afterKill(f) && f.t === 'ev' && f.ch === roomCh && f.body.kind === 'room_viewers' && f.body.viewers === 1,
      10_000,
    );
    const viewersAfterMs = Date.now() - killedAt;
    // And the party it was holding goes on.
    const resumed = await anaSock.next((f) => afterKill(f) && isState('resume')(f), Math.max(1, 10_000 - (Date.now() - killedAt)));
    const resumedAfterMs = Date.now() - killedAt;
    assert.ok(resumed.t === 'ev' && resumed.body.kind === 'watch_state' && resumed.body.state.playing && !resumed.body.state.waiting);
    assert.ok(viewersAfterMs < 10_000 && resumedAfterMs < 10_000, `viewers after ${viewersAfterMs} ms, resume after ${resumedAfterMs} ms`);
    t.diagnostic(`after the SIGKILL: viewers swept in ${viewersAfterMs} ms, party resumed in ${resumedAfterMs} ms`);
    // The party was held longer than its own 3 s timer would have: only the sweep resumed it.
    assert.ok(resumedAfterMs > 3_000, `resumed after ${resumedAfterMs} ms`);

    for (const s of [anaSock, benSock, cleoSock, cleoAgain, benAgain]) s.ws.close();
  });
});
