/**
 * The Janus adapter against a real Janus (Debian package) and real Chromium pages, all inside a
 * private network namespace (see testing.ts): a fake camera publishes through the adapter,
 * another page subscribes and decodes; layers, server-side mutes, unpublish, republish and
 * the publisher_gone / subscriber_gone events are checked on the decoded media.
 *
 * Skipped only when `janus` is not installed and CI is not `true`; in CI a missing Janus fails.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { SfuEvent } from '../sfu.ts';
import { JanusSfu } from './index.ts';
import { CHROMIUM_ARGS, MEDIA_ARGS } from '../../../test/chromium.ts';
import { janusInstalled, startJanusInNamespace, type JanusInNamespace } from './testing.ts';

const installed = janusInstalled();
const skip =
  !installed && process.env.CI !== 'true' ? 'janus is not installed (apt-get install -y janus); with CI=true this fails instead' : false;

const BROWSER_ARGS = [
  ...CHROMIUM_ARGS,
  ...MEDIA_ARGS,
  // A page without camera permission would hide its address behind an mDNS name nobody resolves here.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

// Served through playwright's router: http://localhost is a secure context (getUserMedia) and
// nothing needs to listen inside the namespace.
const PAGE = `<!doctype html><meta charset="utf-8"><body><script>
const gathered = (pc) => new Promise((resolve) => {
  if (pc.iceGatheringState === 'complete') return resolve();
  pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  setTimeout(resolve, 3000);
});
window.publish = async () => {
  window.stream ??= await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
  window.pc?.close();
  const pc = (window.pc = new RTCPeerConnection({ iceServers: [] }));
  pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly', streams: [stream] });
  pc.addTransceiver(stream.getVideoTracks()[0], {
    direction: 'sendonly',
    streams: [stream],
    sendEncodings: [{ rid: 'h', maxBitrate: 900000 }, { rid: 'l', maxBitrate: 200000, scaleResolutionDownBy: 2 }],
  });
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.subscriber = () => {
  const pc = (window.pc = new RTCPeerConnection({ iceServers: [] }));
  pc.ontrack = (e) => {
    if (e.track.kind !== 'video') return;
    const v = document.createElement('video');
    v.muted = true; v.autoplay = true; v.playsInline = true;
    v.srcObject = new MediaStream([e.track]);
    document.body.append(v);
    v.play().catch(() => {});
  };
};
window.accept = async (sdp) => {
  await pc.setRemoteDescription({ type: 'offer', sdp });
  await pc.setLocalDescription(await pc.createAnswer());
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.answered = (sdp) => pc.setRemoteDescription({ type: 'answer', sdp });
window.media = async () => {
  const out = { framesDecoded: 0, frameWidth: 0, audioPackets: 0, videoWidth: 0 };
  for (const r of (await pc.getStats()).values()) {
    if (r.type !== 'inbound-rtp') continue;
    if (r.kind === 'video') { out.framesDecoded += r.framesDecoded ?? 0; out.frameWidth = Math.max(out.frameWidth, r.frameWidth ?? 0); }
    if (r.kind === 'audio') out.audioPackets += r.packetsReceived ?? 0;
  }
  for (const v of document.querySelectorAll('video')) out.videoWidth = Math.max(out.videoWidth, v.videoWidth);
  return out;
};
</script>`;

interface Media {
  framesDecoded: number;
  frameWidth: number;
  audioPackets: number;
  videoWidth: number;
}

let janus: JanusInNamespace | undefined;
let browser: Browser | undefined;
let sfu: JanusSfu | undefined;
let relay: { server: Server; url: string; cut(): void } | undefined;

/** A Unix-socket relay in front of Janus, so the test can drop the adapter's WebSocket. */
async function startRelay(janusUrl: string): Promise<{ server: Server; url: string; cut(): void }> {
  const target = /^ws\+unix:\/\/(.+):\/$/.exec(janusUrl)?.[1];
  assert.ok(target, janusUrl);
  const socketPath = path.join(path.dirname(target), 'relay.sock');
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection(target);
    open.add(client);
    client.on('close', () => open.delete(client));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { server, url: `ws+unix://${socketPath}:/`, cut: () => open.forEach((c) => c.destroy()) };
}

