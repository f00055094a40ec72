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
  /** The node whose socket shook (a dead node's shakes are swept); the pairer ignores it. */
  node?: string | undefined;
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
  /** Added to a pair's score when either location is unknown: a nearby located partner wins over it. */
  unknownPlaceMs: number;
}

const DEFAULT_SHAKE_OPTIONS: ShakeOptions = { windowMs: 300, maxOneWayMs: 400, maxDistanceKm: 50, msPerKm: 40, unknownPlaceMs: 300 };

export function estimateShakeTime(receivedAt: number, oneWayMs: number, maxOneWayMs = DEFAULT_SHAKE_OPTIONS.maxOneWayMs): number {
  return receivedAt - Math.min(Math.max(0, oneWayMs), maxOneWayMs);
}

/** Great-circle distance in km. */
function distanceKm(aLat: number, aLng: number, bLat: number, bLng: number): number {
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

  /** The pending shakes, by estimated moment. */
  entries(): Shake[] {
    return [...this.pending];
  }

  remove(userId: string): void {
    this.pending = this.pending.filter((p) => p.userId !== userId);
  }

  /**
   * Decides every shake whose candidates, and their candidates, have all arrived by `now`
   * (estimated moment + 2 windows + the longest delay): the best-scoring pairs among them are
   * taken first (a greedy matching over all pairs), the rest expire unmatched.
   */
  settle(now: number): { pairs: ShakePair[]; unmatched: Shake[] } {
    const { windowMs, maxOneWayMs } = this.opts;
    const pairs: ShakePair[] = [];
    const unmatched: Shake[] = [];
    let due = 0;
    while (due < this.pending.length && this.pending[due]!.at + 2 * windowMs + maxOneWayMs <= now) due++;
    if (due === 0) return { pairs, unmatched };
    // Shakes within a window of a due one compete too (their own best pairs block them), but a
    // pair of two shakes that are not due yet is only reserved, decided at a later settle.
    let reach = due;
    const lastDue = this.pending[due - 1]!.at;
    while (reach < this.pending.length && this.pending[reach]!.at - lastDue <= windowMs) reach++;
    const edges: { i: number; j: number; score: number }[] = [];
    for (let i = 0; i < reach; i++) {
      const s = this.pending[i]!;
      for (let j = i + 1; j < this.pending.length; j++) {
        const o = this.pending[j]!;
        const dt = o.at - s.at;
        if (dt > windowMs) break;
        if (!this.allowed(s, o)) continue;
        edges.push({ i, j, score: this.score(s, o, dt) });
      }
    }
    edges.sort((x, y) => x.score - y.score);
    const taken = new Set<number>();
    const reserved = new Set<number>();
    for (const e of edges) {
      if (taken.has(e.i) || taken.has(e.j)) continue;
      taken.add(e.i).add(e.j);
      if (e.i < due || e.j < due) pairs.push({ a: this.pending[e.i]!, b: this.pending[e.j]! });
      else reserved.add(e.i).add(e.j);
    }
    for (const r of reserved) taken.delete(r);
    for (let i = 0; i < due; i++) if (!taken.has(i)) taken.add(i), unmatched.push(this.pending[i]!);
    this.pending = this.pending.filter((_, i) => !taken.has(i));
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
    return Math.abs(dt) + (d === null ? this.opts.unknownPlaceMs : d * this.opts.msPerKm);
  }
}
