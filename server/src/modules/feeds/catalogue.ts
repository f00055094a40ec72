import type { VideoRow } from '../videos/repo.ts';

/**
 * The For You candidate index, in memory: every ready public video, by hashtag, by author,
 * by recency and by popularity. Rebuilt from the database at start and kept current by
 * the videos module's signals, so candidate generation never scans the database.
 */
export class Catalogue {
  private readonly rows = new Map<string, VideoRow>();
  private readonly byTag = new Map<string, Set<string>>();
  private readonly byAuthor = new Map<string, Set<string>>();
  private readonly popularity = new Map<string, number>();
  private popularCache: string[] | null = null;

  get size(): number {
    return this.rows.size;
  }

  get(id: string): VideoRow | undefined {
    return this.rows.get(id);
  }

  add(v: VideoRow): void {
    this.remove(v.id);
    this.rows.set(v.id, v);
    for (const t of v.hashtags) getOrCreate(this.byTag, t).add(v.id);
    getOrCreate(this.byAuthor, v.authorId).add(v.id);
    this.popularCache = null;
  }

  remove(id: string): void {
    const v = this.rows.get(id);
    if (!v) return;
    this.rows.delete(id);
    for (const t of v.hashtags) this.byTag.get(t)?.delete(id);
    this.byAuthor.get(v.authorId)?.delete(id);
    this.popularCache = null;
  }

  bump(id: string, by: number): void {
    this.popularity.set(id, (this.popularity.get(id) ?? 0) + by);
    this.popularCache = null;
  }

  popularityOf(id: string): number {
    return Math.max(0, this.popularity.get(id) ?? 0);
  }

  /** Newest videos with this hashtag (ids are time-ordered). */
  withTag(tag: string, n: number): string[] {
    return newest(this.byTag.get(tag), n);
  }

  byCreator(authorId: string, n: number): string[] {
    return newest(this.byAuthor.get(authorId), n);
  }

  newest(n: number): string[] {
    return newest(this.rows.keys(), n);
  }

  popular(n: number): string[] {
    this.popularCache ??= [...this.rows.keys()].filter((id) => this.popularityOf(id) > 0).sort((a, b) => this.popularityOf(b) - this.popularityOf(a)).slice(0, 1000);
    return this.popularCache.slice(0, n);
  }

  maxPopularity(): number {
    const top = this.popular(1)[0];
    return top ? this.popularityOf(top) : 0;
  }
}

function getOrCreate<K, V>(m: Map<K, Set<V>>, k: K): Set<V> {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  return s;
}

function newest(ids: Iterable<string> | undefined, n: number): string[] {
  if (!ids) return [];
  const all = [...ids];
  // UUIDv7 strings sort by creation time.
  all.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  return all.slice(0, n);
}
