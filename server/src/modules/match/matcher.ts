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
  /** People this one must never meet (blocked or reported either way); the queue fills it from `eligibility.ts`. */
  excluded: Set<string>;
  /** The node whose socket queued this person (a dead node's people are swept); the matcher ignores it. */
  node?: string | undefined;
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

const DEFAULT_MATCHER_OPTIONS: MatcherOptions = { fallbackMs: 3000, recentMs: 10 * 60_000, scanLimit: 200 };

const ANY = '*';

function bucketKeys(e: Pick<QueueEntry, 'interests' | 'languages'>): string[] {
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
  /** Waiting people who chose no interests: anyone suits them. */
  private readonly open = new Set<string>();
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
    this.restore(entry);
    return null;
  }

  remove(userId: string): boolean {
    const e = this.waiting.get(userId);
    if (!e) return false;
    this.waiting.delete(userId);
    this.open.delete(userId);
    for (const k of bucketKeys(e)) {
      const set = this.buckets.get(k);
      if (!set) continue;
      set.delete(userId);
      if (set.size === 0) this.buckets.delete(k);
    }
    return true;
  }

  /**
   * Puts a waiting person back without looking for a partner: how a queue kept elsewhere (Redis)
   * is loaded into a matcher. Restore in waiting order (oldest first).
   */
  restore(entry: QueueEntry): void {
    this.remove(entry.userId);
    this.waiting.set(entry.userId, entry);
    if (entry.interests.length === 0) this.open.add(entry.userId);
    for (const k of bucketKeys(entry)) {
      let set = this.buckets.get(k);
      if (!set) this.buckets.set(k, (set = new Set()));
      set.add(entry.userId);
    }
  }

  /** Records that two people were matched at `at` (a matcher loaded from a shared queue). Oldest first. */
  remember(a: string, b: string, at: number): void {
    const key = pairKey(a, b);
    this.recent.delete(key);
    this.recent.set(key, at);
  }

  /** The waiting people, oldest first. */
  entries(): QueueEntry[] {
    return [...this.waiting.values()];
  }

  /** Records an exclusion that arrives while someone waits (a block or report during the wait). */
  exclude(a: string, b: string): void {
    this.waiting.get(a)?.excluded.add(b);
    this.waiting.get(b)?.excluded.add(a);
  }

  /** Pairs people who have waited past the fallback with anyone compatible. */
  tick(now: number): Pair[] {
    const pairs: Pair[] = [];
    // Waiting order is age order: only the front of the queue is past its fallback.
    const due: QueueEntry[] = [];
    for (const e of this.waiting.values()) {
      if (now - e.joinedAt < this.opts.fallbackMs) break;
      due.push(e);
    }
    for (const e of due) {
      if (!this.waiting.has(e.userId)) continue;
      // Stays in place (its age order) unless someone is found; it never matches itself.
      const other = this.findFallback(e, now, true);
      if (other) pairs.push(this.pair(e, other, 'fallback', now));
    }
    this.pruneRecent(now);
    return pairs;
  }

  wasRecentlyMatched(a: string, b: string, now: number): boolean {
    const at = this.recent.get(pairKey(a, b));
    return at !== undefined && now - at < this.opts.recentMs;
  }

  compatible(a: QueueEntry, b: QueueEntry, now: number): boolean {
    return (
      a.userId !== b.userId && !a.excluded.has(b.userId) && !b.excluded.has(a.userId) && !this.wasRecentlyMatched(a.userId, b.userId, now)
    );
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

  /**
   * Someone who accepts anyone: people past their own fallback (the front of the queue) or who
   * chose no interests. `anyone`: the entry itself accepts anyone (else only those who do).
   * Shared-interest partners were looked for before, so they are not looked for again here.
   */
  private findFallback(entry: QueueEntry, now: number, anyone: boolean): QueueEntry | null {
    let looked = 0;
    for (const other of this.waiting.values()) {
      if (now - other.joinedAt < this.opts.fallbackMs) break;
      if (++looked > this.opts.scanLimit) break;
      if (this.compatible(entry, other, now)) return other;
    }
    if (!anyone) return null;
    looked = 0;
    for (const id of this.open) {
      if (++looked > this.opts.scanLimit) break;
      const other = this.waiting.get(id);
      if (other && this.compatible(entry, other, now)) return other;
    }
    return null;
  }

  private pair(a: QueueEntry, b: QueueEntry, tier: Pair['tier'], now: number): Pair {
    this.remove(a.userId);
    this.remove(b.userId);
    const key = pairKey(a.userId, b.userId);
    this.recent.delete(key); // re-set moves it to the back, keeping time order
    this.recent.set(key, now);
    return { a, b, tier };
  }

  /** Insertion order is time order: expired pairs are at the front. */
  private pruneRecent(now: number): void {
    for (const [k, at] of this.recent) {
      if (now - at < this.opts.recentMs) break;
      this.recent.delete(k);
    }
  }
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
