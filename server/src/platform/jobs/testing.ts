import { z } from 'zod';
import type { JobKind, JobsConfig } from './jobs.ts';

/** Quick settings for tests: pg-boss's smallest heartbeat, a sweep every second, polling twice a second. */
export const JOBS_TEST_CONFIG: JobsConfig = { heartbeatSec: 10, sweepSec: 1, pollMs: 500 };

/** The job `worker-hang.ts` takes and never finishes. */
export const HANG_KIND: JobKind<{ n: number }> = {
  name: 'test-hang',
  payload: z.object({ n: z.number() }),
  retries: 2,
  retryDelaySec: 1,
  timeoutSec: 600,
};
