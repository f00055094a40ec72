import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startNodes, type TestNodes } from '../../test/cluster.ts';
import { testDb, TestSocket } from '../../test/harness.ts';
import { signupOverHttp, type ServerProcess } from '../../test/processes.ts';

/**
 * Two real server processes sharing Postgres and Redis behave as one: a client on either
 * node hears what was published on the other, and survives its node being killed.
 * PGlite is one process's embedded database, so this runs on Postgres only.
 */
let cluster: TestNodes | null = null;

const signup = signupOverHttp;

const ws = (base: string) => base.replace('http', 'ws') + '/ws?v=1';

describe('two nodes over Redis', { skip: testDb !== 'postgres' && 'needs Postgres shared by two processes' }, () => {
  before(async () => {
    cluster = await startNodes();
  });
  after(async () => {
    await cluster?.close();
  });

  test('events published on one node reach clients of the other, and survive a SIGKILL', async () => {
    const [a, b] = cluster!.nodes as [ServerProcess, ServerProcess];
    const creator = await signup(a.url, 'mn_creator');
    const fan = await signup(b.url, 'mn_fan');
    const ch = `creator:${creator.id}`;

    const fanSock = await TestSocket.open(ws(b.url), fan.cookie);
    fanSock.send({ t: 'sub', ch });
    fanSock.send({ t: 'sub', ch: `user:${fan.id}` });
    await fanSock.next((f) => f.t === 'subbed' && f.ch === `user:${fan.id}`);

    const pub = await TestSocket.open(ws(a.url), creator.cookie);
    for (let i = 1; i <= 5; i++) pub.send({ t: 'pub', ch, cid: `a${i}`, body: { kind: 'broadcast', text: `m${i}` } });
    await fanSock.next((f) => f.t === 'ev' && f.body.kind === 'broadcast' && f.body.text === 'm5');
    assert.deepEqual(
      fanSock.events(ch).map((e) => e.seq),
      [1, 2, 3, 4, 5],
    );

    // A follow made through node A notifies the fan connected to node B.
    const follow = await fetch(`${a.url}/api/v1/users/mn_fan/follow`, {
      method: 'PUT',
      headers: { cookie: creator.cookie, 'x-csrf-token': creator.csrf },
    });
    assert.equal(follow.status, 200);
    const note = await fanSock.next((f) => f.t === 'ev' && f.body.kind === 'notification');
    assert.ok(
      note.t === 'ev' &&
        note.body.kind === 'notification' &&
        note.body.notification.payload.kind === 'followed' &&
        note.body.notification.payload.actor.handle === 'mn_creator',
    );

    // Node B dies without a chance to say goodbye; the fan moves to node A and misses nothing.
    await b.stop('SIGKILL');
    for (let i = 6; i <= 9; i++) pub.send({ t: 'pub', ch, cid: `a${i}`, body: { kind: 'broadcast', text: `m${i}` } });
    await pub.next((f) => f.t === 'ack' && f.cid === 'a9');
    const moved = await TestSocket.open(ws(a.url), fan.cookie);
    moved.send({ t: 'sub', ch, since: 5 });
    await moved.next((f) => f.t === 'subbed');
    pub.send({ t: 'pub', ch, cid: 'a10', body: { kind: 'broadcast', text: 'm10' } });
    await moved.next((f) => f.t === 'ev' && f.seq === 10);
    assert.deepEqual(
      moved.events(ch).map((e) => e.seq),
      [6, 7, 8, 9, 10],
    );
    pub.close();
    moved.close();
  });
});
