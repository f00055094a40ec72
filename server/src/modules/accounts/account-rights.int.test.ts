import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { unzipSync, strFromU8 } from 'fflate';
import { api, type Video } from '@tremolo/protocol';
import { assertRefused, startTestApp, TestUser, type TestApp, type TestSocket } from '../../test/harness.ts';
import { sampleVideo } from '../videos/fixtures.ts';
import { buyer, buyNow, pay, product, seller, uniq, waitFor } from '../shop/fixtures.ts';

let t: TestApp;
let bytes: Buffer;
const GRACE_DAYS = 7;
const DAY_MS = 86_400_000;

before(async () => {
  // The sweep runs only when a test calls it, at the time the test names.
  t = await startTestApp({}, { ACCOUNT_DELETION_GRACE_DAYS: String(GRACE_DAYS), ACCOUNT_EXPORT_TTL_HOURS: '48', ACCOUNT_SWEEP_SEC: '0' });
  bytes = await readFile(await sampleVideo('rights', { seconds: 1 }));
});
after(async () => t.close());

async function upload(who: TestUser, caption: string): Promise<Video> {
  const v = await who.uploadVideo(bytes, { caption, visibility: 'public' });
  const done = await waitFor(
    () => who.invoke(api.videos.get, { params: { id: v.id } }),
    (r) => r.body.status !== 'processing',
    60_000,
  );
  assert.equal(done.body.status, 'ready', `processing ${caption}`);
  return done.body;
}

async function friends(a: TestUser, b: TestUser): Promise<void> {
  await a.invoke(api.graph.follow, { params: { handle: b.handle } });
  await b.invoke(api.graph.follow, { params: { handle: a.handle } });
}

/** Publishes on a DM channel and returns the ack or the refusal. */
async function dm(from: TestUser, s: TestSocket, to: TestUser, body: Record<string, unknown>) {
  const thread = (await from.invoke(api.dms.get, { params: { handle: to.handle } })).body;
  const cid = uniq('c');
  s.send({ t: 'pub', ch: thread.channel, cid, body } as never);
  return s.next((f) => (f.t === 'ack' && f.cid === cid) || (f.t === 'err' && f.ref === cid));
}

/** The archive's bytes as its owner (or anyone else) downloads them. */
async function download(who: TestUser | null, url: string) {
  const res = await t.app.http.inject({ method: 'GET', url, headers: who ? { cookie: who.cookie } : {} });
  return {
    status: res.statusCode,
    headers: res.headers,
    body: res.rawPayload,
    json: () => JSON.parse(res.body) as { error: { code: string } },
  };
}

async function readyExport(u: TestUser) {
  const s = await waitFor(
    () => u.invoke(api.rights.exportStatus),
    (r) => r.body.latest?.state === 'ready' || r.body.latest?.state === 'failed',
    60_000,
  );
  assert.equal(s.body.latest?.state, 'ready', JSON.stringify(s.body));
  return s.body.latest!;
}

async function login(u: TestUser, password = 'correct horse battery') {
  return u.invoke(api.accounts.login, { body: { handle: u.handle, password } });
}

