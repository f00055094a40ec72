import { Worker } from 'node:worker_threads';
import type { FitJob, FitResult, RemoteFit } from './engine.ts';

/**
 * Runs refits in one lazily started worker thread (refit-worker.ts), one job at a time; the
 * engine shares a refit in flight, so jobs never queue here. The thread is unref'd and ended
 * by close(), so it never keeps the process alive.
 */
export class WorkerFit {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: FitResult) => void; reject: (e: Error) => void }>();

  readonly fit: RemoteFit = (job: FitJob) => {
    const w = this.start();
    const id = this.nextId++;
    return new Promise<FitResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // The snapshot is only read by the worker: hand its buffers over instead of copying.
      const transfer = [job.snap.indptr.buffer, job.snap.indices.buffer, job.snap.weights.buffer, job.head.buffer].filter(
        (b): b is ArrayBuffer => b instanceof ArrayBuffer,
      );
      w.postMessage({ id, job }, [...new Set(transfer)]);
    });
  };

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./refit-worker.ts', import.meta.url));
    w.unref();
    w.on('message', (msg: { id: number; result?: FitResult; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.result) p.resolve(msg.result);
      else p.reject(new Error(msg.error ?? 'refit failed'));
    });
    const fail = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      if (this.worker === w) this.worker = null;
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`refit worker exited with code ${code}`)));
    this.worker = w;
    return w;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
