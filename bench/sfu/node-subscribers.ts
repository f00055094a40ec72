/**
 * Non-rendering subscribers for `bench:sfu`: werift peer connections that answer the SFU's
 * offers and count the RTP they receive. A child process (run inside Janus's network
 * namespace for the Janus half), so their CPU is not counted as the SFU's.
 *
 * Packets stamped by the full stage's Node publishers (see stamp.ts) also give latency: per
 * video frame (at its last packet, the marker) and per audio packet, kept as 1 ms histograms.
 * Stamped frames (marker bits) are counted per received video track, for fps per feed.
 *
 * stdin, one JSON per line:  {op:'offer', id, sdp} | {op:'close', id} | {op:'count'} | {op:'take'}
 * stdout, one JSON per line: {op:'answer', id, sdp} | {op:'count', packets, connected}
 *                            | {op:'take', video, audio, frames}: histograms {ms: count} and
 *                              the frames of each video track since the last take
 */
import { createInterface } from 'node:readline';
import { RTCPeerConnection } from 'werift';
import { readStamp } from './stamp.ts';

const addresses = (process.env.ICE_ADDRESSES ?? '127.0.0.1').split(',').filter(Boolean);
const peers = new Map<string, RTCPeerConnection>();
let packets = 0;
const MAX_MS = 10_000;
let videoLatency = new Map<number, number>();
let audioLatency = new Map<number, number>();
/** Stamped frames per video track since the last take; a closed connection's tracks drop out. */
const frames = new Map<string, { count: number; stamped: boolean }>();

function reply(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function note(into: Map<number, number>, stamp: number): void {
  const ms = Math.max(0, Math.min(MAX_MS, Math.round(Date.now() - stamp)));
  into.set(ms, (into.get(ms) ?? 0) + 1);
}

async function answer(id: string, sdp: string): Promise<void> {
  let pc = peers.get(id);
  if (!pc) {
    const conn = new RTCPeerConnection({ iceServers: [], iceAdditionalHostAddresses: addresses, iceUseIpv6: false });
    pc = conn;
    peers.set(id, conn);
    let tracks = 0;
    conn.onTrack.subscribe((track) => {
      if (track.kind === 'audio') {
        track.onReceiveRtp.subscribe((rtp) => {
          packets++;
          const stamp = readStamp(rtp.payload, 'audio');
          if (stamp !== null) note(audioLatency, stamp);
        });
        return;
      }
      const counter = { count: 0, stamped: false };
      frames.set(`${id}/${tracks++}`, counter);
      track.onReceiveRtp.subscribe((rtp) => {
        packets++;
        if (!rtp.header.marker) return;
        // Only stamped feeds (Node publishers) count: a Chromium feed's fps is its viewers'.
        const stamp = readStamp(rtp.payload, 'video');
        if (stamp === null) return;
        counter.stamped = true;
        counter.count++;
        note(videoLatency, stamp);
      });
    });
  }
  await pc.setRemoteDescription({ type: 'offer', sdp });
  await pc.setLocalDescription(await pc.createAnswer());
  if (pc.iceGatheringState !== 'complete') {
    await pc.iceGatheringStateChange.watch((s) => s === 'complete', 5000).catch(() => {});
  }
  reply({ op: 'answer', id, sdp: pc.localDescription?.sdp ?? '' });
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const msg = JSON.parse(line) as { op: string; id?: string; sdp?: string };
  if (msg.op === 'offer' && msg.id && msg.sdp) {
    answer(msg.id, msg.sdp).catch((err: Error) => reply({ op: 'answer', id: msg.id, sdp: '', error: err.message }));
  } else if (msg.op === 'close' && msg.id) {
    void peers.get(msg.id)?.close();
    peers.delete(msg.id);
    for (const key of [...frames.keys()]) if (key.startsWith(`${msg.id}/`)) frames.delete(key);
  } else if (msg.op === 'count') {
    const connected = [...peers.values()].filter((p) => p.connectionState === 'connected').length;
    reply({ op: 'count', packets, connected });
  } else if (msg.op === 'take') {
    const counts = [...frames.values()].filter((f) => f.stamped).map((f) => f.count);
    for (const f of frames.values()) f.count = 0;
    reply({ op: 'take', video: Object.fromEntries(videoLatency), audio: Object.fromEntries(audioLatency), frames: counts });
    videoLatency = new Map();
    audioLatency = new Map();
  }
});
lines.on('close', () => {
  for (const pc of peers.values()) void pc.close();
  process.exit(0);
});