describe('privacy settings', () => {
  test('read and change them; search visibility is the profile setting, not a copy', async () => {
    const u = await TestUser.signup(t, uniq('priv'));
    const first = await u.invoke(api.rights.privacy);
    assert.deepEqual(first.body, { messages: 'everyone', invites: 'everyone', likesVisible: true, discoverable: true });
    const changed = await u.invoke(api.rights.setPrivacy, { body: { messages: 'friends', likesVisible: false, discoverable: false } });
    assert.deepEqual(changed.body, { messages: 'friends', invites: 'everyone', likesVisible: false, discoverable: false });
    assert.equal((await u.invoke(api.accounts.me)).body.discoverable, false);
    const bad = await u.call('PATCH', api.rights.setPrivacy.path, { messages: 'nobody' });
    assert.equal(bad.status, 400);
  });

  test('who may message me: everyone, people I follow, friends', async () => {
    const me = await TestUser.signup(t, uniq('dmp_me'));
    const stranger = await TestUser.signup(t, uniq('dmp_st'));
    const followed = await TestUser.signup(t, uniq('dmp_fo'));
    await me.invoke(api.graph.follow, { params: { handle: followed.handle } });
    await me.invoke(api.rights.setPrivacy, { body: { messages: 'following' } });
    const ss = await stranger.socket();
    const fs = await followed.socket();
    const refused = await dm(stranger, ss, me, { kind: 'chat', text: 'hello?' });
    assert.equal(refused.t, 'err');
    assert.equal(refused.t === 'err' && refused.code, 'dm_not_allowed');
    assert.equal((await dm(followed, fs, me, { kind: 'chat', text: 'hi, you follow me' })).t, 'ack');

    await me.invoke(api.rights.setPrivacy, { body: { messages: 'friends' } });
    const notFriend = await dm(followed, fs, me, { kind: 'chat', text: 'again' });
    // The conversation followed started is still only a request: friends only now.
    assert.equal(notFriend.t === 'err' && notFriend.code, 'dm_not_allowed');
    await followed.invoke(api.graph.follow, { params: { handle: me.handle } });
    assert.equal((await dm(followed, fs, me, { kind: 'chat', text: 'friends now' })).t, 'ack');

    await me.invoke(api.rights.setPrivacy, { body: { messages: 'everyone' } });
    assert.equal((await dm(stranger, ss, me, { kind: 'chat', text: 'hello!' })).t, 'ack');
    ss.close();
    fs.close();
  });

  test('who may invite me to watch parties and rooms', async () => {
    const me = await TestUser.signup(t, uniq('inv_me'));
    const stranger = await TestUser.signup(t, uniq('inv_st'));
    const friend = await TestUser.signup(t, uniq('inv_fr'));
    await friends(me, friend);
    await me.invoke(api.rights.setPrivacy, { body: { invites: 'friends' } });
    const ss = await stranger.socket();
    const fs = await friend.socket();
    const party = { kind: 'share', target: { type: 'watch', id: '00000000-0000-7000-8000-000000000001' } };
    const refused = await dm(stranger, ss, me, party);
    assert.equal(refused.t === 'err' && refused.code, 'invite_not_allowed');
    const room = await dm(stranger, ss, me, { kind: 'share', target: { type: 'room', id: '00000000-0000-7000-8000-000000000002' } });
    assert.equal(room.t === 'err' && room.code, 'invite_not_allowed');
    // Ordinary messages are a different setting.
    assert.equal((await dm(stranger, ss, me, { kind: 'chat', text: 'just talking' })).t, 'ack');
    assert.equal((await dm(friend, fs, me, party)).t, 'ack');
    ss.close();
    fs.close();
  });

  test('whether my likes are visible', async () => {
    const author = await TestUser.signup(t, uniq('lk_au'));
    const liker = await TestUser.signup(t, uniq('lk_me'));
    const other = await TestUser.signup(t, uniq('lk_ot'));
    const v = await upload(author, 'like me');
    await liker.invoke(api.videos.like, { params: { id: v.id } });
    const open = await other.invoke(api.rights.likes, { params: { handle: liker.handle } });
    assert.deepEqual(
      open.body.items.map((i) => i.id),
      [v.id],
    );
    await liker.invoke(api.rights.setPrivacy, { body: { likesVisible: false } });
    assertRefused(await other.invoke(api.rights.likes, { params: { handle: liker.handle } }), 403, 'likes_hidden');
    assertRefused(await new TestUser(t).invoke(api.rights.likes, { params: { handle: liker.handle } }), 403, 'likes_hidden', 'logged out');
    assert.equal((await liker.invoke(api.rights.likes, { params: { handle: liker.handle } })).body.items.length, 1, 'always to myself');
  });
});

