import { useEffect, type RefObject } from 'react';
import { videosApi } from './videoApi.ts';

/** The first report (which counts the view) after this much watching; then one every PERIOD_MS. */
const FIRST_MS = 2_000;
const PERIOD_MS = 10_000;

/**
 * Reports watch time while a video is the one on screen: once the person has watched a moment,
 * then periodically, at the end of each play-through (`completed`), and when they leave it
 * (swipe away, tab hidden, screen closed). Time is what actually played, not wall time, so a
 * paused or buffering video does not count and seeking does not add.
 */
export function useWatchReport(ref: RefObject<HTMLVideoElement | null>, videoId: string, active: boolean, enabled: boolean): void {
  useEffect(() => {
    const v = ref.current;
    if (!active || !enabled || !v) return;
    let watched = 0;
    let reported = 0;
    let completed = false;
    let last = v.currentTime;

    const send = () => {
      const ms = Math.round(watched);
      if (ms <= reported && !completed) return;
      reported = ms;
      const done = completed;
      completed = false;
      void videosApi.watch(videoId, ms, done).catch(() => undefined);
    };
    const onTime = () => {
      const d = v.currentTime - last;
      // Small forward steps are playback; jumps are seeks or loops.
      if (d > 0 && d < 1.5) watched += d * 1000;
      last = v.currentTime;
    };
    const onSeeked = () => {
      last = v.currentTime;
    };
    const onEnded = () => {
      // The slide loops the video (setting currentTime back) before this runs: count the tail.
      const tail = (Number.isFinite(v.duration) ? v.duration : last) - last;
      if (tail > 0 && tail < 1.5) watched += tail * 1000;
      last = 0;
      completed = true;
      send();
    };
    const onHidden = () => {
      if (document.visibilityState === 'hidden') send();
    };
    const timer = setInterval(() => {
      if (reported === 0 ? watched >= FIRST_MS : watched - reported >= PERIOD_MS) send();
    }, 1000);
    v.addEventListener('timeupdate', onTime);
    v.addEventListener('seeked', onSeeked);
    v.addEventListener('ended', onEnded);
    document.addEventListener('visibilitychange', onHidden);
    window.addEventListener('pagehide', send);
    return () => {
      clearInterval(timer);
      v.removeEventListener('timeupdate', onTime);
      v.removeEventListener('seeked', onSeeked);
      v.removeEventListener('ended', onEnded);
      document.removeEventListener('visibilitychange', onHidden);
      window.removeEventListener('pagehide', send);
      send();
    };
  }, [ref, videoId, active, enabled]);
}
