import type {
  FeedPage,
  HashtagHit,
  HashtagPage,
  LiveHit,
  PersonHit,
  ProductCard,
  ProductSearchPage,
  RecentSearches,
  SearchRelation,
  SearchResults,
  SearchResultKind,
  SearchTab,
  Suggestions,
  Video,
} from '@tremolo/protocol';
import { sql, type SQL } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { Db } from '../../platform/db/client.ts';
import type { RateLimit } from '../../platform/auth/rate-limit.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { FeedsService } from '../feeds/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { ShopService } from '../shop/service.ts';
import type { VideoRow, VideosService } from '../videos/service.ts';
import { SearchRepo, type DocInput, type Hit, type TagRow, type Viewer } from './repo.ts';
import { deletions, indexTokens, normalize, pinyinTokens, queryTerms, toTsquery, TYPO_MIN, vocabulary, type QueryTerm } from './tokens.ts';

/** How many recent searches a person keeps. */
const RECENT_KEEP = 20;
/** Results past this many are not worth paging to; it bounds the work of a deep page. */
const MAX_OFFSET = 300;
const DAY_MS = 86_400_000;
/**
 * How long a typed prefix's viewer-independent suggestions (hashtags, products) and a query's
 * typo alternatives are reused. Suggestions are asked on every keystroke, mostly for the same
 * short prefixes; this node's own index writes clear them at once, other nodes' within this time.
 */
const SHARED_TTL_MS = 30_000;
/** Products kept per cached prefix: enough to re-rank for a viewer's follows and drop blocked sellers. */
const SHARED_PRODUCTS = 12;

export interface ProductFilters {
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  inStock?: boolean | undefined;
  onSale?: boolean | undefined;
  sort: 'relevance' | 'sales' | 'price_asc' | 'price_desc' | 'newest';
}

export interface SearchDeps {
  db: Db;
  accounts: AccountsService;
  graph: GraphService;
  videos: VideosService;
  feeds: FeedsService;
  shop: ShopService;
  /** Live rooms the viewer may enter now (the rooms module's list). */
  liveRooms: (viewerId: string) => Promise<LiveHit[]>;
  limits: { suggest: RateLimit; search: RateLimit; opens: RateLimit };
}

interface Prepared {
  terms: QueryTerm[];
  tsquery: string;
}

/** What a prefix suggests whoever asks: hashtags, and products ranked before the viewer's follows and blocks. */
interface SharedSuggestions {
  tags: HashtagHit[];
  products: { card: ProductCard; score: number }[];
}

/** Popularity of a video for "hot": likes and views, tilted toward the last few days. */
function hotness(likes: number, views: number, createdAt: Date): number {
  const ageDays = Math.max(0, (Date.now() - createdAt.getTime()) / DAY_MS);
  return Math.log1p(likes * 3 + views * 0.2) + 2 / (1 + ageDays / 3);
}

function encodeCursor(x: unknown): string {
  return Buffer.from(JSON.stringify(x)).toString('base64url');
}

function decodeCursor<T>(s: string | undefined, check: (x: unknown) => x is T): T | null {
  if (!s) return null;
  try {
    const x: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (check(x)) return x;
  } catch {
    // fall through: a cursor from another version or hand-made
  }
  throw new AppError('bad_request', 'This cursor is not valid for this search');
}

const isOffset = (x: unknown): x is { o: number } =>
  typeof x === 'object' && x !== null && 'o' in x && Number.isInteger(x.o) && (x.o as number) >= 0 && (x.o as number) <= MAX_OFFSET;
const isKeyset = (x: unknown): x is { v: number; id: string } =>
  typeof x === 'object' &&
  x !== null &&
  'v' in x &&
  'id' in x &&
  typeof x.v === 'number' &&
  Number.isFinite(x.v) &&
  typeof x.id === 'string' &&
  /^[0-9a-f-]{36}$/.test(x.id);

/** Damerau–Levenshtein distance, capped: is `a` within one edit (or one swap) of `b`? */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

type DirtyKind = 'people' | 'videos' | 'products';
const DIRTY_KINDS: DirtyKind[] = ['people', 'videos', 'products'];
/** Things indexed per round of the change queue. */
const INDEX_BATCH = 200;

