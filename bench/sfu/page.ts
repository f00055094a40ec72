/**
 * The browser side of `bench:sfu`, as page source (served through playwright's router, so
 * nothing has to listen where the browser runs).
 *
 * Publisher: a 640×480 canvas sent with captureStream(30) as VP8 simulcast (h, l at half
 * size) plus the fake microphone. Each frame carries the sender's wall clock in ms as a
 * barcode: 32 cells of 80×60 px (8 columns × 4 rows) across the top half, black = 1, white
 * = 0; 24 bits of the clock (wraps every 4.6 h) and an 8-bit checksum, so a frame misread
 * under compression is rejected rather than counted. The bottom half moves so the encoder
 * has real work.
 *
 * Viewer: decoded fps from framesDecoded; on each presented frame (requestVideoFrameCallback) the video is drawn into a
 * 64×48 canvas, each cell's centre read back, and the latency is now − stamp. Publisher and
 * viewers run on one machine, so `performance.timeOrigin + performance.now()` is one clock.
 */
export const SFU_BENCH_PAGE = `<!doctype html><meta charset="utf-8"><body style="margin:0"><script>
const nowMs = () => performance.timeOrigin + performance.now();
const gathered = (pc) => new Promise((resolve) => {
  if (pc.iceGatheringState === 'complete') return resolve();
  pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  setTimeout(resolve, 3000);
});
const COLS = 8, ROWS = 4, W = 640, H = 480, CW = W / COLS, CH = (H / 2) / ROWS;
function encode(ms) {
  const v = Math.floor(ms) % 0x1000000;
  const sum = ((v & 0xff) + ((v >> 8) & 0xff) + ((v >> 16) & 0xff)) & 0xff;
  return [v, sum];
}
window.publish = async () => {
  const canvas = document.createElement('canvas');
  canvas.width = W; canvas.height = H;
  document.body.append(canvas);
  const g = canvas.getContext('2d');
  let n = 0;
  const draw = () => {
    const [v, sum] = encode(nowMs());
    const bits = v * 256 + sum;
    for (let i = 0; i < 32; i++) {
      const bit = Math.floor(bits / 2 ** (31 - i)) % 2;
      g.fillStyle = bit ? '#000' : '#fff';
      g.fillRect((i % COLS) * CW, Math.floor(i / COLS) * CH, CW, CH);
    }
    n++;
    g.fillStyle = 'hsl(' + (n * 7) % 360 + ',60%,50%)';
    g.fillRect(0, H / 2, W, H / 2);
    g.fillStyle = '#fff';
    for (let k = 0; k < 12; k++) g.fillRect((n * (3 + k) * 5) % W, H / 2 + k * 20, 40, 14);
  };
  draw();
  setInterval(draw, 1000 / 30);
  const video = canvas.captureStream(30).getVideoTracks()[0];
  const mic = (await navigator.mediaDevices.getUserMedia({ audio: true })).getAudioTracks()[0];
  const pc = (window.pc = new RTCPeerConnection({ iceServers: [] }));
  pc.addTransceiver(mic, { direction: 'sendonly' });
  pc.addTransceiver(video, {
    direction: 'sendonly',
    sendEncodings: [{ rid: 'h', maxBitrate: 1200000 }, { rid: 'l', maxBitrate: 300000, scaleResolutionDownBy: 2 }],
  });
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.answered = (sdp) => pc.setRemoteDescription({ type: 'answer', sdp });
window.sentKbps = async () => {
  const out = {};
  for (const r of (await pc.getStats()).values()) if (r.type === 'outbound-rtp' && r.kind === 'video') out[r.rid] = { bytes: r.bytesSent, fps: r.framesPerSecond ?? 0, width: r.frameWidth ?? 0 };
  return out;
};

window.samples = [];
window.frames = 0;
window.misreads = 0;
window.viewer = () => {
  const pc = (window.pc = new RTCPeerConnection({ iceServers: [] }));
  const small = document.createElement('canvas');
  small.width = 64; small.height = 48;
  const sg = small.getContext('2d', { willReadFrequently: true });
  pc.ontrack = (e) => {
    if (e.track.kind !== 'video') return;
    const v = document.createElement('video');
    v.muted = true; v.autoplay = true; v.playsInline = true;
    v.srcObject = new MediaStream([e.track]);
    document.body.append(v);
    v.play().catch(() => {});
    const onFrame = () => {
      const at = nowMs();
      window.frames++;
      sg.drawImage(v, 0, 0, 64, 48);
      const px = sg.getImageData(0, 0, 64, 24).data;
      let bits = 0;
      for (let i = 0; i < 32; i++) {
        const x = Math.floor(((i % COLS) + 0.5) * 8), y = Math.floor((Math.floor(i / COLS) + 0.5) * 6);
        const o = (y * 64 + x) * 4;
        const lum = (px[o] + px[o + 1] + px[o + 2]) / 3;
        bits = bits * 2 + (lum < 128 ? 1 : 0);
      }
      const v24 = Math.floor(bits / 256), sum = bits % 256;
      if (encode(v24)[1] !== sum) window.misreads++;
      else window.samples.push((((Math.floor(at) % 0x1000000) - v24) + 0x1000000) % 0x1000000);
      v.requestVideoFrameCallback(onFrame);
    };
    v.requestVideoFrameCallback(onFrame);
  };
};
window.accept = async (sdp) => {
  await pc.setRemoteDescription({ type: 'offer', sdp });
  await pc.setLocalDescription(await pc.createAnswer());
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.diag = async () => {
  for (const r of (await pc.getStats()).values()) {
    if (r.type !== 'inbound-rtp' || r.kind !== 'video') continue;
    return {
      jitterBufferMs: Math.round((r.jitterBufferDelay / Math.max(1, r.jitterBufferEmittedCount)) * 1000),
      jitterBufferTargetMs: Math.round((r.jitterBufferTargetDelay / Math.max(1, r.jitterBufferEmittedCount)) * 1000),
      decodeMs: Math.round((r.totalDecodeTime / Math.max(1, r.framesDecoded)) * 1000),
      nacks: r.nackCount, plis: r.pliCount, lost: r.packetsLost, jitterMs: Math.round(r.jitter * 1000),
      framesDropped: r.framesDropped, width: r.frameWidth,
    };
  }
  return null;
};
let decodedBefore = 0;
window.take = async () => {
  let decoded = 0;
  for (const r of (await pc.getStats()).values()) if (r.type === 'inbound-rtp' && r.kind === 'video') decoded += r.framesDecoded ?? 0;
  const out = { samples: window.samples, frames: decoded - decodedBefore, misreads: window.misreads };
  decodedBefore = decoded;
  window.samples = []; window.frames = 0; window.misreads = 0;
  return out;
};
</script>`;
