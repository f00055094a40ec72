import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, pathOf, type Room } from '@tremolo/protocol';
import { startCluster, type TestCluster } from '../../test/cluster.ts';
import { testDb } from '../../test/harness.ts';
import { signupOverHttp } from '../../test/processes.ts';

/**
 * Hearts accepted by a node wait (up to a second) before they are added to the room's row. A node
 * SIGKILLed in that second must not take them with it: the survivor that sweeps it adds them.
 */
type Person = Awaited<ReturnType<typeof signupOverHttp>>;

const post = (who: Person, body: unknown): RequestInit => ({
  method: 'POST',
  body: JSON.stringify(body),
  headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/json' },
});

async function json<T>(r: Response, status: number): Promise<T> {
  const text = await r.text();
  assert.equal(r.status, status, `${r.url}: ${text}`);
  return JSON.parse(text) as T;
}

describe('hearts of a node that dies', { skip: testDb !== 'postgres' && 'needs Postgres and Redis shared by two processes' }, () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster({ env: { CLUSTER_HEARTBEAT_MS: '250', CLUSTER_DEAD_AFTER_MS: '1500' } });
  });
  after(async () => c?.close());

  test('hearts accepted by a node SIGKILLed before its next tick are added by the node that sweeps it', async () => {
    const [a, b] = c.nodes.map((n) => n.url) as [string, string];
    const host = await signupOverHttp(a, 'hc_host');
    const fan = await signupOverHttp(b, 'hc_fan');
    const room = await json<Room>(await fetch(`${a}${pathOf(api.rooms.create)}`, post(host, { title: 'Hearts', audience: 'public' })), 201);
    await json(await fetch(`${b}${pathOf(api.rooms.join, { id: room.id })}`, post(fan, {})), 200);
    // Through B, then B dies at once: well within the second before its tick would add them.
    for (let i = 0; i < 3; i++) await json(await fetch(`${b}${pathOf(api.rooms.hearts, { id: room.id })}`, post(fan, { count: 10 })), 200);
    await c.nodes[1]!.stop('SIGKILL');

    const deadline = Date.now() + 15_000;
    for (;;) {
      const seen = await json<Room>(
        await fetch(`${a}${pathOf(api.rooms.get, { id: room.id })}`, { headers: { cookie: host.cookie } }),
        200,
      );
      if (seen.state.hearts === 30) break;
      if (Date.now() > deadline) throw new Error(`the room has ${seen.state.hearts} hearts, not 30, after B was swept`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
