import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, ErrorBody } from '@tremolo/protocol';
import { Redis } from 'ioredis';
import { newId } from '../ids.ts';
import { loadLimits } from '../config.ts';
import { Limits } from './limits.ts';
import { videos } from '../../modules/videos/tables.ts';
import { assertRefused, startTestApp, TestUser, type TestApp } from '../../test/harness.ts';

/**
 * One burst per class of limit, each cut off exactly at its budget with 429 `rate_limited`
 * and a wait the person can act on. Budgets are tiny here; the defaults are in config.ts.
 */

/** What a limited call answers: `invoke`'s reply, or a multipart upload's read the same way. */
type Answer = { status: number; error: ErrorBody['error'] | undefined };

async function burst(n: number, act: (i: number) => Promise<Answer>): Promise<{ statuses: number[]; last: Answer }> {
  const statuses: number[] = [];
  let last: Answer | undefined;
  for (let i = 0; i < n; i++) {
    last = await act(i);
    statuses.push(last.status);
  }
  return { statuses, last: last! };
}

function assertLimited(r: Answer, what: RegExp): void {
  const message = assertRefused(r, 429, 'rate_limited');
  assert.match(message, what);
  assert.match(message, /try again in \d+ s/);
}

async function readyVideo(t: TestApp, author: TestUser): Promise<string> {
  const id = newId();
  await t.app.database.db
    .insert(videos)
    .values({ id, authorId: author.id, visibility: 'public', status: 'ready', durationMs: 2000, width: 360, height: 640 });
  return id;
}

