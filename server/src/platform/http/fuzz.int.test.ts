import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ClientFrame, ErrorCode, MAX_FRAME_BYTES, PublishBody, type ServerFrame } from '@tremolo/protocol';
import { loadConfig } from '../config.ts';
import { startTestApp, TestUser, type TestApp } from '../../test/harness.ts';
import {
  assertClientError,
  brokenMultiparts,
  concretePath,
  operations,
  sample,
  setAt,
  stringLeaves,
  type JsonSchema,
  type Operation,
} from '../../test/api-input.ts';

/**
 * Seeded fuzzing of every operation of the API document and every client frame type of the
 * socket, logged out and logged in (with CSRF): nothing may answer a 5xx, every error must be
 * in the one shape, and the server must still serve normally afterwards.
 * FUZZ_SEED repeats a run; FUZZ_MS bounds the random phase of each part.
 */
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const budgetMs = Number(process.env.FUZZ_MS ?? 15_000);
console.log(`fuzz seed ${seed} (rerun with FUZZ_SEED=${seed}), ${budgetMs} ms per part`);

/** mulberry32: small, fast and the same everywhere, so a seed replays the same inputs. */
function prng(s: number) {
  let a = s >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
type Rng = ReturnType<typeof prng>;

const ODD_STRINGS = [
  'a\u0000b',
  '\u0000',
  'a\ud800b',
  '\udfff',
  '\ud83d',
  '',
  ' ',
  '\u202e\u200b\ufeff',
  'x'.repeat(100_000),
  '😀'.repeat(3000),
  "'; drop table users; --",
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  '%00%ff%',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '-1',
  '1e309',
  'NaN',
  'null',
  '__proto__',
  'constructor',
];
const ODD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -2147483649,
  9007199254740993,
  1e308,
  [],
  {},
  [null],
  { a: 1 },
  Array.from({ length: 5000 }, (_, i) => i),
  { __proto__: { polluted: true } },
];
const ODD_PATH = [
  'not-a-uuid',
  '0',
  '-1',
  '%00',
  '%ED%A0%80',
  '%C0%AF',
  'a'.repeat(150),
  '..%2F..%2Fetc%2Fpasswd',
  '%zz',
  '%',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-7FFF-BFFF-FFFFFFFFFFFF',
  '00000000-0000-7000-8000-000000000000x',
  '%20',
  '😀',
  '1e3',
  '99999999999999999999',
];
const ODD_QUERY = [
  '%00',
  '-1',
  '0',
  '1e9',
  'NaN',
  '',
  'a'.repeat(5000),
  '%ED%A0%80',
  '00000000-0000-7000-8000-000000000000',
  'eyJpZCI6MX0',
  '%27%3Bdrop',
  '[]',
  '1,2,3',
];

function oddValue(rng: Rng): unknown {
  return rng.next() < 0.6 ? rng.pick(ODD_STRINGS) : rng.pick(ODD_VALUES);
}

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

interface Identity {
  name: string;
  headers: Record<string, string>;
}

let t: TestApp;
let user: TestUser;
let ops: Operation[] = [];
let anon: Identity;
let member: Identity;
const seen = { requests: 0, byStatus: new Map<number, number>() };
let healthChecks = 0;

before(async () => {
  const defaults = loadConfig({});
  t = await startTestApp({ realtime: { ...defaults.realtime, framesPerSecond: 100_000 } });
  user = await TestUser.signup(t, 'fuzzer');
  ops = await operations(t);
  anon = { name: 'logged out', headers: {} };
  member = { name: 'logged in', headers: { cookie: user.cookie, 'x-csrf-token': user.csrf } };
});
after(async () => {
  console.log(`fuzz: ${seen.requests} requests, statuses ${JSON.stringify(Object.fromEntries([...seen.byStatus].sort()))}`);
  await t.close();
});

