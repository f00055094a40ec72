import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, TestUser, type TestApp } from '../../test/harness.ts';

/**
 * Walks every route in the OpenAPI document (which the router builds from the same schemas
 * it validates with) and throws bad input at it: nothing may answer 5xx or change state.
 */
let t: TestApp;
let user: TestUser;
type Op = { security?: unknown; requestBody?: { content: Record<string, unknown> } };
let routes: { method: string; path: string; op: Op }[] = [];

before(async () => {
  t = await startTestApp();
  user = await TestUser.signup(t, 'sweeper');
  const doc = JSON.parse((await t.app.http.inject({ method: 'GET', url: '/api/openapi.json' })).body) as { paths: Record<string, Record<string, Op>> };
  routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
});
after(async () => t.close());

/** Fills path parameters with values that exist, so the bad part is only the one under test. */
const concrete = (path: string) => path.replace('{handle}', 'sweeper').replace(/\{[a-zA-Z]+\}/g, '00000000-0000-7000-8000-000000000000');

function assertErrorShape(status: number, body: string, what: string) {
  assert.ok(status >= 400 && status < 500, `${what}: expected 4xx, got ${status} ${body}`);
  const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
  assert.equal(typeof parsed.error?.code, 'string', `${what}: error code`);
  assert.equal(typeof parsed.error?.message, 'string', `${what}: error message`);
}

describe('bad input on every route', () => {
  test('the document lists the API', () => {
    assert.ok(routes.length >= 15, `only ${routes.length} routes documented`);
  });

  test('routes that need a session answer 401 without one', async () => {
    for (const r of routes.filter((r) => r.op.security)) {
      const res = await t.app.http.inject({ method: r.method as 'GET', url: concrete(r.path) });
      assertErrorShape(res.statusCode, res.body, `${r.method} ${r.path}`);
      assert.equal(res.statusCode, 401, `${r.method} ${r.path} without a session`);
    }
  });

  test('JSON bodies: malformed, wrong type, unknown fields, oversized, wrong content type', async () => {
    const withJson = routes.filter((r) => r.op.requestBody?.content['application/json']);
    assert.ok(withJson.length >= 5);
    const headers = { cookie: user.cookie, 'x-csrf-token': user.csrf };
    for (const r of withJson) {
      const url = concrete(r.path);
      const send = (payload: string, contentType = 'application/json') =>
        t.app.http.inject({ method: r.method as 'POST', url, headers: { ...headers, 'content-type': contentType }, payload });
      const cases: [string, Awaited<ReturnType<typeof send>>][] = [
        ['malformed', await send('{"handle": ')],
        ['wrong type', await send('"just a string"')],
        ['array', await send('[1,2,3]')],
        ['unknown field', await send(JSON.stringify({ definitelyNotAField: true }))],
        ['wrong field types', await send(JSON.stringify({ handle: 12, password: false, displayName: [], bio: 5, upTo: 'x', currentPassword: 1, newPassword: {} }))],
        ['oversized', await send(JSON.stringify({ bio: 'x'.repeat(200_000) }))],
        ['text/plain', await send('hello', 'text/plain')],
      ];
      for (const [name, res] of cases) assertErrorShape(res.statusCode, res.body, `${r.method} ${r.path} (${name})`);
      assert.equal(cases[0]![1].statusCode, 400);
      assert.equal(cases[5]![1].statusCode, 413);
      assert.equal(cases[6]![1].statusCode, 415);
    }
    const me = await user.call<{ handle: string; bio: string; displayName: string }>('GET', '/api/v1/me');
    assert.deepEqual([me.body.handle, me.body.bio, me.body.displayName], ['sweeper', '', 'sweeper'], 'nothing changed');
  });

  test('bad path and query parameters are 4xx, never 5xx', async () => {
    for (const r of routes) {
      const bad = r.path.replace('{handle}', 'NOT A HANDLE!').replace(/\{[a-zA-Z]+\}/g, 'not-a-uuid');
      for (const url of [bad, `${concrete(r.path)}?limit=-1`, `${concrete(r.path)}?cursor=%27;drop%20table`]) {
        const res = await t.app.http.inject({ method: r.method as 'GET', url, headers: { cookie: user.cookie, 'x-csrf-token': user.csrf } });
        assert.ok(res.statusCode < 500, `${r.method} ${url}: ${res.statusCode} ${res.body}`);
      }
    }
  });

  test('unknown API paths are a 404 in the error shape', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/api/v1/nope' });
    assertErrorShape(res.statusCode, res.body, 'unknown');
    assert.equal(res.statusCode, 404);
  });

  test('operations endpoints answer', async () => {
    assert.equal((await t.app.http.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    const ready = await t.app.http.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    const metrics = await t.app.http.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /tremolo_http_request_duration_seconds/);
    assert.match(metrics.body, /tremolo_ws_open_sockets/);
    assert.match(metrics.body, /tremolo_realtime_events_fanned_out_total/);
  });
});