function multipartGarbage(): { payload: Buffer; contentType: string } {
  const boundary = '----limits' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="visibility"\r\n\r\npublic\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\nContent-Type: video/mp4\r\n\r\n`),
    Buffer.from('not a video at all'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('social actions are limited per person', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(
      {},
      {
        FOLLOWS_PER_MIN: '3',
        LIKES_PER_MIN: '4',
        COMMENTS_PER_MIN: '3',
        VIDEO_UPLOADS_PER_HOUR: '2',
        GROUP_JOINS_PER_HOUR: '4',
        GROUPS_CREATED_PER_HOUR: '2',
        ROOMS_CREATED_PER_HOUR: '2',
        WATCH_PARTIES_CREATED_PER_HOUR: '2',
        RATE_LIMIT_PASSWORD_FAILS_PER_ACCOUNT: '3',
        WS_STORED_PUBLISHES_PER_MIN: '3',
        REPORTS_PER_HOUR: '3',
        REPORTS_PER_TARGET_PER_DAY: '2',
      },
    );
  });
  after(async () => t.close());

  test('follow, unfollow, block and unblock share one budget', async () => {
    const a = await TestUser.signup(t, 'lim_fa');
    const b = await TestUser.signup(t, 'lim_fb');
    const steps = [api.graph.follow, api.graph.block, api.graph.unblock, api.graph.follow];
    const { statuses, last } = await burst(4, (i) => a.invoke(steps[i]!, { params: { handle: b.handle } }));
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    assertLimited(last, /Too many follows and unfollows/);
    // Another person's budget is their own.
    const c = await TestUser.signup(t, 'lim_fc');
    assert.equal((await c.invoke(api.graph.follow, { params: { handle: b.handle } })).status, 200);
  });

  test('a re-follow within the window does not notify the same person again', async () => {
    const a = await TestUser.signup(t, 'lim_na');
    const b = await TestUser.signup(t, 'lim_nb');
    for (const e of [api.graph.follow, api.graph.unfollow, api.graph.follow])
      assert.equal((await a.invoke(e, { params: { handle: b.handle } })).status, 200);
    const inbox = await b.invoke(api.notifications.list);
    assert.equal(inbox.body.items.filter((n) => n.payload.kind === 'followed').length, 1);
  });

  test('likes, then comments, stop at their budgets', async () => {
    const author = await TestUser.signup(t, 'lim_la');
    const fan = await TestUser.signup(t, 'lim_lf');
    const video = await readyVideo(t, author);
    const likes = await burst(5, (i) => fan.invoke(i % 2 === 0 ? api.videos.like : api.videos.unlike, { params: { id: video } }));
    assert.deepEqual(likes.statuses, [200, 200, 200, 200, 429]);
    assertLimited(likes.last, /Too many likes/);
    const comments = await burst(4, (i) => fan.invoke(api.videos.comment, { params: { id: video }, body: { text: `nice ${i}` } }));
    assert.deepEqual(comments.statuses, [201, 201, 201, 429]);
    assertLimited(comments.last, /Too many comments/);
    const listed = await author.invoke(api.videos.comments, { params: { id: video } });
    assert.equal(listed.body.items.length, 3);
  });

  test('video uploads are counted before their bytes are read', async () => {
    const u = await TestUser.signup(t, 'lim_up');
    const { statuses, last } = await burst(3, async () => {
      const { payload, contentType } = multipartGarbage();
      const res = await t.app.http.inject({
        method: 'POST',
        url: '/api/v1/videos',
        headers: { cookie: u.cookie, 'x-csrf-token': u.csrf, 'content-type': contentType },
        payload,
      });
      return { status: res.statusCode, error: ErrorBody.parse(JSON.parse(res.body)).error };
    });
    // The first two are refused for what they contain; the third never gets that far.
    assert.notEqual(statuses[0], 429);
    assert.notEqual(statuses[1], 429);
    assert.equal(statuses[2], 429);
    assertLimited(last, /Too many video uploads/);
  });

  test('joining and leaving groups share one budget', async () => {
    const owner = await TestUser.signup(t, 'lim_go');
    const fan = await TestUser.signup(t, 'lim_gf');
    const g = await owner.invoke(api.groups.create, { body: { name: 'limits' } });
    assert.equal(g.status, 201);
    const { statuses, last } = await burst(5, (i) =>
      i % 2 === 0
        ? fan.invoke(api.groups.join, { params: { id: g.body.id }, body: {} })
        : fan.invoke(api.groups.leave, { params: { id: g.body.id } }),
    );
    assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
    assertLimited(last, /Too many group joins and leaves/);
  });

  test('new groups, rooms and watch parties each have a budget', async () => {
    const u = await TestUser.signup(t, 'lim_cr');
    const groups = await burst(3, (i) => u.invoke(api.groups.create, { body: { name: `g${i}` } }));
    assert.deepEqual(groups.statuses, [201, 201, 429]);
    assertLimited(groups.last, /Too many new fan groups/);
    const rooms = await burst(3, (i) => u.invoke(api.rooms.create, { body: { title: `r${i}` } }));
    assert.deepEqual(rooms.statuses, [201, 201, 429]);
    assertLimited(rooms.last, /Too many new rooms/);
    const video = await readyVideo(t, u);
    const parties = await burst(3, () => u.invoke(api.watch.create, { body: { videoIds: [video] } }));
    assert.deepEqual(parties.statuses, [201, 201, 429]);
    assertLimited(parties.last, /Too many new watch parties/);
  });

  test('wrong current passwords are limited per account; a stolen session cannot guess on', async () => {
    const u = await TestUser.signup(t, 'lim_pw');
    const { statuses, last } = await burst(4, (i) =>
      u.invoke(api.accounts.changePassword, { body: { currentPassword: `guess-${i}`, newPassword: 'another long password' } }),
    );
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    assertLimited(last, /Too many wrong current passwords/);
    // Even the right one waits now: guessing on is what the limit is for.
    const right = await u.invoke(api.accounts.changePassword, {
      body: {
        currentPassword: 'correct horse battery',
        newPassword: 'another long password',
      },
    });
    assert.equal(right.status, 429);
  });

  test('stored posts on the socket are limited per person, whatever the socket', async () => {
    const u = await TestUser.signup(t, 'lim_ws');
    const s1 = await u.socket();
    const s2 = await u.socket();
    try {
      const ch = `creator:${u.id}`;
      const answers: string[] = [];
      for (let i = 0; i < 4; i++) {
        const s = i % 2 === 0 ? s1 : s2;
        s.send({ t: 'pub', ch, cid: `b${i}`, body: { kind: 'broadcast', text: `hello ${i}` } });
        const f = await s.next((x) => (x.t === 'ack' || x.t === 'err') && ('cid' in x ? x.cid : x.ref) === `b${i}`);
        answers.push(f.t === 'err' ? f.code : f.t);
      }
      assert.deepEqual(answers, ['ack', 'ack', 'ack', 'rate_limited']);
    } finally {
      s1.close();
      s2.close();
    }
  });

  test('reports are limited per person and per reported person', async () => {
    const ann = await TestUser.signup(t, 'lim_ra');
    const bob = await TestUser.signup(t, 'lim_rb');
    const socks = [];
    for (const u of [ann, bob]) {
      assert.equal(
        (await u.invoke(api.match.optIn, { body: { confirmAdult: true, acceptRules: true, interests: ['music'], languages: ['zh'] } }))
          .status,
        200,
      );
      const s = await u.socket();
      s.send({ t: 'sub', ch: `match:${u.id}` });
      await s.next((f) => f.t === 'subbed');
      socks.push(s);
    }
    try {
      socks[0]!.send({ t: 'pub', ch: `match:${ann.id}`, cid: 'q1', body: { kind: 'match_queue', action: 'join' } });
      socks[1]!.send({ t: 'pub', ch: `match:${bob.id}`, cid: 'q2', body: { kind: 'match_queue', action: 'join' } });
      await socks[0]!.next((f) => f.t === 'ev' && f.body.kind === 'match_found');
      const { statuses, last } = await burst(4, () => ann.invoke(api.match.report, { body: { userId: bob.id, reason: 'spam' } }));
      assert.deepEqual(statuses, [201, 201, 429, 429]);
      assertLimited(last, /Too many reports/);
      const perTarget = await burst(1, () => ann.invoke(api.match.report, { body: { userId: bob.id, reason: 'spam' } }));
      assert.equal(perTarget.last.status, 429);
    } finally {
      for (const s of socks) s.close();
    }
  });
});

describe('every other state change has a floor per person and route', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({}, { WRITES_PER_ROUTE_PER_MIN: '5' });
  });
  after(async () => t.close());

  test('the sixth profile edit in a minute is refused; other routes still work', async () => {
    const u = await TestUser.signup(t, 'lim_wr');
    const { statuses, last } = await burst(6, (i) => u.invoke(api.accounts.updateMe, { body: { displayName: `Name ${i}` } }));
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    assertLimited(last, /Too many requests of this kind/);
    assert.equal((await u.invoke(api.notifications.markRead, { body: {} })).status, 200);
    // Reading is not limited by it.
    assert.equal((await u.invoke(api.accounts.me)).status, 200);
  });
});

describe('across nodes', () => {
  test('two nodes on one Redis share every budget and every once-per-window answer', async (t) => {
    const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await probe.connect();
    } catch {
      probe.disconnect();
      return t.skip(`no Redis at ${url}`);
    }
    const a = new Redis(url);
    const b = new Redis(url);
    try {
      const config = loadLimits({ FOLLOWS_PER_MIN: '3', SHOP_TOUCH_WINDOW_SEC: '60', FAN_POINTS_GROUP_MESSAGES_PER_DAY: '2' });
      const nodeA = new Limits(config, { redis: a });
      const nodeB = new Limits(config, { redis: b });
      const who = newId();
      await nodeA.consume('follows', who);
      await nodeB.consume('follows', who);
      await nodeA.consume('follows', who);
      await assert.rejects(
        nodeB.consume('follows', who),
        (e: unknown) => e instanceof Error && /Too many follows and unfollows; try again in \d+ s/.test(e.message),
      );
      const touch = `u:${newId()}:view:p:video`;
      assert.equal(await nodeA.touchOnce.first(touch), true);
      assert.equal(await nodeB.touchOnce.first(touch), false);
      // A fan's daily group-message points: two nodes together pay out the cap once, not twice.
      const fanOfCreator = `${newId()}:${newId()}`;
      const earned = [await nodeA.allow('groupMessagePoints', fanOfCreator), await nodeB.allow('groupMessagePoints', fanOfCreator)];
      earned.push(await nodeA.allow('groupMessagePoints', fanOfCreator), await nodeB.allow('groupMessagePoints', fanOfCreator));
      assert.deepEqual(earned, [true, true, false, false]);
    } finally {
      probe.disconnect();
      a.disconnect();
      b.disconnect();
    }
  });
});