/** An error and what caused it (a failed query's message alone does not say why it failed). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message;
}

/**
 * Search over people, videos, products, hashtags and live rooms. The index (search_docs) is
 * written here whenever the owning module says something changed; queries read only the index
 * and then hydrate through the owners' services, re-checking what the viewer may see.
 */
export class SearchService {
  private readonly repo: SearchRepo;
  /**
   * What changed and is not yet indexed, by kind. A burst of changes to one thing (a bio edited
   * twice, a video liked a thousand times) is indexed once; a change arriving while its thing is
   * being indexed marks it again, so the later state is always written last.
   */
  private readonly dirty: Record<DirtyKind, Set<string>> = { people: new Set(), videos: new Set(), products: new Set() };
  private draining: Promise<void> | null = null;
  /** Words already in the typo vocabulary (this node); saves rewriting them on every change. */
  private readonly knownWords = new Set<string>();
  private ready: Promise<void> = Promise.resolve();
  /** Promises, so that concurrent keystrokes for one prefix share one lookup. */
  private readonly shared = new LRUCache<string, Promise<SharedSuggestions>>({ max: 5000, ttl: SHARED_TTL_MS });
  private readonly preparedCache = new LRUCache<string, Promise<Prepared | null>>({ max: 5000, ttl: SHARED_TTL_MS });

  constructor(private readonly deps: SearchDeps) {
    this.repo = new SearchRepo(deps.db);
    deps.accounts.onChanged((id) => this.mark('people', id));
    deps.videos.onSignal((s) => {
      if ('userId' in s && s.kind === 'watch') return;
      this.mark('videos', s.videoId);
    });
    deps.shop.onProductChanged((id) => this.mark('products', id));
  }

  // ------------------------------------------------------------ indexing

  private mark(kind: DirtyKind, id: string): void {
    this.dirty[kind].add(id);
    this.kick();
  }

