/**
 * Watch-together synchronisation, as pure logic over injected clocks so it is tested with
 * simulated time (watch-sync.test.ts) and driven by the player in routes/watch.
 *
 * 1. Clock: NTP-style. Each `ping{ts}` → `pong{ts, serverTime}` gives a sample; the offset
 *    is `serverTime − (sent + received) / 2`, exact when the two directions take equally
 *    long and wrong by at most RTT/2 otherwise. Queueing only ever adds delay, so among the
 *    last few samples the one with the least round trip is the one to trust.
 * 2. Schedule: a state says where the video is at server time T; every client computes the
 *    same target for "now" (`positionAt`), so changes scheduled at T a little ahead start
 *    everywhere together.
 * 3. Drift: small errors are nudged away with playbackRate (inaudible, no glitch), large
 *    ones are seeked. See DEFAULT_THRESHOLDS for the numbers and why.
 */

export interface ClockSample {
  /** Local clock when the ping left (ms). */
  sentAt: number;
  /** Server clock in the pong (ms). */
  serverTime: number;
  /** Local clock when the pong arrived (ms). */
  receivedAt: number;
}

export class ClockEstimator {
  private readonly samples: (ClockSample & { rtt: number })[] = [];
  private best: (ClockSample & { rtt: number }) | null = null;

  constructor(
    /** Samples kept; older ones are forgotten so a changed route (or clock) is followed. */
    private readonly keep = 8,
  ) {}

  add(s: ClockSample): void {
    const rtt = s.receivedAt - s.sentAt;
    if (!(rtt >= 0) || !Number.isFinite(s.serverTime)) return;
    this.samples.push({ ...s, rtt });
    if (this.samples.length > this.keep) this.samples.shift();
    this.best = this.samples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
  }

  get ready(): boolean {
    return this.best !== null;
  }

  get count(): number {
    return this.samples.length;
  }

  /** Server clock minus local clock (ms). */
  get offsetMs(): number {
    const b = this.best;
    return b ? b.serverTime - (b.sentAt + b.receivedAt) / 2 : 0;
  }

  /** Round trip of the trusted sample (ms); the bound on the offset's error is half of it. */
  get rttMs(): number {
    return this.best?.rtt ?? 0;
  }

  /** The median round trip: what a control will really take (the lead uses it). */
  get typicalRttMs(): number {
    if (this.samples.length === 0) return 0;
    const sorted = this.samples.map((s) => s.rtt).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  }

  serverNow(localNow: number): number {
    return localNow + this.offsetMs;
  }

  /** A first guess from an HTTP answer's `serverTime` before any ping came back. */
  seed(serverTime: number, requestedAt: number, answeredAt: number): void {
    if (this.samples.length === 0) this.add({ sentAt: requestedAt, serverTime, receivedAt: answeredAt });
  }
}

/**
 * The lead for a control: it must reach every member before T, so at least twice the
 * slowest round trip in the party (one way is about half a round trip; the factor covers
 * jitter), and never less than the floor: the time a browser needs to seek and have the
 * frame ready (measured 60–140 ms for 720p H.264 on loopback, see docs) plus server work.
 */
const LEAD_FLOOR_MS = 200;
export function leadFor(rttsMs: number[], floorMs = LEAD_FLOOR_MS, maxMs = 2000): number {
  const worst = Math.max(0, ...rttsMs.filter((r) => Number.isFinite(r)));
  return Math.round(Math.min(maxMs, Math.max(floorMs, 2 * worst)));
}

export interface SyncThresholds {
  /** Start correcting when |error| grows above this (ms)… */
  enterMs: number;
  /** …and stop once it is back under this (hysteresis: no flapping around one threshold). */
  exitMs: number;
  /** Above this a seek is cheaper than waiting for the rate nudge (ms). */
  seekAboveMs: number;
  /** Largest playbackRate change for nudging (fraction of the party's rate). */
  maxNudge: number;
  /** The nudge removes the error with this time constant (ms): rate − 1 = error / horizon. */
  horizonMs: number;
  /** After a seek no other seek for this long: the media clock is still settling. */
  seekCooldownMs: number;
}

