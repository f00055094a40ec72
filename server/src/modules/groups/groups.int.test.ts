import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, type Group } from '@tremolo/protocol';
import { assertRefused, startTestApp, TestUser, type TestApp, type TestSocket } from '../../test/harness.ts';

let t: TestApp;
let owner: TestUser;
before(async () => {
  t = await startTestApp({ chatMessagesPer10s: 5 });
  owner = await TestUser.signup(t, 'gr_owner');
});
after(async () => t.close());

async function group(body: Record<string, unknown>): Promise<Group> {
  const r = await owner.invoke(api.groups.create, { body: { name: 'Lina fans', ...body } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function joined(u: TestUser, g: Group): Promise<TestSocket> {
  const s = await u.socket();
  s.send({ t: 'sub', ch: g.channel });
  await s.next((f) => (f.t === 'subbed' || f.t === 'err') && ('ch' in f ? f.ch === g.channel : f.ref === g.channel));
  return s;
}

const chat = (s: TestSocket, ch: string, cid: string, text: string, extra: Record<string, unknown> = {}) => {
  s.send({ t: 'pub', ch, cid, body: { kind: 'chat', text, ...extra } });
  return s.next((f) => (f.t === 'ack' && f.cid === cid) || (f.t === 'err' && f.ref === cid));
};

describe('fan groups', () => {
  test('join rules: anyone, followers, fan level, invite link, approval', async () => {
    const fan = await TestUser.signup(t, 'gr_fan');
    const open = await group({ joinRule: 'anyone' });
    assert.equal((await fan.invoke(api.groups.join, { params: { id: open.id }, body: {} })).body.status, 'member');

    const followers = await group({ joinRule: 'followers' });
    const refused = await fan.invoke(api.groups.join, { params: { id: followers.id }, body: {} });
    assert.match(assertRefused(refused, 403, 'forbidden'), /Follow/);
    await fan.invoke(api.graph.follow, { params: { handle: 'gr_owner' } });
    assert.equal((await fan.invoke(api.groups.join, { params: { id: followers.id }, body: {} })).status, 200);

    const levelled = await group({ joinRule: 'fan_level', minFanLevel: 2 });
    assertRefused(await fan.invoke(api.groups.join, { params: { id: levelled.id }, body: {} }), 403, 'forbidden');
    await t.app.services.fans.award(owner.id, fan.id, 10);
    assert.equal((await fan.invoke(api.groups.join, { params: { id: levelled.id }, body: {} })).status, 200);

    const invite = await group({ joinRule: 'invite' });
    assertRefused(await fan.invoke(api.groups.join, { params: { id: invite.id }, body: {} }), 403, 'forbidden');
    assertRefused(await fan.invoke(api.groups.join, { params: { id: invite.id }, body: { inviteCode: 'wrong' } }), 403, 'forbidden');
    assert.ok(invite.inviteCode, 'the owner sees the invite code');
    assert.equal((await fan.invoke(api.groups.join, { params: { id: invite.id }, body: { inviteCode: invite.inviteCode } })).status, 200);
    const asFan = await fan.invoke(api.groups.get, { params: { id: invite.id } });
    assert.equal(asFan.body.inviteCode, null, 'members do not see the invite code');

    const approval = await group({ joinRule: 'approval' });
    const asked = await fan.invoke(api.groups.join, { params: { id: approval.id }, body: {} });
    assert.equal(asked.body.status, 'pending');
    const inbox = await owner.invoke(api.notifications.list);
    assert.ok(inbox.body.items.some((n) => n.payload.kind === 'join_request'));
    const pending = await owner.invoke(api.groups.members, { params: { id: approval.id }, query: { status: 'pending' } });
    assert.deepEqual(
      pending.body.items.map((m) => m.user.handle),
      ['gr_fan'],
    );
    assertRefused(await fan.invoke(api.groups.members, { params: { id: approval.id } }), 403, 'forbidden');
    assert.equal(
      (await owner.invoke(api.groups.moderate, { params: { id: approval.id, userId: fan.id }, body: { action: 'approve' } })).status,
      200,
    );
    assert.equal((await fan.invoke(api.groups.get, { params: { id: approval.id } })).body.me?.status, 'member');
  });

  test("what stops a join is a code the screens can act on, and the creator's card tells a fan their level", async () => {
    const fan = await TestUser.signup(t, 'gr_fan_code');
    const followers = await group({ joinRule: 'followers' });
    const levelled = await group({ joinRule: 'fan_level', minFanLevel: 3 });
    const before = await fan.invoke(api.groups.get, { params: { id: followers.id } });
    assert.equal(before.body.me?.joinBlocked, 'follow');
    assert.equal((await fan.invoke(api.groups.get, { params: { id: levelled.id } })).body.me?.joinBlocked, 'fan_level');

    const section = async (who: TestUser | null) => {
      const card = who ? await who.invoke(api.cards.card, { params: { handle: 'gr_owner' } }) : null;
      const s = card?.body.sections.find((x) => x.kind === 'fan_groups');
      assert.ok(s && s.kind === 'fan_groups');
      return s;
    };
    const asFan = await section(fan);
    assert.equal(asFan.fanLevel, 1);
    assert.equal(asFan.groups.find((g) => g.id === followers.id)?.joinBlocked, 'follow');
    assert.equal(asFan.groups.find((g) => g.id === levelled.id)?.minFanLevel, 3);
    assert.equal((await section(owner)).fanLevel, null, 'the creator has no fan level with themself');

    await fan.invoke(api.graph.follow, { params: { handle: 'gr_owner' } });
    const after = await section(fan);
    assert.equal(after.groups.find((g) => g.id === followers.id)?.joinBlocked, null);
    assert.equal((await fan.invoke(api.groups.join, { params: { id: followers.id }, body: {} })).status, 200);
    assert.equal((await fan.invoke(api.groups.get, { params: { id: followers.id } })).body.me?.joinBlocked, null);
  });

  test('capacity holds under concurrent joins', async () => {
    const g = await group({ capacity: 5 });
    const crowd = await Promise.all(Array.from({ length: 10 }, (_, i) => TestUser.signup(t, `gr_crowd${i}`)));
    const results = await Promise.all(crowd.map((u) => u.invoke(api.groups.join, { params: { id: g.id }, body: {} })));
    assert.equal(results.filter((r) => r.status === 200).length, 4);
    assert.ok(results.filter((r) => r.status !== 200).every((r) => r.status === 409));
    assert.equal((await owner.invoke(api.groups.get, { params: { id: g.id } })).body.members, 5);
  });

  test('parallel approvals admit once; a lower capacity racing joins never leaves more members than seats', async () => {
    const g = await group({ capacity: 10, joinRule: 'approval' });
    const fan = await TestUser.signup(t, 'gr_race_fan');
    assert.equal((await fan.invoke(api.groups.join, { params: { id: g.id }, body: {} })).body.status, 'pending');
    const approvals = await Promise.all(
      Array.from({ length: 8 }, () =>
        owner.invoke(api.groups.moderate, { params: { id: g.id, userId: fan.id }, body: { action: 'approve' } }),
      ),
    );
    assert.deepEqual(approvals.map((r) => r.status).sort(), [200, 404, 404, 404, 404, 404, 404, 404]);
    assert.equal((await owner.invoke(api.groups.get, { params: { id: g.id } })).body.members, 2, 'counted once');

    const open = await group({ capacity: 12 });
    const crowd = await Promise.all(Array.from({ length: 10 }, (_, i) => TestUser.signup(t, `gr_shrink${i}`)));
    const [shrink, ...joins] = await Promise.all([
      owner.invoke(api.groups.update, { params: { id: open.id }, body: { capacity: 4 } }),
      ...crowd.map((u) => u.invoke(api.groups.join, { params: { id: open.id }, body: {} })),
    ]);
    const after = (await owner.invoke(api.groups.get, { params: { id: open.id } })).body;
    const joined = joins.filter((r) => r.status === 200).length;
    assert.equal(after.members, 1 + joined);
    assert.ok(after.members <= after.capacity, `${after.members} members, capacity ${after.capacity} (shrink: ${shrink!.status})`);
    const listed = await owner.invoke(api.groups.members, { params: { id: open.id }, query: { limit: 50 } });
    assert.equal(listed.body.items.length, after.members);
  });

  test('members chat live with fan badges; outsiders cannot read or write', async () => {
    const g = await group({});
    const a = await TestUser.signup(t, 'gr_chat_a');
    const outsider = await TestUser.signup(t, 'gr_outsider');
    await a.invoke(api.groups.join, { params: { id: g.id }, body: {} });
    const os = await joined(owner, g);
    const as = await joined(a, g);
    const ack = await chat(as, g.channel, 'c1', 'hello @gr_owner', { mentions: [owner.id] });
    assert.equal(ack.t, 'ack');
    const ev = await os.next((f) => f.t === 'ev' && f.body.kind === 'chat' && f.body.text === 'hello @gr_owner');
    assert.ok(ev.t === 'ev' && ev.body.kind === 'chat' && ev.body.fanLevel === 1 && ev.from === a.id);
    const mention = await os
      .next(
        (f) =>
          f.t === 'ev' && f.ch === `user:${owner.id}` && f.body.kind === 'notification' && f.body.notification.payload.kind === 'mention',
      )
      .catch(() => null);
    void mention; // the owner is not subscribed to the inbox here; the stored inbox is checked below
    const inbox = await owner.invoke(api.notifications.list);
    assert.ok(inbox.body.items.some((n) => n.payload.kind === 'mention'));

    const o = await outsider.socket();
    o.send({ t: 'sub', ch: g.channel });
    const denied = await o.next((f) => f.t === 'err');
    assert.ok(denied.t === 'err' && denied.code === 'forbidden');
    const w = await chat(o, g.channel, 'x1', 'let me in');
    assert.ok(w.t === 'err' && w.code === 'forbidden');
    assertRefused(await outsider.invoke(api.groups.messages, { params: { id: g.id } }), 403, 'forbidden');

    const allByMember = await chat(as, g.channel, 'c2', 'everyone look', { mentionAll: true });
    assert.ok(allByMember.t === 'err' && allByMember.code === 'forbidden');
    const bad = await chat(as, g.channel, 'c3', 'x'.repeat(2001));
    assert.ok(bad.t === 'err' && bad.code === 'validation_failed');
    for (const s of [os, as, o]) s.close();
  });

  test('moderation: mute, mute all, flood limit, delete, ban with eviction', async () => {
    const g = await group({});
    const m = await TestUser.signup(t, 'gr_mod_m');
    await m.invoke(api.groups.join, { params: { id: g.id }, body: {} });
    const ms = await joined(m, g);
    const os = await joined(owner, g);
    assert.equal(
      (await m.invoke(api.groups.moderate, { params: { id: g.id, userId: owner.id }, body: { action: 'mute', minutes: 5 } })).status,
      403,
      'members cannot moderate',
    );

    await owner.invoke(api.groups.moderate, { params: { id: g.id, userId: m.id }, body: { action: 'mute', minutes: 5 } });
    const muted = await chat(ms, g.channel, 'm1', 'can I talk?');
    assert.ok(muted.t === 'err' && muted.code === 'forbidden' && /muted/.test(muted.message));
    await owner.invoke(api.groups.moderate, { params: { id: g.id, userId: m.id }, body: { action: 'unmute' } });
    assert.equal((await chat(ms, g.channel, 'm2', 'thanks')).t, 'ack');

    await owner.invoke(api.groups.update, { params: { id: g.id }, body: { mutedAll: true, announcement: 'Live sale at 8pm!' } });
    const quiet = await chat(ms, g.channel, 'm3', 'hello?');
    assert.ok(quiet.t === 'err' && quiet.code === 'forbidden');
    assert.equal((await chat(os, g.channel, 'o1', 'admins still talk')).t, 'ack');
    await owner.invoke(api.groups.update, { params: { id: g.id }, body: { mutedAll: false } });
    assert.equal((await m.invoke(api.groups.get, { params: { id: g.id } })).body.announcement, 'Live sale at 8pm!');

    const flood = [];
    for (let i = 0; i < 8; i++) flood.push(await chat(ms, g.channel, `f${i}`, `spam ${i}`));
    assert.ok(
      flood.some((f) => f.t === 'err' && f.code === 'rate_limited'),
      'flooding is limited',
    );

    const ack = (await chat(os, g.channel, 'd1', 'to be deleted')) as { t: 'ack'; seq: number };
    assertRefused(await m.invoke(api.groups.deleteMessage, { params: { id: g.id, seq: ack.seq } }), 403, 'forbidden');
    assert.equal((await owner.invoke(api.groups.deleteMessage, { params: { id: g.id, seq: ack.seq } })).status, 200);
    const hist = await owner.invoke(api.groups.messages, { params: { id: g.id }, query: { limit: 100 } });
    const stored = hist.body.items.find((e) => e.seq === ack.seq)!;
    assert.equal(stored.body.kind, 'message_deleted', 'the text is gone from storage');

    await owner.invoke(api.groups.moderate, { params: { id: g.id, userId: m.id }, body: { action: 'ban' } });
    await ms.next((f) => f.t === 'unsubbed' && f.ch === g.channel);
    assertRefused(await m.invoke(api.groups.join, { params: { id: g.id }, body: {} }), 403, 'forbidden');
    const after = await chat(ms, g.channel, 'b1', 'am I still here?');
    assert.ok(after.t === 'err');
    ms.close();
    os.close();
  });

  test('history pages by sequence; read position drives unread', async () => {
    const g = await group({});
    const r = await TestUser.signup(t, 'gr_reader');
    await r.invoke(api.groups.join, { params: { id: g.id }, body: {} });
    const os = await joined(owner, g);
    for (let i = 1; i <= 6; i++) await chat(os, g.channel, `h${i}`, `message ${i}`);
    const g1 = await r.invoke(api.groups.get, { params: { id: g.id } });
    const head = g1.body.head;
    assert.equal(g1.body.me?.unread, head - 1, 'everything after the news of their own joining (the first frame)');
    const newest = await r.invoke(api.groups.messages, { params: { id: g.id }, query: { limit: 3 } });
    assert.deepEqual(
      newest.body.items.map((e) => e.seq),
      [head - 2, head - 1, head],
    );
    const older = await r.invoke(api.groups.messages, { params: { id: g.id }, query: { limit: 3, before: head - 2 } });
    assert.deepEqual(
      older.body.items.map((e) => e.seq),
      [head - 5, head - 4, head - 3],
    );
    assert.deepEqual((await r.invoke(api.groups.read, { params: { id: g.id }, body: { seq: head - 1 } })).body, { unread: 1 });
    assertRefused(
      await r.invoke(api.groups.read, { params: { id: g.id }, body: { seq: head + 5 } }),
      400,
      'validation_failed',
      'a forged sequence',
    );
    const mine = await r.invoke(api.groups.mine);
    assert.equal(mine.body.items.find((x) => x.id === g.id)?.me?.unread, 1);
    os.close();
  });

  test('group messages count in the Chats badge, live on every tab, and reading lowers it; writing reads the chat', async () => {
    const g = await group({});
    const os = await joined(owner, g);
    await chat(os, g.channel, 'b0', 'said before anyone joined');
    const r = await TestUser.signup(t, 'gr_badge');
    await r.invoke(api.groups.join, { params: { id: g.id }, body: {} });
    const tab = await r.socket();
    tab.send({ t: 'sub', ch: `user:${r.id}` });
    await tab.next((f) => f.t === 'subbed' && f.ch === `user:${r.id}`);
    assert.equal((await r.invoke(api.notifications.badges)).body.chats, 0, 'history from before joining is not unread');
    const ownerBefore = (await owner.invoke(api.notifications.badges)).body.chats;
    const ownerUnreadHere = (await owner.invoke(api.groups.get, { params: { id: g.id } })).body.me?.unread ?? 0;
    assert.ok(ownerUnreadHere > 0, "the reader's joining is news to the owner");
    for (let i = 1; i <= 3; i++) await chat(os, g.channel, `b${i}`, `news ${i}`);
    const { head } = (await r.invoke(api.groups.get, { params: { id: g.id } })).body;
    // Only what came after joining is unread (not the history, nor the news of their own joining).
    await tab.next((f) => f.t === 'ev' && f.body.kind === 'badges' && f.body.chats === 3);
    assert.deepEqual((await r.invoke(api.notifications.badges)).body, { notifications: 0, chats: 3 });
    // Writing in a chat reads it up to there: the owner's own messages and what came before are not unread.
    assert.equal((await owner.invoke(api.notifications.badges)).body.chats, ownerBefore - ownerUnreadHere);

    // Only the counts sent after each read are looked at.
    tab.frames.length = 0;
    await r.invoke(api.groups.read, { params: { id: g.id }, body: { seq: head - 1 } });
    await tab.next((f) => f.t === 'ev' && f.body.kind === 'badges' && f.body.chats === 1);
    tab.frames.length = 0;
    await r.invoke(api.groups.read, { params: { id: g.id }, body: { seq: head } });
    await tab.next((f) => f.t === 'ev' && f.body.kind === 'badges' && f.body.chats === 0);
    assert.equal((await r.invoke(api.notifications.badges)).body.chats, 0);
    os.close();
    tab.close();
  });

  test('a coupon dropped in the group is claimed first come, first served', async () => {
    await owner.invoke(api.shop.upsertShop, { body: { name: 'Lina shop' } });
    const g = await group({});
    const now = Date.now();
    const coupon = await owner.invoke(api.shop.createCoupon, {
      body: {
        title: '5 off for the group',
        discount: { kind: 'amount', amountOff: 500 },
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        totalQuantity: 1,
        audience: { kind: 'group_members', groupId: g.id },
      },
    });
    assert.equal(coupon.status, 201, JSON.stringify(coupon.body));
    const fans = await Promise.all([TestUser.signup(t, 'gr_c1'), TestUser.signup(t, 'gr_c2')]);
    const stranger = await TestUser.signup(t, 'gr_c3');
    for (const f of fans) await f.invoke(api.groups.join, { params: { id: g.id }, body: {} });
    const drop = await owner.invoke(api.groups.dropCoupon, { params: { id: g.id }, body: { couponId: coupon.body.id } });
    assert.equal(drop.status, 201);
    assert.equal(drop.body.body.kind, 'coupon_drop');
    assertRefused(
      await fans[0].invoke(api.groups.dropCoupon, { params: { id: g.id }, body: { couponId: coupon.body.id } }),
      403,
      'forbidden',
    );
    assert.equal((await stranger.invoke(api.shop.claimCoupon, { params: { id: coupon.body.id } })).status >= 400, true, 'not a member');
    const claims = await Promise.all(fans.map((f) => f.invoke(api.shop.claimCoupon, { params: { id: coupon.body.id } })));
    assert.deepEqual(claims.map((c) => c.status < 300).filter(Boolean).length, 1, JSON.stringify(claims.map((c) => c.body)));
  });

  test("a seller's coupon can be dropped however many newer coupons the seller has, and another seller's cannot", async () => {
    const seller = await TestUser.signup(t, 'gr_many');
    await seller.invoke(api.shop.upsertShop, { body: { name: 'Many coupons' } });
    const g = await seller.invoke(api.groups.create, { body: { name: 'Many fans', joinRule: 'anyone' } });
    assert.equal(g.status, 201);
    const now = Date.now();
    const make = async (title: string) => {
      const r = await seller.invoke(api.shop.createCoupon, {
        body: {
          title,
          discount: { kind: 'amount', amountOff: 100 },
          startsAt: new Date(now - 60_000).toISOString(),
          endsAt: new Date(now + 3_600_000).toISOString(),
          totalQuantity: 10,
          audience: { kind: 'group_members', groupId: g.body.id },
        },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id;
    };
    const oldest = await make('the first');
    for (let i = 0; i < 101; i++) await make(`newer ${i}`);
    const drop = await seller.invoke(api.groups.dropCoupon, { params: { id: g.body.id }, body: { couponId: oldest } });
    assert.equal(drop.status, 201, JSON.stringify(drop.body));

    const others = await owner.invoke(api.shop.createCoupon, {
      body: {
        title: 'not yours',
        discount: { kind: 'amount', amountOff: 100 },
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        totalQuantity: 1,
        audience: { kind: 'everyone' },
      },
    });
    assert.equal(others.status, 201, JSON.stringify(others.body));
    const foreign = await seller.invoke(api.groups.dropCoupon, {
      params: { id: g.body.id },
      body: {
        couponId: others.body.id,
      },
    });
    assertRefused(foreign, 404, 'not_found');
  });
});
