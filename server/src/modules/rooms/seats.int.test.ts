/**
 * With the broadcast on, the first `BROADCAST_WEBRTC_SEATS` of a live room's audience keep
 * WebRTC (the SFU has room for them) and the rest watch the broadcast; leaving frees a seat.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, type Room } from '@tremolo/protocol';
import { assertRefused, startTestApp, TestUser, type TestApp } from '../../test/harness.ts';
import { uniq } from '../shop/fixtures.ts';

let t: TestApp;

before(async () => {
  t = await startTestApp({}, { BROADCAST: 'true', BROADCAST_WEBRTC_SEATS: '2', BROADCAST_SIZE: '320x568', JOBS_POLL_MS: '500' });
});
after(async () => {
  await t.close();
});

const user = (prefix: string) => TestUser.signup(t, uniq(prefix));

async function open(host: TestUser): Promise<Room> {
  const created = await host.invoke(api.rooms.create, { body: { title: 'Seats' } });
  assert.equal(created.status, 201, JSON.stringify(created.error));
  return created.body;
}

/** A seated viewer's subscription reaches the SFU (nobody sends yet); an unseated one is sent to the broadcast. */
async function subscribeCode(u: TestUser, room: Room): Promise<string | undefined> {
  return (await u.invoke(api.rooms.subscribe, { params: { id: room.id }, body: {} })).error?.code;
}

describe('WebRTC seats beside the broadcast', () => {
  test('the first two of the audience keep WebRTC, the third watches the broadcast; leaving frees a seat', async () => {
    const host = await user('st_host');
    const room = await open(host);
    const [a, b, c, d] = await Promise.all([user('st_a'), user('st_b'), user('st_c'), user('st_d')]);
    const joined = [];
    for (const u of [a, b, c]) joined.push(await u.invoke(api.rooms.join, { params: { id: room.id } }));
    assert.deepEqual(
      joined.map((j) => j.body.media.broadcast),
      [false, false, true],
    );
    assert.equal(await subscribeCode(a, room), 'media_not_live', 'a seat reaches the SFU');
    assertRefused(await c.invoke(api.rooms.subscribe, { params: { id: room.id }, body: {} }), 409, 'invalid_state', 'no seat left');
    // Entering again keeps what one has.
    assert.equal((await a.invoke(api.rooms.join, { params: { id: room.id } })).body.media.broadcast, false);
    assert.equal((await c.invoke(api.rooms.get, { params: { id: room.id } })).body.media.broadcast, true);

    assert.equal((await a.invoke(api.rooms.leave, { params: { id: room.id } })).status, 200);
    const next = await d.invoke(api.rooms.join, { params: { id: room.id } });
    assert.equal(next.body.media.broadcast, false, 'the freed seat goes to whoever enters next');
    assert.equal(await subscribeCode(d, room), 'media_not_live');
  });

  test('a crowd entering at once takes exactly the seats there are', async () => {
    const host = await user('st_host2');
    const room = await open(host);
    const crowd = await Promise.all(Array.from({ length: 6 }, (_, i) => user(`st_crowd${i}`)));
    const joined = await Promise.all(crowd.map((u) => u.invoke(api.rooms.join, { params: { id: room.id } })));
    assert.equal(joined.filter((j) => j.status !== 200).length, 0);
    assert.equal(joined.filter((j) => !j.body.media.broadcast).length, 2);
  });
});
