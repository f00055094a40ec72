import type { VideoRow } from '../videos/repo.ts';

const POPULAR_REFRESH_MS = 5000;

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
  private popularCache: string[] = [];
  private popularAt = 0;
  private popularDirty = true;

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
    this.popularDirty = true;
  }

  remove(id: string): void {
    // Lists drop the id lazily, when a walk meets it.
    this.rows.delete(id);
    this.popularDirty = true;
  }

  bump(id: string, by: number): void {
    this.popularity.set(id, (this.popularity.get(id) ?? 0) + by);
    this.popularDirty = true;
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

  /** Most popular videos; recomputed at most every few seconds, not on every like. */
  popular(n: number): string[] {
    const now = Date.now();
    if (this.popularDirty && (now - this.popularAt > POPULAR_REFRESH_MS || this.popularCache.length === 0)) {
      const scored: [string, number][] = [];
      for (const [id, p] of this.popularity) if (p > 0 && this.rows.has(id)) scored.push([id, p]);
      this.popularCache = scored
        .sort((a, b) => b[1] - a[1])
        .slice(0, 1000)
        .map(([id]) => id);
      this.popularAt = now;
      this.popularDirty = false;
    }
    return this.popularCache.slice(0, n);
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
