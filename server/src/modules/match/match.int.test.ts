import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, type ChannelEvent, type ServerFrame } from '@tremolo/protocol';
import { assertRefused, startTestApp, TestUser, type TestApp, type TestSocket } from '../../test/harness.ts';

let t: TestApp;
const people: Record<string, TestUser> = {};
const sockets: Record<string, TestSocket> = {};
let cid = 0;

const ch = (u: TestUser) => `match:${u.id}`;
const body = (f: ServerFrame): ChannelEvent | null => (f.t === 'ev' ? f.body : null);

async function connect(name: string): Promise<TestSocket> {
  const u = people[name]!;
  const s = await u.socket();
  s.send({ t: 'sub', ch: ch(u) });
  await s.next((f) => f.t === 'subbed' && f.ch === ch(u));
  sockets[name] = s;
  return s;
}

function pub(name: string, target: TestUser, b: unknown): string {
  const ref = `c${++cid}`;
  sockets[name]!.send({ t: 'pub', ch: ch(target), cid: ref, body: b });
  return ref;
}

/** Waits for an event of this kind that arrived after `from` frames. */
async function nextEvent<K extends ChannelEvent['kind']>(
  name: string,
  kind: K,
  from = 0,
  timeoutMs = 5000,
): Promise<Extract<ChannelEvent, { kind: K }>> {
  const s = sockets[name]!;
  const f = await new Promise<ServerFrame>((resolve, reject) => {
    const seen = s.frames.slice(from).find((x) => body(x)?.kind === kind);
    if (seen) return resolve(seen);
    s.next((x) => body(x)?.kind === kind && s.frames.indexOf(x) >= from, timeoutMs).then(resolve, reject);
  });
  return body(f) as Extract<ChannelEvent, { kind: K }>;
}

/** Waits for the matcher's first pass at least `ms` from now: the one that saw that much time go by. */
async function passAfter(ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await t.app.services.match.queue.ticked()) < deadline);
}

/**
 * Publishes a chat line on `target`'s channel and waits for it there. Server events on a
 * channel are delivered in the order they were published, so anything published before the
 * marker has arrived once this resolves.
 */
async function marker(name: string, target: TestUser, callId: string): Promise<void> {
  const text = `marker ${++cid}`;
  const from = sockets[target.handle]!.frames.length;
  pub(name, target, { kind: 'match_chat', callId, text });
  await sockets[target.handle]!.next((f) => {
    const b = body(f);
    return b?.kind === 'match_chat' && b.text === text && sockets[target.handle]!.frames.indexOf(f) >= from;
  });
}

const optIn = (name: string, interests: string[] = ['music'], languages: string[] = ['zh']) =>
  people[name]!.invoke(api.match.optIn, { body: { confirmAdult: true, acceptRules: true, interests, languages } });

before(async () => {
  process.env.ADMIN_HANDLES = 'm_admin';
  process.env.MATCH_FALLBACK_MS = '300';
  process.env.SHAKE_RING_MS = '600';
  t = await startTestApp();
  for (const n of ['m_ann', 'm_bob', 'm_cat', 'm_dan', 'm_admin', 'm_tom', 'm_r1', 'm_r2', 'm_r3', 'm_s1', 'm_s2'])
    people[n] = await TestUser.signup(t, n);
  for (const n of Object.keys(people)) await connect(n);
});

after(async () => {
  for (const s of Object.values(sockets)) s.close();
  await t.close();
  delete process.env.ADMIN_HANDLES;
  delete process.env.MATCH_FALLBACK_MS;
  delete process.env.SHAKE_RING_MS;
});

