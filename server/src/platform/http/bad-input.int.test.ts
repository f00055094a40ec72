import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startTestApp, TestUser, type TestApp } from '../../test/harness.ts';
import {
  assertClientError,
  brokenMultiparts,
  concretePath,
  NIL_ID,
  operations,
  sample,
  setAt,
  stringLeaves,
  type Operation,
} from '../../test/api-input.ts';
import { multipart } from '../../test/multipart.ts';

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
  const doc = JSON.parse((await t.app.http.inject({ method: 'GET', url: '/api/openapi.json' })).body) as {
    paths: Record<string, Record<string, Op>>;
  };
  routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
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
        [
          'wrong field types',
          await send(
            JSON.stringify({ handle: 12, password: false, displayName: [], bio: 5, upTo: 'x', currentPassword: 1, newPassword: {} }),
          ),
        ],
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
        const res = await t.app.http.inject({
          method: r.method as 'GET',
          url,
          headers: { cookie: user.cookie, 'x-csrf-token': user.csrf },
        });
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

/** Text PostgreSQL cannot store (U+0000) or that is not text at all (an unpaired surrogate). */
const UNSTORABLE: [string, string][] = [
  ['U+0000', 'a\u0000b'],
  ['a lone surrogate', 'a\ud800b'],
];

describe('text PostgreSQL cannot store is a 400 naming the field', () => {
  let ops: Operation[] = [];
  // Its own person: the sweep above also calls logout.
  let user: TestUser;
  before(async () => {
    ops = await operations(t);
    user = await TestUser.signup(t, 'texter');
  });

  test('every string field of every JSON body', async () => {
    const headers = { cookie: user.cookie, 'x-csrf-token': user.csrf, 'content-type': 'application/json' };
    let fields = 0;
    for (const op of ops.filter((o) => o.json)) {
      const base = sample(op.json!);
      for (const leaf of stringLeaves(base)) {
        for (const [what, bad] of UNSTORABLE) {
          const payload = JSON.stringify(setAt(base, leaf, bad));
          const res = await t.app.http.inject({ method: op.method, url: concretePath(op, 'sweeper'), headers, payload });
          const where = `${op.method} ${op.path} ${leaf.join('.')} with ${what}`;
          const err = assertClientError(res.statusCode, res.body, where);
          assert.equal(err.code, 'validation_failed', `${where}: ${res.body}`);
          assert.ok(
            err.issues?.some((i) => i.path === leaf.join('.')),
            `${where}: the field is not named in ${res.body}`,
          );
          fields++;
        }
      }
    }
    assert.ok(fields >= 100, `only ${fields} text fields found`);
  });

  test('every string query parameter', async () => {
    let fields = 0;
    for (const op of ops) {
      for (const q of op.queryParams) {
        const base = new URLSearchParams();
        for (const other of op.queryParams) if (other.required || other === q) base.set(other.name, String(sample(other.schema)));
        if (typeof sample(q.schema) !== 'string' || 'enum' in q.schema) continue;
        base.set(q.name, 'a\u0000b');
        const res = await t.app.http.inject({
          method: op.method,
          url: `${concretePath(op, 'sweeper')}?${base}`,
          headers: { cookie: user.cookie, 'x-csrf-token': user.csrf },
        });
        const where = `${op.method} ${op.path} ?${q.name} with U+0000`;
        const err = assertClientError(res.statusCode, res.body, where);
        assert.equal(err.code, 'validation_failed', `${where}: ${res.body}`);
        assert.ok(
          err.issues?.some((i) => i.path === q.name),
          `${where}: the field is not named in ${res.body}`,
        );
        fields++;
      }
    }
    assert.ok(fields >= 3, `only ${fields} text query parameters found`);
  });

  test('text fields of a multipart upload', async () => {
    // Multipart fields arrive as UTF-8 bytes, which cannot carry a lone surrogate: only U+0000 applies.
    for (const [what, bad] of UNSTORABLE.slice(0, 1)) {
      const up = multipart([
        { name: 'caption', data: `my ${bad} video` },
        { name: 'file', filename: 'v.mp4', type: 'video/mp4', data: Buffer.alloc(1024, 1) },
      ]);
      const res = await t.app.http.inject({
        method: 'POST',
        url: '/api/v1/videos',
        headers: { cookie: user.cookie, 'x-csrf-token': user.csrf, 'content-type': up.contentType },
        payload: up.payload,
      });
      const err = assertClientError(res.statusCode, res.body, `video caption with ${what}`);
      assert.equal(err.code, 'validation_failed');
      assert.ok(
        err.issues?.some((i) => i.path === 'caption'),
        res.body,
      );
    }
  });

  test('realtime frames: an error frame validation_failed, never internal', async () => {
    const group = await user.call<{ id: string }>('POST', '/api/v1/groups', { name: 'Sweepers' });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    const ch = `group:${group.body.id}`;
    const ws = await user.socket();
    try {
      ws.send({ t: 'sub', ch });
      await ws.next((f) => f.t === 'subbed');
      for (const [what, bad] of UNSTORABLE) {
        const frames: [string, unknown][] = [
          ['chat text', { t: 'pub', ch, cid: `c-${what}`, body: { kind: 'chat', text: `hi ${bad}` } }],
          ['client id', { t: 'pub', ch, cid: `c${bad}`, body: { kind: 'chat', text: 'hi' } }],
          ['broadcast text', { t: 'pub', ch: `creator:${user.id}`, cid: `b-${what}`, body: { kind: 'broadcast', text: `hi ${bad}` } }],
          ['share text', { t: 'pub', ch, cid: `s-${what}`, body: { kind: 'share', target: { type: 'video', id: NIL_ID }, text: bad } }],
          ['reaction emoji', { t: 'pub', ch, cid: `r-${what}`, body: { kind: 'reaction', emoji: bad } }],
          ['channel name', { t: 'sub', ch: `group:${bad}` }],
        ];
        for (const [field, frame] of frames) {
          const before = ws.frames.length;
          ws.send(frame);
          const reply = await ws.next((f) => ws.frames.indexOf(f) >= before && (f.t === 'err' || f.t === 'ack'));
          assert.equal(reply.t, 'err', `${field} with ${what}: ${JSON.stringify(reply)}`);
          if (reply.t === 'err') assert.equal(reply.code, 'validation_failed', `${field} with ${what}: ${JSON.stringify(reply)}`);
        }
      }
      // The socket still works afterwards.
      ws.send({ t: 'pub', ch, cid: 'fine', body: { kind: 'chat', text: 'still here' } });
      const ack = await ws.next((f) => f.t === 'ack' && f.cid === 'fine');
      assert.equal(ack.t, 'ack');
    } finally {
      ws.close();
    }
  });
});