describe('download my data', () => {
  test('the archive holds my data and not what others sent me; only I download it; it expires', async () => {
    const ana = await TestUser.signup(t, uniq('exp_ana'));
    const bob = await TestUser.signup(t, uniq('exp_bob'));
    const shopOwner = await seller(t);
    await friends(ana, bob);
    const mine = await upload(ana, 'my own clip');
    const bobs = await upload(bob, 'bob clip');
    await ana.invoke(api.videos.comment, { params: { id: bobs.id }, body: { text: 'ana says nice' } });
    await bob.invoke(api.videos.comment, { params: { id: bobs.id }, body: { text: 'bob private thought' } });
    const as = await ana.socket();
    const bs = await bob.socket();
    assert.equal((await dm(ana, as, bob, { kind: 'chat', text: 'ana to bob' })).t, 'ack');
    assert.equal((await dm(bob, bs, ana, { kind: 'chat', text: 'bob secret to ana' })).t, 'ack');
    as.close();
    bs.close();
    // Ana buys; another buyer's order from the same seller (with their address) must not leak.
    const p = await product(shopOwner);
    const anaBuyer = {
      user: ana,
      address: (
        await ana.invoke(api.shop.addAddress, { body: { name: 'Ana', phone: '+86 138 0000 0000', line1: 'Ana Road 1', city: 'Shanghai' } })
      ).body,
    };
    const order = await buyNow(anaBuyer, shopOwner.id, p.variants[0]!.id);
    assert.equal(order.status, 201, JSON.stringify(order.error));
    const someone = await buyer(t);
    await buyNow(someone, shopOwner.id, p.variants[0]!.id);

    const asked = await ana.invoke(api.rights.requestExport);
    assert.equal(asked.status, 202);
    assert.ok(asked.body.latest && ['pending', 'building', 'ready'].includes(asked.body.latest.state));
    assert.ok(asked.body.nextAllowedAt, 'the next one waits a day');
    assertRefused(await ana.invoke(api.rights.requestExport), 429, 'rate_limited', 'a second archive the same day');

    const ready = await readyExport(ana);
    assert.ok(ready.downloadUrl && ready.expiresAt && ready.bytes);
    const inbox = await ana.invoke(api.notifications.list);
    assert.ok(
      inbox.body.items.some((n) => n.payload.kind === 'data_export' && n.payload.exportId === ready.id && n.payload.state === 'ready'),
    );

    const got = await download(ana, ready.downloadUrl);
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-type'], 'application/zip');
    assert.match(String(got.headers['content-disposition']), /attachment/);
    const files = unzipSync(new Uint8Array(got.body));
    const json = (name: string): unknown => {
      assert.ok(files[name], `${name} in ${Object.keys(files).join(', ')}`);
      return JSON.parse(strFromU8(files[name]));
    };
    const profile = json('profile.json') as { handle: string; privacy: { messages: string } };
    assert.equal(profile.handle, ana.handle);
    assert.equal(profile.privacy.messages, 'everyone');
    const follows = json('follows.json') as { following: { handle: string }[]; followers: { handle: string }[] };
    assert.deepEqual(
      follows.following.map((f) => f.handle),
      [bob.handle],
    );
    assert.deepEqual(
      follows.followers.map((f) => f.handle),
      [bob.handle],
    );
    const dms = json('messages/direct-messages.json') as { to: string; body: { text?: string } }[];
    assert.deepEqual(
      dms.map((m) => [m.to, m.body.text]),
      [[bob.handle, 'ana to bob']],
    );
    const comments = json('comments.json') as { text: string }[];
    assert.deepEqual(
      comments.map((c) => c.text),
      ['ana says nice'],
    );
    const videos = json('videos.json') as { id: string; file: string }[];
    assert.deepEqual(
      videos.map((v) => v.id),
      [mine.id],
    );
    assert.ok(files[videos[0]!.file]!.length > 1000, 'my video file is in the archive');
    const orders = json('orders.json') as { id: string; address: { line1: string } }[];
    assert.deepEqual(
      orders.map((o) => [o.id, o.address.line1]),
      [[order.body.id, 'Ana Road 1']],
    );
    assert.deepEqual(json('reviews.json'), [], 'the reviews file is there (she has written none)');
    const all = Object.values(files)
      .map((f) => Buffer.from(f).toString('latin1'))
      .join('\n');
    for (const secret of ['bob secret to ana', 'bob private thought', '1 Road']) assert.ok(!all.includes(secret), `${secret} leaked`);

    // Only its owner: anyone else, signed in or not, learns nothing.
    assert.equal((await download(bob, ready.downloadUrl)).status, 404);
    assert.equal((await download(bob, ready.downloadUrl)).json().error.code, 'not_found');
    assert.equal((await download(null, ready.downloadUrl)).status, 401);

    // Past its time the link is dead even before the sweep, and the sweep removes the file.
    await t.app.services.accounts.rights.sweep(new Date(Date.now() + 49 * 3_600_000));
    assert.equal((await download(ana, ready.downloadUrl)).status, 404);
    const after = await ana.invoke(api.rights.exportStatus);
    assert.equal(after.body.latest?.state, 'expired');
    assert.equal(after.body.latest?.downloadUrl, null);
  });
});

