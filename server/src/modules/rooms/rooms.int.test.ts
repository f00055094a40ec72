import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, pathOf, applyRoomEvent, type ChannelEvent, type Room, type RoomState, type ServerFrame } from '@tremolo/protocol';
import { assertRefused, startTestApp, TestUser, type TestApp, type TestSocket } from '../../test/harness.ts';
import { MediaStreamTrack, RTCPeerConnection } from 'werift';
import { buyer, buyNow, pay, product, seller, uniq, waitFor } from '../shop/fixtures.ts';

let t: TestApp;
let host: TestUser;

before(async () => {
  t = await startTestApp({ rooms: { chatPer10s: 3, heartPostsPer10s: 50 } });
  host = await seller(t, 'r_host');
});
after(async () => {
  await t.close();
});

const user = (prefix: string) => TestUser.signup(t, uniq(prefix));

async function open(body: Record<string, unknown> = {}, who = host): Promise<Room> {
  const r = await who.invoke(api.rooms.create, { body: { title: 'Friday chat', ...body } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function join(u: TestUser, room: Room): Promise<Room> {
  const r = await u.invoke(api.rooms.join, { params: { id: room.id } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

async function sub(u: TestUser, ch: string, since?: number): Promise<{ s: TestSocket; ok: boolean }> {
  const s = await u.socket();
  s.send({ t: 'sub', ch, ...(since !== undefined ? { since } : {}) });
  const f = await s.next((x) => (x.t === 'subbed' && x.ch === ch) || (x.t === 'err' && x.ref === ch));
  return { s, ok: f.t === 'subbed' };
}

async function state(u: TestUser, room: Room): Promise<RoomState> {
  const r = await u.invoke(api.rooms.state, { params: { id: room.id } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

/** Brings someone on stage the audience way: join, raise a hand, the host accepts. */
async function onStage(u: TestUser, room: Room): Promise<void> {
  await join(u, room);
  assert.equal((await u.invoke(api.rooms.raiseHand, { params: { id: room.id }, body: { raised: true } })).status, 200);
  const r = await host.invoke(api.rooms.answerHand, { params: { id: room.id, userId: u.id }, body: { accept: true } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

async function befriend(a: TestUser, b: TestUser): Promise<void> {
  assert.equal((await a.invoke(api.graph.follow, { params: { handle: b.handle } })).status, 200);
  assert.equal((await b.invoke(api.graph.follow, { params: { handle: a.handle } })).status, 200);
}

function roomEvent(s: TestSocket, ch: string, pred: (b: ChannelEvent) => boolean): Promise<ServerFrame> {
  return s.next((f) => f.t === 'ev' && f.ch === ch && pred(f.body));
}

describe('friends chat rooms', () => {
  test('lifecycle: open live, followers told, live on the card, end with a summary; an ended room cannot be entered', async () => {
    const fan = await user('r_fan');
    await fan.invoke(api.graph.follow, { params: { handle: host.handle } });
    const room = await open();
    assert.equal(room.status, 'live');
    assert.equal(room.channel, `room:${room.id}`);
    assert.deepEqual(room.me, { role: 'host', joined: true, handRaised: false, invited: false, canPublish: true, canModerate: true });
    assert.equal(room.state.stage.length, 1);
    assert.equal(room.state.stage[0]!.role, 'host');
    assert.equal(room.media.adapter, 'werift');

    const told = await waitFor(
      () => fan.invoke(api.notifications.list),
      (r) => r.body.items.some((n) => n.payload.kind === 'room_live' && n.payload.roomId === room.id),
    );
    assert.ok(
      told.body.items.some((n) => n.payload.kind === 'room_live' && n.payload.roomId === room.id),
      'a follower hears it went live',
    );
    const card = await fan.invoke(api.cards.card, { params: { handle: host.handle } });
    const live = card.body.sections.find((s) => s.kind === 'live_room');
    assert.ok(live && live.kind === 'live_room' && live.room.id === room.id);

    const viewer = await user('r_viewer');
    await join(viewer, room);
    const watch = await sub(viewer, room.channel);
    assert.ok(watch.ok);
    assertRefused(await viewer.invoke(api.rooms.end, { params: { id: room.id } }), 403, 'forbidden', 'only the host ends it');
    const end = await host.invoke(api.rooms.end, { params: { id: room.id } });
    assert.equal(end.status, 200, JSON.stringify(end.body));
    assert.equal(end.body.totalViewers, 1);
    assert.ok(end.body.durationMs >= 0 && end.body.endedAt);
    const ended = await roomEvent(watch.s, room.channel, (b) => b.kind === 'room_status' && b.status === 'ended');
    assert.ok(ended);
    assertRefused(await viewer.invoke(api.rooms.join, { params: { id: room.id } }), 409, 'invalid_state');
    assertRefused(await host.invoke(api.rooms.end, { params: { id: room.id } }), 409, 'invalid_state');
    const after = await fan.invoke(api.cards.card, { params: { handle: host.handle } });
    assert.ok(!after.body.sections.some((s) => s.kind === 'live_room'), 'no longer live on the card');
    watch.s.close();

    // Scheduled: waits for the host to start it.
    const later = await open({ scheduledAt: new Date(Date.now() + 3600_000).toISOString() });
    assert.equal(later.status, 'scheduled');
    assertRefused(await viewer.invoke(api.rooms.start, { params: { id: later.id } }), 403, 'forbidden');
    const started = await host.invoke(api.rooms.start, { params: { id: later.id } });
    assert.equal(started.body.status, 'live');
    assert.equal(started.body.state.version, later.state.version + 1);
    await host.invoke(api.rooms.end, { params: { id: later.id } });

    // Bad input is a 4xx with a code, never a 500.
    assertRefused(await host.invoke(api.rooms.create, { body: { title: '' } }), 400, 'validation_failed');
    assertRefused(
      await host.invoke(api.rooms.create, { body: { title: 'x', audience: 'group' } }),
      400,
      'validation_failed',
      'group needs groupId',
    );
    assert.equal(
      (await host.invoke(api.rooms.create, { body: { title: 'x', scheduledAt: new Date(Date.now() - 1000).toISOString() } })).status,
      400,
    );
    assertRefused(await host.invoke(api.rooms.get, { params: { id: 'not-an-id' } }), 400, 'validation_failed');
    assertRefused(await host.invoke(api.rooms.get, { params: { id: '01900000-0000-7000-8000-000000000000' } }), 404, 'not_found');
  });

  test('audience rules: followers, friends only, a fan group; a blocked person learns nothing', async () => {
    const follower = await user('r_follower');
    const friend = await user('r_friend');
    const stranger = await user('r_stranger');
    await follower.invoke(api.graph.follow, { params: { handle: host.handle } });
    await befriend(host, friend);

    const followers = await open({ audience: 'followers' });
    assertRefused(await stranger.invoke(api.rooms.join, { params: { id: followers.id } }), 403, 'forbidden');
    assertRefused(await stranger.invoke(api.rooms.get, { params: { id: followers.id } }), 403, 'forbidden');
    await join(follower, followers);
    await join(friend, followers);
    assert.equal((await sub(stranger, followers.channel)).ok, false, 'no socket without entering');

    const friends = await open({ audience: 'friends' });
    assertRefused(await follower.invoke(api.rooms.join, { params: { id: friends.id } }), 403, 'forbidden');
    await join(friend, friends);

    const g = await host.invoke(api.groups.create, { body: { name: 'Inner circle' } });
    assert.equal(g.status, 201, JSON.stringify(g.body));
    const member = await user('r_member');
    assert.equal((await member.invoke(api.groups.join, { params: { id: g.body.id }, body: {} })).status, 200);
    const grp = await open({ audience: 'group', groupId: g.body.id });
    assert.equal(grp.groupId, g.body.id);
    assertRefused(await friend.invoke(api.rooms.join, { params: { id: grp.id } }), 403, 'forbidden');
    await join(member, grp);
    assert.equal(
      (await friend.invoke(api.rooms.create, { body: { title: 'not mine', audience: 'group', groupId: g.body.id } })).status,
      403,
      'only the group owner opens a room for it',
    );

    const pub = await open();
    await host.invoke(api.graph.block, { params: { handle: stranger.handle } });
    assertRefused(await stranger.invoke(api.rooms.join, { params: { id: pub.id } }), 404, 'not_found');
    for (const r of [followers, friends, grp, pub]) await host.invoke(api.rooms.end, { params: { id: r.id } });
  });

  test('raise a hand, the host accepts: a guest; the stage holds nine; invites go to friends and need a yes', async () => {
    const room = await open();
    const watcher = await user('r_watch');
    await join(watcher, room);
    const w = await sub(watcher, room.channel);
    const first = await user('r_guest');
    await join(first, room);
    assert.equal((await first.invoke(api.rooms.raiseHand, { params: { id: room.id }, body: { raised: true } })).status, 200);
    const hands = await roomEvent(w.s, room.channel, (b) => b.kind === 'room_hands' && b.handsTotal === 1);
    assert.ok(hands.t === 'ev' && hands.body.kind === 'room_hands' && hands.body.hands[0]!.user.id === first.id);
    assert.equal(
      (await watcher.invoke(api.rooms.answerHand, { params: { id: room.id, userId: first.id }, body: { accept: true } })).status,
      403,
      'only the host accepts',
    );
    assert.equal(
      (await host.invoke(api.rooms.answerHand, { params: { id: room.id, userId: first.id }, body: { accept: true } })).status,
      200,
    );
    const staged = await roomEvent(w.s, room.channel, (b) => b.kind === 'room_stage' && b.stage.some((m) => m.user.id === first.id));
    assert.ok(
      staged.t === 'ev' && staged.body.kind === 'room_stage' && staged.body.stage.find((m) => m.user.id === first.id)!.role === 'guest',
    );
    const me = await first.invoke(api.rooms.get, { params: { id: room.id } });
    assert.equal(me.body.me.role, 'guest');
    assert.equal(me.body.me.canPublish, true);
    assertRefused(
      await first.invoke(api.rooms.raiseHand, { params: { id: room.id }, body: { raised: true } }),
      409,
      'invalid_state',
      'already on stage',
    );

    // Declined: the hand goes down, no stage.
    const shy = await user('r_shy');
    await join(shy, room);
    await shy.invoke(api.rooms.raiseHand, { params: { id: room.id }, body: { raised: true } });
    assert.equal(
      (await host.invoke(api.rooms.answerHand, { params: { id: room.id, userId: shy.id }, body: { accept: false } })).status,
      200,
    );
    assert.equal((await state(shy, room)).handsTotal, 0);
    assertRefused(
      await host.invoke(api.rooms.answerHand, { params: { id: room.id, userId: shy.id }, body: { accept: true } }),
      404,
      'not_found',
      'no hand to accept',
    );

    // Invites: a friend only, and they must accept.
    const pal = await user('r_pal');
    const notPal = await user('r_notpal');
    assertRefused(await host.invoke(api.rooms.invite, { params: { id: room.id }, body: { userId: notPal.id } }), 403, 'forbidden');
    await befriend(host, pal);
    assert.equal((await host.invoke(api.rooms.invite, { params: { id: room.id }, body: { userId: pal.id } })).status, 200);
    const invited = await state(host, room);
    assert.deepEqual(
      invited.invites.map((u) => u.id),
      [pal.id],
    );
    assert.ok(!invited.stage.some((m) => m.user.id === pal.id), 'not on stage before saying yes');
    const accepted = await pal.invoke(api.rooms.answerInvite, { params: { id: room.id }, body: { accept: true } });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.me.role, 'guest');
    assert.equal(accepted.body.state.invites.length, 0);
    assertRefused(
      await pal.invoke(api.rooms.answerInvite, { params: { id: room.id }, body: { accept: true } }),
      404,
      'not_found',
      'an invitation is used once',
    );

    // Fill the stage: host + 8 guests; the tenth person is refused.
    for (let i = 0; i < 6; i++) await onStage(await user('r_fill'), room);
    assert.equal((await state(host, room)).stage.length, 9);
    const tenth = await user('r_tenth');
    await join(tenth, room);
    await tenth.invoke(api.rooms.raiseHand, { params: { id: room.id }, body: { raised: true } });
    const full = await host.invoke(api.rooms.answerHand, { params: { id: room.id, userId: tenth.id }, body: { accept: true } });
    assertRefused(full, 409, 'limit_reached');
    await befriend(host, tenth);
    assertRefused(await host.invoke(api.rooms.invite, { params: { id: room.id }, body: { userId: tenth.id } }), 409, 'limit_reached');

    // A guest leaves the stage: room for one more.
    assert.equal((await first.invoke(api.rooms.leaveStage, { params: { id: room.id } })).status, 200);
    assertRefused(await host.invoke(api.rooms.leaveStage, { params: { id: room.id } }), 409, 'invalid_state', 'the host stays on stage');
    assert.equal(
      (await host.invoke(api.rooms.answerHand, { params: { id: room.id, userId: tenth.id }, body: { accept: true } })).status,
      200,
    );
    assert.equal((await state(host, room)).stage.length, 9);
    w.s.close();
    await host.invoke(api.rooms.end, { params: { id: room.id } });
  });

  test('the stage holds nine when twelve invitees accept at once', async () => {
    const room = await open();
    const pals = await Promise.all(Array.from({ length: 12 }, () => user('r_race')));
    for (const p of pals) {
      await befriend(host, p);
      assert.equal((await host.invoke(api.rooms.invite, { params: { id: room.id }, body: { userId: p.id } })).status, 200);
    }
    const rs = await Promise.all(pals.map((p) => p.invoke(api.rooms.answerInvite, { params: { id: room.id }, body: { accept: true } })));
    assert.equal(rs.filter((r) => r.status === 200).length, 8);
    assert.ok(rs.filter((r) => r.status !== 200).every((r) => r.status === 409 && r.error?.code === 'limit_reached'));
    assert.equal((await state(host, room)).stage.length, 9);
    await host.invoke(api.rooms.end, { params: { id: room.id } });
  });

  test('only the host and guests may publish; the audience gets 403 on every signalling route that sends', async () => {
    const room = await open();
    const viewer = await user('r_aud');
    await join(viewer, room);
    const refused = await viewer.invoke(api.rooms.publish, {
      params: { id: room.id },
      body: {
        offerSdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n',
      },
    });
    assertRefused(refused, 403, 'forbidden');
    const outsider = await user('r_out');
    assertRefused(
      await outsider.invoke(api.rooms.publish, { params: { id: room.id }, body: { offerSdp: 'v=0\r\nbogus-sdp' } }),
      403,
      'forbidden',
    );
    assertRefused(
      await outsider.invoke(api.rooms.subscribe, { params: { id: room.id }, body: {} }),
      403,
      'forbidden',
      'subscribing needs entering',
    );
    assert.equal(
      (await viewer.invoke(api.rooms.subscribe, { params: { id: room.id }, body: { publisherIds: [host.id] } })).status,
      409,
      'the host is not sending yet',
    );
    // A guest passes the permission check: a malformed offer is the SFU's 4xx, not a 403 or a 500.
    const guest = await user('r_g');
    await onStage(guest, room);
    const bad = await guest.invoke(api.rooms.publish, {
      params: { id: room.id },
      body: {
        offerSdp: 'v=0\r\nnot really an sdp',
      },
    });
    assert.ok(bad.status >= 400 && bad.status < 500 && bad.error?.code !== 'forbidden', JSON.stringify(bad.body));
    assertRefused(
      await viewer.invoke(api.rooms.publish, { params: { id: room.id }, body: { offerSdp: 'short' } }),
      400,
      'validation_failed',
    );
    await host.invoke(api.rooms.end, { params: { id: room.id } });
  });

  test('mute and camera off are in the state everyone sees; kick and ban take people out; host handover', async () => {
    const room = await open();
    const a = await user('r_a');
    const b = await user('r_b');
    const viewer = await user('r_v');
    await onStage(a, room);
    await onStage(b, room);
    await join(viewer, room);
    const w = await sub(viewer, room.channel);
    const wa = await sub(a, room.channel);

    assertRefused(
      await viewer.invoke(api.rooms.guestAction, { params: { id: room.id, userId: a.id }, body: { action: 'mute_mic' } }),
      403,
      'forbidden',
    );
    assert.equal(
      (await host.invoke(api.rooms.guestAction, { params: { id: room.id, userId: a.id }, body: { action: 'mute_mic' } })).status,
      200,
    );
    const muted = await roomEvent(
      w.s,
      room.channel,
      (ev) => ev.kind === 'room_stage' && ev.stage.some((m) => m.user.id === a.id && m.micBlocked),
    );
    assert.ok(muted);
    assert.equal(
      (await host.invoke(api.rooms.guestAction, { params: { id: room.id, userId: a.id }, body: { action: 'camera_off' } })).status,
      200,
    );
    const s1 = await state(viewer, room);
    const tile = s1.stage.find((m) => m.user.id === a.id)!;
    assert.deepEqual([tile.micBlocked, tile.cameraBlocked], [true, true]);
    assert.equal(
      (await host.invoke(api.rooms.guestAction, { params: { id: room.id, userId: viewer.id }, body: { action: 'mute_mic' } })).status,
      409,
      'not on stage',
    );
    // An action the contract does not have: only the raw call can send it.
    const explode = await host.call<{ error: { code: string } }>('POST', pathOf(api.rooms.guestAction, { id: room.id, userId: a.id }), {
      action: 'explode',
    });
    assert.deepEqual([explode.status, explode.body.error.code], [400, 'validation_failed']);

    // Back to the audience: off stage, switches reset.
    assert.equal(
      (await host.invoke(api.rooms.guestAction, { params: { id: room.id, userId: a.id }, body: { action: 'to_audience' } })).status,
      200,
    );
    assert.equal((await a.invoke(api.rooms.get, { params: { id: room.id } })).body.me.role, 'audience');
    assert.equal(
      (await a.invoke(api.rooms.publish, { params: { id: room.id }, body: { offerSdp: 'v=0\r\nanything at all' } })).status,
      403,
      'no longer may publish',
    );

    // Kick: out of the room, their socket stops listening; they may come back.
    assert.equal(
      (await host.invoke(api.rooms.guestAction, { params: { id: room.id, userId: a.id }, body: { action: 'kick' } })).status,
      200,
    );
    const removed = await roomEvent(wa.s, room.channel, (ev) => ev.kind === 'member' && ev.event === 'removed' && ev.user?.id === a.id);
    assert.ok(removed);
    await wa.s.next((f) => f.t === 'unsubbed' && f.ch === room.channel);
    assertRefused(
      await a.invoke(api.rooms.raiseHand, { params: { id: room.id }, body: { raised: true } }),
      403,
      'forbidden',
      'out of the room',
    );
    await join(a, room);

    // Ban: out for good.
    assert.equal(
      (await host.invoke(api.rooms.guestAction, { params: { id: room.id, userId: a.id }, body: { action: 'ban' } })).status,
      200,
    );
    await roomEvent(w.s, room.channel, (ev) => ev.kind === 'member' && ev.event === 'banned' && ev.user?.id === a.id);
    assertRefused(await a.invoke(api.rooms.join, { params: { id: room.id } }), 403, 'forbidden');
    assert.equal((await sub(a, room.channel)).ok, false);
    assert.equal(
      (await host.invoke(api.rooms.guestAction, { params: { id: room.id, userId: a.id }, body: { action: 'unban' } })).status,
      200,
    );
    await join(a, room);

    // Handover: to the co-host only; the old host stays on stage as a guest and loses the controls.
    assertRefused(
      await host.invoke(api.rooms.transferHost, { params: { id: room.id }, body: { userId: b.id } }),
      409,
      'invalid_state',
      'make them co-host first',
    );
    assert.equal(
      (await host.invoke(api.rooms.guestAction, { params: { id: room.id, userId: b.id }, body: { action: 'make_cohost' } })).status,
      200,
    );
    const handed = await host.invoke(api.rooms.transferHost, { params: { id: room.id }, body: { userId: b.id } });
    assert.equal(handed.status, 200, JSON.stringify(handed.body));
    assert.equal(handed.body.host.id, b.id);
    assert.equal(handed.body.me.role, 'guest');
    assert.equal(handed.body.state.stage[0]!.user.id, b.id);
    assertRefused(
      await host.invoke(api.rooms.guestAction, { params: { id: room.id, userId: viewer.id }, body: { action: 'kick' } }),
      403,
      'forbidden',
    );
    assert.equal(
      (await b.invoke(api.rooms.guestAction, { params: { id: room.id, userId: host.id }, body: { action: 'mute_mic' } })).status,
      200,
      'the new host moderates',
    );
    const end = await b.invoke(api.rooms.end, { params: { id: room.id } });
    assert.equal(end.status, 200);
    for (const x of [w.s, wa.s]) x.close();
  });

  test('chat carries fan levels and is rate limited; hearts are added up into one total a second', async () => {
    const room = await open();
    const fan = await user('r_chat');
    await join(fan, room);
    const f = await sub(fan, room.channel);
    const h = await sub(host, room.channel);
    f.s.send({ t: 'pub', ch: room.channel, cid: 'c1', body: { kind: 'chat', text: 'hello room' } });
    const msg = await roomEvent(h.s, room.channel, (b) => b.kind === 'chat');
    assert.ok(msg.t === 'ev' && msg.body.kind === 'chat' && msg.body.fanLevel === 1 && typeof msg.seq === 'number');
    for (const cid of ['c2', 'c3']) f.s.send({ t: 'pub', ch: room.channel, cid, body: { kind: 'chat', text: cid } });
    f.s.send({ t: 'pub', ch: room.channel, cid: 'c4', body: { kind: 'chat', text: 'too many' } });
    const limited = await f.s.next((x) => x.t === 'err' && x.ref === 'c4');
    assert.ok(limited.t === 'err' && limited.code === 'rate_limited');
    f.s.send({ t: 'pub', ch: room.channel, cid: 'x1', body: { kind: 'broadcast', text: 'nope' } });
    assert.ok((await f.s.next((x) => x.t === 'err' && x.ref === 'x1')).t === 'err');
    const history = await fan.invoke(api.rooms.messages, { params: { id: room.id } });
    assert.equal(history.body.items.length, 3);

    for (let i = 0; i < 5; i++)
      assert.equal((await fan.invoke(api.rooms.hearts, { params: { id: room.id }, body: { count: 10 } })).status, 200);
    assertRefused(await fan.invoke(api.rooms.hearts, { params: { id: room.id }, body: { count: 0 } }), 400, 'validation_failed');
    const hearts = await roomEvent(h.s, room.channel, (b) => b.kind === 'room_hearts' && b.total === 50);
    assert.ok(hearts.t === 'ev' && hearts.seq === undefined, 'ephemeral');
    const heartEvents = h.s.events(room.channel).filter((e) => e.body.kind === 'room_hearts');
    // Added up each second: five posts in a row make one broadcast, two if they straddle a tick.
    assert.ok(heartEvents.length <= 2, `five posts, ${heartEvents.length} broadcasts`);
    assert.equal(
      heartEvents.reduce((n, e) => n + (e.body.kind === 'room_hearts' ? e.body.added : 0), 0),
      50,
    );
    const viewers = await roomEvent(h.s, room.channel, (b) => b.kind === 'room_viewers' && b.viewers === 2);
    assert.ok(viewers);
    const sum = await host.invoke(api.rooms.end, { params: { id: room.id } });
    assert.deepEqual([sum.body.messages, sum.body.hearts, sum.body.peakViewers], [3, 50, 2]);
    for (const x of [f.s, h.s]) x.close();
  });

  test('a pinned product is in the state; a purchase from the room shows in its summary', async () => {
    const room = await open();
    const p = await product(host, [{ sku: 'MUG', price: 2500, stock: 5 }]);
    const other = await seller(t, uniq('r_other'));
    const theirs = await product(other);
    assertRefused(
      await host.invoke(api.rooms.pin, { params: { id: room.id }, body: { productId: theirs.id } }),
      404,
      'not_found',
      'only my own products',
    );
    const b = await buyer(t, uniq('r_buyer'));
    await join(b.user, room);
    const w = await sub(b.user, room.channel);
    assertRefused(await b.user.invoke(api.rooms.pin, { params: { id: room.id }, body: { productId: p.id } }), 403, 'forbidden');
    assert.equal((await host.invoke(api.rooms.pin, { params: { id: room.id }, body: { productId: p.id } })).status, 200);
    const pinned = await roomEvent(w.s, room.channel, (ev) => ev.kind === 'room_pinned' && ev.product?.id === p.id);
    assert.ok(pinned.t === 'ev' && pinned.body.kind === 'room_pinned' && pinned.body.product?.price.min === 2500);
    assert.equal((await state(b.user, room)).pinned?.id, p.id);

    const order = await buyNow(b, host.id, p.variants[0]!.id, 2, { touch: { surface: 'room', surfaceId: room.id } });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    assert.equal((await pay(b.user, order.body.id)).status, 200);
    const sum = await waitFor(
      () => host.invoke(api.rooms.summary, { params: { id: room.id } }),
      (r) => r.body.orders === 1,
    );
    assert.equal(sum.body.orders, 1);
    assert.deepEqual(sum.body.revenue, [{ amount: 5000, currency: 'CNY' }]);
    assertRefused(await b.user.invoke(api.rooms.summary, { params: { id: room.id } }), 403, 'forbidden');
    assert.equal((await host.invoke(api.rooms.pin, { params: { id: room.id }, body: { productId: null } })).status, 200);
    await roomEvent(w.s, room.channel, (ev) => ev.kind === 'room_pinned' && ev.product === null);
    w.s.close();
    await host.invoke(api.rooms.end, { params: { id: room.id } });
  });

  test('a reconnecting client gets a snapshot, replays what it missed, and sees versions without gaps', async () => {
    const room = await open();
    const v = await user('r_re');
    const snap = (await join(v, room)).state;
    const first = await sub(v, room.channel);
    const g = await user('r_reg');
    await onStage(g, room);
    await roomEvent(first.s, room.channel, (b) => b.kind === 'room_stage' && b.stage.length === 2);
    const seen = first.s.events(room.channel);
    const lastSeq = Math.max(...seen.flatMap((e) => (e.seq !== undefined ? [e.seq] : [])));
    first.s.close();

    // While away: the host mutes the guest and pins nothing; then the client comes back.
    await host.invoke(api.rooms.guestAction, { params: { id: room.id, userId: g.id }, body: { action: 'mute_mic' } });
    const back = await sub(v, room.channel, lastSeq);
    const replayed = await roomEvent(back.s, room.channel, (b) => b.kind === 'room_stage' && b.stage.some((m) => m.micBlocked));
    assert.ok(replayed.t === 'ev' && replayed.seq! > lastSeq);

    // Applying every versioned event in order to the first snapshot gives the fresh snapshot.
    let s: RoomState | null = snap;
    for (const e of [...seen, ...back.s.events(room.channel)]) {
      const b = e.body;
      if (s && (b.kind === 'room_stage' || b.kind === 'room_hands' || b.kind === 'room_status' || b.kind === 'room_pinned'))
        s = applyRoomEvent(s, b);
    }
    const fresh = await state(v, room);
    assert.ok(s, 'no gap');
    assert.equal(s.version, fresh.version);
    assert.deepEqual(s.stage, fresh.stage);
    assert.deepEqual(s.hands, fresh.hands);
    // A skipped version is a gap: the client refetches.
    assert.equal(applyRoomEvent(snap, { kind: 'room_pinned', version: snap.version + 2, product: null }), null);
    back.s.close();
    await host.invoke(api.rooms.end, { params: { id: room.id } });
  });

  test('signalling with the real SFU: a guest publishes, the audience subscribes and picks a layer; sent back to the audience, the feed stops at once', async () => {
    const room = await open();
    const guest = await user('r_pub');
    const viewer = await user('r_sub');
    await onStage(guest, room);
    await join(viewer, room);
    // werift peers in this process stand in for the browsers. Each is closed as soon as its SDP is
    // made: this test is about the exchange and the SFU's bookkeeping, and a werift client that
    // outlives the SFU's side of its connection keeps UDP sockets open and the test process alive.
    const sdpOf = async (make: (pc: RTCPeerConnection) => Promise<void>): Promise<string> => {
      // As DESIGN.md says for werift on this machine: no public STUN, loopback candidates, no IPv6.
      const pc = new RTCPeerConnection({
        iceServers: [],
        iceAdditionalHostAddresses: ['127.0.0.1'],
        iceUseIpv6: false,
        bundlePolicy: 'max-bundle',
      });
      try {
        await make(pc);
        if (pc.iceGatheringState !== 'complete')
          await new Promise<void>((resolve) => pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && resolve()));
        return pc.localDescription!.sdp;
      } finally {
        await pc.close();
      }
    };

    const offerSdp = await sdpOf(async (pc) => {
      pc.addTransceiver(new MediaStreamTrack({ kind: 'video' }), { direction: 'sendonly' });
      pc.addTransceiver(new MediaStreamTrack({ kind: 'audio' }), { direction: 'sendonly' });
      await pc.setLocalDescription(await pc.createOffer());
    });
    assert.equal(
      (await viewer.invoke(api.rooms.publish, { params: { id: room.id }, body: { offerSdp } })).status,
      403,
      'the audience cannot publish a real offer either',
    );
    const answer = await guest.invoke(api.rooms.publish, { params: { id: room.id }, body: { offerSdp } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.match(answer.body.answerSdp, /^v=0/);
    assert.match(answer.body.answerSdp, /a=candidate:/, 'non-trickle: candidates inside the SDP');
    assert.equal((await state(viewer, room)).stage.find((m) => m.user.id === guest.id)?.publishing, true);
    assert.equal(t.app.sfu.stats().publishers, 1);

    const offer = await viewer.invoke(api.rooms.subscribe, { params: { id: room.id }, body: {} });
    assert.equal(offer.status, 200, JSON.stringify(offer.body));
    assert.ok(offer.body.streams.length >= 1 && offer.body.streams.every((x) => x.publisherId === guest.id));
    const answerSdp = await sdpOf(async (pc) => {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.body.offerSdp });
      await pc.setLocalDescription(await pc.createAnswer());
    });
    assert.equal((await viewer.invoke(api.rooms.answerSubscription, { params: { id: room.id }, body: { answerSdp } })).status, 200);
    assert.equal(
      (await viewer.invoke(api.rooms.setLayer, { params: { id: room.id }, body: { publisherId: guest.id, layer: 'low' } })).status,
      200,
    );
    // A layer the contract does not have: only the raw call can send it.
    const medium = await viewer.call<{ error: { code: string } }>('POST', pathOf(api.rooms.setLayer, { id: room.id }), {
      publisherId: guest.id,
      layer: 'medium',
    });
    assert.deepEqual([medium.status, medium.body.error.code], [400, 'validation_failed']);
    assert.equal(t.app.sfu.stats().subscribers, 1);

    // The host mutes the guest on the server, then sends them back to the audience: unpublished at once.
    assert.equal(
      (await host.invoke(api.rooms.guestAction, { params: { id: room.id, userId: guest.id }, body: { action: 'mute_mic' } })).status,
      200,
    );
    assert.equal(
      (await host.invoke(api.rooms.guestAction, { params: { id: room.id, userId: guest.id }, body: { action: 'to_audience' } })).status,
      200,
    );
    assert.equal(t.app.sfu.stats().publishers, 0, 'the SFU no longer carries the feed');
    assert.equal(
      (await state(viewer, room)).stage.some((m) => m.user.id === guest.id),
      false,
    );
    assertRefused(await guest.invoke(api.rooms.publish, { params: { id: room.id }, body: { offerSdp } }), 403, 'forbidden');

    await host.invoke(api.rooms.end, { params: { id: room.id } });
    assert.equal(t.app.sfu.stats().rooms, 0, 'ending the room closes it on the SFU');
    assert.equal(t.app.sfu.stats().subscribers, 0);
  });

  test('stage members and raised hands carry their fan level with the host, in the snapshot and in the stage event', async () => {
    const room = await open();
    const fan = await user('r_lvl');
    await t.app.services.fans.award(host.id, fan.id, 30);
    await join(fan, room);
    assert.equal((await fan.invoke(api.rooms.raiseHand, { params: { id: room.id }, body: { raised: true } })).status, 200);
    assert.equal((await state(host, room)).hands.find((x) => x.user.id === fan.id)?.fanLevel, 3, 'the host sees the level of who asks');
    const h = await sub(host, room.channel);
    assert.equal(
      (await host.invoke(api.rooms.answerHand, { params: { id: room.id, userId: fan.id }, body: { accept: true } })).status,
      200,
    );
    const ev = await roomEvent(h.s, room.channel, (b) => b.kind === 'room_stage' && b.stage.some((m) => m.user.id === fan.id));
    assert.ok(ev.t === 'ev' && ev.body.kind === 'room_stage');
    assert.equal(ev.body.stage.find((m) => m.user.id === fan.id)?.fanLevel, 3, 'the badge is on the tile before they say anything');
    const snap = await state(fan, room);
    assert.equal(snap.stage.find((m) => m.user.id === fan.id)?.fanLevel, 3);
    assert.equal(snap.stage.find((m) => m.user.id === host.id)?.fanLevel, 1);
    h.s.close();
    await host.invoke(api.rooms.end, { params: { id: room.id } });
  });

  test('SFU refusals are 4xx with a code (real werift): nobody publishing is 409 media_not_live and closes the receive connection', async () => {
    const room = await open();
    const guest = await user('r_e_pub');
    const viewer = await user('r_e_sub');
    await onStage(guest, room);
    await join(viewer, room);
    const isClientError = (r: { status: number; error: { code: string; message: string } | undefined }, code: string) => {
      assert.equal(r.error?.code, code, JSON.stringify(r.error));
      assert.ok(r.status >= 400 && r.status < 500 && (r.error?.message ?? '').length > 0);
    };
    const none = await viewer.invoke(api.rooms.subscribe, { params: { id: room.id }, body: {} });
    assert.equal(none.status, 409);
    isClientError(none, 'media_not_live');
    isClientError(
      await viewer.invoke(api.rooms.subscribe, { params: { id: room.id }, body: { publisherIds: [guest.id] } }),
      'media_not_live',
    );
    assert.equal(t.app.sfu.stats().subscribers, 0, 'no empty receive connection is left on the SFU');
    isClientError(
      await viewer.invoke(api.rooms.answerSubscription, { params: { id: room.id }, body: { answerSdp: 'v=0\r\nno offer was made' } }),
      'validation_failed',
    );
    isClientError(
      await viewer.invoke(api.rooms.setLayer, { params: { id: room.id }, body: { publisherId: guest.id, layer: 'low' } }),
      'not_found',
    );
    isClientError(
      await guest.invoke(api.rooms.publish, {
        params: { id: room.id },
        body: { offerSdp: 'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\nnonsense' },
      }),
      'validation_failed',
    );

    const sdpOf = async (make: (pc: RTCPeerConnection) => Promise<void>): Promise<string> => {
      const pc = new RTCPeerConnection({
        iceServers: [],
        iceAdditionalHostAddresses: ['127.0.0.1'],
        iceUseIpv6: false,
        bundlePolicy: 'max-bundle',
      });
      try {
        await make(pc);
        if (pc.iceGatheringState !== 'complete')
          await new Promise<void>((resolve) => pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && resolve()));
        return pc.localDescription!.sdp;
      } finally {
        await pc.close();
      }
    };
    const offerSdp = await sdpOf(async (pc) => {
      pc.addTransceiver(new MediaStreamTrack({ kind: 'video' }), { direction: 'sendonly' });
      await pc.setLocalDescription(await pc.createOffer());
    });
    assert.equal((await guest.invoke(api.rooms.publish, { params: { id: room.id }, body: { offerSdp } })).status, 200);
    const offer = await viewer.invoke(api.rooms.subscribe, { params: { id: room.id }, body: {} });
    assert.equal(offer.status, 200, JSON.stringify(offer.body));
    // werift would take this without a word and the connection would never come up.
    isClientError(
      await viewer.invoke(api.rooms.answerSubscription, { params: { id: room.id }, body: { answerSdp: 'v=0\r\nthis is not an answer' } }),
      'validation_failed',
    );
    const answerSdp = await sdpOf(async (pc) => {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.body.offerSdp });
      await pc.setLocalDescription(await pc.createAnswer());
    });
    assert.equal((await viewer.invoke(api.rooms.answerSubscription, { params: { id: room.id }, body: { answerSdp } })).status, 200);
    isClientError(await viewer.invoke(api.rooms.answerSubscription, { params: { id: room.id }, body: { answerSdp } }), 'invalid_state');

    // The only publisher stops: the viewer's next subscribe says so and the SFU drops its connection.
    assert.equal((await guest.invoke(api.rooms.unpublish, { params: { id: room.id } })).status, 200);
    isClientError(await viewer.invoke(api.rooms.subscribe, { params: { id: room.id }, body: {} }), 'media_not_live');
    assert.equal(t.app.sfu.stats().subscribers, 0);
    await host.invoke(api.rooms.end, { params: { id: room.id } });
  });

  test('the host uploads a cover image: sniffed, resized, shown in the list, on the card and before the room starts; bad files are 4xx', async () => {
    const sharp = (await import('sharp')).default;
    const owner = await user('r_cov');
    const other = await user('r_cov_v');
    const put = async (u: TestUser, roomId: string, bytes: Buffer) => {
      const boundary = '----room' + Math.random().toString(16).slice(2);
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cover.png"\r\nContent-Type: image/png\r\n\r\n`,
      );
      const r = await t.app.http.inject({
        method: 'PUT',
        url: `/api/v1/rooms/${roomId}/cover`,
        headers: { cookie: u.cookie, 'x-csrf-token': u.csrf, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat([head, bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
      });
      return { status: r.statusCode, body: JSON.parse(r.body) as Room & { error: { code: string; message: string } } };
    };
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await open({ scheduledAt: later }, owner);
    const png = await sharp({ create: { width: 2000, height: 1500, channels: 3, background: '#a37' } })
      .png()
      .toBuffer();
    const up = await put(owner, scheduled.id, png);
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.match(up.body.coverUrl ?? '', new RegExp(`^/media/rooms/${scheduled.id}/cover-.+\\.webp$`));
    const file = await t.app.http.inject({ method: 'GET', url: up.body.coverUrl! });
    const meta = await sharp(file.rawPayload).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 1280, 960]);
    assert.equal(
      (await other.invoke(api.rooms.get, { params: { id: scheduled.id } })).body.coverUrl,
      up.body.coverUrl,
      'the room page shows it before it starts',
    );

    // A second upload replaces the first, whose file goes.
    const jpeg = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#37a' } })
      .jpeg()
      .toBuffer();
    const again = await put(owner, scheduled.id, jpeg);
    assert.equal(again.status, 200);
    assert.notEqual(again.body.coverUrl, up.body.coverUrl);
    assert.equal((await t.app.http.inject({ method: 'GET', url: up.body.coverUrl! })).statusCode, 404);

    const refused = await put(other, scheduled.id, png);
    assert.equal(refused.status, 403);
    const fake = await put(owner, scheduled.id, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'));
    assert.deepEqual([fake.status, fake.body.error.code], [415, 'unsupported_media_type']);
    const tiny = await put(
      owner,
      scheduled.id,
      await sharp({ create: { width: 50, height: 50, channels: 3, background: '#000' } })
        .png()
        .toBuffer(),
    );
    assert.deepEqual([tiny.status, tiny.body.error.code], [422, 'unprocessable']);
    assert.match(tiny.body.error.message, /200/);
    const noFile = await owner.invoke(api.rooms.setCover, { params: { id: scheduled.id } });
    assert.equal(noFile.status, 415);

    assert.equal((await owner.invoke(api.rooms.start, { params: { id: scheduled.id } })).status, 200);
    const list = await other.invoke(api.rooms.list, { query: { filter: 'live', limit: 50 } });
    assert.equal(list.body.items.find((r) => r.id === scheduled.id)?.coverUrl, again.body.coverUrl, 'in the rooms list');
    const card = await other.invoke(api.cards.card, { params: { handle: owner.handle } });
    const live = card.body.sections.find((s) => s.kind === 'live_room');
    assert.ok(live && live.kind === 'live_room' && live.room.coverUrl === again.body.coverUrl, 'in the card’s live-now section');
    await owner.invoke(api.rooms.end, { params: { id: scheduled.id } });
    assert.equal((await put(owner, scheduled.id, png)).status, 409, 'an ended room keeps its cover');
  });
});
