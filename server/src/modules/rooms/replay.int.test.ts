/**
 * 回放: an ended room whose broadcast was recorded is a replay. The recording here is planted in
 * private storage as the compositor leaves it (an event playlist with wall-clock segment times and
 * a discontinuity between two runs), then closed as the broadcast job closes it when the room
 * ends; `broadcast.int.test.ts` makes a real one with a browser and ffmpeg.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { api, pathOf, type CardSection, type Room } from '@tremolo/protocol';
import { diskStores } from '../../platform/storage.ts';
import type { PrivateFiles } from '../../platform/storage.ts';
import { assertRefused, startTestApp, TestUser, type TestApp } from '../../test/harness.ts';
import { buyer, buyNow, pay, product, seller, uniq } from '../shop/fixtures.ts';
import { playlistFile } from './compositor.ts';

let t: TestApp;
let files: PrivateFiles;
let host: TestUser;

before(async () => {
  t = await startTestApp();
  // The same directory the app stores private files in: the test writes what the compositor would.
  files = (await diskStores(t.app.config.storageDir)).privateFiles;
  await mkdir(files.scratchDir, { recursive: true });
  host = await seller(t, uniq('rp_host'));
});
after(async () => {
  await t.close();
});

const SEGMENTS = ['aaaa1-00001.ts', 'aaaa1-00002.ts', 'bbbb2-00001.ts', 'bbbb2-00002.ts'];

/**
 * Two compositor runs of two 2 s segments each: the first starts `leadMs` before `pinAt`, the
 * second (after a 1 s gap with no picture) half a second before it. So the pin is 4.5 s into the
 * recording, whatever the time since the room went live.
 */
async function plantRecording(roomId: string, pinAt: number): Promise<void> {
  const first = pinAt - 5500;
  const second = pinAt - 500;
  const pdt = (ms: number) => `#EXT-X-PROGRAM-DATE-TIME:${new Date(ms).toISOString()}`;
  const text = [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    '#EXT-X-TARGETDURATION:2',
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:EVENT',
    pdt(first),
    '#EXTINF:2.000,',
    SEGMENTS[0],
    pdt(first + 2000),
    '#EXTINF:2.000,',
    SEGMENTS[1],
    '#EXT-X-DISCONTINUITY',
    pdt(second),
    '#EXTINF:2.000,',
    SEGMENTS[2],
    pdt(second + 2000),
    '#EXTINF:1.500,',
    SEGMENTS[3],
    '',
  ].join('\n');
  const put = async (name: string, bytes: string) => {
    const local = path.join(files.scratchDir, `plant-${roomId}-${name}`);
    await writeFile(local, bytes);
    await files.putFile(`rooms/${roomId}/broadcast/${name}`, local);
  };
  for (const s of SEGMENTS) await put(s, `segment ${s}`);
  await put(playlistFile, text);
}

/** A room goes live, shows the product, ends, and its recording is closed. */
async function recordedRoom(title: string, productId: string, audience: 'public' | 'friends' = 'public'): Promise<Room> {
  const open = await host.invoke(api.rooms.create, { body: { title, audience } });
  assert.equal(open.status, 201, JSON.stringify(open.error));
  assert.equal((await host.invoke(api.rooms.pin, { params: { id: open.body.id }, body: { productId } })).status, 200);
  const moments = await host.invoke(api.rooms.moments, { params: { id: open.body.id } });
  assert.equal(moments.body.items.length, 1);
  assert.equal(moments.body.items[0]!.replayOffsetMs, null, 'no replay while live');
  assert.equal((await host.invoke(api.rooms.end, { params: { id: open.body.id } })).status, 200);
  await plantRecording(open.body.id, Date.parse(moments.body.items[0]!.at));
  await t.app.services.rooms.broadcast.closeRecording(open.body.id);
  return open.body;
}

const replaysOn = (sections: CardSection[]) => sections.find((s) => s.kind === 'room_replays');

