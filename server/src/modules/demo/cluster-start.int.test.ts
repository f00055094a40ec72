import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createScratchDatabase, testDb } from '../../test/harness.ts';
import { startServerProcess, type ServerProcess } from '../../test/processes.ts';

/**
 * Two nodes started at the same moment on an empty PostgreSQL database both come up: the
 * migrations and the demo seeding each run under an advisory lock, and the second node finds
 * the demo already there instead of creating it again.
 */
test('two nodes starting together on an empty database both become ready, and the demo exists once', {
  skip: testDb !== 'postgres' && 'needs PostgreSQL shared by two processes',
}, async () => {
  const scratch = await createScratchDatabase();
  let nodes: ServerProcess[] = [];
  const db = new pg.Client({ connectionString: scratch.url });
  try {
    // Demo videos (ffmpeg) would follow in the background; the accounts, graph, shop and group are what races at start.
    const env = { DATABASE_URL: scratch.url, SEED_DEMO: 'true', LOG_LEVEL: 'warn' };
    const started = await Promise.allSettled([
      startServerProcess(env, undefined, [], 60_000),
      startServerProcess(env, undefined, [], 60_000),
    ]);
    nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    for (const n of nodes) assert.equal((await fetch(`${n.url}/readyz`)).status, 200);
    await db.connect();
    const count = async (q: string) => Number((await db.query<{ n: string }>(q)).rows[0]!.n);
    assert.equal(await count(`select count(*) as n from users`), 6);
    assert.equal(await count(`select count(*) as n from users where handle = 'lina_beauty'`), 1);
    assert.equal(await count(`select count(*) as n from fan_groups`), 1);
    assert.equal(await count(`select count(*) as n from follows`), 12);
    const products = await count(`select count(*) as n from shop_products`);
    const perSeller = await count(`select count(distinct (seller_id, title)) as n from shop_products`);
    assert.ok(products > 0);
    assert.equal(products, perSeller, 'no product was created twice');
    // Both nodes serve the same demo: one logs in through each.
    for (const n of nodes) {
      const r = await fetch(`${n.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ handle: 'mia_fan', password: 'tremolo-demo' }),
      });
      assert.equal(r.status, 200, await r.text());
    }
  } finally {
    await db.end().catch(() => undefined);
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await scratch.drop();
  }
});
