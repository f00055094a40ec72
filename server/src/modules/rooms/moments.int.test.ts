import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '@tremolo/protocol';
import { assertRefused, startTestApp, TestUser, type TestApp } from '../../test/harness.ts';
import { product, seller, uniq } from '../shop/fixtures.ts';

let t: TestApp;
let host: TestUser;

before(async () => {
  t = await startTestApp();
  host = await seller(t, uniq('rm_host'));
});
after(async () => {
  await t.close();
});

describe('product moments (讲解)', () => {
  test('each pin while live is a moment of the room; ended rooms list on the product for those who may enter', async () => {
    const mug = await product(host);
    const pot = await product(host);
    const open = await host.invoke(api.rooms.create, { body: { title: 'Kitchen live' } });
    assert.equal(open.status, 201);
    const room = open.body;
    const secret = (await host.invoke(api.rooms.create, { body: { title: 'Friends only', audience: 'friends' } })).body;
    for (const [id, productId] of [
      [room.id, mug.id],
      [room.id, pot.id],
      [room.id, mug.id],
      [secret.id, mug.id],
    ] as const)
      assert.equal((await host.invoke(api.rooms.pin, { params: { id }, body: { productId } })).status, 200);
    assert.equal((await host.invoke(api.rooms.pin, { params: { id: room.id }, body: { productId: null } })).status, 200);

    const viewer = await TestUser.signup(t, uniq('rm_viewer'));
    const moments = await viewer.invoke(api.rooms.moments, { params: { id: room.id } });
    assert.equal(moments.status, 200, JSON.stringify(moments.body));
    assert.deepEqual(
      moments.body.items.map((m) => m.productId),
      [mug.id, pot.id, mug.id],
      'every pin, in order; the unpin is none',
    );
    assert.ok(moments.body.items.every((m, i, all) => m.offsetMs >= (all[i - 1]?.offsetMs ?? 0)));
    assert.equal(moments.body.items[0]!.product?.id, mug.id);
    assertRefused(await viewer.invoke(api.rooms.moments, { params: { id: secret.id } }), 403, 'forbidden');

    const live = await viewer.invoke(api.rooms.productMoments, { query: { productId: mug.id } });
    assert.deepEqual(live.body.items, [], 'a room still live is not listed');
    for (const id of [room.id, secret.id]) assert.equal((await host.invoke(api.rooms.end, { params: { id } })).status, 200);

    const ended = await viewer.invoke(api.rooms.productMoments, { query: { productId: mug.id } });
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
    assert.deepEqual(
      ended.body.items.map((m) => m.roomId),
      [room.id, room.id],
      'the friends room is not shown to a stranger',
    );
    assert.equal(ended.body.items[0]!.roomTitle, 'Kitchen live');
    assert.equal(ended.body.items[0]!.host.handle, host.handle);
    const asHost = await host.invoke(api.rooms.productMoments, { query: { productId: mug.id } });
    assert.equal(asHost.body.items.length, 3);
    const visitor = await new TestUser(t).invoke(api.rooms.productMoments, { query: { productId: mug.id } });
    assert.equal(visitor.status, 200);
    assert.equal(visitor.body.items.length, 2);
  });
});
