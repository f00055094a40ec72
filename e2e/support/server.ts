import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export interface RunningServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Everything the server wrote, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

/**
 * Starts the real server as its own process (what `npm start` runs), on a free port with a
 * fresh data directory, and waits until it answers /readyz. It serves the web app's test build.
 */
export const GENEROUS_LIMITS: Record<string, string> = {
  WRITES_PER_ROUTE_PER_MIN: '100000',
  WS_STORED_PUBLISHES_PER_MIN: '100000',
  FOLLOWS_PER_MIN: '100000',
  LIKES_PER_MIN: '100000',
  COMMENTS_PER_MIN: '100000',
  VIDEO_UPLOADS_PER_HOUR: '100000',
  GROUP_JOINS_PER_HOUR: '100000',
  GROUPS_CREATED_PER_HOUR: '100000',
  ROOMS_CREATED_PER_HOUR: '100000',
  WATCH_PARTIES_CREATED_PER_HOUR: '100000',
  REPORTS_PER_HOUR: '100000',
  SHOP_CHECKOUTS_PER_USER_PER_MIN: '100000',
  SHOP_PAYS_PER_USER_PER_MIN: '100000',
  SHOP_TOUCHES_PER_IP_PER_MIN: '100000',
  SHOP_UNPAID_UNITS_PER_BUYER: '100000',
  RATE_LIMIT_LOGIN_FAILS_PER_IP_PER_HOUR: '100000',
};

export async function startServer(
  opts: {
    seedDemo?: boolean;
    port?: number;
    dataDir?: string;
    readyWithinMs?: number;
    broadcast?: boolean;
    /** More settings for this server only (e.g. a smaller broadcast picture). */
    env?: Record<string, string>;
  } = {},
): Promise<RunningServer> {
  const port = opts.port ?? (await freePort());
  // A data directory passed in belongs to the caller (to restart on the same data); ours is removed.
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'tremolo-e2e-')));
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: {
      // One browser session repeats the same social actions across many tests, all from one
      // address: far above the per-person defaults, so only a test that sets its own meets one.
      ...GENEROUS_LIMITS,
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      // The test build (`npm run build:test`): the page hooks the tests read are only in it.
      WEB_DIST_DIR: path.join(repoRoot, 'web', 'dist-test'),
      SEED_DEMO: opts.seedDemo ? 'true' : 'false',
      // The room tests are about WebRTC for everyone; the broadcast tests ask for the HLS audience.
      BROADCAST: opts.broadcast ? 'true' : 'false',
      // With the broadcast, the whole audience watches it (no WebRTC seats) unless a test says otherwise.
      BROADCAST_WEBRTC_SEATS: '0',
      LOG_LEVEL: 'warn',
      // Each test file signs several people up from one address.
      RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR: '1000',
      RATE_LIMIT_LOGIN_PER_IP_PER_MIN: '1000',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited(child);
      clearTimeout(timer);
    }
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
  };

  // PGlite migrates a fresh data directory at start, and seeding the demo signs six people up
  // (argon2) before the port opens: on a loaded machine that takes 30-80 s.
  const readyWithinMs = opts.readyWithinMs ?? 120_000;
  const deadline = Date.now() + readyWithinMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`server exited with ${child.exitCode} before it was ready:\n${log}`);
    }
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return { url, port, output: () => log, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`server did not become ready within ${readyWithinMs / 1000} s:\n${log}`);
}