before(async () => {
  if (skip) return;
  if (!installed) throw new Error('janus is not installed: apt-get install -y janus');
  janus = await startJanusInNamespace();
  browser = await chromium.launch({ executablePath: janus.chromiumPath, headless: true, args: BROWSER_ARGS });
});

after(async () => {
  await sfu?.close().catch(() => undefined);
  relay?.server.close();
  await browser?.close().catch(() => undefined);
  await janus?.stop();
});

async function openPage(b: Browser): Promise<Page> {
  const context = await b.newContext();
  const page = await context.newPage();
  await page.route('http://localhost/**', (route) => route.fulfill({ contentType: 'text/html', body: PAGE }));
  await page.goto('http://localhost/');
  return page;
}

const media = (page: Page): Promise<Media> => page.evaluate('window.media()') as Promise<Media>;

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await probe();
  }
  return last;
}

/** Frames decoded over `ms` (a rate is measured over a window). */
async function framesOver(page: Page, ms: number): Promise<number> {
  const a = await media(page);
  await new Promise((r) => setTimeout(r, ms));
  return (await media(page)).framesDecoded - a.framesDecoded;
}

/** Audio packets received over `ms`. */
async function audioOver(page: Page, ms: number): Promise<number> {
  const a = await media(page);
  await new Promise((r) => setTimeout(r, ms));
  return (await media(page)).audioPackets - a.audioPackets;
}

async function subscribeAndAnswer(adapter: JanusSfu, page: Page, room: string, viewer: string, publishers: string[]) {
  const offer = await adapter.subscribe(room, viewer, publishers);
  const answer = (await page.evaluate(`window.accept(${JSON.stringify(offer.offerSdp)})`)) as string;
  await adapter.answerSubscription(room, viewer, answer);
  return offer;
}

