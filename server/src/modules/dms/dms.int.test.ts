import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '@tremolo/protocol';
import { startTestApp, TestUser, type TestApp, type TestSocket } from '../../test/harness.ts';

let t: TestApp;
before(async () => (t = await startTestApp()));
after(async () => t.close());

const say = (s: TestSocket, ch: string, cid: string, text: string) => {
  s.send({ t: 'pub', ch, cid, body: { kind: 'chat', text } });
  return s.next((f) => (f.t === 'ack' && f.cid === cid) || (f.t === 'err' && f.ref === cid));
};

describe('direct messages', () => {
  test('friends talk freely, live, with unread counts and history', async () => {
    const a = await TestUser.signup(t, 'dm_a');
    const b = await TestUser.signup(t, 'dm_b');
    await a.invoke(api.graph.follow, { params: { handle: 'dm_b' } });
    await b.invoke(api.graph.follow, { params: { handle: 'dm_a' } });
    const thread = (await a.invoke(api.dms.get, { params: { handle: 'dm_b' } })).body;
    assert.equal(thread.status, 'open');
    const as = await a.socket();
    const bs = await b.socket();
    for (const s of [as, bs]) {
      s.send({ t: 'sub', ch: thread.channel });
      await s.next((f) => f.t === 'subbed');
    }
    assert.equal((await say(as, thread.channel, 'x1', 'hi b!')).t, 'ack');
    await bs.next((f) => f.t === 'ev' && f.body.kind === 'chat' && f.body.text === 'hi b!');
    as.send({
      t: 'pub',
      ch: thread.channel,
      cid: 'share1',
      body: { kind: 'share', target: { type: 'video', id: '00000000-0000-7000-8000-000000000000' }, text: 'watch this' },
    });
    await bs.next((f) => f.t === 'ev' && f.body.kind === 'share');
    const list = await b.invoke(api.dms.list);
    assert.equal(list.body.items[0]?.peer.handle, 'dm_a');
    assert.equal(list.body.items[0]?.unread, 2);
    const hist = await b.invoke(api.dms.messages, { params: { handle: 'dm_a' } });
    assert.equal(hist.body.items.length, 2);
    await b.invoke(api.dms.read, { params: { handle: 'dm_a' }, body: { seq: 2 } });
    assert.equal((await b.invoke(api.dms.get, { params: { handle: 'dm_a' } })).body.unread, 0);
    // A DM counts once: in the chats badge, never as a notification too.
    const inbox = await b.invoke(api.notifications.list);
    assert.ok(!inbox.body.items.some((n) => n.payload.kind === 'dm'));
    // The follow and the friendship are b's only notifications.
    assert.deepEqual((await b.invoke(api.notifications.badges)).body, { notifications: inbox.body.items.length, chats: 0 });
    as.close();
    bs.close();
  });

  test('one unread count on every session, previews by kind, and "seen" live for the sender', async () => {
    const a = await TestUser.signup(t, 'dm_seen_a');
    const b = await TestUser.signup(t, 'dm_seen_b');
    await a.invoke(api.graph.follow, { params: { handle: 'dm_seen_b' } });
    await b.invoke(api.graph.follow, { params: { handle: 'dm_seen_a' } });
    const thread = (await a.invoke(api.dms.get, { params: { handle: 'dm_seen_b' } })).body;
    const as = await a.socket();
    // Two tabs of b: each hears the badge counts on its user channel.
    const [tab1, tab2] = [await b.socket(), await b.socket()];
    for (const [s, ch] of [
      [as, thread.channel],
      [tab1, `user:${b.id}`],
      [tab2, `user:${b.id}`],
    ] as const) {
      s.send({ t: 'sub', ch });
      await s.next((f) => f.t === 'subbed');
    }
    const before = (await b.invoke(api.notifications.badges)).body;
    assert.equal((await say(as, thread.channel, 'm1', 'hello')).t, 'ack');
    as.send({
      t: 'pub',
      ch: thread.channel,
      cid: 'm2',
      body: { kind: 'share', target: { type: 'product', id: '00000000-0000-7000-8000-000000000000' } },
    });
    await as.next((f) => f.t === 'ack' && f.cid === 'm2');
    for (const s of [tab1, tab2]) await s.next((f) => f.t === 'ev' && f.body.kind === 'badges' && f.body.chats === before.chats + 2);
    assert.deepEqual((await b.invoke(api.notifications.badges)).body, { notifications: before.notifications, chats: before.chats + 2 });

    const listed = (await b.invoke(api.dms.list)).body.items.find((d) => d.peer.handle === 'dm_seen_a');
    assert.deepEqual(listed?.preview, { kind: 'product', text: '', mine: false });
    assert.deepEqual((await a.invoke(api.dms.list)).body.items[0]?.preview, { kind: 'product', text: '', mine: true });
    assert.equal((await a.invoke(api.dms.get, { params: { handle: 'dm_seen_b' } })).body.peerLastReadSeq, 0);

    // b reads on one tab: both tabs drop, and a sees "seen" live.
    await b.invoke(api.dms.read, { params: { handle: 'dm_seen_a' }, body: { seq: 2 } });
    for (const s of [tab1, tab2]) await s.next((f) => f.t === 'ev' && f.body.kind === 'badges' && f.body.chats === before.chats);
    const seen = await as.next((f) => f.t === 'ev' && f.body.kind === 'dm_read');
    assert.ok(seen.t === 'ev' && seen.body.kind === 'dm_read' && seen.body.seq === 2 && seen.from === b.id);
    assert.equal((await a.invoke(api.dms.get, { params: { handle: 'dm_seen_b' } })).body.peerLastReadSeq, 2);
    // A late, lower report from another tab does not move the mark back.
    assert.equal((await b.invoke(api.dms.read, { params: { handle: 'dm_seen_a' }, body: { seq: 1 } })).body.unread, 0);
    for (const s of [as, tab1, tab2]) s.close();
  });

  test('a stranger sends a limited request; replying or accepting opens it; ignoring silences it', async () => {
    const star = await TestUser.signup(t, 'dm_star');
    const fan = await TestUser.signup(t, 'dm_fan');
    const ch = (await fan.invoke(api.dms.get, { params: { handle: 'dm_star' } })).body.channel;
    const fs = await fan.socket();
    const acks = [];
    for (let i = 0; i < 4; i++) acks.push(await say(fs, ch, `r${i}`, `please notice me ${i}`));
    assert.deepEqual(
      acks.map((a) => (a.t === 'err' ? a.code : a.t)),
      ['ack', 'ack', 'ack', 'rate_limited'],
    );
    // A retry of an accepted message is answered from storage, not counted again.
    assert.equal((await say(fs, ch, 'r0', 'please notice me 0')).t, 'ack');
    const seen = (await star.invoke(api.dms.get, { params: { handle: 'dm_fan' } })).body;
    assert.equal(seen.status, 'request_received');
    assert.equal((await fan.invoke(api.dms.get, { params: { handle: 'dm_star' } })).body.requestAllowance, 0);
    const ss = await star.socket();
    assert.equal((await say(ss, ch, 's1', 'hi, thanks!')).t, 'ack');
    assert.equal((await star.invoke(api.dms.get, { params: { handle: 'dm_fan' } })).body.status, 'open');
    assert.equal((await say(fs, ch, 'r9', 'yay')).t, 'ack');

    const spammer = await TestUser.signup(t, 'dm_spam');
    const sch = (await spammer.invoke(api.dms.get, { params: { handle: 'dm_star' } })).body.channel;
    const sp = await spammer.socket();
    await say(sp, sch, 'p1', 'buy my stuff');
    assert.equal((await star.invoke(api.dms.ignore, { params: { handle: 'dm_spam' } })).body.status, 'ignored');
    assert.equal((await star.invoke(api.dms.accept, { params: { handle: 'dm_spam' } })).status, 200);
    for (const s of [fs, ss, sp]) s.close();
  });

  test('the request allowance holds when 10 messages race over 5 sockets', async () => {
    const star = await TestUser.signup(t, 'dm_race_star');
    const fan = await TestUser.signup(t, 'dm_race_fan');
    const ch = (await fan.invoke(api.dms.get, { params: { handle: 'dm_race_star' } })).body.channel;
    const sockets = await Promise.all(Array.from({ length: 5 }, () => fan.socket()));
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => say(sockets[i % 5]!, ch, `race${i}`, `hello ${i}`)));
    const outcome = answers.map((a) => (a.t === 'err' ? a.code : a.t));
    assert.equal(outcome.filter((o) => o === 'ack').length, 3, JSON.stringify(outcome));
    assert.ok(
      outcome.every((o) => o === 'ack' || o === 'rate_limited'),
      JSON.stringify(outcome),
    );
    const hist = await star.invoke(api.dms.messages, { params: { handle: 'dm_race_fan' } });
    assert.equal(hist.body.items.length, 3);
    assert.equal((await fan.invoke(api.dms.get, { params: { handle: 'dm_race_star' } })).body.requestAllowance, 0);
    for (const s of sockets) s.close();
  });

  test('blocks stop everything and nobody else can listen in', async () => {
    const x = await TestUser.signup(t, 'dm_x');
    const y = await TestUser.signup(t, 'dm_y');
    const eve = await TestUser.signup(t, 'dm_eve');
    const ch = (await x.invoke(api.dms.get, { params: { handle: 'dm_y' } })).body.channel;
    const es = await eve.socket();
    es.send({ t: 'sub', ch });
    const e1 = await es.next((f) => f.t === 'err');
    assert.ok(e1.t === 'err' && e1.code === 'forbidden');
    const flipped = `dm:${ch.split(':')[2]}:${ch.split(':')[1]}`;
    const xs = await x.socket();
    xs.send({ t: 'sub', ch: flipped });
    const e2 = await xs.next((f) => f.t === 'err');
    assert.ok(e2.t === 'err' && e2.code === 'forbidden', 'only the canonical channel name');
    await y.invoke(api.graph.block, { params: { handle: 'dm_x' } });
    const blocked = await say(xs, ch, 'b1', 'hello?');
    assert.ok(blocked.t === 'err' && blocked.code === 'blocked');
    assert.equal((await x.invoke(api.dms.get, { params: { handle: 'dm_x' } })).status, 400, 'not with yourself');
    es.close();
    xs.close();
  });
});
