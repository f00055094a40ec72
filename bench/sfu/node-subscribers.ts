/**
 * Non-rendering subscribers for `bench:sfu`: werift peer connections that answer the SFU's
 * offers and only count the RTP they receive. A child process (run inside Janus's network
 * namespace for the Janus half), so their CPU is not counted as the SFU's.
 *
 * stdin, one JSON per line:  {op:'offer', id, sdp} | {op:'close', id} | {op:'count'}
 * stdout, one JSON per line: {op:'answer', id, sdp} | {op:'count', packets, connected}
 */
import { createInterface } from 'node:readline';
import { RTCPeerConnection } from 'werift';

const addresses = (process.env.ICE_ADDRESSES ?? '127.0.0.1').split(',').filter(Boolean);
const peers = new Map<string, RTCPeerConnection>();
let packets = 0;

function reply(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function answer(id: string, sdp: string): Promise<void> {
  let pc = peers.get(id);
  if (!pc) {
    pc = new RTCPeerConnection({ iceServers: [], iceAdditionalHostAddresses: addresses, iceUseIpv6: false });
    peers.set(id, pc);
    pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe(() => {
        packets++;
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
  } else if (msg.op === 'count') {
    const connected = [...peers.values()].filter((p) => p.connectionState === 'connected').length;
    reply({ op: 'count', packets, connected });
  }
});
lines.on('close', () => {
  for (const pc of peers.values()) void pc.close();
  process.exit(0);
});