test('Janus adapter: a fake camera published through Janus is decoded by a subscriber', { skip, timeout: 60_000 }, async () => {
  assert.ok(janus && browser);
  relay = await startRelay(janus.url);
  const logs: string[] = [];
  const adapter = (sfu = new JanusSfu({ url: relay.url, log: (m) => logs.push(m) }));
  const events: SfuEvent[] = [];
  const gone = (type: SfuEvent['type']): boolean => events.some((x) => x.type === type);
  adapter.onEvent((e) => events.push(e));
  await adapter.start();
  const room = `room-${randomUUID()}`;
  await adapter.openRoom(room);

  const host = await openPage(browser);
  const viewer = await openPage(browser);
  await viewer.evaluate('window.subscriber()');

  const offer = (await host.evaluate('window.publish()')) as string;
  assert.match(offer, /a=simulcast:send h;l/, 'the page offers two simulcast layers');
  const { answerSdp } = await adapter.publish(room, 'host', offer);
  assert.match(answerSdp, /a=candidate:.* 127\.0\.0\.2 /, 'Janus answers with its candidate on the veth');
  await host.evaluate(`window.answered(${JSON.stringify(answerSdp)})`);

  const sub = await subscribeAndAnswer(adapter, viewer, room, 'viewer', ['host']);
  assert.deepEqual(sub.streams.map((s) => [s.publisherId, s.kind]).sort(), [
    ['host', 'audio'],
    ['host', 'video'],
  ]);
  for (const s of sub.streams) assert.match(sub.offerSdp, new RegExp(`a=mid:${s.mid}\\r?\\n`));

  const first = await until(
    'decoded video',
    () => media(viewer),
    (m) => m.videoWidth > 0 && m.framesDecoded > 10,
    15_000,
  );
  assert.ok(first.videoWidth > 0);
  await until(
    'framesDecoded rising',
    () => framesOver(viewer, 500),
    (n) => n >= 3,
  );
  assert.deepEqual(adapter.stats(), { rooms: 1, publishers: 1, subscribers: 1, forwardedStreams: 2 });

  // Layers: low is the half-resolution rid, high the full one (Janus numbers substreams low → high).
  await until(
    'the high layer',
    () => media(viewer),
    (m) => m.frameWidth === 640,
  );
  await adapter.setLayer(room, 'viewer', 'host', 'low');
  await until(
    'the low layer',
    () => media(viewer),
    (m) => m.frameWidth === 320,
  );
  await adapter.setLayer(room, 'viewer', 'host', 'high');
  await until(
    'the high layer again',
    () => media(viewer),
    (m) => m.frameWidth === 640,
  );

  // The WebSocket to Janus drops: the adapter reconnects and reclaims its session, media keeps
  // flowing and the next requests (the mutes below) go through.
  relay.cut();
  await until(
    'the adapter notices the drop',
    async () => logs.some((m) => m.includes('reconnecting')),
    (dropped) => dropped,
  );
  await until(
    'video across the reconnect',
    () => framesOver(viewer, 500),
    (n) => n >= 3,
  );

  // Server-side mute of video: no more frames; audio keeps flowing; then the reverse.
  await adapter.setForwarding(room, 'host', 'video', false);
  // Frames already on the way still land: wait until decoding stands still.
  await until(
    'no video frames while video forwarding is off',
    () => framesOver(viewer, 1000),
    (n) => n <= 1,
  );
  const audioBefore = (await media(viewer)).audioPackets;
  await until(
    'audio while video is muted',
    () => media(viewer),
    (m) => m.audioPackets > audioBefore + 20,
  );
  await adapter.setForwarding(room, 'host', 'video', true);
  await until(
    'video again',
    () => framesOver(viewer, 500),
    (n) => n >= 3,
    15_000,
  );
  await adapter.setForwarding(room, 'host', 'audio', false);
  await until(
    'no audio while audio forwarding is off',
    () => audioOver(viewer, 1000),
    (n) => n <= 2,
  );
  await adapter.setForwarding(room, 'host', 'audio', true);

  // Unpublish stops the frames, and is not reported as publisher_gone.
  await adapter.unpublish(room, 'host');
  await until(
    'no frames after unpublish',
    () => framesOver(viewer, 1000),
    (n) => n <= 1,
  );
  assert.equal(adapter.stats().publishers, 0);

  // Republishing under the same id: the subscriber renegotiates and decodes the new feed.
  const again = (await host.evaluate('window.publish()')) as string;
  const republished = await adapter.publish(room, 'host', again);
  await host.evaluate(`window.answered(${JSON.stringify(republished.answerSdp)})`);
  await subscribeAndAnswer(adapter, viewer, room, 'viewer', ['host']);
  await until(
    'video from the republished feed',
    () => framesOver(viewer, 500),
    (n) => n >= 3,
    15_000,
  );
  assert.equal(adapter.stats().forwardedStreams, 2);
  assert.deepEqual(events, []);

  // A publisher whose connection closes without unpublish is reported gone; so is a subscriber.
  await host.evaluate('window.pc.close()');
  await until('publisher_gone', async () => gone('publisher_gone'), Boolean);
  assert.deepEqual(events[0], { type: 'publisher_gone', roomId: room, publisherId: 'host' });
  await viewer.evaluate('window.pc.close()');
  await until('subscriber_gone', async () => gone('subscriber_gone'), Boolean);
  assert.deepEqual(events[1], { type: 'subscriber_gone', roomId: room, subscriberId: 'viewer' });
  assert.deepEqual(adapter.stats(), { rooms: 1, publishers: 0, subscribers: 0, forwardedStreams: 0 });

  await adapter.closeRoom(room);
  assert.equal(adapter.stats().rooms, 0);
});
