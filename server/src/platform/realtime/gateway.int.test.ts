import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { api, type EventFrame, type ServerFrame } from '@tremolo/protocol';
import { startTestApp, TestSocket, TestUser, type TestApp } from '../../test/harness.ts';

let t: TestApp;
let creator: TestUser;
let fan: TestUser;
let other: TestUser;
before(async () => {
  t = await startTestApp();
  creator = await TestUser.signup(t, 'creator');
  fan = await TestUser.signup(t, 'fan');
  other = await TestUser.signup(t, 'other');
});
after(async () => t.close());

const wsUrl = () => t.url.replace('http', 'ws') + '/ws?v=1';
const creatorCh = () => `creator:${creator.id}`;

function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('error', reject);
  });
}

/** Opens a socket the server is expected to close on its own; resolves with what it said. */
function closedWith(url: string, cookie: string): Promise<{ code: number; kinds: string[]; errors: string[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { cookie } });
    const frames: ServerFrame[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as ServerFrame));
    ws.on('close', (code) =>
      resolve({ code, kinds: frames.map((f) => f.t), errors: frames.flatMap((f) => (f.t === 'err' ? [f.code] : [])) }),
    );
    ws.on('error', reject);
  });
}

/** The code of the next error frame, after the ones already read (`from`). */
async function nextError(s: TestSocket, from: number): Promise<string> {
  const f = await s.next((x) => x.t === 'err' && s.frames.indexOf(x) >= from);
  return f.t === 'err' ? f.code : '';
}

async function broadcast(s: TestSocket, cid: string, text: string) {
  s.send({ t: 'pub', ch: creatorCh(), cid, body: { kind: 'broadcast', text } });
  return s.next((f) => f.t === 'ack' && f.cid === cid);
}