describe('delete my account', () => {
  test('password again, a grace period, and logging in can cancel', async () => {
    const u = await TestUser.signup(t, uniq('del_c'));
    assertRefused(await u.invoke(api.rights.requestDeletion, { body: { password: 'wrong one' } }), 401, 'invalid_credentials');
    const before = Date.now();
    const asked = await u.invoke(api.rights.requestDeletion, { body: { password: 'correct horse battery' } });
    assert.equal(asked.status, 200);
    assert.equal(asked.body.graceDays, GRACE_DAYS);
    const due = Date.parse(asked.body.dueAt ?? '');
    assert.ok(due >= before + GRACE_DAYS * DAY_MS - 1000 && due <= Date.now() + GRACE_DAYS * DAY_MS + 1000);
    // Every session ended, this one too.
    assertRefused(await u.invoke(api.accounts.me), 401, 'unauthenticated');
    const back = await login(u);
    assert.equal(back.status, 200);
    assert.equal(back.body.user.deletionDueAt, asked.body.dueAt, 'logging in shows the pending deletion');
    const cancelled = await u.invoke(api.rights.cancelDeletion);
    assert.equal(cancelled.body.dueAt, null);
    assert.equal((await u.invoke(api.accounts.me)).body.deletionDueAt, null);
    // A sweep long after the old due time deletes nothing.
    await t.app.services.accounts.rights.sweep(new Date(Date.now() + (GRACE_DAYS + 1) * DAY_MS));
    await t.app.services.accounts.rights.deleteNow(u.id, new Date(Date.now() + (GRACE_DAYS + 1) * DAY_MS));
    assert.equal((await u.invoke(api.accounts.me)).status, 200);
  });

  test('after the grace period: comments removed, videos and files gone, sessions revoked, orders anonymised', async () => {
    const ana = await TestUser.signup(t, uniq('del_ana'));
    const bob = await TestUser.signup(t, uniq('del_bob'));
    const shopOwner = await seller(t);
    await friends(ana, bob);
    const anasVideo = await upload(ana, 'going away');
    const bobs = await upload(bob, 'stays');
    const c = await ana.invoke(api.videos.comment, { params: { id: bobs.id }, body: { text: 'soon gone' } });
    await bob.invoke(api.videos.comment, { params: { id: bobs.id }, body: { text: 'a reply stays', parentId: c.body.id } });
    const as = await ana.socket();
    assert.equal((await dm(ana, as, bob, { kind: 'chat', text: 'remember me' })).t, 'ack');
    as.close();
    const p = await product(shopOwner);
    const anaBuyer = {
      user: ana,
      address: (
        await ana.invoke(api.shop.addAddress, { body: { name: 'Ana', phone: '+86 138 0000 0000', line1: 'Ana Road 9', city: 'Shanghai' } })
      ).body,
    };
    const paid = (await buyNow(anaBuyer, shopOwner.id, p.variants[0]!.id)).body;
    assert.equal((await pay(ana, paid.id)).status, 200);
    const dropped = (await buyNow(anaBuyer, shopOwner.id, p.variants[0]!.id)).body;
    assert.equal((await ana.invoke(api.shop.cancelOrder, { params: { id: dropped.id }, body: { reason: 'changed my mind' } })).status, 200);
    // A second device stays signed in through the request? No: every session ends at once.
    const phone = new TestUser(t);
    phone.handle = ana.handle;
    assert.equal((await login(phone)).status, 200);
    assert.equal((await ana.invoke(api.rights.requestDeletion, { body: { password: 'correct horse battery' } })).status, 200);
    assertRefused(await phone.invoke(api.accounts.me), 401, 'unauthenticated', 'the other device');
    // Logging in during the grace period works (to cancel) …
    assert.equal((await login(phone)).status, 200);

    const later = new Date(Date.now() + (GRACE_DAYS + 1) * DAY_MS);
    await t.app.services.accounts.rights.sweep(later);
    const gone = await waitFor(
      () => t.app.services.accounts.rows([ana.id]),
      (rows) => rows[0]?.deletedAt != null && rows.length === 1,
      30_000,
    );
    assert.ok(gone[0]?.deletedAt);
    // Run the erasure through to the end here (the job may still be working): it is idempotent.
    await t.app.services.accounts.rights.deleteNow(ana.id, later);

    // … and after it, nothing: the session on the phone was revoked, the password no longer works.
    assertRefused(await phone.invoke(api.accounts.me), 401, 'unauthenticated', 'sessions revoked');
    assertRefused(await login(ana), 401, 'invalid_credentials');
    assertRefused(await bob.invoke(api.cards.card, { params: { handle: ana.handle } }), 404, 'not_found');

    const comments = await bob.invoke(api.videos.comments, { params: { id: bobs.id } });
    const removed = comments.body.items.find((x) => x.id === c.body.id);
    assert.ok(removed, 'the comment keeps its place');
    assert.equal(removed.removed, true);
    assert.equal(removed.text, '');
    assert.equal(removed.author.deleted, true);
    assert.equal(removed.replies, 1, 'replies stay');
    assertRefused(await bob.invoke(api.videos.get, { params: { id: anasVideo.id } }), 404, 'not_found');
    const stored = await t.app.services.videos.rowsByIds([anasVideo.id]);
    assert.equal(stored.length, 0);

    // The DM stays for bob, from "deleted user".
    const thread = (await bob.invoke(api.dms.list)).body.items.find((x) => x.peer.id === ana.id);
    assert.ok(thread);
    assert.equal(thread.peer.deleted, true);
    assert.equal(thread.peer.displayName, '');

    // Orders stay for the seller: the paid one keeps its address (it still has to ship), the cancelled one does not.
    const keep = await shopOwner.invoke(api.shop.order, { params: { id: paid.id } });
    assert.equal(keep.status, 200);
    assert.equal(keep.body.buyer.deleted, true);
    assert.equal(keep.body.address.line1, 'Ana Road 9');
    const blank = await shopOwner.invoke(api.shop.order, { params: { id: dropped.id } });
    assert.equal(blank.body.address.line1, '');
    assert.equal(blank.body.address.name, '');
  });
});
