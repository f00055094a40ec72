import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

/** How long workers have to drain their sockets after SIGTERM before the primary stops waiting (theirs is 10 s). */
const STOP_GRACE_MS = 12_000;

/**
 * The primary of `WORKERS` > 1: forks that many copies of this program, which share the listening
 * port (node:cluster) and are each a node of their own over Redis and PostgreSQL, so the socket
 * writes of a large fan-out spread over as many cores. The primary only hands out connections
 * and keeps the workers running; it never serves a request itself.
 *
 * A worker that dies after it was listening (a crash, a fenced node) is started again. One that
 * dies before it listened stops everything: a setting or a dependency is wrong, and restarting it
 * in a loop would hide that.
 */
export function runWorkers(count: number, log: Logger): void {
  // Round-robin by the primary: left to the kernel, one worker tends to take most connections.
  cluster.schedulingPolicy = cluster.SCHED_RR;
  const listening = new Set<Worker>();
  let stopping = false;
  let exitCode = 0;

  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.once('listening', () => listening.add(worker));
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    const wasListening = listening.delete(worker);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
      return;
    }
    if (!wasListening) {
      log.error({ pid: worker.process.pid, code, signal }, 'a worker exited before it listened; stopping');
      stop(1);
      return;
    }
    log.warn({ pid: worker.process.pid, code, signal }, 'a worker exited; starting another');
    fork();
  });

  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (workers.length === 0) process.exit(exitCode);
    // Each worker drains its sockets on SIGTERM (clients resume elsewhere with their last sequence).
    for (const w of workers) w.process.kill('SIGTERM');
    setTimeout(() => process.exit(1), STOP_GRACE_MS).unref();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(0));

  for (let i = 0; i < count; i++) fork();
  log.info({ workers: count, pid: process.pid }, 'Tremolo primary is up; workers are starting');
}
