import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '@tremolo/protocol';
import { startTestApp, TestUser, type TestApp } from '../../test/harness.ts';

let t: TestApp;
before(async () => (t = await startTestApp()));
after(async () => t.close());

describe('notifications read state', () => {
  test('each item is marked read on its own, only by its owner, and every session hears the new count', async () => {
    const me = await TestUser.signup(t, 'nr_me');
    const fans = await Promise.all(['nr_f1', 'nr_f2', 'nr_f3'].map((h) => TestUser.signup(t, h)));
    for (const f of fans) await f.invoke(api.graph.follow, { params: { handle: 'nr_me' } });
    const items = (await me.invoke(api.notifications.list)).body.items;
    assert.equal(items.length, 3);
    assert.deepEqual((await me.invoke(api.notifications.badges)).body, { notifications: 3, chats: 0 });

    const other = await me.socket();
    other.send({ t: 'sub', ch: `user:${me.id}` });
    await other.next((f) => f.t === 'subbed');

    // Someone else cannot read my notifications for me.
    const stranger = fans[0]!;
    assert.equal((await stranger.invoke(api.notifications.markRead, { body: { ids: [items[1]!.id] } })).status, 200);
    assert.equal((await me.invoke(api.notifications.badges)).body.notifications, 3);

    // Opening one marks just that one.
    await me.invoke(api.notifications.markRead, { body: { ids: [items[1]!.id] } });
    await other.next((f) => f.t === 'ev' && f.body.kind === 'badges' && f.body.notifications === 2);
    const after = (await me.invoke(api.notifications.list)).body.items;
    assert.deepEqual(
      after.map((n) => n.read),
      [false, true, false],
    );
    assert.equal((await me.invoke(api.notifications.unreadCount)).body.unread, 2);
    await me.invoke(api.notifications.markRead, { body: {} });
    await other.next((f) => f.t === 'ev' && f.body.kind === 'badges' && f.body.notifications === 0);
    assert.equal((await me.invoke(api.notifications.markRead, { body: { ids: [] } })).status, 400, 'an empty list is a mistake');
    other.close();
  });
});