/** One malformed request for `op`; returns what it sent, for the failure message. */
async function fuzzOnce(op: Operation, who: Identity, rng: Rng, kind: number): Promise<void> {
  let url = concretePath(op, 'fuzzer');
  const headers: Record<string, string> = { ...who.headers };
  let payload: string | Buffer | undefined;
  let what = '';
  switch (kind % 5) {
    case 0: {
      // An odd path parameter (or, without any, an odd path segment).
      const names = op.pathParams.map((p) => p.name);
      const odd = rng.pick(ODD_PATH);
      if (names.length) {
        const target = rng.pick(names);
        url = op.path.replace(/\{([a-zA-Z]+)\}/g, (_m, n: string) =>
          n === target ? odd : concretePath({ ...op, path: `{${n}}` }, 'fuzzer'),
        );
      } else url = `${url}/${odd}`;
      what = `path ${url.slice(0, 120)}`;
      break;
    }
    case 1: {
      // Odd query values, on the documented parameters and beyond.
      const q: string[] = [];
      for (const p of op.queryParams) if (rng.next() < 0.7) q.push(`${p.name}=${rng.pick(ODD_QUERY)}`);
      q.push(rng.pick(['cursor', 'limit', 'q', 'ids', 'status', 'x'].map((n) => `${n}=${rng.pick(ODD_QUERY)}`)));
      if (rng.next() < 0.3) q.push('limit=1&limit=2');
      url = `${url}?${q.join('&')}`;
      what = `query ${url.slice(0, 160)}`;
      break;
    }
    case 2:
    case 3: {
      if (op.multipart) {
        const c = rng.pick(brokenMultiparts());
        headers['content-type'] = c.contentType;
        payload = c.payload;
        what = `multipart ${c.name}`;
        break;
      }
      headers['content-type'] = 'application/json';
      const base = op.json ? sample(op.json) : { x: 1 };
      const leaves = stringLeaves(base);
      const r = rng.int(10);
      if (r < 6 && leaves.length) {
        const leaf = rng.pick(leaves);
        payload = JSON.stringify(setAt(base, leaf, oddValue(rng)));
        what = `body ${leaf.join('.')}`;
      } else if (r < 8 && base && typeof base === 'object' && !Array.isArray(base)) {
        const keys = Object.keys(base);
        const key = keys.length ? rng.pick(keys) : 'x';
        payload = JSON.stringify({ ...base, [key]: oddValue(rng) });
        what = `body ${key} (any type)`;
      } else {
        payload = rng.pick([
          `{"a":`,
          nested(10_000),
          '"\\ud800"',
          '{"__proto__":{"a":1}}',
          '{"constructor":{"prototype":{"a":1}}}',
          JSON.stringify(oddValue(rng)),
          '\u0000',
          '{"a":1}{"b":2}',
        ]);
        what = `raw body ${payload.slice(0, 40)}`;
      }
      break;
    }
    default: {
      // A body the route does not expect: wrong content type, or bytes that are not text.
      const ct = rng.pick([
        'text/plain',
        'application/xml',
        'application/json; charset=latin1',
        'multipart/form-data',
        'application/x-www-form-urlencoded',
        'application/octet-stream',
      ]);
      headers['content-type'] = ct;
      payload = Buffer.from(Array.from({ length: 1 + rng.int(256) }, () => rng.int(256)));
      what = `${ct} bytes`;
    }
  }
  const res = await t.app.http.inject({
    method: op.method,
    url,
    headers,
    ...(payload !== undefined && op.method !== 'GET' ? { payload } : {}),
  });
  seen.requests++;
  seen.byStatus.set(res.statusCode, (seen.byStatus.get(res.statusCode) ?? 0) + 1);
  const where = `[seed ${seed}] ${who.name} ${op.method} ${op.path}: ${what}`;
  assert.ok(res.statusCode < 500, `${where}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  if (res.statusCode >= 400) assertClientError(res.statusCode, res.body, where);
}

async function assertHealthy(): Promise<void> {
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
  const me = await user.call<{ handle: string }>('GET', '/api/v1/me');
  assert.equal(me.status, 200, JSON.stringify(me.body));
  assert.equal(me.body.handle, 'fuzzer');
  const fresh = await TestUser.signup(t, `after_${++healthChecks}`);
  assert.equal((await fresh.call('PATCH', '/api/v1/me', { bio: 'still fine 😀' })).status, 200);
}

describe(`fuzz (seed ${seed})`, () => {
  test('every operation, logged out and logged in: no 5xx, errors in the one shape', async () => {
    assert.ok(ops.length >= 100, `only ${ops.length} operations`);
    const rng = prng(seed);
    // Logout would end the session the rest of the run uses; it has no input besides the cookie.
    const usable = (who: Identity) => ops.filter((o) => !(who === member && o.path === '/api/v1/auth/logout'));
    // Every operation gets every kind of bad input once, then random ones until the budget is spent.
    for (const who of [anon, member]) for (const op of usable(who)) for (let kind = 0; kind < 5; kind++) await fuzzOnce(op, who, rng, kind);
    const deadline = Date.now() + budgetMs;
    while (Date.now() < deadline) {
      const who = rng.next() < 0.3 ? anon : member;
      await fuzzOnce(rng.pick(usable(who)), who, rng, rng.int(5));
    }
    await assertHealthy();
  });

  test('every client frame type on the socket: never err internal, errors with known codes', async () => {
    const rng = prng(seed ^ 0x5eed);
    const group = await user.call<{ id: string }>('POST', '/api/v1/groups', { name: 'Fuzzers' });
    assert.equal(group.status, 201);
    const channels = [
      `user:${user.id}`,
      `creator:${user.id}`,
      `group:${group.body.id}`,
      `match:${user.id}`,
      `watch:${group.body.id}`,
      `room:${group.body.id}`,
      `product:${group.body.id}`,
      `dm:${user.id}:${group.body.id}`,
    ];
    const oddChannels = ['group:', 'nope:1', 'group:not-a-uuid', `group:${'a'.repeat(200)}`, 'user:\u0000', 'x'];
    // Samples of every frame type (and every publishable body), from the same schemas the gateway parses with.
    const frameSchemas = ClientFrame.options.map((o) => z.toJSONSchema(o, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
    const bodySchemas = PublishBody.options.map((o) => z.toJSONSchema(o, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
    const codes = new Set<string>(ErrorCode.options);
    let sent = 0;
    let ws = await user.socket();
    const errs: Extract<ServerFrame, { t: 'err' }>[] = [];
    /** A frame over the size limit is refused by closing the socket (1009): check that, then carry on. */
    const sendFrame = async (frame: unknown) => {
      const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
      ws.send(text);
      if (Buffer.byteLength(text) <= MAX_FRAME_BYTES) return;
      const closing = ws;
      assert.equal(await closing.closed(), 1009, `[seed ${seed}] an oversized frame should close the socket with 1009`);
      for (const f of closing.frames) if (f.t === 'err') errs.push(f);
      ws = await user.socket();
    };
    const settle = async () => {
      // Frames of one socket are handled in order: the pong of this ping comes after every answer before it.
      const ts = rng.int(1e9);
      ws.send({ t: 'ping', ts });
      await ws
        .next((f) => f.t === 'pong' && f.ts === ts, 10_000)
        .catch((e: unknown) => {
          throw new Error(
            `[seed ${seed}] no pong after ${sent} frames (socket closed with ${ws.closeCode}); last answers ${JSON.stringify(ws.frames.slice(-3)).slice(0, 500)}`,
            { cause: e },
          );
        });
      for (const f of ws.frames.splice(0)) if (f.t === 'err') errs.push(f);
    };
    const frameFor = (i: number): unknown => {
      const base = sample(frameSchemas[i % frameSchemas.length]!) as Record<string, unknown>;
      if ('ch' in base) base.ch = rng.next() < 0.8 ? rng.pick(channels) : rng.pick(oddChannels);
      if (base.t === 'pub') base.body = sample(bodySchemas[rng.int(bodySchemas.length)]!);
      if ('cid' in base) base.cid = `f${sent}`;
      const leaves = stringLeaves(base).filter((l) => l[0] !== 't');
      const r = rng.next();
      if (r < 0.7 && leaves.length) return setAt(base, rng.pick(leaves), oddValue(rng));
      if (r < 0.85) {
        const keys = Object.keys(base).filter((k) => k !== 't');
        return keys.length ? { ...base, [rng.pick(keys)]: oddValue(rng) } : base;
      }
      return rng.pick<unknown>([
        base,
        '{"t":',
        'null',
        '[]',
        '"\\ud800"',
        { t: 'nope' },
        { t: 'pub' },
        JSON.stringify({ ...base, extra: '\u0000' }),
      ]);
    };
    const deadline = Date.now() + budgetMs;
    // Every frame type and every body kind first, then random frames until the budget is spent.
    const firstPass = frameSchemas.length * bodySchemas.length * 2;
    while (sent < firstPass || Date.now() < deadline) {
      for (let burst = 0; burst < 20; burst++, sent++) {
        const frame =
          sent < firstPass
            ? (() => {
                const base = sample(frameSchemas[sent % frameSchemas.length]!) as Record<string, unknown>;
                if ('ch' in base) base.ch = rng.pick(channels);
                if (base.t === 'pub') base.body = sample(bodySchemas[Math.floor(sent / frameSchemas.length) % bodySchemas.length]!);
                if ('cid' in base) base.cid = `f${sent}`;
                const leaves = stringLeaves(base).filter((l) => l[0] !== 't');
                return leaves.length ? setAt(base, rng.pick(leaves), rng.pick(ODD_STRINGS.slice(0, 5))) : base;
              })()
            : frameFor(sent);
        await sendFrame(frame);
      }
      if (rng.next() < 0.05) {
        // Binary and oversized frames: the first is refused in words, the second closes the socket.
        ws.ws.send(Buffer.from([0, 1, 2]));
        if (rng.next() < 0.5) await sendFrame('x'.repeat(MAX_FRAME_BYTES + 1));
      }
      await settle();
    }
    await settle();
    ws.close();
    const where = `[seed ${seed}] after ${sent} frames`;
    assert.ok(errs.length > 0, `${where}: no frame was refused at all`);
    for (const e of errs) {
      assert.notEqual(e.code, 'internal', `${where}: ${JSON.stringify(e)}`);
      assert.ok(codes.has(e.code), `${where}: undocumented code ${e.code}`);
      assert.equal(typeof e.message, 'string');
    }
    console.log(`fuzz: ${sent} frames, error codes ${JSON.stringify([...new Set(errs.map((e) => e.code))].sort())}`);
    // The gateway still carries a normal message afterwards (from someone the storm did not rate-limit).
    const other = await TestUser.signup(t, 'bystander');
    assert.equal((await other.call('POST', `/api/v1/groups/${group.body.id}/join`, {})).status, 200);
    const again = await other.socket();
    again.send({ t: 'sub', ch: `group:${group.body.id}` });
    await again.next((f) => f.t === 'subbed');
    again.send({ t: 'pub', ch: `group:${group.body.id}`, cid: 'normal', body: { kind: 'chat', text: 'hello after the storm' } });
    const ack = await again.next((f) => (f.t === 'ack' && f.cid === 'normal') || f.t === 'err');
    assert.equal(ack.t, 'ack', JSON.stringify(ack));
    again.close();
    await assertHealthy();
  });
});
