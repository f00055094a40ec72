import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, TestUser, type TestApp } from '../../test/harness.ts';

let t: TestApp;
before(async () => (t = await startTestApp()));
after(async () => t.close());

type Rel = { relationship: { following: boolean; followedBy: boolean; friends: boolean; blocking: boolean; blockedBy: boolean } };
type Card = {
  counts: { followers: number; following: number; friends: number };
  user: { bio: string };
  relationship: Rel['relationship'] | null;
  url: string;
};
type ListPage = { items: { handle: string; friends: boolean }[]; nextCursor: string | null };

describe('follow graph', () => {
  test('follow, follow back = friends, unfollow', async () => {
    const a = await TestUser.signup(t, 'g_alice');
    const b = await TestUser.signup(t, 'g_bob');
    const r1 = await a.call<Rel>('PUT', '/api/v1/users/g_bob/follow');
    assert.equal(r1.status, 200);
    assert.deepEqual([r1.body.relationship.following, r1.body.relationship.friends], [true, false]);
    const again = await a.call<Rel>('PUT', '/api/v1/users/g_bob/follow');
    assert.equal(again.status, 200, 'following twice is idempotent');
    const r2 = await b.call<Rel>('PUT', '/api/v1/users/g_alice/follow');
    assert.equal(r2.body.relationship.friends, true);
    const friendsA = await a.call<ListPage>('GET', '/api/v1/users/g_alice/friends');
    assert.deepEqual(
      friendsA.body.items.map((u) => u.handle),
      ['g_bob'],
    );
    const card = await t.app.http.inject({ method: 'GET', url: '/api/v1/users/g_bob' });
    const c = JSON.parse(card.body) as Card;
    assert.deepEqual(c.counts, { followers: 1, following: 1, friends: 1 });
    assert.equal(c.relationship, null);
    assert.match(c.url, /\/u\/g_bob$/);
    await a.call('DELETE', '/api/v1/users/g_bob/follow');
    const after = await a.call<Card>('GET', '/api/v1/users/g_bob');
    assert.deepEqual(after.body.counts, { followers: 0, following: 1, friends: 0 });
    assert.equal(after.body.relationship?.followedBy, true);
  });

  test('notifications: followed, then friended, with unread count and mark read', async () => {
    const a = await TestUser.signup(t, 'n_ann');
    const b = await TestUser.signup(t, 'n_ben');
    await a.call('PUT', '/api/v1/users/n_ben/follow');
    await b.call('PUT', '/api/v1/users/n_ann/follow');
    const inboxB = await b.call<{ items: { payload: { kind: string; actor: { handle: string } } }[] }>('GET', '/api/v1/notifications');
    // Both sides of a new friendship hear about it.
    assert.deepEqual(
      inboxB.body.items.map((n) => `${n.payload.kind}:${n.payload.actor.handle}`),
      ['friended:n_ann', 'followed:n_ann'],
    );
    const inboxA = await a.call<{ items: { id: string; payload: { kind: string; actor: { handle: string } } }[] }>(
      'GET',
      '/api/v1/notifications',
    );
    assert.deepEqual(
      inboxA.body.items.map((n) => `${n.payload.kind}:${n.payload.actor.handle}`),
      ['friended:n_ben'],
    );
    assert.deepEqual((await a.call('GET', '/api/v1/notifications/unread-count')).body, { unread: 1 });
    await a.call('POST', '/api/v1/notifications/read', {});
    assert.deepEqual((await a.call('GET', '/api/v1/notifications/unread-count')).body, { unread: 0 });
  });

  test('cannot follow yourself or someone who does not exist', async () => {
    const a = await TestUser.signup(t, 'g_self');
    assert.equal((await a.call('PUT', '/api/v1/users/g_self/follow')).status, 400);
    assert.equal((await a.call('PUT', '/api/v1/users/nobody_here/follow')).status, 404);
    assert.equal((await a.call('PUT', '/api/v1/users/BAD!/follow')).status, 400);
  });

  test('block removes follows both ways, stops following and hides the private card', async () => {
    const a = await TestUser.signup(t, 'b_amy');
    const b = await TestUser.signup(t, 'b_bad');
    await a.call('PATCH', '/api/v1/me', { bio: 'private-ish bio' });
    await a.call('PUT', '/api/v1/users/b_bad/follow');
    await b.call('PUT', '/api/v1/users/b_amy/follow');
    const blocked = await a.call<Rel>('PUT', '/api/v1/users/b_bad/block');
    assert.deepEqual(blocked.body.relationship, {
      self: false,
      following: false,
      followedBy: false,
      friends: false,
      blocking: true,
      blockedBy: false,
    });
    const tryFollow = await b.call<{ error: { code: string } }>('PUT', '/api/v1/users/b_amy/follow');
    assert.equal(tryFollow.status, 403);
    assert.equal(tryFollow.body.error.code, 'blocked');
    const seen = await b.call<Card>('GET', '/api/v1/users/b_amy');
    assert.equal(seen.body.user.bio, '');
    assert.equal(seen.body.relationship?.blockedBy, true);
    assert.equal((await b.call('GET', '/api/v1/users/b_amy/followers')).status, 403);
    const blocks = await a.call<{ items: { handle: string }[] }>('GET', '/api/v1/me/blocks');
    assert.deepEqual(
      blocks.body.items.map((u) => u.handle),
      ['b_bad'],
    );
    await a.call('DELETE', '/api/v1/users/b_bad/block');
    assert.equal((await b.call('PUT', '/api/v1/users/b_amy/follow')).status, 200);
  });

  test('lists page with a cursor, newest first, without gaps or repeats', async () => {
    const star = await TestUser.signup(t, 'p_star');
    const fans: TestUser[] = [];
    for (let i = 0; i < 7; i++) fans.push(await TestUser.signup(t, `p_fan${i}`));
    for (const f of fans) await f.call('PUT', '/api/v1/users/p_star/follow');
    await star.call('PUT', '/api/v1/users/p_fan3/follow');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `?limit=3&cursor=${cursor}` : '?limit=3';
      const page = await star.call<ListPage>('GET', `/api/v1/users/p_star/followers${q}`);
      assert.equal(page.status, 200);
      seen.push(...page.body.items.map((u) => u.handle + (u.friends ? '*' : '')));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ['p_fan6', 'p_fan5', 'p_fan4', 'p_fan3*', 'p_fan2', 'p_fan1', 'p_fan0']);
    assert.equal((await star.call('GET', '/api/v1/users/p_star/followers?limit=0')).status, 400);
    assert.equal((await star.call('GET', '/api/v1/users/p_star/followers?cursor=abc')).status, 400);
  });

  test('counts stay exact under concurrent follow and unfollow', async () => {
    await TestUser.signup(t, 'c_target');
    const crowd: TestUser[] = [];
    for (let i = 0; i < 20; i++) crowd.push(await TestUser.signup(t, `c_fan${i}`));
    // Each person follows, unfollows and follows again, all at once: 20 should remain.
    await Promise.all(
      crowd.map(async (u, i) => {
        await u.call('PUT', '/api/v1/users/c_target/follow');
        if (i % 2 === 0) await u.call('DELETE', '/api/v1/users/c_target/follow');
        await Promise.all([u.call('PUT', '/api/v1/users/c_target/follow'), u.call('PUT', '/api/v1/users/c_target/follow')]);
      }),
    );
    const card = await crowd[0]!.call<Card>('GET', '/api/v1/users/c_target');
    assert.equal(card.body.counts.followers, 20);
    await Promise.all(crowd.slice(0, 5).map((u) => u.call('DELETE', '/api/v1/users/c_target/follow')));
    const after = await crowd[0]!.call<Card>('GET', '/api/v1/users/c_target');
    assert.equal(after.body.counts.followers, 15);
  });

  test('a follow racing a block never survives it, and two people following each other at once hear "friends"', async () => {
    for (let i = 0; i < 6; i++) {
      const a = await TestUser.signup(t, `g_race_a${i}`);
      const b = await TestUser.signup(t, `g_race_b${i}`);
      const [follow, block] = await Promise.all([
        a.call('PUT', `/api/v1/users/g_race_b${i}/follow`),
        b.call('PUT', `/api/v1/users/g_race_a${i}/block`),
      ]);
      assert.equal(block.status, 200);
      assert.ok(follow.status === 200 || follow.status === 403, `follow answered ${follow.status}`);
      const seen = await a.call<{ relationship: { following: boolean; blockedBy: boolean } }>('GET', `/api/v1/users/g_race_b${i}`);
      assert.equal(seen.body.relationship.blockedBy, true);
      assert.equal(seen.body.relationship.following, false, 'the follow did not outlive the block');
    }
    for (let i = 0; i < 4; i++) {
      const a = await TestUser.signup(t, `g_mutual_a${i}`);
      const b = await TestUser.signup(t, `g_mutual_b${i}`);
      await Promise.all([a.call('PUT', `/api/v1/users/g_mutual_b${i}/follow`), b.call('PUT', `/api/v1/users/g_mutual_a${i}/follow`)]);
      const kinds = async (u: TestUser) =>
        (await u.call<{ items: { payload: { kind: string } }[] }>('GET', '/api/v1/notifications')).body.items.map((n) => n.payload.kind);
      assert.ok((await kinds(a)).includes('friended'), 'a hears they are friends');
      assert.ok((await kinds(b)).includes('friended'), 'b hears they are friends');
    }
  });

  test('popular: the most-followed people, most first, without me or anyone blocked either way', async () => {
    const [star, second, f1, f2, f3, blocker] = await Promise.all(
      ['pop_star', 'pop_second', 'pop_f1', 'pop_f2', 'pop_f3', 'pop_blocker'].map((h) => TestUser.signup(t, h)),
    );
    for (const f of [f1!, f2!, f3!]) assert.equal((await f.call('PUT', '/api/v1/users/pop_star/follow')).status, 200);
    for (const f of [f1!, f2!]) assert.equal((await f.call('PUT', '/api/v1/users/pop_second/follow')).status, 200);
    for (const f of [f1!, second!]) assert.equal((await f.call('PUT', '/api/v1/users/pop_blocker/follow')).status, 200);
    assert.equal((await blocker!.call('PUT', '/api/v1/users/pop_f3/block')).status, 200);
    type Popular = { items: { handle: string }[] };
    const url = '/api/v1/people/popular?limit=50';
    const handles = async (viewer: TestUser | null): Promise<string[]> => {
      const body = viewer
        ? (await viewer.call<Popular>('GET', url)).body
        : (JSON.parse((await t.app.http.inject({ method: 'GET', url })).body) as Popular);
      return body.items.map((u) => u.handle);
    };
    const anyone = await handles(null);
    assert.ok(anyone.indexOf('pop_star') >= 0 && anyone.indexOf('pop_star') < anyone.indexOf('pop_second'), anyone.join(','));
    assert.ok(anyone.includes('pop_blocker'));
    assert.ok(!anyone.includes('pop_f1'), 'nobody follows pop_f1');
    assert.ok(!(await handles(f3!)).includes('pop_blocker'), 'hidden from someone they blocked');
    assert.ok(!(await handles(blocker!)).includes('pop_blocker'), 'not myself');
    assert.ok((await handles(star!)).includes('pop_second'));
    const one = await f1!.call<Popular>('GET', '/api/v1/people/popular?limit=1');
    assert.equal(one.body.items.length, 1);
    assert.equal((await f1!.call('GET', '/api/v1/people/popular?limit=0')).status, 400);
  });
});
