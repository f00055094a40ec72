import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { openDatabase, type Database } from '../db/client.ts';
import { createScratchDatabase, testDb } from '../../test/harness.ts';
import type { JobKind, JobRun, JobWorker } from './jobs.ts';
import { PgBossJobs, type JobsDatabase } from './pg-boss.ts';
import { HANG_KIND, JOBS_TEST_CONFIG } from './testing.ts';

/**
 * The durable job queue on the database the suite runs on: retries back off, a job is taken by
 * one worker only, and a job whose process died holding it is taken over after the heartbeat.
 */
const quiet = { error: () => undefined };
const cleanups: (() => Promise<void>)[] = [];
let database: Database;
let url: string | undefined;

before(async () => {
  const scratch = testDb === 'postgres' ? await createScratchDatabase() : null;
  url = scratch?.url;
  database = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
  cleanups.push(async () => {
    await database.close();
    await scratch?.drop();
  });
});
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function where(): JobsDatabase {
  return url ? { kind: 'postgres', url } : { kind: 'pglite', client: database.pglite! };
}

/** A node's job queue, stopped when the file ends (a test may stop it sooner). */
async function node<T>(kind: JobKind<T>, worker: JobWorker<T>): Promise<PgBossJobs> {
  const jobs = new PgBossJobs(where(), JOBS_TEST_CONFIG, quiet);
  jobs.work(kind, worker);
  await jobs.start();
  cleanups.push(() => jobs.stop());
  return jobs;
}

const kindOf = (name: string, retries: number): JobKind<{ n: number }> => ({
  name,
  payload: z.object({ n: z.number() }),
  retries,
  retryDelaySec: 1,
  timeoutSec: 60,
});

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe(`job queue (${testDb})`, () => {
  test('a failing job is retried after a delay that doubles, and its last failure is reported once', async () => {
    const kind = kindOf('test-retry', 2);
    const attempts: { attempt: number; at: number }[] = [];
    const failures: string[] = [];
    const failed = deferred<void>();
    const jobs = await node(kind, {
      run: async (_p, job: JobRun) => {
        attempts.push({ attempt: job.attempt, at: Date.now() });
        throw new Error(`boom ${job.attempt}`);
      },
      failed: async (_p, error) => {
        failures.push(error);
        failed.resolve();
      },
    });
    await jobs.enqueue(kind, { n: 1 });
    await failed.promise;
    assert.deepEqual(
      attempts.map((a) => a.attempt),
      [1, 2, 3],
    );
    const [first, second, third] = attempts.map((a) => a.at) as [number, number, number];
    // retryDelay 1 s with backoff: the first retry waits 1–2 s, the second 2–4 s.
    assert.ok(second - first >= 1000, `first retry after ${second - first} ms`);
    assert.ok(third - second >= 2000, `second retry after ${third - second} ms`);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(failures, ['boom 3']);
  });

  test('each job is taken by one worker once, with two nodes polling the same queue', async () => {
    const kind = kindOf('test-once', 0);
    const runs: { node: string; n: number }[] = [];
    const all = deferred<void>();
    const worker = (name: string): JobWorker<{ n: number }> => ({
      run: async ({ n }) => {
        runs.push({ node: name, n });
        await new Promise((r) => setTimeout(r, 10));
        if (runs.length === 30) all.resolve();
      },
      failed: async () => assert.fail('no job should fail'),
    });
    const a = await node(kind, worker('a'));
    await node(kind, worker('b'));
    for (let n = 0; n < 30; n++) await a.enqueue(kind, { n });
    await all.promise;
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(
      runs.map((r) => r.n).sort((x, y) => x - y),
      Array.from({ length: 30 }, (_, n) => n),
    );
  });

  test('a keyed job is stored once while one with its key is waiting or running', async () => {
    const kind: JobKind<{ n: number }> = { ...kindOf('test-keyed', 0), keyed: true };
    const ran: number[] = [];
    const release = deferred<void>();
    const jobs = await node(kind, {
      run: async ({ n }) => {
        ran.push(n);
        await release.promise;
      },
      failed: async () => undefined,
    });
    const first = await jobs.enqueue(kind, { n: 1 }, { key: 'k' });
    const again = await jobs.enqueue(kind, { n: 2 }, { key: 'k' });
    assert.ok(first);
    assert.equal(again, null);
    assert.ok(await jobs.enqueue(kind, { n: 3 }, { key: 'other' }));
    release.resolve();
  });

  test('a job whose process was killed while running it is taken over once its heartbeat is overdue', async () => {
    const dataDir = url ? undefined : mkdtempSync(path.join(os.tmpdir(), 'tremolo-jobs-'));
    if (dataDir) cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    // The dying node: PostgreSQL shared with this test, or PGlite on disk that this test opens after it.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'worker-hang.ts')], {
      env: { ...process.env, ...(url ? { JOBS_TEST_DATABASE_URL: url } : { JOBS_TEST_DATA_DIR: dataDir }), JOBS_TEST_N: '7' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const started = deferred<string>();
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /started (\S+) 1/.exec(out);
      if (m) started.resolve(m[1]!);
    });
    const jobId = await started.promise;
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    let db = database;
    if (dataDir) {
      db = await openDatabase({ dataDir });
      cleanups.push(() => db.close());
    }
    const takenOver = deferred<JobRun & { n: number }>();
    const jobs = new PgBossJobs(url ? { kind: 'postgres', url } : { kind: 'pglite', client: db.pglite! }, JOBS_TEST_CONFIG, quiet);
    jobs.work(HANG_KIND, { run: async ({ n }, job) => takenOver.resolve({ ...job, n }), failed: async () => undefined });
    await jobs.start();
    cleanups.push(() => jobs.stop());
    const run = await takenOver.promise;
    const waited = Date.now() - killedAt;
    assert.equal(run.id, jobId);
    assert.equal(run.n, 7);
    assert.equal(run.attempt, 2);
    // Not before the heartbeat (10 s) ran out; soon after it (a sweep, the 1–2 s retry delay, a poll).
    assert.ok(waited >= 9000 && waited < 25_000, `taken over after ${waited} ms`);
  });
});
