/**
 * The werift SFU's bookkeeping without a browser: werift peers in this process make the SDP a
 * browser would, and are closed as soon as it is made. Checks that every connection the SFU
 * opens gives its UDP sockets back, and what the subscriber's offer tells the browser.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MediaStreamTrack, RTCPeerConnection } from 'werift';
import { WeriftSfu } from './index.ts';

/** Only werift opens UDP sockets in this process, so counting them all is counting its. */
const udpSockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;

/**
 * A closed UDP socket leaves the list in the event loop's close phase, after the promise
 * that closed it resolved: count on the next turn.
 */
async function udpSocketsNextTurn(): Promise<number> {
  await new Promise((r) => setTimeout(r, 0));
  return udpSockets();
}

/**
 * The count once it holds still: after an answer, werift stops the transports BUNDLE left over
 * a moment later, so a count taken at once can still include them.
 */
async function settledUdpSockets(): Promise<number> {
  const end = Date.now() + 3000;
  let last = udpSockets();
  let same = 0;
  while (same < 5 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
    const now = udpSockets();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

/** Sockets close a moment after close() returns (more on a busy machine); a leak still fails after 3 s. */
async function udpSocketsBecome(n: number, what: string, atMost = false): Promise<void> {
  const end = Date.now() + 3000;
  while (atMost ? udpSockets() > n : udpSockets() !== n) {
    if (Date.now() > end) assert.fail(`${what}: ${udpSockets()} UDP sockets open, expected ${n}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A browser stand-in: makes one SDP, then closes and waits until its own sockets are gone. */
async function sdpOf(make: (pc: RTCPeerConnection) => Promise<void>): Promise<string> {
  const before = udpSockets();
  const pc = new RTCPeerConnection({
    iceServers: [],
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceUseIpv6: false,
    bundlePolicy: 'max-bundle',
  });
  try {
    await make(pc);
    if (pc.iceGatheringState !== 'complete') await pc.iceGatheringStateChange.watch((s) => s === 'complete', 5000);
    const sdp = pc.localDescription?.sdp;
    assert.ok(sdp);
    return sdp;
  } finally {
    await pc.close();
    await udpSocketsBecome(before, 'the stand-in browser closed', true);
  }
}

async function publish(sfu: WeriftSfu, room: string, publisherId: string): Promise<void> {
  const offerSdp = await sdpOf(async (pc) => {
    pc.addTransceiver(new MediaStreamTrack({ kind: 'video' }), { direction: 'sendonly' });
    pc.addTransceiver(new MediaStreamTrack({ kind: 'audio' }), { direction: 'sendonly' });
    await pc.setLocalDescription(await pc.createOffer());
  });
  await sfu.publish(room, publisherId, offerSdp);
}

async function subscribe(sfu: WeriftSfu, room: string, subscriberId: string, publisherIds: string[]) {
  const offer = await sfu.subscribe(room, subscriberId, publisherIds);
  const answerSdp = await sdpOf(async (pc) => {
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.offerSdp });
    await pc.setLocalDescription(await pc.createAnswer());
  });
  await sfu.answerSubscription(room, subscriberId, answerSdp);
  return offer;
}

/** The `a=msid` stream id of each m-line, by mid. */
function msidStreams(sdp: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const section of sdp.split(/\r\nm=/).slice(1)) {
    const mid = /\r\na=mid:(\S+)/.exec(section)?.[1];
    if (mid === undefined) continue;
    out.set(mid, /\r\na=msid:(\S+) /.exec(section)?.[1] ?? null);
  }
  return out;
}

test('leave, unpublish, closeRoom and close give back every UDP socket, once the subscriber answered', async () => {
  const sfu = new WeriftSfu();
  await sfu.start();
  try {
    await udpSocketsBecome(0, 'at the start');
    await sfu.openRoom('r1');
    await publish(sfu, 'r1', 'alice');
    const publisherSockets = await settledUdpSockets();
    assert.ok(publisherSockets > 0, 'the publisher has its sockets');

    await subscribe(sfu, 'r1', 'v1', ['alice']);
    assert.ok((await udpSocketsNextTurn()) > publisherSockets, 'the subscriber has its sockets');
    await sfu.leave('r1', 'v1');
    await udpSocketsBecome(publisherSockets, 'leave closes all of the subscriber');

    await subscribe(sfu, 'r1', 'v2', ['alice']);
    const subscriberSockets = (await settledUdpSockets()) - publisherSockets;
    await sfu.unpublish('r1', 'alice');
    await udpSocketsBecome(subscriberSockets, 'unpublish closes all of the publisher');
    // Alice's m-lines go idle and carry bob: reused transceivers must not hold sockets either.
    await publish(sfu, 'r1', 'bob');
    await subscribe(sfu, 'r1', 'v2', ['bob']);
    await sfu.closeRoom('r1');
    await udpSocketsBecome(0, 'closeRoom closes every connection of the room');

    await sfu.openRoom('r2');
    await publish(sfu, 'r2', 'carol');
    await subscribe(sfu, 'r2', 'v3', ['carol']);
    await sfu.openRoom('r3');
    await publish(sfu, 'r3', 'dave');
    await subscribe(sfu, 'r3', 'v4', ['dave']);
  } finally {
    await sfu.close();
  }
  await udpSocketsBecome(0, 'close closes everything');
});

test("the subscriber's offer groups each publisher's audio and video in one stream, by publisher id", async () => {
  const sfu = new WeriftSfu();
  await sfu.start();
  try {
    await sfu.openRoom('r');
    await publish(sfu, 'r', 'alice');
    await publish(sfu, 'r', 'bob');
    const offer = await subscribe(sfu, 'r', 'v', ['alice', 'bob']);
    const streams = msidStreams(offer.offerSdp);
    assert.equal(offer.streams.length, 4);
    for (const s of offer.streams) assert.equal(streams.get(s.mid), s.publisherId, `mid ${s.mid} (${s.publisherId} ${s.kind})`);

    // Alice leaves the stage and carol comes on: carol's feeds reuse alice's m-lines, under her id.
    await publish(sfu, 'r', 'carol');
    const next = await subscribe(sfu, 'r', 'v', ['bob', 'carol']);
    const after = msidStreams(next.offerSdp);
    assert.deepEqual(new Set(next.streams.map((s) => s.publisherId)), new Set(['bob', 'carol']));
    for (const s of next.streams) assert.equal(after.get(s.mid), s.publisherId, `mid ${s.mid} (${s.publisherId} ${s.kind})`);
    const carolMids = next.streams
      .filter((s) => s.publisherId === 'carol')
      .map((s) => s.mid)
      .sort();
    assert.deepEqual(
      carolMids,
      offer.streams
        .filter((s) => s.publisherId === 'alice')
        .map((s) => s.mid)
        .sort(),
    );
  } finally {
    await sfu.close();
  }
});