describe('realtime gateway', () => {
  test('a socket needs a session, our origin and a protocol version we speak', async () => {
    assert.equal(await upgradeStatus(wsUrl(), {}), 401);
    // An ended session is told over the socket (browsers cannot see an upgrade's 401).
    const ended = await closedWith(wsUrl(), 'tremolo_sid=forged');
    assert.equal(ended.code, 4001);
    assert.deepEqual(ended.errors, ['unauthenticated']);
    assert.equal(await upgradeStatus(wsUrl(), { cookie: fan.cookie, origin: 'https://evil.example' }), 403);
    // The server says why and closes with 4000 before `hello`.
    const old = await closedWith(t.url.replace('http', 'ws') + '/ws?v=99', fan.cookie);
    assert.equal(old.code, 4000);
    assert.deepEqual(old.errors, ['unsupported_version']);
    assert.deepEqual(old.kinds, ['err'], 'no hello before the close');
  });

  test('malformed frames get an error frame; the socket and others keep working', async () => {
    const s = await fan.socket();
    const bystander = await other.socket();
    s.send('{not json');
    assert.equal(await nextError(s, s.frames.length), 'bad_request');
    s.send({ t: 'sub', ch: 'nonsense' });
    assert.equal(await nextError(s, s.frames.length), 'validation_failed');
    s.send({ t: 'pub', ch: creatorCh(), cid: 'x', body: { kind: 'hack' } });
    const hack = await s.next((f) => f.t === 'err' && f.ref === 'x');
    assert.equal(hack.t === 'err' && hack.code, 'validation_failed');
    s.send({ t: 'sub', ch: creatorCh(), extra: 1 });
    assert.equal(await nextError(s, s.frames.length), 'validation_failed');
    s.send({ t: 'ping', ts: 1 });
    assert.equal((await s.next((f) => f.t === 'pong')).t, 'pong');
    bystander.send({ t: 'ping', ts: 2 });
    assert.equal((await bystander.next((f) => f.t === 'pong')).t, 'pong');
    // An oversized frame closes only that socket.
    const big = await fan.socket();
    big.send({ t: 'ping', ts: 3, pad: 'x'.repeat(20_000) });
    assert.equal(await big.closed(), 1009);
    bystander.send({ t: 'ping', ts: 4 });
    assert.ok(await bystander.next((f) => f.t === 'pong' && f.ts === 4));
    s.close();
    bystander.close();
  });

  test("no one can read someone else's inbox or broadcast as someone else", async () => {
    const s = await fan.socket();
    s.send({ t: 'sub', ch: `user:${other.id}` });
    const e = await s.next((f) => f.t === 'err');
    assert.ok(e.t === 'err' && e.code === 'forbidden');
    s.send({ t: 'pub', ch: creatorCh(), cid: 'fake-1', body: { kind: 'broadcast', text: 'I am the creator' } });
    const e2 = await s.next((f) => f.t === 'err' && f.ref === 'fake-1');
    assert.ok(e2.t === 'err' && e2.code === 'forbidden');
    s.send({ t: 'sub', ch: 'user:not-a-uuid' });
    s.send({ t: 'sub', ch: 'creator:not-a-uuid' });
    await s.marker();
    assert.equal(s.frames.filter((f) => f.t === 'err' && f.code === 'forbidden').length, 4);
    s.close();
  });

  test('a follow arrives live as a notification on the inbox channel', async () => {
    const s = await creator.socket();
    s.send({ t: 'sub', ch: `user:${creator.id}` });
    await s.next((f) => f.t === 'subbed');
    const r = await fan.invoke(api.graph.follow, { params: { handle: 'creator' } });
    assert.equal(r.status, 200);
    const ev = await s.next((f) => f.t === 'ev' && f.body.kind === 'notification');
    assert.ok(ev.t === 'ev' && ev.body.kind === 'notification' && ev.body.notification.payload.kind === 'followed');
    assert.equal(ev.body.notification.payload.actor.handle, 'fan');
    s.close();
  });

  test('durable broadcasts: acked with a sequence, delivered once, retries stored once', async () => {
    const pub = await creator.socket();
    const sub = await fan.socket();
    sub.send({ t: 'sub', ch: creatorCh() });
    const subbed = await sub.next((f) => f.t === 'subbed');
    const head = subbed.t === 'subbed' ? subbed.head : -1;
    const a1 = await broadcast(pub, 'm1', 'hello fans');
    const a2 = await broadcast(pub, 'm1', 'hello fans'); // a retry of the same message
    const a3 = await broadcast(pub, 'm2', 'second');
    assert.ok(a1.t === 'ack' && a2.t === 'ack' && a3.t === 'ack');
    assert.equal(a1.seq, head + 1);
    assert.equal(a2.seq, a1.seq, 'retry returns the stored sequence');
    assert.equal(a3.seq, head + 2);
    // A marker broadcast after the retry: the channel delivers in sequence order, so a second
    // copy of m1 would have arrived before it.
    const a4 = await broadcast(pub, 'm3', 'marker');
    assert.ok(a4.t === 'ack');
    assert.equal(a4.seq, head + 3);
    await sub.next((f) => f.t === 'ev' && f.seq === head + 3);
    const seqs = sub.events(creatorCh()).map((e) => e.seq);
    assert.deepEqual(seqs, [head + 1, head + 2, head + 3]);
    pub.close();
    sub.close();
  });

  test('a resubscribe with the last sequence replays exactly what was missed, in order', async () => {
    const pub = await creator.socket();
    const first = await fan.socket();
    first.send({ t: 'sub', ch: creatorCh() });
    await first.next((f) => f.t === 'subbed');
    await broadcast(pub, 'r1', 'one');
    const seen = (await first.next((f) => f.t === 'ev' && f.ch === creatorCh())) as EventFrame;
    first.close();
    for (let i = 2; i <= 6; i++) await broadcast(pub, `r${i}`, `n${i}`);
    const again = await fan.socket();
    again.send({ t: 'sub', ch: creatorCh(), since: seen.seq });
    await again.next((f) => f.t === 'subbed');
    await broadcast(pub, 'r7', 'live after resubscribe');
    await again.next((f) => f.t === 'ev' && f.body.kind === 'broadcast' && f.body.text === 'live after resubscribe');
    const got = again.events(creatorCh());
    const texts = got.map((e) => (e.body.kind === 'broadcast' ? e.body.text : ''));
    assert.deepEqual(texts, ['n2', 'n3', 'n4', 'n5', 'n6', 'live after resubscribe']);
    const seqs = got.map((e) => e.seq!);
    for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1]! + 1);
    pub.close();
    again.close();
  });

  test('reactions are ephemeral: delivered without a sequence and never replayed', async () => {
    const sub = await creator.socket();
    sub.send({ t: 'sub', ch: creatorCh() });
    const subbed = await sub.next((f) => f.t === 'subbed');
    const s = await fan.socket();
    s.send({ t: 'pub', ch: creatorCh(), cid: 'heart-1', body: { kind: 'reaction', emoji: '❤️' } });
    const ack = await s.next((f) => f.t === 'ack');
    assert.ok(ack.t === 'ack' && ack.seq === undefined);
    const ev = await sub.next((f) => f.t === 'ev' && f.body.kind === 'reaction');
    assert.ok(ev.t === 'ev' && ev.seq === undefined);
    const late = await other.socket();
    late.send({ t: 'sub', ch: creatorCh(), since: 0 });
    await late.next((f) => f.t === 'subbed');
    assert.ok(subbed.t === 'subbed');
    assert.equal(late.events(creatorCh()).filter((e) => e.body.kind === 'reaction').length, 0);
    sub.close();
    s.close();
    late.close();
  });

  test('a blocked person cannot listen to the creator channel', async () => {
    const r = await creator.invoke(api.graph.block, { params: { handle: 'other' } });
    assert.equal(r.status, 200);
    const s = await other.socket();
    s.send({ t: 'sub', ch: creatorCh() });
    const e = await s.next((f) => f.t === 'err');
    assert.ok(e.t === 'err' && e.code === 'forbidden');
    s.close();
    await creator.invoke(api.graph.unblock, { params: { handle: 'other' } });
  });

  test('concurrent publishers on one channel get contiguous sequences', async () => {
    const pubs = await Promise.all([creator.socket(), creator.socket(), creator.socket()]);
    const sub = await fan.socket();
    sub.send({ t: 'sub', ch: creatorCh() });
    const subbed = await sub.next((f) => f.t === 'subbed');
    const head = subbed.t === 'subbed' ? subbed.head : 0;
    const acks = await Promise.all(pubs.flatMap((p, i) => Array.from({ length: 10 }, (_, j) => broadcast(p, `c${i}-${j}`, `p${i} m${j}`))));
    const seqs = acks.map((a) => (a.t === 'ack' ? a.seq! : -1)).sort((a, b) => a - b);
    assert.deepEqual(
      seqs,
      Array.from({ length: 30 }, (_, i) => head + 1 + i),
    );
    await sub.next((f) => f.t === 'ev' && f.seq === head + 30);
    const got = sub.events(creatorCh()).map((e) => e.seq!);
    assert.deepEqual(
      got,
      Array.from({ length: 30 }, (_, i) => head + 1 + i),
    );
    for (const p of pubs) p.close();
    sub.close();
  });
});