test('queueing needs the stored 18+ confirmation and the rules', async () => {
  const ref = pub('m_ann', people.m_ann!, { kind: 'match_queue', action: 'join' });
  const err = await sockets.m_ann!.next((f) => f.t === 'err' && f.ref === ref);
  assert.equal(err.t === 'err' && err.code, 'opt_in_required');
  // Off the contract on purpose (`confirmAdult` must be true): the raw call.
  const bad = await people.m_ann!.call<{ error: { code: string } }>(api.match.optIn.method, api.match.optIn.path, {
    confirmAdult: false,
    acceptRules: true,
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'validation_failed');
  const ok = await optIn('m_ann');
  assert.equal(ok.status, 200);
  const me = await people.m_ann!.invoke(api.match.me);
  assert.ok(me.body.adultConfirmedAt);
  assert.deepEqual(me.body.interests, ['music']);
  assert.deepEqual(me.body.iceServers, []);
  for (const n of ['m_bob', 'm_cat', 'm_dan']) assert.equal((await optIn(n)).status, 200);
});

test('two people are matched, signal to each other only, chat, and "next" queues again', async () => {
  const ann = people.m_ann!;
  const bob = people.m_bob!;
  const cat = people.m_cat!;
  const fa = sockets.m_ann!.frames.length;
  const fb = sockets.m_bob!.frames.length;
  pub('m_ann', ann, { kind: 'match_queue', action: 'join' });
  assert.equal((await nextEvent('m_ann', 'match_status', fa)).state, 'queued');
  pub('m_bob', bob, { kind: 'match_queue', action: 'join', interests: ['music', 'games'] });
  const a = await nextEvent('m_ann', 'match_found', fa);
  const b = await nextEvent('m_bob', 'match_found', fb);
  assert.equal(a.callId, b.callId);
  assert.equal(a.peer.id, bob.id);
  assert.equal(b.peer.id, ann.id);
  assert.deepEqual([a.role, b.role].sort(), ['answerer', 'offerer']);
  assert.equal(await t.app.services.match.queue.state(ann.id), 'in_call');

  // Signalling and chat go to the peer's channel, only within the call.
  const fb2 = sockets.m_bob!.frames.length;
  pub('m_ann', bob, { kind: 'rtc_signal', callId: a.callId, sdp: { type: 'offer', sdp: 'v=0 fake' } });
  const sig = await nextEvent('m_bob', 'rtc_signal', fb2);
  assert.equal(sig.sdp?.type, 'offer');
  pub('m_ann', bob, { kind: 'match_chat', callId: a.callId, text: 'hi from ann' });
  assert.equal((await nextEvent('m_bob', 'match_chat', fb2)).text, 'hi from ann');
  const intruder = pub('m_cat', bob, { kind: 'rtc_signal', callId: a.callId, candidate: { candidate: 'x' } });
  const denied = await sockets.m_cat!.next((f) => f.t === 'err' && f.ref === intruder);
  assert.equal(denied.t === 'err' && denied.code, 'forbidden');
  // Nobody may subscribe to someone else's match channel.
  sockets.m_cat!.send({ t: 'sub', ch: ch(bob) });
  const subErr = await sockets.m_cat!.next((f) => f.t === 'err' && f.ref === ch(bob));
  assert.equal(subErr.t === 'err' && subErr.code, 'forbidden');
  // Cannot publish queue actions on someone else's channel.
  const foreign = pub('m_cat', ann, { kind: 'match_queue', action: 'leave' });
  const fe = await sockets.m_cat!.next((f) => f.t === 'err' && f.ref === foreign);
  assert.equal(fe.t === 'err' && fe.code, 'forbidden');

  // "next": both hear the end; ann is queued again and is not re-matched with bob (just met).
  const fa3 = sockets.m_ann!.frames.length;
  const fb3 = sockets.m_bob!.frames.length;
  pub('m_ann', ann, { kind: 'match_queue', action: 'next' });
  assert.equal((await nextEvent('m_ann', 'match_ended', fa3)).reason, 'next');
  assert.equal((await nextEvent('m_bob', 'match_ended', fb3)).reason, 'next');
  pub('m_bob', bob, { kind: 'match_queue', action: 'join' });
  await nextEvent('m_bob', 'match_status', fb3);
  await passAfter(t.app.services.match.options.fallbackMs); // past the fallback: still not paired
  assert.equal(await t.app.services.match.queue.state(ann.id), 'queued');
  assert.equal(await t.app.services.match.queue.state(bob.id), 'queued');
  // cat arrives: matched with one of them (a person is in at most one call).
  const fc = sockets.m_cat!.frames.length;
  pub('m_cat', cat, { kind: 'match_queue', action: 'join' });
  const c = await nextEvent('m_cat', 'match_found', fc);
  assert.ok([ann.id, bob.id].includes(c.peer.id));
  const other = c.peer.id === ann.id ? 'm_bob' : 'm_ann';
  const otherLeft = pub(other, people[other]!, { kind: 'match_queue', action: 'leave' });
  const catLeft = pub('m_cat', cat, { kind: 'match_queue', action: 'leave' });
  await nextEvent('m_cat', 'match_ended', fc);
  assert.equal(await refusal(other, otherLeft), null);
  assert.equal(await refusal('m_cat', catLeft), null);
  assert.equal(await t.app.services.match.queue.state(cat.id), 'idle');
});

test('a block ends the call and they are never matched again', async () => {
  const cat = people.m_cat!;
  const dan = people.m_dan!;
  const fc = sockets.m_cat!.frames.length;
  const fd = sockets.m_dan!.frames.length;
  pub('m_cat', cat, { kind: 'match_queue', action: 'join' });
  await nextEvent('m_cat', 'match_status', fc);
  pub('m_dan', dan, { kind: 'match_queue', action: 'join' });
  const found = await nextEvent('m_dan', 'match_found', fd);
  assert.equal(found.peer.id, cat.id);
  const r = await dan.invoke(api.match.block, { body: { userId: cat.id } });
  assert.equal(r.status, 200);
  assert.equal((await nextEvent('m_dan', 'match_ended', fd)).reason, 'blocked');
  assert.equal((await nextEvent('m_cat', 'match_ended', fc)).reason, 'left');
  const card = await dan.invoke(api.cards.card, { params: { handle: cat.handle } });
  assert.equal(card.status, 200);
  assert.equal(card.body.relationship?.blocking, true);
  assert.equal(await refusal('m_cat', pub('m_cat', cat, { kind: 'match_queue', action: 'join' })), null);
  assert.equal(await refusal('m_dan', pub('m_dan', dan, { kind: 'match_queue', action: 'join' })), null);
  await passAfter(t.app.services.match.options.fallbackMs);
  assert.equal(await t.app.services.match.queue.state(cat.id), 'queued');
  assert.equal(await t.app.services.match.queue.state(dan.id), 'queued');
  pub('m_cat', cat, { kind: 'match_queue', action: 'leave' });
  pub('m_dan', dan, { kind: 'match_queue', action: 'leave' });
});

test('reports with a snapshot; moderators only review them; a ban takes the person out of the queue and tells them', async () => {
  const ann = people.m_ann!;
  const bob = people.m_bob!;
  const dan = people.m_dan!;
  const admin = people.m_admin!;
  // dan never met bob: cannot report him.
  const stranger = await dan.invoke(api.match.report, { body: { userId: bob.id, reason: 'spam' } });
  assert.equal(stranger.status, 403);
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 7)]);
  const bad = await ann.invoke(api.match.report, { body: { userId: bob.id, reason: 'nudity', snapshot: 'data:text/html;base64,PGI+' } });
  assert.equal(bad.status, 400);
  const rep = await ann.invoke(api.match.report, {
    body: {
      userId: bob.id,
      reason: 'harassment',
      details: 'rude',
      snapshot: `data:image/jpeg;base64,${jpeg.toString('base64')}`,
    },
  });
  assert.equal(rep.status, 201);

  // The app learns who may open the moderation page from the opt-in state.
  assert.equal((await ann.invoke(api.match.me)).body.moderator, false);
  assert.equal((await admin.invoke(api.match.me)).body.moderator, true);
  // Not a moderator: 403 everywhere.
  assertRefused(await ann.invoke(api.match.reports), 403, 'forbidden');
  assertRefused(await ann.invoke(api.match.snapshot, { params: { id: rep.body.id } }), 403, 'forbidden');
  assertRefused(await ann.invoke(api.match.ban, { body: { userId: bob.id, reason: 'x' } }), 403, 'forbidden');

  const list = await admin.invoke(api.match.reports);
  assert.equal(list.status, 200);
  const item = list.body.items.find((i) => i.id === rep.body.id);
  assert.ok(item);
  assert.equal(item.reported.id, bob.id);
  assert.equal(item.hasSnapshot, true);
  const snap = await t.app.http.inject({
    method: 'GET',
    url: `/api/v1/admin/match/reports/${rep.body.id}/snapshot`,
    headers: { cookie: admin.cookie },
  });
  assert.equal(snap.statusCode, 200);
  assert.equal(snap.headers['content-type'], 'image/jpeg');
  assert.deepEqual(snap.rawPayload, jpeg);

  // bob queues; the ban removes him at once and he hears it.
  const fb = sockets.m_bob!.frames.length;
  pub('m_bob', bob, { kind: 'match_queue', action: 'join' });
  assert.equal((await nextEvent('m_bob', 'match_status', fb)).state, 'queued');
  const ban = await admin.invoke(api.match.ban, { body: { userId: bob.id, reason: 'harassment', reportId: rep.body.id } });
  assert.equal(ban.status, 200);
  await sockets.m_bob!.next((f) => {
    const b = body(f);
    return b?.kind === 'match_status' && b.banned === true;
  });
  assert.equal(await t.app.services.match.queue.state(bob.id), 'idle');
  const again = pub('m_bob', bob, { kind: 'match_queue', action: 'join' });
  const err = await sockets.m_bob!.next((f) => f.t === 'err' && f.ref === again);
  assert.equal(err.t === 'err' && err.code, 'forbidden');
  const me = await bob.invoke(api.match.me);
  assert.equal(me.body.banned, true);
  const actioned = await admin.invoke(api.match.reports, { query: { status: 'actioned' } });
  assert.ok(actioned.body.items.some((i) => i.id === rep.body.id));
});

