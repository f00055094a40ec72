import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import WebSocket from 'ws';
import assert from 'node:assert/strict';
import {
  api,
  pathOf,
  queryString,
  type CallArgs,
  type Endpoint,
  type ErrorBody,
  type ErrorCode,
  type ResponseOf,
  type ServerFrame,
  type Video,
} from '@tremolo/protocol';
import { multipart } from './multipart.ts';
import { buildApp, type App } from '../app.ts';
import { RATE_LIMITS, loadConfig, type Config } from '../platform/config.ts';

export type TestDb = 'pglite' | 'postgres';
/** Which database integration tests run on: `TEST_DB=postgres` for the real server, PGlite otherwise. */
export const testDb: TestDb = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';
const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A throwaway Postgres database for one test file; dropped by the returned function. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tremolo_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface TestApp {
  app: App;
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

/**
 * Limits far above anything a test does on purpose, so only the tests about limits (which set
 * their own, small ones) ever meet them. A variable set in the environment still wins.
 */
const GENEROUS_LIMITS: Record<string, string> = {
  ...Object.fromEntries(Object.values(RATE_LIMITS).map((l) => [l.env, '100000'])),
  SHOP_UNPAID_UNITS_PER_BUYER: '100000',
  LOGIN_SLOWDOWN_AFTER_FAILS: '100000',
  // The rooms tests are about the SFU with WebRTC for everyone; the broadcast tier's tests turn it on,
  // and then the whole audience watches it unless a test gives out WebRTC seats.
  BROADCAST: 'false',
  BROADCAST_WEBRTC_SEATS: '0',
};

/** `env` sets environment variables for this app only (e.g. one small limit under test). */
export async function startTestApp(overrides: Partial<Config> = {}, env: Record<string, string> = {}): Promise<TestApp> {
  const scratch = testDb === 'postgres' ? await createScratchDatabase() : null;
  const config = loadConfig(
    { ...GENEROUS_LIMITS, ...process.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...env },
    {
      port: 0,
      host: '127.0.0.1',
      dataDir: 'memory://',
      storageDir: mkdtempSync(path.join(os.tmpdir(), 'tremolo-storage-')),
      databaseUrl: scratch?.url,
      redisUrl: undefined,
      seedDemo: false,
      ...overrides,
    },
  );
  const app = await buildApp(config);
  await app.listen();
  const port = (app.http.server.address() as AddressInfo).port;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      await scratch?.drop();
    },
  };
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: OutgoingHttpHeaders;
}

/** A declared endpoint's answer: `body` on 2xx (checked against the contract), `error` on 4xx. */
export interface ApiReply<T> {
  status: number;
  body: T;
  error: ErrorBody['error'] | undefined;
  headers: OutgoingHttpHeaders;
}

/** A person using the API: keeps their session cookie and CSRF token like the web app does. */
export class TestUser {
  cookie = '';
  csrf = '';
  id = '';
  handle = '';

  constructor(private readonly t: TestApp) {}

  static async signup(t: TestApp, handle: string, displayName = handle): Promise<TestUser> {
    const u = new TestUser(t);
    const r = await u.invoke(api.accounts.signup, { body: { handle, displayName, password: 'correct horse battery' } });
    if (r.status !== 201) throw new Error(`signup ${handle} failed: ${r.status} ${JSON.stringify(r.error)}`);
    return u;
  }

