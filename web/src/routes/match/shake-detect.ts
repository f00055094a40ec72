/**
 * Turns `devicemotion` samples into shakes. A phone at rest reads about 9.8 m/s² (gravity)
 * in `accelerationIncludingGravity`; a deliberate shake swings well past 15. We call it a shake
 * when at least SHAKE_MIN_SAMPLES samples above SHAKE_THRESHOLD fall within SHAKE_WINDOW_MS,
 * so a single bump (a phone put down on a table) is not one, and then stay quiet for
 * SHAKE_QUIET_MS so one shaking gesture sends one shake. Pure: the clock comes with each sample.
 */
const SHAKE_THRESHOLD = 15; // m/s², |a| including gravity
const SHAKE_MIN_SAMPLES = 2;
const SHAKE_WINDOW_MS = 400;
export const SHAKE_QUIET_MS = 1500;

export interface Vector {
  x: number | null;
  y: number | null;
  z: number | null;
}

function magnitude(v: Vector): number {
  return Math.hypot(v.x ?? 0, v.y ?? 0, v.z ?? 0);
}

export class ShakeDetector {
  private strong: number[] = [];
  private quietUntil = -Infinity;

  /** Feeds one sample; true when this sample completes a shake. */
  sample(a: Vector, nowMs: number): boolean {
    if (nowMs < this.quietUntil) return false;
    if (magnitude(a) <= SHAKE_THRESHOLD) return false;
    this.strong = this.strong.filter((t) => nowMs - t <= SHAKE_WINDOW_MS);
    this.strong.push(nowMs);
    if (this.strong.length < SHAKE_MIN_SAMPLES) return false;
    this.strong = [];
    this.quietUntil = nowMs + SHAKE_QUIET_MS;
    return true;
  }
}

/**
 * One-way delay to the server as the server's shake pairing expects it: half the round trip of a
 * ping. The smallest of several samples is the one least disturbed by queueing on the way.
 */
export function oneWayFromRtts(rttsMs: readonly number[]): number | null {
  if (!rttsMs.length) return null;
  return Math.round(Math.min(...rttsMs) / 2);
}

/** Coarse (about a kilometre): all the server keeps, so all we send. */
export function coarse(deg: number): number {
  return Math.round(deg * 100) / 100;
}
