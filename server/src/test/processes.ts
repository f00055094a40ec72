import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `server/src/main.ts` as its own process, like production does, and waits until it is ready.
 * A server over a large database (the feed benchmark's) loads its model for longer than a test's.
 */
export async function startServerProcess(
  env: Record<string, string>,
  port?: number,
  nodeArgs: string[] = [],
  readyTimeoutMs = 30_000,
): Promise<ServerProcess> {
  const p = port ?? (await freePort());
  let out = '';
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(repoRoot, 'server/src/main.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(p),
      HOST: '127.0.0.1',
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'tremolo-node-')),
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      // Room audiences stay on WebRTC unless a test asks for the broadcast tier (as the harness does).
      BROADCAST: 'false',
      BROADCAST_WEBRTC_SEATS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${p}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${out}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become ready: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => out,
    stop: (signal: NodeJS.Signals = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** Signs a person up over HTTP against a server process, like a browser: their id, CSRF token and session cookie. */
export async function signupOverHttp(base: string, handle: string): Promise<{ id: string; csrf: string; cookie: string }> {
  const r = await fetch(`${base}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, displayName: handle, password: 'correct horse battery' }),
  });
  if (r.status !== 201) throw new Error(`signup ${handle}: HTTP ${r.status} ${await r.text()}`);
  const body = (await r.json()) as { user: { id: string }; csrfToken: string };
  const cookie = r.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('tremolo_sid='));
  if (!cookie) throw new Error(`signup ${handle}: no session cookie`);
  return { id: body.user.id, csrf: body.csrfToken, cookie };
}
