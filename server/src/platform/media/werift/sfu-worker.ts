/**
 * The werift SFU's worker thread (started by `WeriftWorkerSfu`, thread.ts): every peer
 * connection, UDP socket and forwarded packet lives on this thread's event loop, so the
 * app's HTTP and WebSocket work never delays media and forwarding never delays the app.
 * Calls arrive as messages and are answered with the result (or the error) and the SFU's
 * stats after the call; events are passed on with the stats too.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../errors.ts';
import { WeriftSfu, type WeriftSfuOptions } from './index.ts';
import type { SfuCall, WorkerReply } from './thread.ts';

/** The stats also go out on their own this often, for changes no call or event reports. */
const STATS_EVERY_MS = 1000;

const port = parentPort;
if (!port) throw new Error('sfu-worker.ts runs as a worker thread');
const sfu = new WeriftSfu(workerData as WeriftSfuOptions);

function post(reply: WorkerReply): void {
  port!.postMessage(reply);
}

sfu.onEvent((event) => post({ type: 'event', event, stats: sfu.stats() }));
setInterval(() => post({ type: 'stats', stats: sfu.stats() }), STATS_EVERY_MS).unref();

function invoke(call: SfuCall): Promise<unknown> {
  switch (call.method) {
    case 'start':
      return sfu.start();
    case 'openRoom':
      return sfu.openRoom(...call.args);
    case 'closeRoom':
      return sfu.closeRoom(...call.args);
    case 'publish':
      return sfu.publish(...call.args);
    case 'unpublish':
      return sfu.unpublish(...call.args);
    case 'subscribe':
      return sfu.subscribe(...call.args);
    case 'answerSubscription':
      return sfu.answerSubscription(...call.args);
    case 'leave':
      return sfu.leave(...call.args);
    case 'setLayer':
      return sfu.setLayer(...call.args);
    case 'setForwarding':
      return sfu.setForwarding(...call.args);
    case 'close':
      return sfu.close();
  }
}

port.on('message', (message: { id: number; call: SfuCall }) => {
  const { id, call } = message;
  invoke(call).then(
    (value) => post({ type: 'result', id, value, stats: sfu.stats() }),
    (err: unknown) => {
      const error =
        err instanceof AppError
          ? { message: err.message, code: err.code, status: err.status }
          : { message: err instanceof Error ? err.message : String(err) };
      post({ type: 'result', id, error, stats: sfu.stats() });
    },
  );
});