test('shakes at the same moment are paired; a lone shake misses', async () => {
  const cat = people.m_cat!;
  const ann = people.m_ann!;
  const fc = sockets.m_cat!.frames.length;
  const fa = sockets.m_ann!.frames.length;
  pub('m_cat', cat, { kind: 'shake', oneWayMs: 20, lat: 39.9042, lng: 116.4074 });
  pub('m_ann', ann, { kind: 'shake', oneWayMs: 25, lat: 39.905, lng: 116.41 });
  const a = await nextEvent('m_cat', 'match_found', fc, 3000);
  const b = await nextEvent('m_ann', 'match_found', fa, 3000);
  assert.equal(a.source, 'shake');
  assert.equal(a.peer.id, ann.id);
  assert.equal(b.peer.id, cat.id);
  pub('m_cat', cat, { kind: 'match_queue', action: 'leave' });
  await nextEvent('m_ann', 'match_ended', fa);
  const fd = sockets.m_dan!.frames.length;
  pub('m_dan', people.m_dan!, { kind: 'shake', oneWayMs: 30 });
  await nextEvent('m_dan', 'shake_miss', fd, 3000);
});

test('closing the socket takes a person out of the queue', async () => {
  const dan = people.m_dan!;
  const fd = sockets.m_dan!.frames.length;
  pub('m_dan', dan, { kind: 'match_queue', action: 'join' });
  await nextEvent('m_dan', 'match_status', fd);
  assert.equal(await t.app.services.match.queue.state(dan.id), 'queued');
  // The gateway tells the service when the person's last socket is gone.
  const queue = t.app.services.match.queue;
  const original = queue.left;
  const left = new Promise<void>((resolve) => {
    queue.left = async (userId, id) => {
      await original.call(queue, userId, id);
      if (userId === dan.id) resolve();
    };
  });
  sockets.m_dan!.close();
  await left.finally(() => (queue.left = original));
  assert.equal(await queue.state(dan.id), 'idle');
});

