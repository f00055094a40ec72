import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSE_CODES, type DmThread } from '@tremolo/protocol';
import { loadConfig } from '../config.ts';
import { createScratchDatabase, startTestApp, testDb, TestSocket, TestUser, type TestApp } from '../../test/harness.ts';
import { signupOverHttp, startServerProcess, type ServerProcess } from '../../test/processes.ts';

/** Caps on what one session may hold open: sockets per session (across nodes) and subscriptions per socket. */

const MAX_SOCKETS = 3;
const MAX_SUBS = 4;
let t: TestApp;
before(async () => {
  t = await startTestApp({
    realtime: { ...loadConfig().realtime, maxSocketsPerSession: MAX_SOCKETS, maxSubscriptionsPerSocket: MAX_SUBS },
  });
});
after(async () => t.close());

const closed = (s: TestSocket): Promise<number> => s.closed();
const states = (sockets: TestSocket[]): Promise<('open' | number)[]> => Promise.all(sockets.map((s) => s.state()));
const uuid = (i: number) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`;

describe('realtime caps', () => {
  test('a session opening more sockets than allowed loses its oldest, with a reason; others are untouched', async () => {
    const u = await TestUser.signup(t, 'cap_tabs');
    const other = await TestUser.signup(t, 'cap_other');
    const bystanders = await Promise.all([other.socket(), other.socket(), other.socket()]);
    const socks: TestSocket[] = [];
    // One after the other: this node registers each socket as it says hello, in that order.
    for (let i = 0; i < MAX_SOCKETS; i++) socks.push(await u.socket());
    assert.deepEqual(await states(socks), ['open', 'open', 'open'], 'within the cap nothing is closed');
    socks.push(await u.socket());
    assert.equal(await closed(socks[0]!), CLOSE_CODES.tooManySockets);
    const why = await socks[0]!.next((f) => f.t === 'err');
    assert.ok(why.t === 'err' && why.code === 'limit_reached', JSON.stringify(why));
    assert.deepEqual(await states(socks.slice(1)), ['open', 'open', 'open'], 'the newest three stay');
    // Ten more at once: still never more than three open, and the newest one is among them.
    const burst = await Promise.all(Array.from({ length: 10 }, () => u.socket()));
    // Every socket is registered (and its victims told to close) before its hello is answered.
    const all = [...socks, ...burst];
    const after = await states(all);
    const open = all.filter((_, i) => after[i] === 'open');
    assert.equal(open.length, MAX_SOCKETS);
    assert.ok(
      after.every((x) => x === 'open' || x === CLOSE_CODES.tooManySockets),
      JSON.stringify(after),
    );
    assert.deepEqual(await states(bystanders), ['open', 'open', 'open'], "another person's sockets are not affected");
    // The ones left still work.
    open[0]!.send({ t: 'ping', ts: 1 });
    await open[0]!.next((f) => f.t === 'pong');
    for (const s of [...open, ...bystanders]) s.close();
  });

  test('subscriptions per socket are capped with limit_reached; unsubscribing makes room', async () => {
    const u = await TestUser.signup(t, 'cap_subs');
    const s = await u.socket();
    const sub = (ch: string) => {
      s.send({ t: 'sub', ch });
      return s.next((f) => (f.t === 'subbed' && f.ch === ch) || (f.t === 'err' && f.ref === ch));
    };
    for (let i = 1; i <= MAX_SUBS; i++) assert.equal((await sub(`creator:${uuid(i)}`)).t, 'subbed');
    const over = await sub(`creator:${uuid(99)}`);
    assert.ok(over.t === 'err' && over.code === 'limit_reached', JSON.stringify(over));
    // Re-subscribing to one already held is not a new subscription.
    s.frames.length = 0;
    assert.equal((await sub(`creator:${uuid(1)}`)).t, 'subbed');
    s.send({ t: 'unsub', ch: `creator:${uuid(2)}` });
    await s.next((f) => f.t === 'unsubbed');
    s.frames.length = 0;
    assert.equal((await sub(`creator:${uuid(99)}`)).t, 'subbed');
    // A burst beyond the cap on one socket: exactly the cap is held.
    const t2 = await u.socket();
    const chans = Array.from({ length: 12 }, (_, i) => `creator:${uuid(200 + i)}`);
    for (const ch of chans) t2.send({ t: 'sub', ch });
    const answers = await Promise.all(
      chans.map((ch) => t2.next((f) => (f.t === 'subbed' && f.ch === ch) || (f.t === 'err' && f.ref === ch))),
    );
    assert.equal(answers.filter((a) => a.t === 'subbed').length, MAX_SUBS);
    assert.ok(answers.every((a) => a.t === 'subbed' || (a.t === 'err' && a.code === 'limit_reached')));
    s.close();
    t2.close();
  });
});

/** Two real server processes sharing Postgres and Redis (as in multi-node.int.test.ts). */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('caps across two nodes', { skip: testDb !== 'postgres' && 'needs Postgres shared by two processes' }, () => {
  let nodes: ServerProcess[] = [];
  let drop: (() => Promise<void>) | null = null;
  before(async () => {
    const scratch = await createScratchDatabase();
    drop = scratch.drop;
    const env = { DATABASE_URL: scratch.url, REDIS_URL, WS_MAX_SOCKETS_PER_SESSION: '4', RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR: '100000' };
    nodes = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await drop?.();
  });

  const signup = signupOverHttp;
  const ws = (base: string) => base.replace('http', 'ws') + '/ws?v=1';

  test('one session with sockets on both nodes keeps at most the cap, the oldest closed wherever it is', async () => {
    const [a, b] = nodes as [ServerProcess, ServerProcess];
    const u = await signup(a.url, `mn_cap_${Date.now().toString(36)}`);
    const onA: TestSocket[] = [];
    // One after the other: a node sends a socket's registration to Redis as it says hello, so each
    // reaches Redis (which stamps it with its own clock) before the next socket is even opened.
    for (let i = 0; i < 3; i++) onA.push(await TestSocket.open(ws(a.url), u.cookie));
    const onB: TestSocket[] = [];
    for (let i = 0; i < 3; i++) onB.push(await TestSocket.open(ws(b.url), u.cookie));
    assert.equal(await closed(onA[0]!), CLOSE_CODES.tooManySockets);
    assert.equal(await closed(onA[1]!), CLOSE_CODES.tooManySockets);
    // The two were named together by the last registration; anyone else it named was told with them.
    assert.deepEqual(await states([...onA, ...onB]), [
      CLOSE_CODES.tooManySockets,
      CLOSE_CODES.tooManySockets,
      'open',
      'open',
      'open',
      'open',
    ]);
    for (const s of [...onA, ...onB]) s.close();
  });

  test('a message request raced over sockets on both nodes stores exactly 3', async () => {
    const [a, b] = nodes as [ServerProcess, ServerProcess];
    const tag = Date.now().toString(36);
    const star = await signup(a.url, `mn_star_${tag}`);
    const fan = await signup(b.url, `mn_fan_${tag}`);
    const thread = (await (await fetch(`${a.url}/api/v1/dms/mn_star_${tag}`, { headers: { cookie: fan.cookie } })).json()) as DmThread;
    const socks = [
      await TestSocket.open(ws(a.url), fan.cookie),
      await TestSocket.open(ws(b.url), fan.cookie),
      await TestSocket.open(ws(a.url), fan.cookie),
      await TestSocket.open(ws(b.url), fan.cookie),
    ];
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const s = socks[i % socks.length]!;
        const cid = `mn${i}`;
        s.send({ t: 'pub', ch: thread.channel, cid, body: { kind: 'chat', text: `hi ${i}` } });
        return s.next((f) => (f.t === 'ack' && f.cid === cid) || (f.t === 'err' && f.ref === cid));
      }),
    );
    assert.equal(answers.filter((x) => x.t === 'ack').length, 3, JSON.stringify(answers));
    const hist = (await (await fetch(`${b.url}/api/v1/dms/mn_fan_${tag}/messages`, { headers: { cookie: star.cookie } })).json()) as {
      items: unknown[];
    };
    assert.equal(hist.items.length, 3);
    for (const s of socks) s.close();
  });
});