/**
 * Chosen from measurements in headless Chromium (bench/watch-sync.ts, docs/architecture.md):
 * - `currentTime` sampled every 100 ms sits within ±2 ms of a straight line while playing,
 *   so 5 ms is beyond noise: exit at 5, enter at 15 (the 10 ms band between them is what
 *   keeps a player near a threshold from flapping between nudging and not).
 * - A 10 % rate change is not noticeable for speech or music (Chromium keeps the pitch) and
 *   removes 100 ms in about a second. Horizon 500 ms: a 30 ms error left by a start is gone
 *   in about a second, and with the rate taking effect within ~50 ms and a 100 ms tick the
 *   loop corrects a fifth of the error per tick, far from the oscillating regime (it never
 *   overshoots in the simulated tests); the nudge saturates above 50 ms.
 * - A seek of buffered media costs 40–150 ms of frozen picture in Chromium and lands within
 *   ±30 ms of where it aimed (the seek latency is learned): worse than a nudge for errors a
 *   nudge fixes in ~3 s, so seek only above 400 ms.
 * - A 1 s cool-down after a seek keeps a seek that landed late from triggering another.
 */
export const DEFAULT_THRESHOLDS: SyncThresholds = {
  enterMs: 15,
  exitMs: 5,
  seekAboveMs: 400,
  maxNudge: 0.1,
  horizonMs: 500,
  seekCooldownMs: 1000,
};

export type Correction = { kind: 'none'; rate: number } | { kind: 'rate'; rate: number } | { kind: 'seek'; toMs: number; rate: number };

/**
 * Decides, every tick while the party plays, how to bring this player to the target.
 * Stateful only in its hysteresis and seek bookkeeping; it never looks at a real clock.
 */
export class DriftController {
  private correcting = false;
  private lastSeekAt = -Infinity;
  /** How long a seek takes until the media clock runs again (ms), learned from each seek. */
  seekLatencyMs: number;
  private pendingSeek: { aimedMs: number } | null = null;

  constructor(
    readonly thresholds: SyncThresholds = DEFAULT_THRESHOLDS,
    initialSeekLatencyMs = 80,
  ) {
    this.seekLatencyMs = initialSeekLatencyMs;
  }

  /**
   * `errorMs` = where the player is − where the party is (`targetMs`; positive: ahead).
   * `baseRate` = the party's rate. `nowMs` = any monotonic clock (for the cool-down).
   */
  decide(errorMs: number, targetMs: number, baseRate: number, nowMs: number): Correction {
    const t = this.thresholds;
    const abs = Math.abs(errorMs);
    if (abs > t.seekAboveMs && nowMs - this.lastSeekAt >= t.seekCooldownMs) {
      this.lastSeekAt = nowMs;
      this.correcting = false;
      this.pendingSeek = { aimedMs: this.seekLatencyMs };
      // Aim where the party will be once the seek is done.
      return { kind: 'seek', toMs: targetMs + this.seekLatencyMs * baseRate, rate: baseRate };
    }
    if (this.correcting ? abs < t.exitMs : abs < t.enterMs) {
      this.correcting = false;
      return { kind: 'none', rate: baseRate };
    }
    this.correcting = true;
    const nudge = Math.max(-t.maxNudge, Math.min(t.maxNudge, -errorMs / t.horizonMs));
    return { kind: 'rate', rate: baseRate * (1 + nudge) };
  }

  /**
   * Called with the first error measured once a seek has completed and the clock runs:
   * landing behind means seeks take longer than assumed. Smoothed, and bounded.
   */
  seekLanded(errorMs: number): void {
    if (!this.pendingSeek) return;
    this.pendingSeek = null;
    const observed = this.seekLatencyMs - errorMs;
    this.seekLatencyMs = Math.max(0, Math.min(1000, this.seekLatencyMs * 0.5 + observed * 0.5));
  }

  get awaitingSeek(): boolean {
    return this.pendingSeek !== null;
  }

  /** After a discontinuity (a start, a jump): `correcting` makes it settle to `exitMs`, not just under `enterMs`. */
  reset(correcting = false): void {
    this.correcting = correcting;
    this.pendingSeek = null;
  }
}
