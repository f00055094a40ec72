/**
 * Non-rendering publishers for the full-stage scenario of `bench:sfu`: werift peer
 * connections that send synthetic VP8 and Opus RTP, so that eight stage members cost a few
 * percent of a core instead of eight Chromium encoders. A child process (inside Janus's
 * network namespace for the Janus half), so its CPU is not counted as the SFU's.
 *
 * Each publisher sends one VP8 stream (no simulcast: werift cannot send it) shaped like the
 * low layer a full-stage viewer receives for eight of the nine feeds: 30 fps, ~300 kbps
 * (two ~1,100-byte packets a frame, a six-packet keyframe every 2 s or when asked), and Opus
 * at 50 packets/s. Every packet carries STAMP_MAGIC and the wall clock in ms when its frame
 * was sent (see `readStamp`), which the Node subscribers read to get latency per frame.
 *
 * stdin, one JSON per line:  {op:'offer', id} | {op:'answer', id, sdp} | {op:'start'}
 * stdout, one JSON per line: {op:'offer', id, sdp} | {op:'answered', id} | {op:'started'}
 */
import { createInterface } from 'node:readline';
import { RTCPeerConnection, RtpHeader, RtpPacket, useOPUS, useVP8, type RTCRtpSender } from 'werift';
import { STAMP_AT, STAMP_MAGIC } from './stamp.ts';

const addresses = (process.env.ICE_ADDRESSES ?? '127.0.0.1').split(',').filter(Boolean);
const FRAME_MS = 1000 / 30;
const AUDIO_MS = 20;
const PACKETS_PER_FRAME = 2;
const PACKETS_PER_KEYFRAME = 6;
const VIDEO_PAYLOAD = 1100;
const AUDIO_PAYLOAD = 80;
const KEYFRAME_EVERY_MS = 2000;
/** VP8 descriptor with a 15-bit picture id (4 bytes) + 1 byte of VP8 payload header. */
const VP8_HEADER = STAMP_AT.video;

interface Publisher {
  pc: RTCPeerConnection;
  video: RTCRtpSender;
  audio: RTCRtpSender;
  seq: { video: number; audio: number };
  ts: { video: number; audio: number };
  pictureId: number;
  keyframeDue: boolean;
  lastKeyframeAt: number;
}

const publishers = new Map<string, Publisher>();

function reply(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await pc.iceGatheringStateChange.watch((s) => s === 'complete', 5000).catch(() => {});
}

async function offer(id: string): Promise<void> {
  const pc = new RTCPeerConnection({
    iceServers: [],
    iceAdditionalHostAddresses: addresses,
    iceUseIpv6: false,
    codecs: { audio: [useOPUS()], video: [useVP8()] },
  });
  const audio = pc.addTransceiver('audio', { direction: 'sendonly' }).sender;
  const video = pc.addTransceiver('video', { direction: 'sendonly' }).sender;
  const p: Publisher = {
    pc,
    video,
    audio,
    seq: { video: Math.floor(Math.random() * 0xffff), audio: Math.floor(Math.random() * 0xffff) },
    ts: { video: Math.floor(Math.random() * 0xffffffff), audio: Math.floor(Math.random() * 0xffffffff) },
    pictureId: Math.floor(Math.random() * 0x7fff),
    keyframeDue: true,
    lastKeyframeAt: 0,
  };
  video.onPictureLossIndication.subscribe(() => {
    p.keyframeDue = true;
  });
  publishers.set(id, p);
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  reply({ op: 'offer', id, sdp: pc.localDescription?.sdp ?? '' });
}

function stamped(size: number, at: number, now: number): Buffer {
  const payload = Buffer.alloc(size);
  payload.writeUInt32BE(STAMP_MAGIC, at);
  payload.writeDoubleBE(now, at + 4);
  return payload;
}

function sendFrame(p: Publisher, now: number): void {
  const keyframe = p.keyframeDue || now - p.lastKeyframeAt > KEYFRAME_EVERY_MS;
  if (keyframe) {
    p.keyframeDue = false;
    p.lastKeyframeAt = now;
  }
  p.pictureId = (p.pictureId + 1) & 0x7fff;
  p.ts.video = (p.ts.video + 3000) >>> 0;
  const count = keyframe ? PACKETS_PER_KEYFRAME : PACKETS_PER_FRAME;
  for (let i = 0; i < count; i++) {
    const payload = stamped(VIDEO_PAYLOAD, VP8_HEADER, now);
    payload[0] = 0x80 | (i === 0 ? 0x10 : 0); // X, and S on the frame's first packet (partition 0)
    payload[1] = 0x80; // I: picture id present
    payload[2] = 0x80 | (p.pictureId >> 8);
    payload[3] = p.pictureId & 0xff;
    payload[4] = keyframe ? 0x00 : 0x01; // VP8 payload header: P bit clear on a keyframe
    p.seq.video = (p.seq.video + 1) & 0xffff;
    const header = new RtpHeader({ sequenceNumber: p.seq.video, timestamp: p.ts.video, marker: i === count - 1 });
    void p.video.sendRtp(new RtpPacket(header, payload)).catch(() => {});
  }
}

function sendAudio(p: Publisher, now: number): void {
  p.seq.audio = (p.seq.audio + 1) & 0xffff;
  p.ts.audio = (p.ts.audio + 960) >>> 0;
  const header = new RtpHeader({ sequenceNumber: p.seq.audio, timestamp: p.ts.audio, marker: false });
  void p.audio.sendRtp(new RtpPacket(header, stamped(AUDIO_PAYLOAD, STAMP_AT.audio, now))).catch(() => {});
}

/**
 * Ticks are scheduled against absolute times so that a late tick does not shift every
 * later frame; a tick more than one period late sends only its newest frame.
 */
function every(periodMs: number, fn: (now: number) => void): void {
  let next = Date.now();
  const tick = () => {
    const now = Date.now();
    fn(now);
    next += periodMs;
    if (next < now) next = now + periodMs;
    setTimeout(tick, next - Date.now());
  };
  tick();
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const msg = JSON.parse(line) as { op: string; id?: string; sdp?: string };
  if (msg.op === 'offer' && msg.id) {
    offer(msg.id).catch((err: Error) => reply({ op: 'offer', id: msg.id, sdp: '', error: err.message }));
  } else if (msg.op === 'answer' && msg.id && msg.sdp) {
    const p = publishers.get(msg.id);
    p?.pc
      .setRemoteDescription({ type: 'answer', sdp: msg.sdp })
      .then(() => (p.pc.connectionState === 'connected' ? undefined : p.pc.connectionStateChange.watch((s) => s === 'connected', 10_000)))
      .then(() => reply({ op: 'answered', id: msg.id }))
      .catch((err: Error) => reply({ op: 'answered', id: msg.id, error: err.message }));
  } else if (msg.op === 'start') {
    every(FRAME_MS, (now) => {
      for (const p of publishers.values()) sendFrame(p, now);
    });
    every(AUDIO_MS, (now) => {
      for (const p of publishers.values()) sendAudio(p, now);
    });
    reply({ op: 'started' });
  }
});
lines.on('close', () => {
  for (const p of publishers.values()) void p.pc.close();
  process.exit(0);
});
