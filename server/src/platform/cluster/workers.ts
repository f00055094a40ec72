import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

/**
 * Tells a worker which of the `WORKERS` places it fills (0…N-1); its replacement gets the same one,
 * so what a worker keeps on disk under its place is found and cleaned by the next one there.
 */
const WORKER_SLOT_ENV = 'TREMOLO_WORKER_SLOT';

/** The place this process fills among the workers, or null when it is not a worker. */
export function workerSlot(): number | null {
  if (!cluster.isWorker) return null;
  const slot = Number(process.env[WORKER_SLOT_ENV]);
  return Number.isInteger(slot) ? slot : null;
}

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
  const slots = new Map<Worker, number>();
  let stopping = false;
  let exitCode = 0;

  const fork = (slot: number): Worker => {
    const worker = cluster.fork({ [WORKER_SLOT_ENV]: String(slot) });
    slots.set(worker, slot);
    worker.once('listening', () => listening.add(worker));
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    const wasListening = listening.delete(worker);
    const slot = slots.get(worker) ?? 0;
    slots.delete(worker);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
      return;
    }
    if (!wasListening) {
      log.error({ pid: worker.process.pid, code, signal }, 'a worker exited before it listened; stopping');
      stop(1);
      return;
    }
    log.warn({ pid: worker.process.pid, code, signal, slot }, 'a worker exited; starting another');
    fork(slot);
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

  for (let i = 0; i < count; i++) fork(i);
  log.info({ workers: count, pid: process.pid }, 'Tremolo primary is up; workers are starting');
}