  private kick(): void {
    if (this.draining) return;
    // Started on the next turn, so the changes of one burst go in one batch.
    this.draining = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => {
        this.draining = null;
        // Marked between the last round and here: nobody else would index it.
        if (DIRTY_KINDS.some((k) => this.dirty[k].size > 0)) this.kick();
      });
  }

  private async drain(): Promise<void> {
    const index: Record<DirtyKind, (ids: string[]) => Promise<void>> = {
      people: (ids) => this.indexPeople(ids),
      videos: (ids) => this.indexVideos(ids),
      products: (ids) => this.indexProducts(ids),
    };
    for (;;) {
      const kind = DIRTY_KINDS.find((k) => this.dirty[k].size > 0);
      if (!kind) return;
      const ids = [...this.dirty[kind]].slice(0, INDEX_BATCH);
      for (const id of ids) this.dirty[kind].delete(id);
      await index[kind](ids).catch((err: unknown) => process.emitWarning(`search index: ${describe(err)}`));
    }
  }

  /** Resolves when every index change asked for so far is written. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Builds the index from scratch when it is empty (a fresh database, or one from before search). */
  start(): Promise<void> {
    this.ready = (async () => {
      if (await this.repo.isEmpty()) await this.rebuild();
    })();
    return this.ready;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  async rebuild(batch = 2000): Promise<void> {
    const pages = async (next: (after: string | null) => Promise<string[]>, index: (ids: string[]) => Promise<void>) => {
      let after: string | null = null;
      for (;;) {
        const ids = await next(after);
        if (ids.length === 0) return;
        await index(ids);
        after = ids[ids.length - 1]!;
      }
    };
    await pages(
      (a) => this.deps.accounts.idsAfter(a, batch),
      (ids) => this.indexPeople(ids),
    );
    await pages(
      (a) => this.deps.videos.idsAfter(a, batch),
      (ids) => this.indexVideos(ids, { tagDocs: false }),
    );
    await pages(
      (a) => this.deps.shop.catalog.productIdsAfter(a, batch),
      (ids) => this.indexProducts(ids),
    );
    await this.repo.rebuildTagDocs((tag) => ({ title: this.tagTokens(tag) }));
    await this.repo.settle();
    this.shared.clear();
  }

  private async learnWords(tokens: string[]): Promise<void> {
    const fresh = vocabulary(tokens).filter((w) => !this.knownWords.has(w));
    if (fresh.length === 0) return;
    await this.repo.addTerms([...new Set(fresh)], deletions);
    for (const w of fresh) this.knownWords.add(w);
    this.preparedCache.clear(); // a new word may be the typo correction a cached query lacks
    if (this.knownWords.size > 200_000) this.knownWords.clear();
  }

  private tagTokens(tag: string): string[] {
    return [...new Set([tag, ...indexTokens(tag), ...pinyinTokens(tag)])];
  }

  async indexPeople(ids: string[]): Promise<void> {
    const rows = await this.deps.accounts.rows(ids);
    const docs: DocInput[] = rows.map((u) => ({
      kind: 'person',
      key: u.id,
      ownerId: u.id,
      title: [...new Set([u.handle, ...indexTokens(u.handle), ...indexTokens(u.displayName), ...pinyinTokens(u.displayName)])],
      body: indexTokens(u.bio),
      visibility: u.discoverable ? 'public' : 'hidden',
      pop: 0,
      createdAt: u.createdAt,
    }));
    await this.learnWords(docs.flatMap((d) => d.title));
    await this.repo.upsertDocs(docs);
  }

  async indexVideos(ids: string[], opts: { tagDocs?: boolean } = {}): Promise<void> {
    const rows = await this.deps.videos.forIndex(ids);
    const found = new Set(rows.map((r) => r.id));
    for (const id of ids) if (!found.has(id)) await this.removeVideo(id);
    const docs: DocInput[] = [];
    const tags: TagRow[] = [];
    const touched = new Set<string>();
    for (const v of rows) {
      // Only a ready video is findable; a video being processed or failed is not in the index.
      const visibility = v.status === 'ready' ? v.visibility : 'hidden';
      const hot = hotness(v.likes, v.views, v.createdAt);
      docs.push({
        kind: 'video',
        key: v.id,
        ownerId: v.authorId,
        title: [...new Set(v.hashtags.flatMap((t) => [t, ...indexTokens(t)]))],
        body: indexTokens(v.caption),
        visibility,
        pop: v.likes * 3 + v.views * 0.2,
        createdAt: v.createdAt,
      });
      // A tag twice in one video (data written before captions were parsed, or by hand) is one row.
      const mine = [...new Set(v.hashtags)].map((tag) => ({
        videoId: v.id,
        tag,
        authorId: v.authorId,
        visibility,
        hot,
        views: v.views,
        createdAt: v.createdAt,
      }));
      if (opts.tagDocs === false) tags.push(...mine);
      else for (const t of await this.repo.setVideoTags(v.id, mine)) touched.add(t);
    }
    await this.learnWords(docs.flatMap((d) => [...d.title, ...d.body]));
    for (let i = 0; i < docs.length; i += 2000) await this.repo.upsertDocs(docs.slice(i, i + 2000));
    if (tags.length) for (let i = 0; i < tags.length; i += 5000) await this.repo.insertTags(tags.slice(i, i + 5000));
    if (touched.size) await this.indexTags([...touched]);
  }

  private async removeVideo(id: string): Promise<void> {
    await this.repo.removeDoc('video', id);
    const tags = await this.repo.setVideoTags(id, []);
    if (tags.length) await this.indexTags(tags);
  }

  private async indexTags(tags: string[]): Promise<void> {
    this.shared.clear();
    const counts = await this.repo.tagCounts(tags);
    await this.repo.upsertDocs(
      tags.map((tag) => {
        const n = counts.get(tag)?.videos ?? 0;
        return {
          kind: 'hashtag',
          key: tag,
          ownerId: null,
          title: this.tagTokens(tag),
          body: [],
          visibility: n > 0 ? 'public' : 'hidden',
          pop: n,
          createdAt: new Date(),
        };
      }),
    );
  }

  async indexProducts(ids: string[]): Promise<void> {
    const rows = await this.deps.shop.catalog.forIndex(ids);
    const docs: DocInput[] = rows.map((p) => ({
      kind: 'product',
      key: p.id,
      ownerId: p.sellerId,
      title: indexTokens(p.title),
      body: indexTokens(p.description).slice(0, 400),
      visibility: p.published ? 'public' : 'hidden',
      pop: p.sales,
      price: p.price,
      inStock: p.inStock,
      sales: p.sales,
      createdAt: p.createdAt,
    }));
    await this.learnWords(docs.flatMap((d) => d.title));
    for (let i = 0; i < docs.length; i += 2000) await this.repo.upsertDocs(docs.slice(i, i + 2000));
    this.shared.clear();
  }

  // ------------------------------------------------------------ queries

  private async viewer(viewerId: string | null): Promise<Viewer> {
    if (!viewerId) return { id: null, friends: [], following: [], blocked: [] };
    const c = await this.deps.graph.circle(viewerId);
    return { id: viewerId, ...c };
  }

  /** `compute`, cached per query: the typo lookup is a database round trip that most keystrokes repeat. */
  private prepare(q: string): Promise<Prepared | null> {
    let p = this.preparedCache.get(q);
    if (!p) {
      p = this.compute(q);
      this.preparedCache.set(q, p);
      p.catch(() => this.preparedCache.delete(q));
    }
    return p;
  }

  /** The query's terms as a tsquery, with known words one edit away as alternatives to each Latin word. */
  private async compute(q: string): Promise<Prepared | null> {
    const terms = queryTerms(q);
    if (terms.length === 0) return null;
    const latin = terms.filter((t) => !t.han && t.text.length >= TYPO_MIN && /^[a-z]+$/.test(t.text));
    if (latin.length) {
      const near = await this.repo.termsNear([...new Set(latin.flatMap((t) => deletions(t.text)))]);
      for (const t of latin) {
        const alts = new Set<string>();
        for (const n of near) if (n.term !== t.text && !n.term.startsWith(t.text) && withinOneEdit(n.term, t.text)) alts.add(n.term);
        t.alternatives = [...alts].slice(0, 4);
      }
    }
    return { terms, tsquery: toTsquery(terms) };
  }

  private async limit(which: 'suggest' | 'search' | 'opens', viewerId: string | null, ip: string): Promise<void> {
    await this.deps.limits[which].consume(viewerId ? `u:${viewerId}` : `ip:${ip}`, 'searches');
  }

  async suggest(viewerId: string | null, ip: string, q: string, limit: number): Promise<Suggestions> {
    await this.limit('suggest', viewerId, ip);
    const [prepared, viewer] = await Promise.all([this.prepare(q), this.viewer(viewerId)]);
    if (!prepared) return { q, items: [] };
    const [people, shared] = await Promise.all([
      this.people(prepared, viewer, 0, Math.min(limit, 5), 20),
      this.sharedSuggestions(prepared),
    ]);
    // The products' SQL score, with the boost for sellers this viewer follows that the shared list leaves out.
    const following = new Set(viewer.following);
    const products = shared.products
      .filter((p) => !viewer.blocked.includes(p.card.seller.id))
      .map((p) => ({ card: p.card, score: p.score + (following.has(p.card.seller.id) ? 1.5 : 0) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, Math.min(limit, 4));
    const items: Suggestions['items'] = [
      ...people.items.map((person) => ({ kind: 'person' as const, person })),
      ...shared.tags.slice(0, Math.min(limit, 4)).map((hashtag) => ({ kind: 'hashtag' as const, hashtag })),
      ...products.map((p) => ({ kind: 'product' as const, product: p.card })),
    ];
    return { q, items: items.slice(0, limit) };
  }

  /** A prefix's hashtags and products as anyone would see them, cached (see SHARED_TTL_MS). */
  private sharedSuggestions(p: Prepared): Promise<SharedSuggestions> {
    let hit = this.shared.get(p.tsquery);
    if (!hit) {
      hit = (async () => {
        const anyone: Viewer = { id: null, friends: [], following: [], blocked: [] };
        const [tags, products] = await Promise.all([
          this.hashtags(p, anyone, 0, 4),
          this.repo.match('product', p.tsquery, anyone, { limit: SHARED_PRODUCTS }),
        ]);
        const cards = new Map((await this.deps.shop.catalog.cards(products.map((h) => h.key))).map((c) => [c.id, c]));
        return {
          tags: tags.items,
          products: products.flatMap((h) => {
            const card = cards.get(h.key);
            return card ? [{ card, score: h.score }] : [];
          }),
        };
      })();
      this.shared.set(p.tsquery, hit);
      hit.catch(() => this.shared.delete(p.tsquery));
    }
    return hit;
  }

  async search(
    viewerId: string | null,
    ip: string,
    query: { q: string; tab: SearchTab; cursor?: string | undefined; limit: number } & ProductFilters,
  ): Promise<SearchResults> {
    await this.limit('search', viewerId, ip);
    const offset = decodeCursor(query.cursor, isOffset)?.o ?? 0;
    const out: SearchResults = {
      q: query.q,
      tab: query.tab,
      people: [],
      hashtags: [],
      videos: [],
      products: [],
      live: [],
      nextCursor: null,
    };
    const [prepared, viewer] = await Promise.all([this.prepare(query.q), this.viewer(viewerId)]);
    if (viewerId && !query.cursor) void this.remember(viewerId, query.q, prepared).catch(() => undefined);
    if (!prepared) return out;
    const next = (more: boolean, n: number) => (more && offset + n <= MAX_OFFSET ? encodeCursor({ o: offset + n }) : null);
    const { limit } = query;
    switch (query.tab) {
      case 'people': {
        const r = await this.people(prepared, viewer, offset, limit, 100);
        out.people = r.items;
        out.nextCursor = next(r.more, limit);
        break;
      }
      case 'videos': {
        const r = await this.videoHits(prepared, viewer, offset, limit);
        out.videos = r.items;
        out.nextCursor = next(r.more, limit);
        break;
      }
      case 'products': {
        const r = await this.products(prepared, viewer, query, offset, limit);
        out.products = r.items;
        out.nextCursor = next(r.more, limit);
        break;
      }
      case 'hashtags': {
        const r = await this.hashtags(prepared, viewer, offset, limit);
        out.hashtags = r.items;
        out.nextCursor = next(r.more, limit);
        break;
      }
      case 'live': {
        out.live = viewerId ? await this.live(prepared, viewerId, limit) : [];
        break;
      }
      case 'top': {
        const first = offset === 0;
        const [people, tags, live, products, videos] = await Promise.all([
          first ? this.people(prepared, viewer, 0, 3, 20) : null,
          first ? this.hashtags(prepared, viewer, 0, 3) : null,
          first && viewerId ? this.live(prepared, viewerId, 3) : null,
          first ? this.products(prepared, viewer, { sort: 'relevance' }, 0, 4) : null,
          this.videoHits(prepared, viewer, offset, limit),
        ]);
        out.people = people?.items ?? [];
        out.hashtags = tags?.items ?? [];
        out.live = live ?? [];
        out.products = products?.items ?? [];
        out.videos = videos.items;
        out.nextCursor = next(videos.more, limit);
        break;
      }
    }
    return out;
  }

  async shopSearch(
    viewerId: string | null,
    ip: string,
    sellerId: string,
    query: { q?: string | undefined; cursor?: string | undefined; limit: number } & ProductFilters,
  ): Promise<ProductSearchPage> {
    await this.limit('search', viewerId, ip);
    const [seller] = await this.deps.accounts.rows([sellerId]);
    if (!seller) throw notFound('Shop');
    const viewer = await this.viewer(viewerId);
    if (viewer.blocked.includes(sellerId)) throw notFound('Shop');
    const offset = decodeCursor(query.cursor, isOffset)?.o ?? 0;
    const prepared = query.q ? await this.prepare(query.q) : null;
    const r = await this.products(prepared, viewer, query, offset, query.limit, sql`d.owner_id = ${sellerId}::uuid`);
    return { items: r.items, nextCursor: r.more && offset + query.limit <= MAX_OFFSET ? encodeCursor({ o: offset + query.limit }) : null };
  }

  /** People: text match blended with my graph (friends, then people I follow, then friends of friends) and followers. */
  private async people(
    p: Prepared,
    viewer: Viewer,
    offset: number,
    limit: number,
    pool: number,
  ): Promise<{ items: PersonHit[]; more: boolean }> {
    const hits = await this.repo.match('person', p.tsquery, viewer, { limit: Math.max(pool, offset + limit + 1), fresh: false });
    const ids = hits.map((h) => h.key);
    const [social, rows] = await Promise.all([this.deps.graph.socialAmong(viewer.id, ids), this.deps.accounts.rows(ids)]);
    const friends = new Set(viewer.friends);
    const following = new Set(viewer.following);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const relation = (id: string, mutual: number): SearchRelation =>
      id === viewer.id ? 'self' : friends.has(id) ? 'friend' : following.has(id) ? 'following' : mutual > 0 ? 'friend_of_friend' : 'none';
    const ranked = hits
      .map((h) => {
        const s = social.get(h.key) ?? { followers: 0, mutualFriends: 0 };
        // The SQL score already holds the friend/following boost; friends of friends and followers are added here.
        const score =
          h.score + (s.mutualFriends > 0 && !friends.has(h.key) && !following.has(h.key) ? 2 + Math.min(s.mutualFriends, 5) * 0.3 : 0);
        return { h, s, score: score + Math.log1p(s.followers) * 0.3 };
      })
      .sort((a, b) => b.score - a.score || a.h.key.localeCompare(b.h.key));
    const page = ranked.slice(offset, offset + limit);
    const items = page.flatMap(({ h, s }) => {
      const u = byId.get(h.key);
      if (!u || !u.discoverable) return [];
      return [
        {
          user: { ...this.deps.accounts.summary(u), bio: u.bio },
          followers: s.followers,
          relation: relation(u.id, s.mutualFriends),
          mutualFriends: s.mutualFriends,
        },
      ];
    });
    return { items, more: ranked.length > offset + limit };
  }

  /** Whether this viewer may see this video row now (the index may be a moment behind). */
  private mayView(viewer: Viewer, v: VideoRow): boolean {
    if (v.authorId === viewer.id) return true;
    if (v.status !== 'ready' || viewer.blocked.includes(v.authorId)) return false;
    return v.visibility === 'public' || (v.visibility === 'friends' && viewer.friends.includes(v.authorId));
  }

  private async hydrateVideos(viewer: Viewer, ids: string[]): Promise<Video[]> {
    const rows = new Map((await this.deps.videos.rowsByIds(ids)).map((r) => [r.id, r]));
    const visible = ids.flatMap((id) => {
      const r = rows.get(id);
      return r && this.mayView(viewer, r) ? [r] : [];
    });
    return this.deps.videos.hydrate(viewer.id, visible, viewer.id ? viewer.friends : undefined);
  }

  private async videoHits(p: Prepared, viewer: Viewer, offset: number, limit: number): Promise<{ items: Video[]; more: boolean }> {
    const hits = await this.repo.match('video', p.tsquery, viewer, { limit: limit + 1, offset });
    return {
      items: await this.hydrateVideos(
        viewer,
        hits.slice(0, limit).map((h) => h.key),
      ),
      more: hits.length > limit,
    };
  }

  private async products(
    p: Prepared | null,
    viewer: Viewer,
    f: ProductFilters,
    offset: number,
    limit: number,
    scope?: SQL,
  ): Promise<{ items: ProductCard[]; more: boolean }> {
    const where: SQL[] = [];
    if (scope) where.push(scope);
    if (f.minPrice !== undefined) where.push(sql`d.price >= ${f.minPrice}`);
    if (f.maxPrice !== undefined) where.push(sql`d.price <= ${f.maxPrice}`);
    if (f.inStock) where.push(sql`d.in_stock`);
    if (f.onSale) {
      const live = await this.deps.shop.catalog.liveFlashProductIds();
      if (live.length === 0) return { items: [], more: false };
      where.push(
        sql`d.key in (${sql.join(
          live.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
    }
    const order: Record<ProductFilters['sort'], SQL | undefined> = {
      relevance: undefined,
      sales: sql`d.sales desc nulls last`,
      price_asc: sql`d.price asc nulls last`,
      price_desc: sql`d.price desc nulls last`,
      newest: sql`d.created_at desc`,
    };
    const hits: Hit[] = await this.repo.match('product', p?.tsquery ?? null, viewer, {
      limit: limit + 1,
      offset,
      where: where.length ? sql.join(where, sql` and `) : undefined,
      order: order[f.sort],
    });
    let cards = await this.deps.shop.catalog.cards(hits.slice(0, limit).map((h) => h.key));
    if (f.inStock) cards = cards.filter((c) => c.inStock);
    return { items: cards, more: hits.length > limit };
  }

  private async hashtags(p: Prepared, viewer: Viewer, offset: number, limit: number): Promise<{ items: HashtagHit[]; more: boolean }> {
    const hits = await this.repo.match('hashtag', p.tsquery, viewer, { limit: limit + 1, offset, fresh: false });
    return { items: await this.tagHits(hits.slice(0, limit).map((h) => h.key)), more: hits.length > limit };
  }

  private async tagHits(tags: string[]): Promise<HashtagHit[]> {
    const counts = await this.repo.tagCounts(tags);
    return tags.map((tag) => ({ tag, videos: counts.get(tag)?.videos ?? 0, views: counts.get(tag)?.views ?? 0 }));
  }

  /** Live rooms whose title holds every term of the query (there are few live rooms: matched here, not indexed). */
  private async live(p: Prepared, viewerId: string, limit: number): Promise<LiveHit[]> {
    const rooms = await this.deps.liveRooms(viewerId);
    return rooms
      .filter((r) => {
        const tokens = indexTokens(`${r.title} ${r.host.displayName} ${r.host.handle}`);
        return p.terms.every((t) => [t.text, ...t.alternatives].some((x) => tokens.some((k) => (t.prefix ? k.startsWith(x) : k === x))));
      })
      .slice(0, limit);
  }

  // ------------------------------------------------------------ recent searches and signals

  private async remember(userId: string, q: string, prepared: Prepared | null): Promise<void> {
    await this.repo.remember(newId(), userId, normalize(q).trim().slice(0, 100), RECENT_KEEP);
    if (!prepared) return;
    // A search for a known hashtag (or words that are one) tells For You what the person wants.
    const words = [...new Set([normalize(q).replace(/[#\s]+/g, ''), ...prepared.terms.map((t) => t.text)])];
    const tags = await this.repo.knownTags(words);
    this.deps.feeds.searched(userId, tags);
  }

  async recent(userId: string): Promise<RecentSearches> {
    const rows = await this.repo.recent(userId, RECENT_KEEP);
    return { items: rows.map((r) => ({ id: r.id, q: r.q, at: r.at.toISOString() })) };
  }

  clearRecent(userId: string): Promise<void> {
    return this.repo.clearRecent(userId);
  }

  async deleteRecent(userId: string, id: string): Promise<void> {
    if (!(await this.repo.deleteRecent(userId, id))) throw notFound('Recent search');
  }

  /** A result opened from search: its hashtags become a For You signal. */
  async opened(userId: string, ip: string, kind: SearchResultKind, id: string): Promise<void> {
    await this.limit('opens', userId, ip);
    let tags: string[] = [];
    if (kind === 'hashtag') tags = [normalize(id).replace(/^#/, '')];
    else if (kind === 'video' && /^[0-9a-f-]{36}$/.test(id)) {
      const viewer = await this.viewer(userId);
      const [row] = await this.deps.videos.rowsByIds([id]);
      if (row && this.mayView(viewer, row)) tags = row.hashtags;
    }
    this.deps.feeds.searched(userId, tags);
  }

  // ------------------------------------------------------------ hashtags

  async trending(limit: number): Promise<HashtagHit[]> {
    let tags = await this.repo.trending(new Date(Date.now() - 7 * DAY_MS), limit);
    if (tags.length < limit) tags = [...new Set([...tags, ...(await this.repo.trending(new Date(0), limit))])].slice(0, limit);
    return this.tagHits(tags);
  }

  async hashtag(tag: string): Promise<HashtagPage> {
    const [counts, related, top] = await Promise.all([
      this.repo.tagCounts([tag]),
      this.repo.relatedTags(tag, 8),
      this.repo.topTagVideos(tag, 100),
    ]);
    const rows = await this.deps.videos.rowsByIds(top);
    const productIds = [...new Set(rows.flatMap((r) => r.productIds))].slice(0, 40);
    const products = (await this.deps.shop.catalog.cards(productIds)).slice(0, 8);
    const c = counts.get(tag) ?? { videos: 0, views: 0 };
    return { tag, videos: c.videos, views: c.views, related: await this.tagHits(related), products };
  }

  async hashtagVideos(
    viewerId: string | null,
    ip: string,
    tag: string,
    sort: 'hot' | 'new',
    cursor: string | undefined,
    limit: number,
  ): Promise<FeedPage> {
    await this.limit('search', viewerId, ip);
    const viewer = await this.viewer(viewerId);
    const after = decodeCursor(cursor, isKeyset);
    const rows = await this.repo.tagVideos(tag, viewer, sort, after, limit + 1);
    const page = rows.slice(0, limit);
    const videos = await this.hydrateVideos(
      viewer,
      page.map((r) => r.videoId),
    );
    const last = page[page.length - 1];
    return {
      items: videos.map((video) => ({ type: 'video' as const, video, reason: sort === 'hot' ? ('popular' as const) : ('fresh' as const) })),
      nextCursor: rows.length > limit && last ? encodeCursor({ v: last.v, id: last.videoId }) : null,
    };
  }
}
