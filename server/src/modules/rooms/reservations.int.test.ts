import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, type Room } from '@tremolo/protocol';
import { assertRefused, startTestApp, TestUser, type TestApp } from '../../test/harness.ts';
import { uniq, waitFor } from '../shop/fixtures.ts';

let t: TestApp;
let host: TestUser;

before(async () => {
  t = await startTestApp({}, { ROOM_RESERVATIONS_PER_HOUR: '3' });
  host = await TestUser.signup(t, uniq('rr_host'));
});
after(async () => {
  await t.close();
});

const user = (prefix: string) => TestUser.signup(t, uniq(prefix));

async function schedule(audience: 'public' | 'followers' = 'public'): Promise<Room> {
  const scheduledAt = new Date(Date.now() + 3_600_000).toISOString();
  const r = await host.invoke(api.rooms.create, { body: { title: 'Sunday sale', audience, scheduledAt } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.status, 'scheduled');
  return r.body;
}

const reservedNotice = (u: TestUser, roomId: string) =>
  waitFor(
    () => u.invoke(api.notifications.list),
    (r) => r.body.items.some((n) => n.payload.kind === 'room_live' && n.payload.roomId === roomId),
  );

describe('room reservations (预约)', () => {
  test('reserve, count, idempotent double reserve, cancel; the card and the list show the count', async () => {
    const room = await schedule();
    const a = await user('rr_a');
    const b = await user('rr_b');
    const params = { id: room.id };

    assert.deepEqual((await a.invoke(api.rooms.reservation, { params })).body, { count: 0, mine: false });
    const first = await a.invoke(api.rooms.reserve, { params });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body, { count: 1, mine: true });
    assert.deepEqual((await a.invoke(api.rooms.reserve, { params })).body, { count: 1, mine: true }, 'a second reserve changes nothing');
    assert.deepEqual((await b.invoke(api.rooms.reserve, { params })).body, { count: 2, mine: true });
    assert.deepEqual((await b.invoke(api.rooms.reservation, { params })).body, { count: 2, mine: true });

    const card = await b.invoke(api.cards.card, { params: { handle: host.handle } });
    const section = card.body.sections.find((s) => s.kind === 'live_room');
    assert.ok(section && section.kind === 'live_room');
    assert.equal(section.room.reservations, 2);
    assert.equal(section.room.reserved, true);
    const mine = await host.invoke(api.rooms.list, { query: { filter: 'mine' } });
    assert.equal(mine.body.items.find((r) => r.id === room.id)?.reservations, 2);

    assert.deepEqual((await a.invoke(api.rooms.unreserve, { params })).body, { count: 1, mine: false });
    assert.deepEqual((await a.invoke(api.rooms.unreserve, { params })).body, { count: 1, mine: false }, 'cancelling twice is fine');
    assert.deepEqual((await a.invoke(api.rooms.reservation, { params })).body, { count: 1, mine: false });

    assertRefused(await host.invoke(api.rooms.reserve, { params }), 409, 'invalid_state', 'the host does not reserve');
  });

  test('only people who may watch the room reserve it: a followers room refuses a stranger, a blocked person gets 404', async () => {
    const room = await schedule('followers');
    const stranger = await user('rr_stranger');
    assertRefused(await stranger.invoke(api.rooms.reserve, { params: { id: room.id } }), 403, 'forbidden');
    assertRefused(await stranger.invoke(api.rooms.reservation, { params: { id: room.id } }), 403, 'forbidden');
    const fan = await user('rr_fan');
    assert.equal((await fan.invoke(api.graph.follow, { params: { handle: host.handle } })).status, 200);
    assert.deepEqual((await fan.invoke(api.rooms.reserve, { params: { id: room.id } })).body, { count: 1, mine: true });
    const blocked = await user('rr_blocked');
    assert.equal((await host.invoke(api.graph.block, { params: { handle: blocked.handle } })).status, 200);
    assertRefused(await blocked.invoke(api.rooms.reserve, { params: { id: room.id } }), 404, 'not_found');
  });

  test('when the host starts the room every reserver is notified once, a follower who reserved too', async () => {
    const room = await schedule();
    const a = await user('rr_n1');
    const fan = await user('rr_n2');
    const bystander = await user('rr_n3');
    assert.equal((await fan.invoke(api.graph.follow, { params: { handle: host.handle } })).status, 200);
    for (const u of [a, fan]) assert.equal((await u.invoke(api.rooms.reserve, { params: { id: room.id } })).status, 200);

    const started = await host.invoke(api.rooms.start, { params: { id: room.id } });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    for (const u of [a, fan]) {
      const inbox = await reservedNotice(u, room.id);
      const told = inbox.body.items.filter((n) => n.payload.kind === 'room_live' && n.payload.roomId === room.id);
      assert.equal(told.length, 1, 'told once');
      assert.ok(told[0]!.payload.kind === 'room_live' && told[0]!.payload.reserved === true);
    }
    const none = await bystander.invoke(api.notifications.list);
    assert.ok(!none.body.items.some((n) => n.payload.kind === 'room_live' && n.payload.roomId === room.id));
    assertRefused(
      await bystander.invoke(api.rooms.reserve, { params: { id: room.id } }),
      409,
      'invalid_state',
      'a live room is not reserved',
    );
  });

  test('reserving and cancelling over and over is rate limited; repeats that change nothing are free', async () => {
    const room = await schedule();
    const u = await user('rr_flip');
    const params = { id: room.id };
    for (const step of [api.rooms.reserve, api.rooms.reserve, api.rooms.unreserve, api.rooms.unreserve, api.rooms.reserve])
      assert.equal((await u.invoke(step, { params })).status, 200);
    assertRefused(await u.invoke(api.rooms.unreserve, { params }), 429, 'rate_limited');
    assert.deepEqual((await u.invoke(api.rooms.reservation, { params })).body, { count: 1, mine: true });
  });
});
