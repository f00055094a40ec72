/**
 * A node that dies holding a job, for jobs.int.test.ts: it opens the database (PostgreSQL at
 * `JOBS_TEST_DATABASE_URL`, else PGlite in `JOBS_TEST_DATA_DIR`), enqueues one `test-hang` job,
 * takes it, prints `started <id>` and never finishes; the test kills it with SIGKILL.
 */
import { z } from 'zod';
import { openDatabase } from '../db/client.ts';
import { PgBossJobs } from './pg-boss.ts';
import { HANG_KIND, JOBS_TEST_CONFIG } from './testing.ts';

const url = process.env.JOBS_TEST_DATABASE_URL;
const database = await openDatabase({ databaseUrl: url, dataDir: process.env.JOBS_TEST_DATA_DIR ?? 'memory://' });
const jobs = new PgBossJobs(url ? { kind: 'postgres', url } : { kind: 'pglite', client: database.pglite! }, JOBS_TEST_CONFIG, console);
jobs.work(HANG_KIND, {
  run: async (_payload, job) => {
    console.log(`started ${job.id} ${job.attempt}`);
    await new Promise(() => undefined);
  },
  failed: async () => undefined,
});
await jobs.start();
await jobs.enqueue(HANG_KIND, { n: Number(z.string().parse(process.env.JOBS_TEST_N ?? '1')) });
