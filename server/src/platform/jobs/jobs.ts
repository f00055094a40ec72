import type { z } from 'zod';
import type { Tx } from '../db/client.ts';

/**
 * Background jobs on a durable queue in the database. A job is a row: it survives a restart, any
 * node works any job, a failed attempt is retried after a growing delay, and a job whose node died
 * (it stopped confirming that it is alive) is taken over by another node. Modules declare a
 * `JobKind`, call `work` at register time on every node and `enqueue` when something is to be done.
 */
export interface Jobs {
  /** This node works jobs of `kind` once started. Call it at register time, before `start`. */
  work<T>(kind: JobKind<T>, worker: JobWorker<T>): void;
  /**
   * Stores a job. Inside `tx` it exists only if that transaction commits; call `wake` after the
   * commit to start it here at once. With a keyed kind, returns null when the key already has a
   * job waiting or running.
   */
  enqueue<T>(kind: JobKind<T>, payload: T, opts?: { tx?: Tx; key?: string }): Promise<string | null>;
  /** Asks this node's idle workers of `kind` to look for work now instead of at their next poll. */
  wake(kind: JobKind<unknown>): void;
  start(): Promise<void>;
  /** Stops taking jobs; running ones get a moment to finish, then are failed (and so retried elsewhere). */
  stop(): Promise<void>;
}

/** A kind of job: its queue, the shape of its payload, and how its attempts are retried. */
export interface JobKind<T> {
  /** Queue name: letters, digits, `_`, `-`. Its final failures go to `<name>.failed`. */
  name: string;
  /** Checked when a job is taken, so a handler never sees a payload of another shape. */
  payload: z.ZodType<T>;
  /** Further attempts after a failed one (the handler threw, timed out, or its node died). */
  retries: number;
  /** Wait before the first retry; it doubles, with jitter, for each further one. */
  retryDelaySec: number;
  /** Longest one attempt may run before it counts as failed (its `signal` aborts). */
  timeoutSec: number;
  /** Each job carries a key (`enqueue`'s `key`), and a key has at most one job waiting or running. */
  keyed?: boolean;
}

/** One attempt at a job, as its handler sees it. */
export interface JobRun {
  id: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborts when the attempt times out, this node stops, or the job was taken over elsewhere. */
  signal: AbortSignal;
}

export interface JobWorker<T> {
  /** One attempt; throwing fails it (and it is retried while retries remain). */
  run(payload: T, job: JobRun): Promise<void>;
  /**
   * The job's last attempt failed: runs once, on some node, with the last error (itself a job,
   * retried the same way, so it must be idempotent).
   */
  failed(payload: T, error: string): Promise<void>;
}

export interface JobsConfig {
  /** A running job is confirmed every half of this; one not confirmed for this long is retried. */
  heartbeatSec: number;
  /** How often some node looks for jobs that stopped being confirmed. */
  sweepSec: number;
  /** How often an idle worker asks for work. */
  pollMs: number;
}
