import type { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { fromDrizzle, fromPglite, PgBoss } from 'pg-boss';
import type { Tx } from '../db/client.ts';
import type { Jobs, JobKind, JobsConfig, JobWorker } from './jobs.ts';

/** Where the queue lives: the app's PostgreSQL (its own small pool) or the embedded PGlite. */
export type JobsDatabase = { kind: 'postgres'; url: string } | { kind: 'pglite'; client: PGlite };

/** Connections the queue's own pool may hold per node (polling, heartbeats, the sweep). */
const POOL_SIZE = 4;
/** How long `stop` lets running jobs finish before failing them, so they are retried elsewhere. */
const STOP_GRACE_MS = 3000;

interface Registered {
  kind: JobKind<unknown>;
  worker: JobWorker<unknown>;
  workerIds: string[];
}

/**
 * `Jobs` on pg-boss: tables in the `pgboss` schema of the app's database, jobs claimed with
 * `FOR UPDATE SKIP LOCKED` (one node per attempt), retries with exponential backoff, a heartbeat
 * per running job, and a dead-letter queue per kind for final failures. On PGlite it is the same
 * library over the one embedded connection.
 */
export class PgBossJobs implements Jobs {
  private readonly boss: PgBoss;
  private readonly kinds = new Map<string, Registered>();
  private started = false;

  constructor(
    database: JobsDatabase,
    private readonly config: JobsConfig,
    private readonly log: { error(obj: object, msg: string): void },
  ) {
    const common = {
      // Cron schedules are not used; their clock-skew checks would only add queries.
      schedule: false,
      superviseIntervalSeconds: config.sweepSec,
      monitorIntervalSeconds: config.sweepSec,
      queueCacheIntervalSeconds: 60,
    };
    this.boss =
      database.kind === 'postgres'
        ? new PgBoss({ ...common, connectionString: database.url, max: POOL_SIZE, application_name: 'tremolo-jobs' })
        : new PgBoss({ ...common, db: fromPglite(database.client), backend: 'pglite' });
    this.boss.on('error', (err) => this.log.error({ err }, 'job queue error'));
  }

  work<T>(kind: JobKind<T>, worker: JobWorker<T>): void {
    if (this.started) throw new Error(`jobs: work(${kind.name}) after start`);
    this.kinds.set(kind.name, { kind: kind as JobKind<unknown>, worker: worker as JobWorker<unknown>, workerIds: [] });
  }

  async enqueue<T>(kind: JobKind<T>, payload: T, opts: { tx?: Tx; key?: string } = {}): Promise<string | null> {
    if (!this.started) throw new Error(`jobs: enqueue(${kind.name}) before start`);
    if (!this.kinds.has(kind.name)) throw new Error(`jobs: no worker for ${kind.name} on this node`);
    if (kind.keyed && !opts.key) throw new Error(`jobs: ${kind.name} needs a key`);
    const data = kind.payload.parse(payload) as object;
    // Inside a transaction the insert goes through it (the queue's metadata is cached since start,
    // so nothing else is asked of the database meanwhile: on PGlite that would wait for the commit).
    const id = await this.boss.send(kind.name, data, {
      ...(opts.tx ? { db: inTransaction(opts.tx) } : {}),
      ...(opts.key ? { singletonKey: opts.key } : {}),
    });
    if (!opts.tx) this.wake(kind);
    return id;
  }

  wake(kind: JobKind<unknown>): void {
    for (const id of this.kinds.get(kind.name)?.workerIds ?? []) this.boss.notifyWorker(id);
  }

  async start(): Promise<void> {
    await this.boss.start();
    for (const { kind } of this.kinds.values()) {
      const failedQueue = `${kind.name}.failed`;
      const retry = { retryLimit: kind.retries, retryDelay: kind.retryDelaySec, retryBackoff: true };
      await this.ensureQueue(failedQueue, { ...retry, expireInSeconds: 60, heartbeatSeconds: this.config.heartbeatSec });
      await this.ensureQueue(kind.name, {
        ...retry,
        expireInSeconds: kind.timeoutSec,
        heartbeatSeconds: this.config.heartbeatSec,
        deadLetter: failedQueue,
        policy: kind.keyed ? 'exclusive' : 'standard',
      });
    }
    for (const reg of this.kinds.values()) {
      const { kind, worker } = reg;
      const pollingIntervalSeconds = this.config.pollMs / 1000;
      reg.workerIds.push(
        await this.boss.work<object>(kind.name, { pollingIntervalSeconds }, async ([job]) => {
          if (!job) return;
          const payload = kind.payload.parse(job.data);
          await worker.run(payload, { id: job.id, attempt: job.retryCount + 1, signal: job.signal });
        }),
        await this.boss.work(`${kind.name}.failed`, { pollingIntervalSeconds, includeMetadata: true } as const, async ([job]) => {
          if (!job) return;
          await worker.failed(kind.payload.parse(job.data), lastError(job.sourceOutput));
        }),
      );
    }
    this.started = true;
  }

  /** Creates the queue, or brings an existing one's options up to date (another version may have made it). */
  private async ensureQueue(name: string, options: Parameters<PgBoss['createQueue']>[1] & object): Promise<void> {
    const existing = await this.boss.getQueue(name);
    if (!existing) {
      await this.boss.createQueue(name, options).catch(async (err: unknown) => {
        // Another node created it at the same moment.
        if (!(await this.boss.getQueue(name))) throw err;
      });
      return;
    }
    const { policy: _policy, ...changeable } = options;
    await this.boss.updateQueue(name, changeable);
  }

  async stop(): Promise<void> {
    if (!this.started) {
      await this.boss.stop({ graceful: false }).catch(() => undefined);
      return;
    }
    this.started = false;
    await this.boss.stop({ graceful: true, timeout: STOP_GRACE_MS });
  }
}

/** pg-boss's own reasons for failing an attempt, in words a person reading the error understands. */
const REASONS: Record<string, string> = {
  'job heartbeat timeout': 'the node working on it stopped responding',
  'job timed out': 'it took too long',
};

/** The message of the error a job's last attempt failed with, as pg-boss stored it (`{ message, … }`, or a plain value). */
function lastError(output: unknown): string {
  if (output && typeof output === 'object') {
    const o = output as { message?: unknown; value?: unknown };
    if (typeof o.message === 'string') return REASONS[o.message] ?? o.message;
    if (o.value !== undefined) return lastError(o.value);
  }
  return typeof output === 'string' ? output : 'the job failed';
}

/** pg-boss's statements run inside one of the app's drizzle transactions (node-postgres or PGlite). */
function inTransaction(tx: Tx): ReturnType<typeof fromDrizzle> {
  return fromDrizzle({ execute: async (query: unknown) => (await tx.execute(query as SQL)) as { rows: unknown[] } }, sql);
}
