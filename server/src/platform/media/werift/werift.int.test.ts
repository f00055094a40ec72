/**
 * The werift SFU with real browsers: one headless Chromium page publishes its fake camera
 * (simulcast h/l) and microphone, two pages subscribe. Signalling is the test passing SDP
 * between the pages and the adapter. The SFU runs on its worker thread, as the app runs it
 * (`WeriftWorkerSfu`); `WERIFT_THREAD=main` tests it on the test's own event loop instead.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { SfuAdapter, SfuEvent } from '../sfu.ts';
import { CHROMIUM, CHROMIUM_ARGS, MEDIA_ARGS } from '../../../test/chromium.ts';
import { PUBLISHER_SCRIPT } from '../../../test/publisher-page.ts';
import { WeriftSfu } from './index.ts';
import { WeriftWorkerSfu } from './thread.ts';

const ARGS = [...CHROMIUM_ARGS, ...MEDIA_ARGS];

/** Browser side, as source text so it runs unchanged in every page. */
const PAGE = `<!doctype html><meta charset="utf-8"><body><script>
${PUBLISHER_SCRIPT}
window.sentKbps = async (ms) => {
  const sum = async () => {
    const out = {};
    (await window.pc.getStats()).forEach((s) => { if (s.type === 'outbound-rtp' && s.kind === 'video') out[s.rid] = s.bytesSent; });
    return out;
  };
  const a = await sum();
  await new Promise((r) => setTimeout(r, ms));
  const b = await sum();
  const kbps = {};
  for (const rid of Object.keys(b)) kbps[rid] = Math.round(((b[rid] - (a[rid] ?? 0)) * 8) / ms);
  (await window.pc.getStats()).forEach((s) => { if (s.type === 'candidate-pair' && s.nominated) kbps.available = Math.round((s.availableOutgoingBitrate ?? 0) / 1000); });
  return kbps;
};
window.subscribeAnswer = async (sdp) => {
  if (!window.pc) {
    window.pc = new RTCPeerConnection({ iceServers: [] });
    window.videos = {};
    window.streamIds = {};
    window.pc.ontrack = (e) => {
      window.streamIds[e.transceiver.mid] = e.streams.map((s) => s.id);
      if (e.track.kind !== 'video') return;
      const v = document.createElement('video');
      v.muted = true; v.autoplay = true; v.playsInline = true;
      v.srcObject = new MediaStream([e.track]);
      document.body.append(v);
      window.videos[e.transceiver.mid] = v;
    };
  }
  await window.pc.setRemoteDescription({ type: 'offer', sdp });
  await window.pc.setLocalDescription(await window.pc.createAnswer());
  await gathered(window.pc);
  return window.pc.localDescription.sdp;
};
window.videoState = async () => {
  const byMid = {};
  (await window.pc.getStats()).forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') byMid[s.mid] = { framesDecoded: s.framesDecoded ?? 0, frameWidth: s.frameWidth ?? 0 };
  });
  const out = {};
  for (const [mid, v] of Object.entries(window.videos)) {
    out[mid] = { videoWidth: v.videoWidth, ...(byMid[mid] ?? { framesDecoded: 0, frameWidth: 0 }) };
  }
  return out;
};
</script>`;

interface VideoState {
  videoWidth: number;
  framesDecoded: number;
  frameWidth: number;
}

let http: Server;
let origin = '';
let browser: Browser;
const sfu: SfuAdapter = process.env.WERIFT_THREAD === 'main' ? new WeriftSfu() : new WeriftWorkerSfu();
const events: SfuEvent[] = [];

before(async () => {
  http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  await sfu.start();
  sfu.onEvent((e) => events.push(e));
});

after(async () => {
  await sfu.close();
  await browser?.close();
  await new Promise((r) => http.close(r));
});

async function openPage(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(origin);
  return page;
}

async function subscribe(page: Page, room: string, id: string, publishers: string[]): Promise<string> {
  const offer = await sfu.subscribe(room, id, publishers);
  const answer = await page.evaluate(
    (sdp) => (window as unknown as { subscribeAnswer(s: string): Promise<string> }).subscribeAnswer(sdp),
    offer.offerSdp,
  );
  await sfu.answerSubscription(room, id, answer);
  const video = offer.streams.find((s) => s.kind === 'video');
  assert.ok(video, 'the offer carries a video stream');
  return video.mid;
}

/** The ids of `event.streams` of the track event of each mid, as the browser saw them. */
function trackStreams(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => (window as unknown as { streamIds: Record<string, string[]> }).streamIds);
}

async function videoState(page: Page, mid: string): Promise<VideoState> {
  const all = await page.evaluate(() => (window as unknown as { videoState(): Promise<Record<string, VideoState>> }).videoState());
  return all[mid] ?? { videoWidth: 0, framesDecoded: 0, frameWidth: 0 };
}