  /** Uploads a video file with the form's other fields (caption, visibility, productIds); the 202 answer. */
  async uploadVideo(bytes: Buffer, fields: Record<string, string> = {}): Promise<Video> {
    const body = multipart([
      ...Object.entries(fields).map(([name, data]) => ({ name, data })),
      { name: 'file', filename: 'v.mp4', type: 'video/mp4', data: bytes },
    ]);
    const res = await this.t.app.http.inject({
      method: 'POST',
      url: pathOf(api.videos.upload, {}),
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, 'content-type': body.contentType },
      payload: body.payload,
    });
    assert.equal(res.statusCode, 202, res.body);
    return api.videos.upload.response.parse(JSON.parse(res.body)) as Video;
  }

  async call<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const res = await this.t.app.http.inject({
      method,
      url,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const setCookie = res.headers['set-cookie'];
    for (const c of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair] = c.split(';');
      if (pair?.startsWith('tremolo_sid=')) this.cookie = pair.endsWith('=') ? '' : pair;
    }
    const parsed = res.body ? (safeJson(res.body) as T) : (undefined as T);
    const maybe = parsed as { csrfToken?: unknown; user?: { id?: unknown; handle?: unknown } } | undefined;
    if (maybe && typeof maybe.csrfToken === 'string') {
      this.csrf = maybe.csrfToken;
      if (typeof maybe.user?.id === 'string') this.id = maybe.user.id;
      if (typeof maybe.user?.handle === 'string') this.handle = maybe.user.handle;
    }
    return { status: res.statusCode, body: parsed, headers: res.headers };
  }

  /**
   * Calls a declared endpoint the way the web client does. A 2xx body is checked against the
   * declared response schema (a server answering off-contract fails the test); a 4xx comes back
   * in `error`.
   */
  async invoke<E extends Endpoint>(e: E, ...[args]: CallArgs<E>): Promise<ApiReply<ResponseOf<E>>> {
    const a = (args ?? {}) as { params?: unknown; query?: unknown; body?: unknown };
    const url = pathOf(e, a.params) + queryString(a.query);
    const body = a.body ?? (e.body && e.method !== 'GET' ? {} : undefined);
    const r = await this.call<unknown>(e.method, url, body);
    if (r.status >= 200 && r.status < 300) {
      const parsed = e.binary ? undefined : e.response.safeParse(r.body);
      if (parsed && !parsed.success) throw new Error(`${e.method} ${e.path} answered off its contract: ${parsed.error.message}`);
      return { status: r.status, headers: r.headers, body: parsed?.data as ResponseOf<E>, error: undefined };
    }
    const error = (r.body as Partial<ErrorBody> | undefined)?.error;
    if (!error) throw new Error(`${e.method} ${e.path}: HTTP ${r.status} without the error shape: ${JSON.stringify(r.body)}`);
    return { status: r.status, headers: r.headers, body: undefined as never, error };
  }

  async socket(): Promise<TestSocket> {
    return TestSocket.open(this.t.url.replace('http', 'ws') + '/ws?v=1', this.cookie);
  }
}

/**
 * Asserts that a call was refused with exactly this status and error code (not merely "failed"),
 * and returns the server's message for further checks.
 */
export function assertRefused(
  r: { status: number; error: ErrorBody['error'] | undefined; body?: unknown },
  status: number,
  code: ErrorCode,
  what = '',
): string {
  assert.deepEqual(
    { status: r.status, code: r.error?.code },
    { status, code },
    `${what ? `${what}: ` : ''}expected ${status} ${code}, got ${r.status} ${JSON.stringify(r.error ?? r.body)}`,
  );
  return r.error?.message ?? '';
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** A real WebSocket client that records every frame and can wait for one. */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  private waiters: { pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  closeCode: number | null = null;
  private readonly closedWith: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as ServerFrame;
      const all = f.t === 'batch' ? f.events : [f];
      for (const one of all) {
        this.frames.push(one);
        this.waiters = this.waiters.filter((w) => (w.pred(one) ? (w.resolve(one), false) : true));
      }
    });
    this.closedWith = new Promise((resolve) =>
      ws.on('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
  }

  static open(url: string, cookie: string): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: cookie ? { cookie } : {} });
      const s = new TestSocket(ws);
      ws.once('open', () => void s.next((f) => f.t === 'hello').then(() => resolve(s), reject));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first frame (already received or future) matching `pred`. */
  next(pred: (f: ServerFrame) => boolean, timeoutMs = 5000): Promise<ServerFrame> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
      this.waiters.push({ pred, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  /** Resolves with the close code once the socket has closed. */
  closed(timeoutMs = 5000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for the socket to close')), timeoutMs);
      // Raced against a frame, it must not hold the process open once the frame has won.
      timer.unref();
      void this.closedWith.then((code) => (clearTimeout(timer), resolve(code)));
    });
  }

  /**
   * Sends a ping and waits for its pong. The server handles one socket's frames in order, so
   * every answer to a frame sent before the marker has arrived once this resolves.
   */
  async marker(): Promise<void> {
    const ts = ++TestSocket.markers;
    this.send({ t: 'ping', ts });
    await this.next((f) => f.t === 'pong' && f.ts === ts);
  }

  private static markers = 1_000_000;

  /**
   * 'open' when the socket answers a ping, else the code the server closed it with. The server
   * stops answering a socket as soon as it decides to close it, so once every frame sent before
   * the ping has been handled, this says exactly whether the server closed it by then.
   */
  async state(): Promise<'open' | number> {
    if (this.closeCode !== null) return this.closeCode;
    return Promise.race([this.marker().then(() => 'open' as const), this.closed()]);
  }

  events(ch: string) {
    return this.frames.flatMap((f) => (f.t === 'ev' && f.ch === ch ? [f] : []));
  }

  close(): void {
    this.ws.close();
  }
}
