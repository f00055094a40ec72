/**
 * Worker thread that runs the recommender's refit (EASE solve + iALS, tens of seconds of CPU at
 * production scale) so the server's event loop only snapshots and swaps. The thread lowers its
 * own scheduling priority: on a busy machine requests win the CPU and the refit takes longer.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { fitJob, type FitJob } from './engine.ts';

try {
  // On Linux, priority 0 means the calling thread: this lowers only the worker, not the server.
  setPriority(0, 19);
} catch {
  // Not permitted (some containers): the fit still runs, at normal priority.
}

parentPort?.on('message', (msg: { id: number; job: FitJob }) => {
  try {
    const r = fitJob(msg.job);
    const transfer: ArrayBuffer[] = [r.b.buffer, r.solution.p.buffer, r.solution.head.buffer, r.solution.headOf.buffer].filter(
      (b): b is ArrayBuffer => b instanceof ArrayBuffer,
    );
    if (r.mf) transfer.push(...[r.mf.q.buffer, r.mf.gram.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer));
    parentPort?.postMessage({ id: msg.id, result: r }, [...new Set(transfer)]);
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