/** Polls until `check` holds, or fails with the last state seen. */
async function until<T>(what: string, read: () => Promise<T>, check: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let last = await read();
  while (!check(last)) {
    if (Date.now() > end) assert.fail(`${what}: still ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

async function framesRising(page: Page, mid: string): Promise<boolean> {
  const a = await videoState(page, mid);
  await new Promise((r) => setTimeout(r, 700));
  const b = await videoState(page, mid);
  return b.framesDecoded > a.framesDecoded;
}

test('publish simulcast, two subscribers decode, layer switch, server mute, unpublish', { timeout: 60_000 }, async () => {
  const room = 'room-1';
  await sfu.openRoom(room);
  const pub = await openPage();
  const offer = await pub.evaluate(() => (window as unknown as { publishOffer(): Promise<string> }).publishOffer());
  const { answerSdp } = await sfu.publish(room, 'alice', offer);
  assert.match(answerSdp, /a=simulcast:recv h;l/);
  assert.doesNotMatch(answerSdp, /transport-cc/);
  await pub.evaluate((sdp) => (window as unknown as { publishAnswer(s: string): Promise<void> }).publishAnswer(sdp), answerSdp);

  const viewers = [await openPage(), await openPage()] as const;
  const mids = [await subscribe(viewers[0], room, 'v1', ['alice']), await subscribe(viewers[1], room, 'v2', ['alice'])];
  assert.deepEqual(sfu.stats(), { rooms: 1, publishers: 1, subscribers: 2, forwardedStreams: 4 });
  // Alice's audio and video arrive in one MediaStream, so the browser lip-syncs them.
  assert.deepEqual(Object.values(await trackStreams(viewers[0])), [['alice'], ['alice']]);

  for (const [i, page] of viewers.entries()) {
    await until(
      `viewer ${i + 1} decodes`,
      () => videoState(page, mids[i]!),
      (s) => s.videoWidth > 0 && s.framesDecoded > 5,
    );
    // Polled: a loaded machine can stall a page for one window.
    await until(
      `viewer ${i + 1} frames rising`,
      () => framesRising(page, mids[i]!),
      (v) => v,
    );
  }
  // Both decode the high layer: the fake camera's full 640 px.
  await until(
    'viewer 1 gets the high layer',
    () => videoState(viewers[0], mids[0]!),
    (s) => s.frameWidth === 640,
  );

  // REMB, not transport-cc: Chromium must send the high layer at a real rate, not 240 kbps.
  const kbps = await pub.evaluate(() => (window as unknown as { sentKbps(ms: number): Promise<Record<string, number>> }).sentKbps(2000));
  console.log('publisher send rate (kbps by rid):', kbps);
  assert.ok((kbps.h ?? 0) > 400, `high layer sends ${kbps.h} kbps`);
  assert.ok((kbps.l ?? 0) > 50, `low layer sends ${kbps.l} kbps`);

  // Layer switch for viewer 1 only.
  await sfu.setLayer(room, 'v1', 'alice', 'low');
  await until(
    'viewer 1 switches to low',
    () => videoState(viewers[0], mids[0]!),
    (s) => s.frameWidth === 320,
  );
  await until(
    'viewer 1 keeps decoding after the switch',
    () => framesRising(viewers[0], mids[0]!),
    (v) => v,
  );
  assert.equal((await videoState(viewers[1], mids[1]!)).frameWidth, 640, 'viewer 2 stays on high');
  await sfu.setLayer(room, 'v1', 'alice', 'high');
  await until(
    'viewer 1 back to high',
    () => videoState(viewers[0], mids[0]!),
    (s) => s.frameWidth === 640,
  );

  // Server-side camera off: nobody decodes new frames; on again: frames resume.
  await sfu.setForwarding(room, 'alice', 'video', false);
  // Frames already on the way still land: wait for each viewer's decoding to stand still.
  for (const [i, page] of viewers.entries())
    await until(
      `viewer ${i + 1} stopped`,
      () => framesRising(page, mids[i]!),
      (v) => !v,
    );
  await sfu.setForwarding(room, 'alice', 'video', true);
  for (const [i, page] of viewers.entries()) {
    await until(
      `viewer ${i + 1} resumes`,
      () => framesRising(page, mids[i]!),
      (v) => v,
    );
  }

  // A subscriber whose connection goes away is reported.
  await viewers[1].evaluate(() => (window as unknown as { pc: RTCPeerConnection }).pc.close());
  const t0 = Date.now();
  await until(
    'subscriber_gone',
    async () => events,
    (e) => e.some((x) => x.type === 'subscriber_gone' && x.subscriberId === 'v2'),
    40_000,
  );

  console.log('subscriber_gone after', Date.now() - t0, 'ms');
  await sfu.unpublish(room, 'alice');
  await until(
    'unpublished: frames stop',
    () => framesRising(viewers[0], mids[0]!),
    (v) => !v,
  );
  assert.deepEqual(sfu.stats(), { rooms: 1, publishers: 0, subscribers: 1, forwardedStreams: 0 });
  assert.equal(
    events.some((e) => e.type === 'publisher_gone'),
    false,
    'unpublish is not reported as gone',
  );

  // A publisher whose browser goes away is reported, and its feed leaves the stats.
  const pub2 = await openPage();
  const offer2 = await pub2.evaluate(() => (window as unknown as { publishOffer(): Promise<string> }).publishOffer());
  const answer2 = await sfu.publish(room, 'bob', offer2);
  await pub2.evaluate((sdp) => (window as unknown as { publishAnswer(s: string): Promise<void> }).publishAnswer(sdp), answer2.answerSdp);
  const bobMid = await subscribe(viewers[0], room, 'v1', ['bob']);
  // The transceiver is reused from alice's feed, so its counters already ran: wait for new frames.
  await until(
    'viewer 1 decodes bob',
    () => framesRising(viewers[0], bobMid),
    (v) => v,
  );
  await pub2.evaluate(() => (window as unknown as { pc: RTCPeerConnection }).pc.close());
  await until(
    'publisher_gone',
    async () => events,
    (e) => e.some((x) => x.type === 'publisher_gone' && x.publisherId === 'bob'),
    15_000,
  );
  assert.equal(sfu.stats().publishers, 0);
  await sfu.closeRoom(room);
  assert.deepEqual(sfu.stats(), { rooms: 0, publishers: 0, subscribers: 0, forwardedStreams: 0 });
});