test('three people reporting the same person put them in a cool-down', async () => {
  const tom = people.m_tom!;
  await optIn('m_tom', ['chess'], ['fr']);
  for (const r of ['m_r1', 'm_r2', 'm_r3']) {
    await optIn(r, ['chess'], ['fr']);
    const ft = sockets.m_tom!.frames.length;
    const fr = sockets[r]!.frames.length;
    pub('m_tom', tom, { kind: 'match_queue', action: 'join' });
    await nextEvent('m_tom', 'match_status', ft);
    pub(r, people[r]!, { kind: 'match_queue', action: 'join' });
    const found = await nextEvent(r, 'match_found', fr);
    assert.equal(found.peer.id, tom.id);
    const rep = await people[r]!.invoke(api.match.report, { body: { userId: tom.id, callId: found.callId, reason: 'harassment' } });
    assert.equal(rep.status, 201);
    assert.equal((await nextEvent(r, 'match_ended', fr)).reason, 'reported');
    await nextEvent('m_tom', 'match_ended', ft);
  }
  const me = await tom.invoke(api.match.me);
  assert.ok(me.body.cooldownUntil && Date.parse(me.body.cooldownUntil) > Date.now() + 30 * 60_000);
  const ref = pub('m_tom', tom, { kind: 'match_queue', action: 'join' });
  const err = await sockets.m_tom!.next((f) => f.t === 'err' && f.ref === ref);
  assert.equal(err.t === 'err' && err.code, 'rate_limited');
  assert.equal(await t.app.services.match.queue.state(tom.id), 'idle');
});

