import { LANDING_VIDEO_ID } from '@tremolo/protocol/landing';

/**
 * The first video of a landing page (`/`, `/v/:id`), put in the HTML by the server
 * (`modules/previews/first-screen.ts`) so the clip loads while the app's scripts download. The
 * first slide that shows this very clip takes the element over instead of making its own, so
 * the bytes already loaded (and the playback already under way) are kept.
 */
let taken: { src: string; el: HTMLVideoElement } | null = null;

function waiting(): HTMLVideoElement | null {
  const el = typeof document === 'undefined' ? null : document.getElementById(LANDING_VIDEO_ID);
  return el instanceof HTMLVideoElement ? el : null;
}

/**
 * The landing page's video element, if it plays `src` (the same element for the same clip when
 * a slide is made again). A slide on screen with another clip means the page shows something
 * else first: the waiting element is dropped.
 */
export function takeLandingVideo(src: string): HTMLVideoElement | null {
  if (taken?.src === src) return taken.el;
  const el = waiting();
  if (!el) return null;
  if (el.getAttribute('src') !== src) {
    dropLandingVideo();
    return null;
  }
  el.removeAttribute('id');
  el.removeAttribute('aria-hidden');
  el.removeAttribute('class');
  taken = { src, el };
  return el;
}

/** Stops and removes the landing video if no slide took it (its download stops with it). */
export function dropLandingVideo(): void {
  const el = waiting();
  if (!el) return;
  el.pause();
  el.removeAttribute('src');
  el.load();
  el.remove();
}
