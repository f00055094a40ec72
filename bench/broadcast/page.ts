/**
 * The browser side of `bench:broadcast`, as page source (fulfilled through playwright's router at
 * the cache's origin, so the page's requests carry the viewer's cookie like the app's do).
 *
 * Publisher: a 360×480 canvas (3:4, the stage tile's shape) sent at 25 fps with the fake
 * microphone. Each frame carries the sender's wall clock in ms as a barcode of 32 cells (8
 * columns × 4 rows, black = 1) in the middle of the picture — x 15–85 %, y 30–55 % — where it
 * survives the compositor's crop into any tile shape; 24 bits of the clock and an 8-bit
 * checksum, so a frame misread after two encodings is rejected rather than counted.
 *
 * Viewer: plays the live playlist with hls.js, set up as the app's player is; on each presented frame the picture is drawn into
 * a canvas at its own size and the cells are read at the points the bench computed from the
 * compositor's layout; latency is now − stamp (one machine, one clock).
 */
export const SOURCE = { width: 360, height: 480 };
export const BARCODE = { x0: 0.15, x1: 0.85, y0: 0.3, y1: 0.55, cols: 8, rows: 4 };

export const BROADCAST_BENCH_PAGE = `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#000"><script>
const nowMs = () => performance.timeOrigin + performance.now();
const B = ${JSON.stringify(BARCODE)}, W = ${SOURCE.width}, H = ${SOURCE.height};
function checksum(v) { return ((v & 0xff) + ((v >> 8) & 0xff) + ((v >> 16) & 0xff)) & 0xff; }
const gathered = (pc) => new Promise((resolve) => {
  if (pc.iceGatheringState === 'complete') return resolve();
  pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  setTimeout(resolve, 3000);
});
window.publishOffer = async (hue) => {
  const canvas = document.createElement('canvas');
  canvas.width = W; canvas.height = H;
  document.body.append(canvas);
  const g = canvas.getContext('2d');
  const cw = (B.x1 - B.x0) * W / B.cols, ch = (B.y1 - B.y0) * H / B.rows;
  let n = 0;
  const draw = () => {
    n++;
    g.fillStyle = 'hsl(' + ((hue + n * 5) % 360) + ',55%,45%)';
    g.fillRect(0, 0, W, H);
    g.fillStyle = '#fff';
    for (let k = 0; k < 6; k++) g.fillRect((n * (3 + k) * 4) % W, H * 0.62 + k * 28, 36, 16);
    const v = Math.floor(nowMs()) % 0x1000000;
    const bits = v * 256 + checksum(v);
    for (let i = 0; i < 32; i++) {
      g.fillStyle = Math.floor(bits / 2 ** (31 - i)) % 2 ? '#000' : '#fff';
      g.fillRect(B.x0 * W + (i % B.cols) * cw, B.y0 * H + Math.floor(i / B.cols) * ch, cw, ch);
    }
  };
  draw();
  setInterval(draw, 40);
  const video = canvas.captureStream(25).getVideoTracks()[0];
  const mic = (await navigator.mediaDevices.getUserMedia({ audio: true })).getAudioTracks()[0];
  const pc = (window.pc = new RTCPeerConnection({ iceServers: [] }));
  pc.addTransceiver(mic, { direction: 'sendonly' });
  pc.addTransceiver(video, { direction: 'sendonly', sendEncodings: [{ maxBitrate: 900000 }] });
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.publishAnswer = (sdp) => window.pc.setRemoteDescription({ type: 'answer', sdp });

window.samples = [];
window.misreads = 0;
window.frames = 0;
window.stalls = 0;
window.watch = (url, points, config) => {
  const v = document.createElement('video');
  v.muted = true; v.autoplay = true; v.playsInline = true;
  document.body.append(v);
  const hls = new Hls({ ...config, backBufferLength: 10 });
  hls.on(Hls.Events.ERROR, (_e, d) => { if (d.details === 'bufferStalledError') window.stalls++; if (d.fatal) hls.startLoad(); });
  window.hlsDiag = () => ({ latency: hls.latency, target: hls.targetLatency, drift: hls.drift, rate: v.playbackRate, buffered: v.buffered.length ? v.buffered.end(v.buffered.length - 1) - v.currentTime : 0 });
  hls.loadSource(url);
  hls.attachMedia(v);
  v.play().catch(() => {});
  const c = document.createElement('canvas');
  const g = c.getContext('2d', { willReadFrequently: true });
  const onFrame = () => {
    const at = nowMs();
    window.frames++;
    if (v.videoWidth) {
      if (c.width !== v.videoWidth) { c.width = v.videoWidth; c.height = v.videoHeight; }
      g.drawImage(v, 0, 0);
      let bits = 0;
      for (const [x, y] of points) {
        const px = g.getImageData(Math.round(x) - 1, Math.round(y) - 1, 3, 3).data;
        let lum = 0;
        for (let i = 0; i < px.length; i += 4) lum += (px[i] + px[i + 1] + px[i + 2]) / 3;
        bits = bits * 2 + (lum / 9 < 128 ? 1 : 0);
      }
      const v24 = Math.floor(bits / 256);
      if (checksum(v24) !== bits % 256) window.misreads++;
      else window.samples.push(((Math.floor(at) % 0x1000000) - v24 + 0x1000000) % 0x1000000);
    }
    v.requestVideoFrameCallback(onFrame);
  };
  v.requestVideoFrameCallback(onFrame);
};
</script>`;
