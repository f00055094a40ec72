import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createScratchDatabase } from './harness.ts';
import { freePort, startServerProcess, type ServerProcess } from './processes.ts';
import { startTestS3, type TestS3 } from './s3.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const HAPROXY = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The shipped `deploy/haproxy.cfg` with its own frontend address and backend servers: every
 * other setting (round-robin, health checks, retries, redispatch, tunnel timeout) is the file's.
 */
function haproxyConfig(template: string, bind: string, servers: { name: string; address: string }[]): string {
  const lines = servers.map((s) => `    server ${s.name} ${s.address}`);
  const cfg = template.replace(/^(\s*# nodes:begin\n)[\s\S]*?(^\s*# nodes:end)/m, (_m, begin: string, end: string) =>
    [begin.trimEnd(), ...lines, end].join('\n'),
  );
  if (cfg === template) throw new Error('haproxy.cfg has no nodes:begin/nodes:end block');
  // No logging to stdout in tests: nobody reads it.
  return cfg.replace(/^(\s*)bind .*$/m, `$1bind ${bind}`).replace(/^\s*log stdout.*$/m, '');
}

/** A prefix of its own on the shared Redis: other tests' sign-up limits and channels are not these nodes'. */
const uniqueRedisPrefix = () => `test-${randomBytes(5).toString('hex')}`;

async function forgetRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

export interface TestCluster {
  /** The nodes, each also reachable directly (`url`). */
  nodes: ServerProcess[];
  /** http://127.0.0.1:<port> of HAProxy in front of them. */
  lb: string;
  /** The deployment's Redis prefix (unique per cluster). */
  redisPrefix: string;
  databaseUrl: string;
  /** The S3-compatible server holding the cluster's one bucket of uploads. */
  s3: TestS3;
  /** Each node's own DATA_DIR (same order as `nodes`): scratch files only, nothing shared. */
  dataDirs: string[];
  close(): Promise<void>;
}

/**
 * N server processes on a scratch PostgreSQL database and the shared Redis (under a prefix of
 * their own, so clusters of concurrent test files never hear each other), behind a real HAProxy
 * on a free loopback port with a config generated from `deploy/haproxy.cfg`. Like production,
 * every node has its own DATA_DIR and all uploads live in one S3-compatible bucket (s3rver on
 * loopback, started here and stopped by `close`). `nodeEnv(i)` adds variables for node i (0-based)
 * only. Resolves once HAProxy has sent requests to every node.
 */
export async function startCluster(
  opts: { nodes?: number; env?: Record<string, string>; nodeEnv?: (i: number) => Record<string, string> } = {},
): Promise<TestCluster> {
  const count = opts.nodes ?? 2;
  if (!existsSync(HAPROXY)) throw new Error(`haproxy not found at ${HAPROXY} (apt-get install haproxy)`);
  const scratch = await createScratchDatabase();
  const s3 = await startTestS3();
  const redisPrefix = uniqueRedisPrefix();
  const env = {
    DATABASE_URL: scratch.url,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    TRUST_PROXY: '127.0.0.1',
    // Everyone in these tests comes from 127.0.0.1: the sign-up limit per network is not what is tested.
    RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR: '1000',
    ...s3.env,
    ...opts.env,
  };
  const dataDirs = Array.from({ length: count }, (_, i) => mkdtempSync(path.join(os.tmpdir(), `tremolo-node${i + 1}-`)));
  const nodes: ServerProcess[] = [];
  let haproxy: ChildProcess | null = null;
  const close = async () => {
    if (haproxy && haproxy.exitCode === null) {
      const gone = new Promise((r) => haproxy!.once('exit', r));
      haproxy.kill('SIGKILL');
      await gone;
    }
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await scratch.drop();
    await s3.stop();
    await Promise.all(dataDirs.map((d) => rm(d, { recursive: true, force: true })));
    await forgetRedisPrefix(redisPrefix);
  };
  try {
    // Migrations take turns on an advisory lock, so the nodes start together. Two fresh nodes on a
    // shared two-core machine may take longer than the default 30 s to be ready.
    nodes.push(
      ...(await Promise.all(
        dataDirs.map((dir, i) => startServerProcess({ ...env, DATA_DIR: dir, ...opts.nodeEnv?.(i) }, undefined, [], 90_000)),
      )),
    );
    const port = await freePort();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tremolo-haproxy-'));
    const cfgFile = path.join(dir, 'haproxy.cfg');
    const template = readFileSync(path.join(repoRoot, 'deploy', 'haproxy.cfg'), 'utf8');
    const servers = nodes.map((n, i) => ({ name: `node${i + 1}`, address: new URL(n.url).host }));
    writeFileSync(cfgFile, haproxyConfig(template, `127.0.0.1:${port}`, servers));
    let out = '';
    const child = spawn(HAPROXY, ['-db', '-f', cfgFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    haproxy = child;
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const lb = `http://127.0.0.1:${port}`;
    const seen = new Set<string>();
    const deadline = Date.now() + 15_000;
    while (seen.size < count) {
      if (child.exitCode !== null) throw new Error(`haproxy exited: ${out}`);
      if (Date.now() > deadline) throw new Error(`haproxy did not reach every node (saw ${[...seen].join(', ')}): ${out}`);
      try {
        const r = await fetch(`${lb}/healthz`);
        const by = r.headers.get('x-served-by');
        if (r.ok && by) seen.add(by);
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return { nodes, lb, redisPrefix, databaseUrl: scratch.url, s3, dataDirs, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

export interface TestNodes {
  /** The nodes started so far, in order: the ones `startNodes` started, then each `start`. */
  nodes: ServerProcess[];
  databaseUrl: string;
  /** Starts one more node like the others, with `env` on top of theirs. */
  start(env?: Record<string, string>): Promise<ServerProcess>;
  close(): Promise<void>;
}

/**
 * Server processes of the app on one scratch PostgreSQL database and the shared Redis under a
 * prefix of their own, sharing one storage directory as they would share a bucket; no load
 * balancer, each node is reached at its own `url`. `nodes` (2 by default) start together; a test
 * that starts them at different moments passes 0 and calls `start`. `close` kills every node
 * with SIGKILL and removes the database, the directory and the prefix's keys.
 */
export async function startNodes(opts: { nodes?: number; env?: Record<string, string> } = {}): Promise<TestNodes> {
  const scratch = await createScratchDatabase();
  const redisPrefix = uniqueRedisPrefix();
  const storageDir = mkdtempSync(path.join(os.tmpdir(), 'tremolo-nodes-'));
  const env = { DATABASE_URL: scratch.url, REDIS_URL, REDIS_PREFIX: redisPrefix, STORAGE_DIR: storageDir, ...opts.env };
  const nodes: ServerProcess[] = [];
  // A fresh node on a shared two-core machine may take longer than the default 30 s to be ready.
  const launch = (extra: Record<string, string> = {}) => startServerProcess({ ...env, ...extra }, undefined, [], 90_000);
  const start = async (extra: Record<string, string> = {}) => {
    const node = await launch(extra);
    nodes.push(node);
    return node;
  };
  const close = async () => {
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await scratch.drop();
    await rm(storageDir, { recursive: true, force: true });
    await forgetRedisPrefix(redisPrefix);
  };
  try {
    // Migrations take turns on an advisory lock, so the nodes start together; `nodes` keeps their order.
    const started = await Promise.allSettled(Array.from({ length: opts.nodes ?? 2 }, () => launch()));
    for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return { nodes, databaseUrl: scratch.url, start, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
