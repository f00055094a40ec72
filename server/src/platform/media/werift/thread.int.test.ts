/**
 * The werift SFU behind its worker thread: calls, errors and stats cross the thread as the
 * contract says, and a worker that dies reports its rooms moved and is replaced. Media through
 * the worker is tested by werift.int.test.ts (it runs on the worker unless WERIFT_THREAD=main).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RTCPeerConnection } from 'werift';
import { AppError } from '../../errors.ts';
import type { SfuEvent } from '../sfu.ts';
import { WeriftWorkerSfu } from './thread.ts';

async function publisherOffer(): Promise<{ pc: RTCPeerConnection; sdp: string }> {
  const pc = new RTCPeerConnection({ iceServers: [], iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false });
  pc.addTransceiver('audio', { direction: 'sendonly' });
  pc.addTransceiver('video', { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') await pc.iceGatheringStateChange.watch((s) => s === 'complete', 5000);
  return { pc, sdp: pc.localDescription?.sdp ?? '' };
}

test('calls, errors and stats cross the thread; a dead worker reports its rooms moved and is replaced', { timeout: 30_000 }, async () => {
  const sfu = new WeriftWorkerSfu();
  const events: SfuEvent[] = [];
  sfu.onEvent((e) => events.push(e));
  await sfu.start();
  try {
    await sfu.openRoom('r1');
    assert.deepEqual(sfu.stats(), { rooms: 1, publishers: 0, subscribers: 0, forwardedStreams: 0 });

    // Errors keep their code and status: the rooms module turns them into 4xx answers.
    const notFound = await sfu.subscribe('nowhere', 's', []).catch((e: unknown) => e);
    assert.ok(notFound instanceof AppError);
    assert.equal(notFound.code, 'not_found');
    assert.equal(notFound.status, 404);
    const bad = await sfu.publish('r1', 'p', 'not sdp').catch((e: unknown) => e);
    assert.ok(bad instanceof AppError);
    assert.equal(bad.status, 400);

    const { pc, sdp } = await publisherOffer();
    const { answerSdp } = await sfu.publish('r1', 'alice', sdp);
    assert.match(answerSdp, /^v=0/);
    const offer = await sfu.subscribe('r1', 'bob', ['alice']);
    assert.deepEqual(offer.streams.map((s) => s.kind).sort(), ['audio', 'video']);
    assert.deepEqual(sfu.stats(), { rooms: 1, publishers: 1, subscribers: 1, forwardedStreams: 2 });
    await pc.close();

    await sfu.crashWorker();
    await until(() => events.some((e) => e.type === 'room_moved' && e.roomId === 'r1'));
    assert.deepEqual(sfu.stats(), { rooms: 0, publishers: 0, subscribers: 0, forwardedStreams: 0 });

    // The next call runs on a new worker.
    await sfu.openRoom('r2');
    assert.equal(sfu.stats().rooms, 1);
  } finally {
    await sfu.close();
  }
  await assert.rejects(sfu.openRoom('r3'), /closed/);
});

async function until(ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