/** The error answering a publish, or null when it went through. */
/** The error code the publish with this ref was refused with, or null once it was acknowledged. */
async function refusal(name: string, ref: string): Promise<string | null> {
  const f = await sockets[name]!.next((x) => (x.t === 'err' && x.ref === ref) || (x.t === 'ack' && x.cid === ref));
  return f.t === 'err' ? f.code : null;
}

test('the lobby picks are stored on the opt-in, validated, and given back next time', async () => {
  const s1 = people.m_s1!;
  const before = await s1.invoke(api.match.setPrefs, { body: { interests: ['games'] } });
  assertRefused(before, 403, 'opt_in_required');
  const tom = people.m_tom!;
  const saved = await tom.invoke(api.match.setPrefs, {
    body: {
      interests: ['Games', 'tech', 'games'],
      languages: ['en'],
    },
  });
  assert.equal(saved.status, 200);
  assert.deepEqual(saved.body.interests, ['games', 'tech']);
  const me = await tom.invoke(api.match.me);
  assert.deepEqual(me.body.interests, ['games', 'tech']);
  assert.deepEqual(me.body.languages, ['en']);
  assert.ok(me.body.adultConfirmedAt);
  // Only languages: the interests stay.
  await tom.invoke(api.match.setPrefs, { body: { languages: ['zh', 'ja'] } });
  const me2 = await tom.invoke(api.match.me);
  assert.deepEqual(
    [me2.body.interests, me2.body.languages],
    [
      ['games', 'tech'],
      ['zh', 'ja'],
    ],
  );
  for (const bad of [
    { interests: ['no spaces'] },
    { interests: ['a', 'b', 'c', 'd', 'e', 'f'] },
    { languages: ['zh', 'en', 'ja', 'ko'] },
    { interests: [], confirmAdult: true },
  ]) {
    const r = await tom.invoke(api.match.setPrefs, { body: bad });
    assert.equal(r.status, 400, JSON.stringify(bad));
  }
  const still = await tom.invoke(api.match.me);
  assert.deepEqual(still.body.interests, ['games', 'tech']);
});

