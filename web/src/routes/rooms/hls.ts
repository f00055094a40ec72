import Hls, { type HlsConfig } from 'hls.js';

/**
 * Plays an HLS playlist in a video element: hls.js where the browser needs it, the browser's own
 * HLS otherwise (Safari). `onFail` is called once per fatal error of this attachment; `onPlaying`
 * whenever the picture moves. Shared by the live broadcast and the replay, which differ only in
 * their hls.js settings. Returns the detach.
 */
export function attachHls(
  el: HTMLVideoElement,
  src: string,
  opts: { config: Partial<HlsConfig>; startSec?: number; onFail: () => void; onPlaying: () => void },
): () => void {
  const { onFail, onPlaying } = opts;
  el.addEventListener('playing', onPlaying);
  let hls: Hls | null = null;
  let nativeStart: (() => void) | null = null;
  if (Hls.isSupported()) {
    hls = new Hls({ ...opts.config, ...(opts.startSec !== undefined ? { startPosition: opts.startSec } : {}) });
    hls.on(Hls.Events.ERROR, (_e, data) => {
      if (data.fatal) onFail();
    });
    hls.loadSource(src);
    hls.attachMedia(el);
  } else {
    el.src = src;
    el.addEventListener('error', onFail);
    const start = opts.startSec;
    if (start !== undefined) {
      nativeStart = () => void (el.currentTime = start);
      el.addEventListener('loadedmetadata', nativeStart, { once: true });
    }
  }
  void el.play().catch(() => undefined);
  return () => {
    el.removeEventListener('playing', onPlaying);
    el.removeEventListener('error', onFail);
    if (nativeStart) el.removeEventListener('loadedmetadata', nativeStart);
    hls?.destroy();
    el.removeAttribute('src');
  };
}
