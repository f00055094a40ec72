import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, type ResponseOf } from '@tremolo/protocol';
import { assertRefused, startTestApp, TestUser, type ApiReply, type TestApp } from '../../test/harness.ts';

let t: TestApp;
before(async () => (t = await startTestApp()));
after(async () => t.close());

describe('follow graph', () => {
  test('follow, follow back = friends, unfollow', async () => {
    const a = await TestUser.signup(t, 'g_alice');
    const b = await TestUser.signup(t, 'g_bob');
    const r1 = await a.invoke(api.graph.follow, { params: { handle: 'g_bob' } });
    assert.equal(r1.status, 200);
    assert.deepEqual([r1.body.relationship.following, r1.body.relationship.friends], [true, false]);
    const again = await a.invoke(api.graph.follow, { params: { handle: 'g_bob' } });
    assert.equal(again.status, 200, 'following twice is idempotent');
    const r2 = await b.invoke(api.graph.follow, { params: { handle: 'g_alice' } });
    assert.equal(r2.body.relationship.friends, true);
    const friendsA = await a.invoke(api.graph.friends, { params: { handle: 'g_alice' } });
    assert.deepEqual(
      friendsA.body.items.map((u) => u.handle),
      ['g_bob'],
    );
    const c = (await new TestUser(t).invoke(api.cards.card, { params: { handle: 'g_bob' } })).body;
    assert.deepEqual(c.counts, { followers: 1, following: 1, friends: 1 });
    assert.equal(c.relationship, null);
    assert.match(c.url, /\/u\/g_bob$/);
    await a.invoke(api.graph.unfollow, { params: { handle: 'g_bob' } });
    const after = await a.invoke(api.cards.card, { params: { handle: 'g_bob' } });
    assert.deepEqual(after.body.counts, { followers: 0, following: 1, friends: 0 });
    assert.equal(after.body.relationship?.followedBy, true);
  });

  test('notifications: followed, then friended, with unread count and mark read', async () => {
    const a = await TestUser.signup(t, 'n_ann');
    const b = await TestUser.signup(t, 'n_ben');
    await a.invoke(api.graph.follow, { params: { handle: 'n_ben' } });
    await b.invoke(api.graph.follow, { params: { handle: 'n_ann' } });
    const inboxB = await b.invoke(api.notifications.list);
    // Both sides of a new friendship hear about it.
    assert.deepEqual(
      inboxB.body.items.map((n) => `${n.payload.kind}:${'actor' in n.payload ? n.payload.actor?.handle : '-'}`),
      ['friended:n_ann', 'followed:n_ann'],
    );
    const inboxA = await a.invoke(api.notifications.list);
    assert.deepEqual(
      inboxA.body.items.map((n) => `${n.payload.kind}:${'actor' in n.payload ? n.payload.actor?.handle : '-'}`),
      ['friended:n_ben'],
    );
    assert.deepEqual((await a.invoke(api.notifications.unreadCount)).body, { unread: 1 });
    await a.invoke(api.notifications.markRead, { body: {} });
    assert.deepEqual((await a.invoke(api.notifications.unreadCount)).body, { unread: 0 });
  });

  test('cannot follow yourself or someone who does not exist', async () => {
    const a = await TestUser.signup(t, 'g_self');
    assertRefused(await a.invoke(api.graph.follow, { params: { handle: 'g_self' } }), 400, 'bad_request');
    assertRefused(await a.invoke(api.graph.follow, { params: { handle: 'nobody_here' } }), 404, 'not_found');
    assertRefused(await a.invoke(api.graph.follow, { params: { handle: 'BAD!' } }), 400, 'validation_failed');
  });

  test('block removes follows both ways, stops following and hides the private card', async () => {
    const a = await TestUser.signup(t, 'b_amy');
    const b = await TestUser.signup(t, 'b_bad');
    await a.invoke(api.accounts.updateMe, { body: { bio: 'private-ish bio' } });
    await a.invoke(api.graph.follow, { params: { handle: 'b_bad' } });
    await b.invoke(api.graph.follow, { params: { handle: 'b_amy' } });
    const blocked = await a.invoke(api.graph.block, { params: { handle: 'b_bad' } });
    assert.deepEqual(blocked.body.relationship, {
      self: false,
      following: false,
      followedBy: false,
      friends: false,
      blocking: true,
      blockedBy: false,
    });
    const tryFollow = await b.invoke(api.graph.follow, { params: { handle: 'b_amy' } });
    assertRefused(tryFollow, 403, 'blocked');
    const seen = await b.invoke(api.cards.card, { params: { handle: 'b_amy' } });
    assert.equal(seen.body.user.bio, '');
    assert.equal(seen.body.relationship?.blockedBy, true);
    assertRefused(await b.invoke(api.graph.followers, { params: { handle: 'b_amy' } }), 403, 'blocked');
    const blocks = await a.invoke(api.graph.blocks);
    assert.deepEqual(
      blocks.body.items.map((u) => u.handle),
      ['b_bad'],
    );
    await a.invoke(api.graph.unblock, { params: { handle: 'b_bad' } });
    assert.equal((await b.invoke(api.graph.follow, { params: { handle: 'b_amy' } })).status, 200);
  });

  test('lists page with a cursor, newest first, without gaps or repeats', async () => {
    const star = await TestUser.signup(t, 'p_star');
    const fans: TestUser[] = [];
    for (let i = 0; i < 7; i++) fans.push(await TestUser.signup(t, `p_fan${i}`));
    for (const f of fans) await f.invoke(api.graph.follow, { params: { handle: 'p_star' } });
    await star.invoke(api.graph.follow, { params: { handle: 'p_fan3' } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiReply<ResponseOf<typeof api.graph.followers>> = await star.invoke(api.graph.followers, {
        params: { handle: 'p_star' },
        query: { limit: 3, ...(cursor ? { cursor } : {}) },
      });
      assert.equal(page.status, 200);
      seen.push(...page.body.items.map((u) => u.handle + (u.friends ? '*' : '')));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ['p_fan6', 'p_fan5', 'p_fan4', 'p_fan3*', 'p_fan2', 'p_fan1', 'p_fan0']);
    assertRefused(await star.invoke(api.graph.followers, { params: { handle: 'p_star' }, query: { limit: 0 } }), 400, 'validation_failed');
    assertRefused(
      await star.invoke(api.graph.followers, { params: { handle: 'p_star' }, query: { cursor: 'abc' } }),
      400,
      'validation_failed',
    );
  });

  test('counts stay exact under concurrent follow and unfollow', async () => {
    await TestUser.signup(t, 'c_target');
    const crowd: TestUser[] = [];
    for (let i = 0; i < 20; i++) crowd.push(await TestUser.signup(t, `c_fan${i}`));
    // Each person follows, unfollows and follows again, all at once: 20 should remain.
    await Promise.all(
      crowd.map(async (u, i) => {
        await u.invoke(api.graph.follow, { params: { handle: 'c_target' } });
        if (i % 2 === 0) await u.invoke(api.graph.unfollow, { params: { handle: 'c_target' } });
        await Promise.all([
          u.invoke(api.graph.follow, { params: { handle: 'c_target' } }),
          u.invoke(api.graph.follow, { params: { handle: 'c_target' } }),
        ]);
      }),
    );
    const card = await crowd[0]!.invoke(api.cards.card, { params: { handle: 'c_target' } });
    assert.equal(card.body.counts.followers, 20);
    await Promise.all(crowd.slice(0, 5).map((u) => u.invoke(api.graph.unfollow, { params: { handle: 'c_target' } })));
    const after = await crowd[0]!.invoke(api.cards.card, { params: { handle: 'c_target' } });
    assert.equal(after.body.counts.followers, 15);
  });

  test('a follow racing a block never survives it, and two people following each other at once hear "friends"', async () => {
    for (let i = 0; i < 6; i++) {
      const a = await TestUser.signup(t, `g_race_a${i}`);
      const b = await TestUser.signup(t, `g_race_b${i}`);
      const [follow, block] = await Promise.all([
        a.invoke(api.graph.follow, { params: { handle: `g_race_b${i}` } }),
        b.invoke(api.graph.block, { params: { handle: `g_race_a${i}` } }),
      ]);
      assert.equal(block.status, 200);
      // Either order is a correct outcome of the race: the follow landed first (and the block removed
      // it), or the block did (and the follow was refused as blocked, not for any other reason).
      if (follow.status !== 200) assertRefused(follow, 403, 'blocked');
      const seen = await a.invoke(api.cards.card, { params: { handle: `g_race_b${i}` } });
      assert.equal(seen.body.relationship?.blockedBy, true);
      assert.equal(seen.body.relationship?.following, false, 'the follow did not outlive the block');
    }
    for (let i = 0; i < 4; i++) {
      const a = await TestUser.signup(t, `g_mutual_a${i}`);
      const b = await TestUser.signup(t, `g_mutual_b${i}`);
      await Promise.all([
        a.invoke(api.graph.follow, { params: { handle: `g_mutual_b${i}` } }),
        b.invoke(api.graph.follow, { params: { handle: `g_mutual_a${i}` } }),
      ]);
      const kinds = async (u: TestUser) => (await u.invoke(api.notifications.list)).body.items.map((n) => n.payload.kind);
      assert.ok((await kinds(a)).includes('friended'), 'a hears they are friends');
      assert.ok((await kinds(b)).includes('friended'), 'b hears they are friends');
    }
  });

  test('popular: the most-followed people, most first, without me or anyone blocked either way', async () => {
    const [star, second, f1, f2, f3, blocker] = await Promise.all(
      ['pop_star', 'pop_second', 'pop_f1', 'pop_f2', 'pop_f3', 'pop_blocker'].map((h) => TestUser.signup(t, h)),
    );
    for (const f of [f1!, f2!, f3!]) assert.equal((await f.invoke(api.graph.follow, { params: { handle: 'pop_star' } })).status, 200);
    for (const f of [f1!, f2!]) assert.equal((await f.invoke(api.graph.follow, { params: { handle: 'pop_second' } })).status, 200);
    for (const f of [f1!, second!]) assert.equal((await f.invoke(api.graph.follow, { params: { handle: 'pop_blocker' } })).status, 200);
    assert.equal((await blocker!.invoke(api.graph.block, { params: { handle: 'pop_f3' } })).status, 200);
    const handles = async (viewer: TestUser | null): Promise<string[]> =>
      (await (viewer ?? new TestUser(t)).invoke(api.graph.popular, { query: { limit: 50 } })).body.items.map((u) => u.handle);
    const anyone = await handles(null);
    assert.ok(anyone.indexOf('pop_star') >= 0 && anyone.indexOf('pop_star') < anyone.indexOf('pop_second'), anyone.join(','));
    assert.ok(anyone.includes('pop_blocker'));
    assert.ok(!anyone.includes('pop_f1'), 'nobody follows pop_f1');
    assert.ok(!(await handles(f3!)).includes('pop_blocker'), 'hidden from someone they blocked');
    assert.ok(!(await handles(blocker!)).includes('pop_blocker'), 'not myself');
    assert.ok((await handles(star!)).includes('pop_second'));
    const one = await f1!.invoke(api.graph.popular, { query: { limit: 1 } });
    assert.equal(one.body.items.length, 1);
    assertRefused(await f1!.invoke(api.graph.popular, { query: { limit: 0 } }), 400, 'validation_failed');
  });
});
