import type { VideoRow } from '../videos/service.ts';

/** How many of the most popular videos are kept in order. */
const POPULAR_KEPT = 1000;

/**
 * The For You candidate index, in memory: every ready public video, by hashtag, by author,
 * by recency and by popularity. Rebuilt from the database at start and kept current by
 * the videos module's signals, so candidate generation never scans the database.
 *
 * Lists are append-only in creation order (ids are time-ordered) with lazy deletion, so
 * "newest n" is a walk from the end, never a sort per request.
 */
export class Catalogue {
  private readonly rows = new Map<string, VideoRow>();
  private readonly all: string[] = [];
  private readonly byTag = new Map<string, string[]>();
  private readonly byAuthor = new Map<string, string[]>();
  private readonly popularity = new Map<string, number>();
  /**
   * The most popular ids, kept incrementally: a bump adds its video when it beats the last
   * kept one, and the list is re-sorted and cut back to POPULAR_KEPT when read or when it has
   * doubled. Never a pass over the whole catalogue, which at 500,000 videos held the event
   * loop for hundreds of milliseconds. A kept video whose popularity drops stays ranked by its
   * new value, but one outside that it now falls behind is only noticed at its next bump.
   */
  private top: string[] = [];
  private readonly inTop = new Set<string>();
  private topMin = 0;
  private topDirty = false;

  get size(): number {
    return this.rows.size;
  }

  get(id: string): VideoRow | undefined {
    return this.rows.get(id);
  }

  /** Adds many rows at once (start-up), sorting each list once. */
  load(videos: VideoRow[]): void {
    videos.sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const v of videos) this.add(v);
  }

  add(v: VideoRow): void {
    const known = this.rows.has(v.id);
    this.rows.set(v.id, v);
    if (known) return;
    append(this.all, v.id);
    for (const t of v.hashtags) append(getOrCreate(this.byTag, t), v.id);
    append(getOrCreate(this.byAuthor, v.authorId), v.id);
    this.offerTop(v.id);
  }

  remove(id: string): void {
    // Lists drop the id lazily, when a walk meets it.
    this.rows.delete(id);
    if (this.inTop.has(id)) this.topDirty = true;
  }

  bump(id: string, by: number): void {
    this.popularity.set(id, (this.popularity.get(id) ?? 0) + by);
    this.offerTop(id);
  }

  /** Re-ranks a kept video, or keeps one that now beats the last kept. */
  private offerTop(id: string): void {
    if (this.inTop.has(id)) {
      this.topDirty = true;
      return;
    }
    const p = this.popularity.get(id) ?? 0;
    if (p > 0 && (p > this.topMin || this.top.length < POPULAR_KEPT)) {
      this.inTop.add(id);
      this.top.push(id);
      this.topDirty = true;
      if (this.top.length >= 2 * POPULAR_KEPT) this.compactTop();
    }
  }

  popularityOf(id: string): number {
    return Math.max(0, this.popularity.get(id) ?? 0);
  }

  withTag(tag: string, n: number): string[] {
    return this.newestOf(this.byTag.get(tag), n);
  }

  byCreator(authorId: string, n: number): string[] {
    return this.newestOf(this.byAuthor.get(authorId), n);
  }

  newest(n: number): string[] {
    return this.newestOf(this.all, n);
  }

  /** Most popular videos, most popular first (at most POPULAR_KEPT). */
  popular(n: number): string[] {
    if (this.topDirty) this.compactTop();
    return this.top.slice(0, n);
  }

  private compactTop(): void {
    const pop = (id: string) => this.popularity.get(id) ?? 0;
    const kept = this.top.filter((id) => pop(id) > 0 && this.rows.has(id)).sort((a, b) => pop(b) - pop(a));
    for (const id of kept.splice(POPULAR_KEPT)) this.inTop.delete(id);
    for (const id of this.top) if (!(pop(id) > 0 && this.rows.has(id))) this.inTop.delete(id);
    this.top = kept;
    this.topMin = kept.length >= POPULAR_KEPT ? pop(kept[kept.length - 1]!) : 0;
    this.topDirty = false;
  }

  maxPopularity(): number {
    const top = this.popular(1)[0];
    return top ? this.popularityOf(top) : 0;
  }

  private newestOf(list: string[] | undefined, n: number): string[] {
    if (!list) return [];
    const out: string[] = [];
    for (let i = list.length - 1; i >= 0 && out.length < n; i--) {
      const id = list[i]!;
      if (this.rows.has(id)) out.push(id);
    }
    return out;
  }
}

function getOrCreate<K>(m: Map<K, string[]>, k: K): string[] {
  let s = m.get(k);
  if (!s) m.set(k, (s = []));
  return s;
}

/** Keeps a list in id order; out-of-order ids (rare: clock skew between nodes) are inserted in place. */
function append(list: string[], id: string): void {
  if (list.length === 0 || list[list.length - 1]! < id) {
    list.push(id);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] !== id) list.splice(lo, 0, id);
}