test('a shake video call needs the 18+ opt-in on both sides, rings, and the caller hears "declined" or "no answer"', async () => {
  const s1 = people.m_s1!;
  const s2 = people.m_s2!;
  const f1 = sockets.m_s1!.frames.length;
  const f2 = sockets.m_s2!.frames.length;
  pub('m_s1', s1, { kind: 'shake', oneWayMs: 20 });
  pub('m_s2', s2, { kind: 'shake', oneWayMs: 20 });
  const found = await nextEvent('m_s1', 'match_found', f1, 3000);
  assert.equal(found.source, 'shake');
  assert.equal((await nextEvent('m_s2', 'match_found', f2, 3000)).callId, found.callId);
  const callId = found.callId;
  const offer = { kind: 'rtc_signal', callId, sdp: { type: 'offer', sdp: 'v=0 fake' } };
  const answer = { kind: 'rtc_signal', callId, sdp: { type: 'answer', sdp: 'v=0 fake' } };

  // Neither opted in: seeing the card is fine, placing a video call is not, not even a candidate.
  const g2 = sockets.m_s2!.frames.length;
  assert.equal(await refusal('m_s1', pub('m_s1', s2, offer)), 'opt_in_required');
  assert.equal(await refusal('m_s1', pub('m_s1', s2, { kind: 'rtc_signal', callId, candidate: { candidate: 'x' } })), 'opt_in_required');
  assert.ok(!sockets.m_s2!.frames.slice(g2).some((f) => body(f)?.kind === 'rtc_signal'));
  // Chat on the card still works.
  assert.equal(await refusal('m_s1', pub('m_s1', s2, { kind: 'match_chat', callId, text: 'hi' })), null);

  // The caller opts in: the offer rings the other side, who may not answer before opting in too.
  assert.equal((await optIn('m_s1')).status, 200);
  assert.equal(await refusal('m_s1', pub('m_s1', s2, offer)), null);
  assert.equal((await nextEvent('m_s2', 'rtc_signal', g2)).sdp?.type, 'offer');
  assert.equal(await refusal('m_s2', pub('m_s2', s1, answer)), 'opt_in_required');

  // Declined: the caller hears it; nobody else can decline, and a second decline finds no ring.
  assert.equal(await refusal('m_cat', pub('m_cat', s1, { kind: 'match_decline', callId })), 'forbidden');
  assert.equal(await refusal('m_s1', pub('m_s1', s2, { kind: 'match_decline', callId })), 'invalid_state');
  const h1 = sockets.m_s1!.frames.length;
  assert.equal(await refusal('m_s2', pub('m_s2', s1, { kind: 'match_decline', callId })), null);
  const declined = await nextEvent('m_s1', 'match_ring_ended', h1, 1000);
  assert.deepEqual([declined.callId, declined.reason], [callId, 'declined']);
  assert.equal(await refusal('m_s2', pub('m_s2', s1, { kind: 'match_decline', callId })), 'invalid_state');
  assert.equal(await t.app.services.match.queue.state(s1.id), 'in_call');

  // Calling again and nobody answers: after the ring time both hear "no answer"; a late answer is refused.
  const k1 = sockets.m_s1!.frames.length;
  const k2 = sockets.m_s2!.frames.length;
  const rang = Date.now();
  assert.equal(await refusal('m_s1', pub('m_s1', s2, offer)), null);
  assert.equal((await nextEvent('m_s1', 'match_ring_ended', k1, 3000)).reason, 'no_answer');
  assert.ok(Date.now() - rang >= 550);
  assert.equal((await nextEvent('m_s2', 'match_ring_ended', k2, 3000)).reason, 'no_answer');
  assert.equal((await optIn('m_s2')).status, 200);
  assert.equal(await refusal('m_s2', pub('m_s2', s1, answer)), 'invalid_state');

  // Once answered the call no longer rings out.
  const l1 = sockets.m_s1!.frames.length;
  const l2 = sockets.m_s2!.frames.length;
  assert.equal(await refusal('m_s1', pub('m_s1', s2, offer)), null);
  assert.equal(await refusal('m_s2', pub('m_s2', s1, answer)), null);
  assert.equal((await nextEvent('m_s1', 'rtc_signal', l1)).sdp?.type, 'answer');
  await passAfter(t.app.services.match.options.ringMs);
  await marker('m_s2', s1, callId);
  assert.ok(!sockets.m_s1!.frames.slice(l1).some((f) => body(f)?.kind === 'match_ring_ended'));
  pub('m_s1', s1, { kind: 'match_queue', action: 'leave' });
  await nextEvent('m_s2', 'match_ended', l2);
});
