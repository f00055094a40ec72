import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { api, type ServerFrame, type WatchParty, type WatchStateEvent } from '@tremolo/protocol';
import { assertRefused, startTestApp, TestUser, type TestApp, type TestSocket } from '../../test/harness.ts';
import { sampleVideo } from '../videos/fixtures.ts';

let t: TestApp;
let host: TestUser;
let guest: TestUser;
let publicVideo: string;
let secondVideo: string;
let friendsVideo: string;

async function uploadVideo(who: TestUser, visibility: string): Promise<string> {
  return (await who.uploadVideo(await readFile(await sampleVideo('watch', { seconds: 2 })), { visibility })).id;
}

before(async () => {
  t = await startTestApp({ chatMessagesPer10s: 5 });
  host = await TestUser.signup(t, 'w_host');
  guest = await TestUser.signup(t, 'w_guest');
  publicVideo = await uploadVideo(host, 'public');
  secondVideo = await uploadVideo(host, 'public');
  friendsVideo = await uploadVideo(host, 'friends');
  await t.app.services.videos.idle();
});
after(async () => t.close());

async function party(body: Record<string, unknown> = {}, who = host): Promise<WatchParty> {
  const r = await who.invoke(api.watch.create, { body: { videoIds: [publicVideo], ...body } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function sub(u: TestUser, ch: string): Promise<{ s: TestSocket; ok: boolean }> {
  const s = await u.socket();
  s.send({ t: 'sub', ch });
  const f = await s.next((x) => (x.t === 'subbed' && x.ch === ch) || (x.t === 'err' && x.ref === ch));
  return { s, ok: f.t === 'subbed' };
}

let cids = 0;
function control(s: TestSocket, ch: string, body: Record<string, unknown>, cid = `c${++cids}`): Promise<ServerFrame> {
  s.send({ t: 'pub', ch, cid, body: { kind: 'watch_control', ...body } });
  return s.next((f) => (f.t === 'ack' && f.cid === cid) || (f.t === 'err' && f.ref === cid));
}

function nextState(s: TestSocket, ch: string, version: number): Promise<WatchStateEvent> {
  return s
    .next((f) => f.t === 'ev' && f.ch === ch && f.body.kind === 'watch_state' && f.body.state.version === version)
    .then((f) => {
      assert.ok(f.t === 'ev' && f.body.kind === 'watch_state');
      return f.body;
    });
}

describe('watch together', () => {
  test('a party starts from a video; the link lets those who may see it join, and nobody else learns of it', async () => {
    const p = await party();
    assert.equal(p.host?.id, host.id);
    assert.equal(p.link, `/w/${p.id}`);
    assert.deepEqual(p.me, { joined: true, role: 'host', canControl: true });
    assert.equal(p.state.playing, true);
    assert.equal(p.state.videoId, publicVideo);
    assert.equal(p.videos[0]?.streamUrl, `/api/v1/videos/${publicVideo}/stream`);

    const preview = await guest.invoke(api.watch.get, { params: { id: p.id } });
    assert.equal(preview.status, 200);
    assert.deepEqual(preview.body.me, { joined: false, role: null, canControl: false });
    assert.equal((await sub(guest, p.channel)).ok, false, 'no socket before joining');

    const joined = await guest.invoke(api.watch.join, { params: { id: p.id } });
    assert.equal(joined.status, 200);
    assert.deepEqual(
      joined.body.members.map((m) => [m.user.handle, m.role]),
      [
        ['w_host', 'host'],
        ['w_guest', 'member'],
      ],
    );

    // A friends-only video: a stranger neither sees nor joins the party.
    const fp = await party({ videoIds: [friendsVideo] });
    const stranger = await TestUser.signup(t, 'w_stranger');
    assertRefused(await stranger.invoke(api.watch.get, { params: { id: fp.id } }), 404, 'not_found');
    assertRefused(await stranger.invoke(api.watch.join, { params: { id: fp.id } }), 404, 'not_found');
    assertRefused(await stranger.invoke(api.watch.create, { body: { videoIds: [friendsVideo] } }), 404, 'not_found');
    // Someone the host blocked cannot join even a public party.
    await host.invoke(api.graph.block, { params: { handle: 'w_stranger' } });
    assertRefused(await stranger.invoke(api.watch.join, { params: { id: p.id } }), 404, 'not_found');

    assertRefused(await guest.invoke(api.watch.create, { body: { videoIds: [] } }), 400, 'validation_failed');
    assertRefused(await guest.invoke(api.watch.get, { params: { id: 'not-an-id' } }), 400, 'validation_failed');
    assertRefused(await guest.invoke(api.watch.get, { params: { id: '01900000-0000-7000-8000-000000000000' } }), 404, 'not_found');
  });

  test('controls become one scheduled state everyone receives; the lead is bounded', async () => {
    const p = await party();
    await guest.invoke(api.watch.join, { params: { id: p.id } });
    const a = await sub(host, p.channel);
    const b = await sub(guest, p.channel);
    assert.ok(a.ok && b.ok);

    const before = Date.now();
    assert.equal((await control(b.s, p.channel, { action: 'pause', leadMs: 400 })).t, 'ack');
    const [sa, sb] = await Promise.all([nextState(a.s, p.channel, 2), nextState(b.s, p.channel, 2)]);
    assert.deepEqual(sa, sb, 'both hear the same state');
    assert.equal(sa.state.playing, false);
    assert.equal(sa.by, guest.id);
    assert.ok(sa.state.atServerMs >= before + 400 && sa.state.atServerMs <= Date.now() + 400, 'scheduled lead ms ahead');
    // It paused where the running state would be at that moment.
    const expected = p.state.positionMs + (sa.state.atServerMs - p.state.atServerMs);
    assert.ok(Math.abs(sa.state.positionMs - expected) < 1, `${sa.state.positionMs} vs ${expected}`);

    await control(a.s, p.channel, { action: 'seek', positionMs: 1500, leadMs: 0 });
    const seek = await nextState(b.s, p.channel, 3);
    assert.equal(seek.state.positionMs, 1500);
    assert.equal(seek.state.playing, false, 'a seek keeps pause');
    await control(a.s, p.channel, { action: 'rate', rate: 1.5 });
    await control(a.s, p.channel, { action: 'play' });
    const play = await nextState(b.s, p.channel, 5);
    assert.equal(play.state.rate, 1.5);
    assert.equal(play.state.playing, true);
    assert.equal(play.state.positionMs, 1500);

    const noPos = await control(a.s, p.channel, { action: 'seek' });
    assert.ok(noPos.t === 'err' && noPos.code === 'validation_failed');
    const tooLong = await control(a.s, p.channel, { action: 'play', leadMs: 60_000 });
    assert.ok(tooLong.t === 'err' && tooLong.code === 'validation_failed');
    const tooFast = await control(a.s, p.channel, { action: 'rate', rate: 16 });
    assert.ok(tooFast.t === 'err' && tooFast.code === 'validation_failed');

    // A retried control (same cid) is applied once.
    await control(a.s, p.channel, { action: 'pause' }, 'retry-1');
    await control(a.s, p.channel, { action: 'pause' }, 'retry-1');
    const got = await t.app.services.watch.get(host.id, p.id);
    assert.equal(got.state.version, 6);

    // A late joiner reads the same state over HTTP.
    const late = await TestUser.signup(t, 'w_late');
    const lp = await late.invoke(api.watch.join, { params: { id: p.id } });
    assert.deepEqual(lp.body.state, got.state);
    for (const x of [a.s, b.s]) x.close();
  });

  test('the host locks control to themself or co-hosts; others are refused but can still watch and chat', async () => {
    const p = await party();
    const co = await TestUser.signup(t, 'w_cohost');
    await guest.invoke(api.watch.join, { params: { id: p.id } });
    await co.invoke(api.watch.join, { params: { id: p.id } });
    assertRefused(
      await guest.invoke(api.watch.setControl, { params: { id: p.id }, body: { mode: 'host' } }),
      403,
      'forbidden',
      'only the host locks',
    );
    const locked = await host.invoke(api.watch.setControl, { params: { id: p.id }, body: { mode: 'host' } });
    assert.equal(locked.body.controlMode, 'host');

    const g = await sub(guest, p.channel);
    const c = await sub(co, p.channel);
    const refused = await control(g.s, p.channel, { action: 'seek', positionMs: 100 });
    assert.ok(refused.t === 'err' && refused.code === 'forbidden', JSON.stringify(refused));
    assert.equal((await t.app.services.watch.get(host.id, p.id)).state.version, 1, 'nothing changed');
    assertRefused(
      await guest.invoke(api.watch.addToPlaylist, { params: { id: p.id }, body: { videoIds: [secondVideo] } }),
      403,
      'forbidden',
    );

    const cohosts = await host.invoke(api.watch.setControl, { params: { id: p.id }, body: { mode: 'cohosts', cohosts: [co.id] } });
    assert.deepEqual(
      cohosts.body.members.map((m) => [m.user.handle, m.role]),
      [
        ['w_host', 'host'],
        ['w_cohost', 'cohost'],
        ['w_guest', 'member'],
      ],
    );
    assert.equal((await control(c.s, p.channel, { action: 'seek', positionMs: 100 })).t, 'ack');
    const stillNo = await control(g.s, p.channel, { action: 'pause' });
    assert.ok(stillNo.t === 'err' && stillNo.code === 'forbidden');
    const outsider = await TestUser.signup(t, 'w_outside');
    assertRefused(
      await host.invoke(api.watch.setControl, { params: { id: p.id }, body: { mode: 'cohosts', cohosts: [outsider.id] } }),
      400,
      'validation_failed',
    );

    // Reactions and chat are for everyone in the party; reactions are not stored.
    g.s.send({ t: 'pub', ch: p.channel, cid: 'r1', body: { kind: 'reaction', emoji: '🔥' } });
    await c.s.next((f) => f.t === 'ev' && f.body.kind === 'reaction' && f.seq === undefined);
    g.s.send({ t: 'pub', ch: p.channel, cid: 'm1', body: { kind: 'chat', text: 'so good' } });
    const msg = await c.s.next((f) => f.t === 'ev' && f.body.kind === 'chat');
    assert.ok(msg.t === 'ev' && typeof msg.seq === 'number' && msg.from === guest.id);
    g.s.send({ t: 'pub', ch: p.channel, cid: 'x1', body: { kind: 'broadcast', text: 'hi' } });
    const wrongKind = await g.s.next((f) => f.t === 'err' && f.ref === 'x1');
    assert.ok(wrongKind.t === 'err' && wrongKind.code === 'forbidden');
    for (const x of [g.s, c.s]) x.close();
  });

  test('hand over; the host leaving passes the role on; leaving and rejoining keep the party going', async () => {
    const p = await party();
    const third = await TestUser.signup(t, 'w_third');
    await guest.invoke(api.watch.join, { params: { id: p.id } });
    await third.invoke(api.watch.join, { params: { id: p.id } });
    assertRefused(await guest.invoke(api.watch.handOver, { params: { id: p.id }, body: { userId: guest.id } }), 403, 'forbidden');
    const outsider = await TestUser.signup(t, 'w_nobody');
    assertRefused(await host.invoke(api.watch.handOver, { params: { id: p.id }, body: { userId: outsider.id } }), 404, 'not_found');

    const watcher = await sub(third, p.channel);
    const handed = await host.invoke(api.watch.handOver, { params: { id: p.id }, body: { userId: guest.id } });
    assert.equal(handed.body.host?.id, guest.id);
    assert.equal(handed.body.me.role, 'cohost', 'the old host keeps a hand on the controls');
    const ev = await watcher.s.next((f) => f.t === 'ev' && f.body.kind === 'watch_party' && f.body.party.host?.id === guest.id);
    assert.ok(ev.t === 'ev');

    // The host leaves: the co-host (the old host) takes over, and the party plays on.
    assert.equal((await guest.invoke(api.watch.leave, { params: { id: p.id } })).status, 200);
    const after1 = await third.invoke(api.watch.get, { params: { id: p.id } });
    assert.equal(after1.body.host?.id, host.id);
    assert.equal(after1.body.state.version, 1, 'playback untouched');
    assert.equal((await sub(guest, p.channel)).ok, false, 'a leaver no longer listens');

    // Everyone leaves: the party stays; whoever comes back first hosts it.
    await host.invoke(api.watch.leave, { params: { id: p.id } });
    await third.invoke(api.watch.leave, { params: { id: p.id } });
    const back = await guest.invoke(api.watch.join, { params: { id: p.id } });
    assert.equal(back.body.host?.id, guest.id);
    assert.deepEqual(back.body.me, { joined: true, role: 'host', canControl: true });
    const again = await third.invoke(api.watch.join, { params: { id: p.id } });
    assert.deepEqual(
      again.body.members.map((m) => m.user.handle),
      ['w_guest', 'w_third'],
    );
    watcher.s.close();
  });

  test('playlist: next video and picking one; the end of the list is a conflict', async () => {
    const p = await party({ videoIds: [publicVideo, secondVideo] });
    const a = await sub(host, p.channel);
    await control(a.s, p.channel, { action: 'next' });
    const s = await nextState(a.s, p.channel, 2);
    assert.equal(s.state.videoId, secondVideo);
    assert.equal(s.state.positionMs, 0);
    const end = await control(a.s, p.channel, { action: 'next' });
    assert.ok(end.t === 'err' && end.code === 'conflict');
    const notThere = await control(a.s, p.channel, { action: 'video', videoId: friendsVideo });
    assert.ok(notThere.t === 'err' && notThere.code === 'not_found');
    await control(a.s, p.channel, { action: 'video', videoId: publicVideo });
    assert.equal((await nextState(a.s, p.channel, 3)).state.videoId, publicVideo);
    const added = await host.invoke(api.watch.addToPlaylist, { params: { id: p.id }, body: { videoIds: [friendsVideo] } });
    assert.equal(added.body.playlist.length, 3);
    a.s.close();
  });

  test('the party waits for someone buffering, resumes when they are ready, and goes on without them after a few seconds', async () => {
    const p = await party();
    await guest.invoke(api.watch.join, { params: { id: p.id } });
    const a = await sub(host, p.channel);
    const b = await sub(guest, p.channel);
    const presence = (s: TestSocket, status: string, cid: string) =>
      s.send({ t: 'pub', ch: p.channel, cid, body: { kind: 'watch_presence', status, rttMs: 20 } });

    presence(b.s, 'buffering', 'p1');
    const wait = await nextState(a.s, p.channel, 2);
    assert.equal(wait.action, 'wait');
    assert.equal(wait.state.playing, false);
    assert.equal(wait.state.waiting, true);
    presence(b.s, 'ready', 'p2');
    const resume = await nextState(a.s, p.channel, 3);
    assert.equal(resume.action, 'resume');
    assert.equal(resume.state.playing, true);
    assert.equal(resume.state.positionMs, wait.state.positionMs, 'resumes where it waited');

    // The same person buffering again soon does not stall the party again (cool-down)…
    presence(b.s, 'buffering', 'p3');
    // The service decides on a presence before acknowledging it.
    await b.s.next((f) => f.t === 'ack' && f.cid === 'p3');
    assert.equal((await t.app.services.watch.get(host.id, p.id)).state.version, 3);
    // …but someone else does, and the party goes on without them after the wait.
    const third = await TestUser.signup(t, 'w_slow');
    await third.invoke(api.watch.join, { params: { id: p.id } });
    const c = await sub(third, p.channel);
    const started = Date.now();
    presence(c.s, 'buffering', 'p4');
    await nextState(a.s, p.channel, 4);
    const goOn = await nextState(a.s, p.channel, 5);
    assert.equal(goOn.action, 'resume');
    assert.ok(Date.now() - started >= 2900, 'waited about three seconds');
    for (const x of [a.s, b.s, c.s]) x.close();
  });
});
