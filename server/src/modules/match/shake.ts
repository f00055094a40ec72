/**
 * Shake (抖一抖): pairs shakes that happened at the same moment. Each shake's moment is
 * estimated as the server's receive time minus that client's measured one-way delay. A shake
 * waits until no partner for it can still arrive (its moment + window + the longest delay we
 * accept), then takes the best unpaired shake within the window: the nearest in place when
 * both shared a (coarse) location, otherwise the nearest in time. Pure, with the clock passed in.
 */
export interface Shake {
  userId: string;
  /** Estimated moment of the shake (server clock, ms). */
  at: number;
  lat?: number | undefined;
  lng?: number | undefined;
  /** People this one must never be paired with (blocked either way). */
  excluded?: ReadonlySet<string> | undefined;
}

export interface ShakeOptions {
  /** Two shakes pair only when their estimated moments are this close. */
  windowMs: number;
  /** Delays above this are clamped: a later arrival is too late to pair. */
  maxOneWayMs: number;
  /** Shakes with locations farther apart than this never pair. */
  maxDistanceKm: number;
  /** How much one kilometre weighs against one millisecond when ranking candidates. */
  msPerKm: number;
}

export const DEFAULT_SHAKE_OPTIONS: ShakeOptions = { windowMs: 400, maxOneWayMs: 400, maxDistanceKm: 50, msPerKm: 40 };

export function estimateShakeTime(receivedAt: number, oneWayMs: number, maxOneWayMs = DEFAULT_SHAKE_OPTIONS.maxOneWayMs): number {
  return receivedAt - Math.min(Math.max(0, oneWayMs), maxOneWayMs);
}

/** Great-circle distance in km. */
export function distanceKm(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const r = Math.PI / 180;
  const dLat = (bLat - aLat) * r;
  const dLng = (bLng - aLng) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * r) * Math.cos(bLat * r) * Math.sin(dLng / 2) ** 2;
  return 12_742 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface ShakePair {
  a: Shake;
  b: Shake;
}

export class ShakePairer {
  /** Pending shakes, kept sorted by estimated moment. */
  private pending: Shake[] = [];
  private readonly opts: ShakeOptions;

  constructor(opts: Partial<ShakeOptions> = {}) {
    this.opts = { ...DEFAULT_SHAKE_OPTIONS, ...opts };
  }

  get size(): number {
    return this.pending.length;
  }

  /** Adds a shake (a newer shake of the same person replaces theirs). */
  add(s: Shake): void {
    this.pending = this.pending.filter((p) => p.userId !== s.userId);
    let i = this.pending.length;
    while (i > 0 && this.pending[i - 1]!.at > s.at) i--;
    this.pending.splice(i, 0, s);
  }

  remove(userId: string): void {
    this.pending = this.pending.filter((p) => p.userId !== userId);
  }

  /**
   * Decides every shake whose partners have all arrived by `now`; returns the pairs and the
   * shakes that expired without a partner.
   */
  settle(now: number): { pairs: ShakePair[]; unmatched: Shake[] } {
    const { windowMs, maxOneWayMs } = this.opts;
    const pairs: ShakePair[] = [];
    const unmatched: Shake[] = [];
    const taken = new Set<Shake>();
    for (let i = 0; i < this.pending.length; i++) {
      const s = this.pending[i]!;
      if (s.at + windowMs + maxOneWayMs > now) break; // sorted: the rest are still open
      if (taken.has(s)) continue;
      let best: Shake | null = null;
      let bestScore = Infinity;
      for (let j = i + 1; j < this.pending.length; j++) {
        const o = this.pending[j]!;
        const dt = o.at - s.at;
        if (dt > windowMs) break;
        if (taken.has(o) || !this.allowed(s, o)) continue;
        const score = this.score(s, o, dt);
        if (score < bestScore) (bestScore = score), (best = o);
      }
      // A later shake might fit this one's best candidate better: let the mutual nearest win.
      if (best && this.preferredBy(best, i, taken) !== s) best = null;
      if (best) {
        taken.add(s).add(best);
        pairs.push({ a: s, b: best });
      } else {
        taken.add(s);
        unmatched.push(s);
      }
    }
    if (taken.size) this.pending = this.pending.filter((p) => !taken.has(p));
    return { pairs, unmatched };
  }

  private allowed(a: Shake, b: Shake): boolean {
    if (a.userId === b.userId || a.excluded?.has(b.userId) || b.excluded?.has(a.userId)) return false;
    const d = this.distance(a, b);
    return d === null || d <= this.opts.maxDistanceKm;
  }

  private distance(a: Shake, b: Shake): number | null {
    if (a.lat === undefined || a.lng === undefined || b.lat === undefined || b.lng === undefined) return null;
    return distanceKm(a.lat, a.lng, b.lat, b.lng);
  }

  private score(a: Shake, b: Shake, dt: number): number {
    const d = this.distance(a, b);
    return Math.abs(dt) + (d === null ? 0 : d * this.opts.msPerKm);
  }

  /** The unpaired shake (from index `from` on, or `first`) that `o` itself would rank best. */
  private preferredBy(o: Shake, from: number, taken: Set<Shake>): Shake | null {
    let best: Shake | null = null;
    let bestScore = Infinity;
    for (let k = from; k < this.pending.length; k++) {
      const c = this.pending[k]!;
      const dt = c.at - o.at;
      if (dt < -this.opts.windowMs) continue;
      if (dt > this.opts.windowMs) break;
      if (c === o || taken.has(c) || !this.allowed(o, c)) continue;
      const score = this.score(o, c, dt);
      if (score < bestScore) (bestScore = score), (best = c);
    }
    return best;
  }
}
