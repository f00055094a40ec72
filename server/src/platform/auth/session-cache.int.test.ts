import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startNodes, type TestNodes } from '../../test/cluster.ts';
import { testDb } from '../../test/harness.ts';
import { signupOverHttp, type ServerProcess } from '../../test/processes.ts';

/**
 * Sessions and people's rows are kept in each node's memory; ending a session or changing a row
 * on one node must hold on every other node at once, not when the other node's copy runs out. Two server processes share PostgreSQL and
 * Redis; the memory time is set far above the test's length, so only the bus can explain a refusal.
 */
let a: ServerProcess;
let b: ServerProcess;
let cluster: TestNodes | null = null;

const me = (base: string, cookie: string) => fetch(`${base}/api/v1/me`, { headers: { cookie } }).then((r) => r.status);

/** Logs the same person in again: a second session (another browser). */
async function login(base: string, handle: string): Promise<string> {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, password: 'correct horse battery' }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  const cookie = r.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('tremolo_sid='));
  assert.ok(cookie);
  return cookie;
}

describe('sessions and people kept in memory, across nodes', {
  skip: testDb !== 'postgres' && 'needs Postgres shared by two processes',
}, () => {
  before(async () => {
    cluster = await startNodes({ env: { SESSION_CACHE_SEC: '3600' } });
    [a, b] = cluster.nodes as [ServerProcess, ServerProcess];
  });
  after(async () => {
    await cluster?.close();
  });

  test('a session logged out on node A is refused on node B immediately', async () => {
    const p = await signupOverHttp(a.url, 'sc_logout');
    // Node B has the session in memory now.
    assert.equal(await me(b.url, p.cookie), 200);
    assert.equal(await me(b.url, p.cookie), 200);
    const out = await fetch(`${a.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: p.cookie, 'x-csrf-token': p.csrf } });
    assert.equal(out.status, 200);
    assert.equal(await me(b.url, p.cookie), 401);
    assert.equal(await me(a.url, p.cookie), 401);
  });

  test('a password change on node A logs the other sessions out on node B immediately, and keeps its own', async () => {
    const p = await signupOverHttp(a.url, 'sc_password');
    const other = await login(b.url, 'sc_password');
    assert.equal(await me(b.url, other), 200);
    assert.equal(await me(b.url, p.cookie), 200);
    const r = await fetch(`${a.url}/api/v1/auth/password`, {
      method: 'POST',
      headers: { cookie: p.cookie, 'x-csrf-token': p.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ currentPassword: 'correct horse battery', newPassword: 'another horse battery' }),
    });
    assert.equal(r.status, 200, await r.text());
    assert.equal(await me(b.url, other), 401);
    assert.equal(await me(a.url, other), 401);
    assert.equal(await me(b.url, p.cookie), 200);
  });

  test('a profile changed through node A is read through node B at once', async () => {
    const p = await signupOverHttp(a.url, 'sc_profile');
    const bio = async (base: string) =>
      ((await (await fetch(`${base}/api/v1/me`, { headers: { cookie: p.cookie } })).json()) as { bio: string }).bio;
    // Node B has the row in memory now.
    assert.equal(await bio(b.url), '');
    const r = await fetch(`${a.url}/api/v1/me`, {
      method: 'PATCH',
      headers: { cookie: p.cookie, 'x-csrf-token': p.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ bio: 'changed on A' }),
    });
    assert.equal(r.status, 200, await r.text());
    assert.equal(await bio(b.url), 'changed on A');
  });
});
