/**
 * The 连线 queue: who waits, and who is paired with whom. Pure and synchronous, so a pairing
 * takes both people out of the queue in one step and nobody can be matched twice.
 *
 * Tiers: people who share a language and an interest are matched first (a bucket per
 * `language|interest`); someone who chose no interests, or has waited `fallbackMs`, takes
 * anyone compatible. Compatible means not excluded either way (blocked, reported, or matched
 * with each other within `recentMs`).
 */
export interface QueueEntry {
  userId: string;
  interests: readonly string[];
  languages: readonly string[];
  joinedAt: number;
  /** People this one must never meet (blocked or reported either way); the service fills it. */
  excluded: Set<string>;
}

export interface Pair {
  a: QueueEntry;
  b: QueueEntry;
  /** `shared` when they share a language and an interest, `fallback` otherwise. */
  tier: 'shared' | 'fallback';
}

export interface MatcherOptions {
  fallbackMs: number;
  /** Two people just matched are not matched again for this long. */
  recentMs: number;
  /** How many waiting people a fallback pass looks at per entry (keeps a join O(1)-ish). */
  scanLimit: number;
}

export const DEFAULT_MATCHER_OPTIONS: MatcherOptions = { fallbackMs: 3000, recentMs: 10 * 60_000, scanLimit: 200 };

const ANY = '*';

export function bucketKeys(e: Pick<QueueEntry, 'interests' | 'languages'>): string[] {
  const langs = e.languages.length ? e.languages : [ANY];
  const ints = e.interests.length ? e.interests : [];
  const keys: string[] = [];
  for (const l of langs) for (const i of ints) keys.push(`${l}|${i}`);
  return keys;
}

export class Matcher {
  /** Insertion order is waiting order: the oldest first. */
  private readonly waiting = new Map<string, QueueEntry>();
  private readonly buckets = new Map<string, Set<string>>();
  /** `a|b` (sorted) → when they were matched. */
  private readonly recent = new Map<string, number>();
  private readonly opts: MatcherOptions;

  constructor(opts: Partial<MatcherOptions> = {}) {
    this.opts = { ...DEFAULT_MATCHER_OPTIONS, ...opts };
  }

  get size(): number {
    return this.waiting.size;
  }

  has(userId: string): boolean {
    return this.waiting.has(userId);
  }

  /**
   * Puts a person in the queue (replacing an earlier entry of theirs) and returns their
   * partner right away when one is waiting; otherwise they wait for a later join or `tick`.
   */
  join(entry: QueueEntry, now: number): Pair | null {
    this.remove(entry.userId);
    const shared = this.findShared(entry, now);
    if (shared) return this.pair(entry, shared, 'shared', now);
    const fallback = this.findFallback(entry, now, entry.interests.length === 0);
    if (fallback) return this.pair(entry, fallback, 'fallback', now);
    this.waiting.set(entry.userId, entry);
    for (const k of bucketKeys(entry)) {
      let set = this.buckets.get(k);
      if (!set) this.buckets.set(k, (set = new Set()));
      set.add(entry.userId);
    }
    return null;
  }

  remove(userId: string): boolean {
    const e = this.waiting.get(userId);
    if (!e) return false;
    this.waiting.delete(userId);
    for (const k of bucketKeys(e)) {
      const set = this.buckets.get(k);
      if (!set) continue;
      set.delete(userId);
      if (set.size === 0) this.buckets.delete(k);
    }
    return true;
  }

  /** Records an exclusion that arrives while someone waits (a block or report during the wait). */
  exclude(a: string, b: string): void {
    this.waiting.get(a)?.excluded.add(b);
    this.waiting.get(b)?.excluded.add(a);
  }

  /** Pairs people who have waited past the fallback with anyone compatible. */
  tick(now: number): Pair[] {
    const pairs: Pair[] = [];
    for (const e of [...this.waiting.values()]) {
      if (now - e.joinedAt < this.opts.fallbackMs) break; // waiting order: the rest are younger
      if (!this.waiting.has(e.userId)) continue;
      this.remove(e.userId);
      const other = this.findFallback(e, now, true);
      if (other) pairs.push(this.pair(e, other, 'fallback', now));
      else this.reinsert(e);
    }
    this.pruneRecent(now);
    return pairs;
  }

  wasRecentlyMatched(a: string, b: string, now: number): boolean {
    const at = this.recent.get(pairKey(a, b));
    return at !== undefined && now - at < this.opts.recentMs;
  }

  compatible(a: QueueEntry, b: QueueEntry, now: number): boolean {
    return a.userId !== b.userId && !a.excluded.has(b.userId) && !b.excluded.has(a.userId) && !this.wasRecentlyMatched(a.userId, b.userId, now);
  }

  private reinsert(e: QueueEntry): void {
    // Keeps its place by age: a re-inserted old entry goes to the end of the Map, which only
    // delays its next fallback pass to the end of this tick.
    this.waiting.set(e.userId, e);
    for (const k of bucketKeys(e)) {
      let set = this.buckets.get(k);
      if (!set) this.buckets.set(k, (set = new Set()));
      set.add(e.userId);
    }
  }

  private findShared(entry: QueueEntry, now: number): QueueEntry | null {
    let best: QueueEntry | null = null;
    for (const k of bucketKeys(entry)) {
      const set = this.buckets.get(k);
      if (!set) continue;
      let looked = 0;
      for (const id of set) {
        if (++looked > this.opts.scanLimit) break;
        const other = this.waiting.get(id);
        if (!other || !this.compatible(entry, other, now)) continue;
        if (!best || other.joinedAt < best.joinedAt) best = other;
        break; // sets keep insertion order: the first compatible one is the oldest in this bucket
      }
    }
    return best;
  }

  /** `anyone`: the entry itself accepts anyone; otherwise only people past their own fallback. */
  private findFallback(entry: QueueEntry, now: number, anyone: boolean): QueueEntry | null {
    let looked = 0;
    for (const other of this.waiting.values()) {
      if (++looked > this.opts.scanLimit) break;
      const theyAccept = other.interests.length === 0 || now - other.joinedAt >= this.opts.fallbackMs;
      if (!anyone && !theyAccept) continue;
      if (anyone && !theyAccept && !entryAcceptsAnyoneBack(entry, other)) continue;
      if (this.compatible(entry, other, now)) return other;
    }
    return null;
  }

  private pair(a: QueueEntry, b: QueueEntry, tier: Pair['tier'], now: number): Pair {
    this.remove(a.userId);
    this.remove(b.userId);
    this.recent.set(pairKey(a.userId, b.userId), now);
    return { a, b, tier };
  }

  private pruneRecent(now: number): void {
    if (this.recent.size < 50_000) return;
    for (const [k, at] of this.recent) if (now - at >= this.opts.recentMs) this.recent.delete(k);
  }
}

/**
 * A person past the fallback takes anyone; but someone who still waits for a shared interest
 * is only taken when they would have been a shared match anyway (or chose no interests).
 */
function entryAcceptsAnyoneBack(entry: QueueEntry, other: QueueEntry): boolean {
  const keys = new Set(bucketKeys(entry));
  return bucketKeys(other).some((k) => keys.has(k));
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