describe('a broken multipart body is a 4xx on every upload route', () => {
  let user: TestUser;
  before(async () => {
    user = await TestUser.signup(t, 'uploader');
  });
  test('no boundary, truncated, JSON as multipart, garbage, no file, two files', async () => {
    const uploads = (await operations(t)).filter((o) => o.multipart);
    assert.ok(uploads.length >= 4, `only ${uploads.length} upload routes`);
    for (const op of uploads) {
      for (const c of brokenMultiparts()) {
        const res = await t.app.http.inject({
          method: op.method,
          url: concretePath(op, 'sweeper'),
          headers: { cookie: user.cookie, 'x-csrf-token': user.csrf, 'content-type': c.contentType },
          payload: c.payload,
        });
        assertClientError(res.statusCode, res.body, `${op.method} ${op.path} (${c.name})`);
      }
    }
    assert.equal((await t.app.http.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  });
});

/** Sends raw bytes over TCP, for requests Node's HTTP parser refuses before any route runs. */
function rawRequest(url: string, request: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    let data = '';
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('error', (e) => (data ? undefined : reject(e)));
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
    socket.setTimeout(5000, () => socket.destroy());
  });
}

describe('framework errors use the one error shape', () => {
  test('a path parameter that is not valid percent-encoding', async () => {
    for (const url of ['/api/v1/users/%E0%A4%A', '/api/v1/videos/%zz', '/api/v1/shop/products/%']) {
      const res = await fetch(t.url + url);
      const err = assertClientError(res.status, await res.text(), url);
      assert.equal(res.status, 400, url);
      assert.equal(err.code, 'bad_request');
    }
  });

  test('an over-long path parameter', async () => {
    const url = `/api/v1/users/${'a'.repeat(5000)}`;
    const res = await fetch(t.url + url);
    assertClientError(res.status, await res.text(), 'long parameter');
    assert.equal(res.status, 414);
  });

  test('oversized headers and requests that are not HTTP', async () => {
    const big = await rawRequest(t.url, `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    assertClientError(big.status, big.body, 'oversized headers');
    assert.equal(big.status, 431);
    for (const junk of [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n',
      'BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n',
      'TRACE /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET / HTTP/1.1\r\nHo st: x\r\n\r\n',
    ]) {
      const res = await rawRequest(t.url, junk);
      assertClientError(res.status, res.body, JSON.stringify(junk));
    }
    const health = await fetch(`${t.url}/healthz`);
    assert.equal(health.status, 200);
  });

  test('odd methods, media paths and bodies on any path', async () => {
    const cases: { method: string; url: string; body?: string; headers?: Record<string, string> }[] = [
      { method: 'OPTIONS', url: '/api/v1/me' },
      { method: 'GET', url: '/media/%zz' },
      { method: 'GET', url: '/media/../../etc/passwd' },
      { method: 'GET', url: '/media/%2e%2e/%2e%2e/etc/passwd' },
      { method: 'GET', url: '/api/v1/users?handles=a&handles=b' },
      { method: 'POST', url: '/api/v1/auth/login', body: '{"__proto__":{"x":1}}', headers: { 'content-type': 'application/json' } },
      {
        method: 'POST',
        url: '/api/v1/auth/login',
        body: '{"constructor":{"prototype":{"x":1}}}',
        headers: { 'content-type': 'application/json' },
      },
      { method: 'POST', url: '/api/v1/auth/login', body: '{}', headers: { 'content-type': 'application/json; charset=utf-16' } },
      { method: 'POST', url: '/api/v1/auth/login', body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { method: 'POST', url: '/api/v1/auth/login', body: '', headers: { 'content-type': 'application/json' } },
      {
        method: 'POST',
        url: '/api/v1/auth/login',
        body: '{}',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      },
    ];
    for (const c of cases) {
      const res = await fetch(t.url + c.url, {
        method: c.method,
        ...(c.body !== undefined ? { body: c.body } : {}),
        headers: c.headers ?? {},
      });
      const body = await res.text();
      if (res.status < 400 && c.method === 'OPTIONS') continue;
      assertClientError(res.status, body, `${c.method} ${c.url}`);
    }
  });
});
