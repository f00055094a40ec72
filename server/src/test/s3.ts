import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Config } from '../platform/storage-s3.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

/** A running S3-compatible server on loopback, and how to point the app at it. */
export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** The `S3_*` variables for a server process. */
  env: Record<string, string>;
  /** The same, as the config an in-process app takes. */
  config: S3Config;
  /** Kills the server (its objects stay): the bucket is unreachable until `resume`. */
  pause(): Promise<void>;
  /** Starts it again on the same port and directory. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs `s3rver-process.ts` (see there for why in a process of its own) and waits for its port. */
async function spawnS3rver(port: number, directory: string, bucket: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '--import', 'tsx', path.join(import.meta.dirname, 's3rver-process.ts')],
    {
      cwd: repoRoot,
      env: { ...process.env, S3RVER_PORT: String(port), S3RVER_DIR: directory, S3RVER_BUCKET: bucket },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  const { stdout, stderr } = child;
  if (!stdout || !stderr) throw new Error('s3rver: no output pipes');
  let out = '';
  const listening = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start: ${out}`)), 30_000);
    stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /s3rver listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited (${code}): ${out}`));
    });
  });
  // Whatever it prints later is not read; the pipes must not fill up.
  stdout.resume();
  stderr.resume();
  return { child, port: listening };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

/**
 * Starts s3rver (an S3-compatible server written in JavaScript, from npm) on a free loopback
 * port with one empty bucket, its objects in a temporary directory removed by `stop`. It speaks
 * the S3 REST API with signature v4 (headers and presigned URLs), ranges and listing, which is
 * what the app uses; it checks signatures but has no access policies, so "nobody reads the bucket
 * directly" is the real provider's configuration, not something this server can show. It runs in
 * a child process (`s3rver-process.ts`), as `npm run cluster` runs it.
 */
export async function startTestS3(bucket = 'tremolo'): Promise<TestS3> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'tremolo-s3-'));
  const first = await spawnS3rver(0, directory, bucket);
  const port = first.port;
  let child = first.child;
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver's fixed test credentials.
  const config: S3Config = {
    bucket,
    endpoint,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
    prefix: '',
    publicUrl: undefined,
    signedUrlSec: 0,
  };
  return {
    endpoint,
    bucket,
    config,
    env: {
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: config.region,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
    },
    pause: () => kill(child),
    resume: async () => {
      await kill(child);
      ({ child } = await spawnS3rver(port, directory, bucket));
    },
    stop: async () => {
      await kill(child);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

// By hand: `node --import tsx server/src/test/s3.ts` starts one and prints the variables for `npm start`.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const s3 = await startTestS3();
  console.log(
    Object.entries(s3.env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
  );
  console.log('Ctrl-C stops it (and deletes its objects).');
  process.once('SIGINT', () => void s3.stop().then(() => process.exit(0)));
}