describe('replays (回放)', () => {
  test('an ended room with a recording has a replay with its length; its product moment says where it is in it', async () => {
    const mug = await product(host);
    const room = await recordedRoom('Mug hour', mug.id);
    const fan = await TestUser.signup(t, uniq('rp_fan'));

    const got = await fan.invoke(api.rooms.get, { params: { id: room.id } });
    assert.equal(got.status, 200, JSON.stringify(got.error));
    assert.deepEqual(got.body.replay, { durationSec: 7.5 });
    const mine = await host.invoke(api.rooms.list, { query: { filter: 'mine' } });
    assert.deepEqual(mine.body.items.find((r) => r.id === room.id)?.replay, { durationSec: 7.5 });

    // Pinned 5.5 s after the first segment began, but the 1 s without a picture is not in the recording.
    const moments = await fan.invoke(api.rooms.moments, { params: { id: room.id } });
    assert.equal(moments.body.items[0]!.replayOffsetMs, 4500);
    const onProduct = await fan.invoke(api.rooms.productMoments, { query: { productId: mug.id } });
    assert.deepEqual(
      onProduct.body.items.map((m) => [m.roomId, m.replayOffsetMs]),
      [[room.id, 4500]],
    );

    const playlist = await fan.call<string>('GET', pathOf(api.rooms.hlsReplay, { id: room.id }));
    assert.equal(playlist.status, 200);
    const segment = await fan.call<string>('GET', pathOf(api.rooms.hlsSegment, { id: room.id, segment: SEGMENTS[2]! }));
    assert.equal(segment.status, 200);

    // Closing again (a retried job) changes nothing.
    await t.app.services.rooms.broadcast.closeRecording(room.id);
    assert.deepEqual((await fan.invoke(api.rooms.get, { params: { id: room.id } })).body.replay, { durationSec: 7.5 });
  });

  test('a room without a recording, or still live, has no replay', async () => {
    const open = await host.invoke(api.rooms.create, { body: { title: 'Unrecorded' } });
    assert.equal(open.body.replay, null, 'live');
    await host.invoke(api.rooms.end, { params: { id: open.body.id } });
    await t.app.services.rooms.broadcast.closeRecording(open.body.id);
    assert.equal((await host.invoke(api.rooms.get, { params: { id: open.body.id } })).body.replay, null);
  });

  test('the creator’s card lists the replays a viewer may watch, newest first; a friends room’s replay and segments are not a stranger’s', async () => {
    const pot = await product(host);
    const older = await recordedRoom('Older replay', pot.id);
    const secret = await recordedRoom('Friends replay', pot.id, 'friends');
    const newer = await recordedRoom('Newer replay', pot.id);

    const friend = await TestUser.signup(t, uniq('rp_friend'));
    assert.equal((await friend.invoke(api.graph.follow, { params: { handle: host.handle } })).status, 200);
    assert.equal((await host.invoke(api.graph.follow, { params: { handle: friend.handle } })).status, 200);
    const stranger = await TestUser.signup(t, uniq('rp_stranger'));
    const visitor = new TestUser(t);

    const cardOf = async (u: TestUser) => {
      const c = await u.invoke(api.cards.card, { params: { handle: host.handle } });
      assert.equal(c.status, 200, JSON.stringify(c.error));
      return replaysOn(c.body.sections);
    };
    const friendSees = await cardOf(friend);
    assert.deepEqual(friendSees?.kind === 'room_replays' && friendSees.rooms.slice(0, 3).map((r) => [r.title, r.durationSec]), [
      ['Newer replay', 7.5],
      ['Friends replay', 7.5],
      ['Older replay', 7.5],
    ]);
    for (const u of [stranger, visitor]) {
      const seen = await cardOf(u);
      assert.ok(seen?.kind === 'room_replays');
      const ids = seen.rooms.map((r) => r.id);
      assert.ok(ids.includes(newer.id) && ids.includes(older.id), 'public replays are on the card');
      assert.ok(!ids.includes(secret.id), 'the friends room’s replay is not');
    }

    assertRefused(await stranger.invoke(api.rooms.get, { params: { id: secret.id } }), 403, 'forbidden', 'the room itself');
    const playlist = await stranger.call('GET', pathOf(api.rooms.hlsReplay, { id: secret.id }));
    assert.equal(playlist.status, 403, 'the playlist');
    const segment = await stranger.call('GET', pathOf(api.rooms.hlsSegment, { id: secret.id, segment: SEGMENTS[0]! }));
    assert.equal(segment.status, 403, 'a segment, even with its name known');
    assert.equal((await visitor.call('GET', pathOf(api.rooms.hlsSegment, { id: secret.id, segment: SEGMENTS[0]! }))).status, 401);
    const moments = await stranger.invoke(api.rooms.productMoments, { query: { productId: pot.id } });
    assert.ok(!moments.body.items.some((m) => m.roomId === secret.id), 'nor its moment on the product page');

    const friendGet = await friend.invoke(api.rooms.get, { params: { id: secret.id } });
    assert.deepEqual(friendGet.body.replay, { durationSec: 7.5 });
    assert.equal((await friend.call('GET', pathOf(api.rooms.hlsSegment, { id: secret.id, segment: SEGMENTS[0]! }))).status, 200);
  });

  test('buying from the replay of an ended room counts for the room in its summary', async () => {
    const tea = await product(host, [{ sku: 'TEA', price: 4200, stock: 5 }]);
    const room = await recordedRoom('Tea replay', tea.id);
    const b = await buyer(t, uniq('rp_buyer'));
    const placed = await buyNow(b, host.id, tea.variants[0]!.id, 2, { touch: { surface: 'room', surfaceId: room.id } });
    assert.equal(placed.status, 201, JSON.stringify(placed.error));
    assert.equal((await pay(b.user, placed.body.id)).status, 200);
    // A purchase from elsewhere does not count for the room.
    const other = await buyNow(b, host.id, tea.variants[0]!.id, 1, { touch: { surface: 'video', surfaceId: room.id } });
    assert.equal((await pay(b.user, other.body.id)).status, 200);

    const summary = await host.invoke(api.rooms.summary, { params: { id: room.id } });
    assert.equal(summary.status, 200, JSON.stringify(summary.error));
    assert.equal(summary.body.orders, 1);
    assert.deepEqual(summary.body.revenue, [{ amount: 8400, currency: 'CNY' }]);
  });
});
