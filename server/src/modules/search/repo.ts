import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { recentSearches, searchDocs, searchTerms, videoHashtags } from './tables.ts';

export type DocKind = 'video' | 'product' | 'person' | 'hashtag';

export interface DocInput {
  kind: DocKind;
  key: string;
  ownerId: string | null;
  /** Weighted A (title, name, handle, tag). */
  title: string[];
  /** Weighted B (caption, description, bio). */
  body: string[];
  visibility: string;
  pop: number;
  price?: number | null;
  inStock?: boolean | null;
  sales?: number | null;
  createdAt: Date;
}

export interface TagRow {
  videoId: string;
  tag: string;
  authorId: string;
  visibility: string;
  hot: number;
  views: number;
  createdAt: Date;
}

/** Who is asking, as the filters need it. */
export interface Viewer {
  id: string | null;
  friends: string[];
  following: string[];
  blocked: string[];
}

export interface Hit {
  key: string;
  ownerId: string | null;
  score: number;
}

type Rows<T> = { rows: T[] };

function uuidArray(ids: readonly string[]): SQL {
  return ids.length ? sql`string_to_array(${ids.join(',')}, ',')::uuid[]` : sql`array[]::uuid[]`;
}

/**
 * A text array as one parameter, split in SQL on the unit separator (never inside a token, tag,
 * uuid or number): binding one parameter per element made a rebuild's batches crawl.
 */
function textArray(xs: readonly string[]): SQL {
  return xs.length ? sql`string_to_array(${xs.join('\u001f')}, chr(31))` : sql`array[]::text[]`;
}

function packed(xs: readonly (string | number)[], type: 'real' | 'bigint' | 'timestamptz'): SQL {
  return sql`string_to_array(${xs.join('\u001f')}, chr(31))::${sql.raw(type)}[]`;
}

/** The index: documents, the typo vocabulary, video hashtags and recent searches. */
export class SearchRepo {
  constructor(private readonly db: Queryable) {}

  /**
   * One statement for a whole batch, each column one parameter (rows split on the record separator,
   * tokens within a row on the unit separator): a rebuild writes hundreds of thousands of documents.
   */
  async upsertDocs(docs: DocInput[]): Promise<void> {
    if (docs.length === 0) return;
    const col = (f: (d: DocInput) => string | number | boolean | null | undefined) =>
      sql`string_to_array(${docs.map((d) => String(f(d) ?? '')).join('\u001e')}, chr(30))`;
    await this.db.execute(sql`
      insert into ${searchDocs} (kind, key, owner_id, tsv, visibility, pop, price, in_stock, sales, created_at)
      select kind, key, nullif(owner, '')::uuid,
        setweight(array_to_tsvector(coalesce(string_to_array(title, chr(31)), '{}')), 'A')
          || setweight(array_to_tsvector(coalesce(string_to_array(body, chr(31)), '{}')), 'B'),
        vis, pop::real, nullif(price, '')::int, nullif(stock, '')::boolean, nullif(sales, '')::int, at::timestamptz
      from unnest(${col((d) => d.kind)}, ${col((d) => d.key)}, ${col((d) => d.ownerId)}, ${col((d) => d.title.join('\u001f'))},
        ${col((d) => d.body.join('\u001f'))}, ${col((d) => d.visibility)}, ${col((d) => d.pop)}, ${col((d) => d.price)},
        ${col((d) => d.inStock)}, ${col((d) => d.sales)}, ${col((d) => d.createdAt.toISOString())})
        as x(kind, key, owner, title, body, vis, pop, price, stock, sales, at)
      on conflict (kind, key) do update set owner_id = excluded.owner_id, tsv = excluded.tsv, visibility = excluded.visibility,
        pop = excluded.pop, price = excluded.price, in_stock = excluded.in_stock, sales = excluded.sales, created_at = excluded.created_at`);
  }

  /**
   * After a rebuild: merge what GIN holds in its pending lists (else the first searches read them
   * through) and give the planner statistics of the new rows.
   */
  async settle(): Promise<void> {
    await this.db.execute(sql`
      select gin_clean_pending_list(i.indexrelid) from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid = ${sql.raw(`'search_docs'::regclass`)} and c.relam = (select oid from pg_am where amname = 'gin')`);
    await this.db.execute(sql`analyze ${searchDocs}`);
  }

  async removeDoc(kind: DocKind, key: string): Promise<void> {
    await this.db.delete(searchDocs).where(and(eq(searchDocs.kind, kind), eq(searchDocs.key, key)));
  }

  async addTerms(words: string[], variantsOf: (w: string) => string[]): Promise<void> {
    const pairs = words.flatMap((w) => variantsOf(w).map((v) => [v, w] as const));
    for (let i = 0; i < pairs.length; i += 5000) {
      const chunk = pairs.slice(i, i + 5000);
      await this.db.execute(sql`
        insert into ${searchTerms} (variant, term)
        select * from unnest(${textArray(chunk.map((p) => p[0]))}, ${textArray(chunk.map((p) => p[1]))})
        on conflict do nothing`);
    }
  }

  /** Known words sharing a deletion variant with `variants` (so within about one edit). */
  async termsNear(variants: string[]): Promise<{ variant: string; term: string }[]> {
    if (variants.length === 0) return [];
    const r = (await this.db.execute(sql`
      select variant, term from ${searchTerms} where variant = any(${textArray(variants)}) limit 200`)) as unknown as Rows<{
      variant: string;
      term: string;
    }>;
    return r.rows;
  }

  /** Replaces one video's hashtag rows; returns the tags whose counts changed (old and new). */
  async setVideoTags(videoId: string, rows: TagRow[]): Promise<string[]> {
    const old = await this.db.select({ tag: videoHashtags.tag }).from(videoHashtags).where(eq(videoHashtags.videoId, videoId));
    await this.db.delete(videoHashtags).where(eq(videoHashtags.videoId, videoId));
    await this.insertTags(rows);
    return [...new Set([...old.map((o) => o.tag), ...rows.map((r) => r.tag)])];
  }

  async insertTags(rows: TagRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.execute(sql`
      insert into ${videoHashtags} (tag, video_id, author_id, visibility, hot, views, created_at)
      select * from unnest(${textArray(rows.map((r) => r.tag))}, ${textArray(rows.map((r) => r.videoId))}::uuid[], ${textArray(rows.map((r) => r.authorId))}::uuid[],
        ${textArray(rows.map((r) => r.visibility))}, ${packed(
          rows.map((r) => r.hot),
          'real',
        )}, ${packed(
          rows.map((r) => r.views),
          'bigint',
        )}, ${packed(
          rows.map((r) => r.createdAt.toISOString()),
          'timestamptz',
        )})
      on conflict (tag, video_id) do update set visibility = excluded.visibility, hot = excluded.hot, views = excluded.views`);
  }

  /** Public video count and views per tag. */
  async tagCounts(tags: string[]): Promise<Map<string, { videos: number; views: number }>> {
    const out = new Map(tags.map((t) => [t, { videos: 0, views: 0 }]));
    if (tags.length === 0) return out;
    const r = (await this.db.execute(sql`
      select tag, count(*)::int as videos, coalesce(sum(views), 0)::bigint as views from ${videoHashtags}
      where tag = any(${textArray(tags)}) and visibility = 'public' group by tag`)) as unknown as Rows<{
      tag: string;
      videos: number;
      views: string;
    }>;
    for (const x of r.rows) out.set(x.tag, { videos: Number(x.videos), views: Number(x.views) });
    return out;
  }

  /** Hashtag documents for every tag (a rebuild): popularity is the public video count. */
  async rebuildTagDocs(tokensOf: (tag: string) => { title: string[] }): Promise<void> {
    const r = (await this.db.execute(sql`
      select tag, count(*) filter (where visibility = 'public')::int as n, min(created_at) as at from ${videoHashtags} group by tag`)) as unknown as Rows<{
      tag: string;
      n: number;
      at: string | Date;
    }>;
    const docs: DocInput[] = r.rows.map((x) => ({
      kind: 'hashtag',
      key: x.tag,
      ownerId: null,
      title: tokensOf(x.tag).title,
      body: [],
      visibility: Number(x.n) > 0 ? 'public' : 'hidden',
      pop: Number(x.n),
      createdAt: new Date(x.at),
    }));
    for (let i = 0; i < docs.length; i += 500) await this.upsertDocs(docs.slice(i, i + 500));
  }

  /**
   * The best matches of one kind for a viewer. Relevance (ts_rank, title words weigh more) is
   * blended with popularity, freshness and the viewer's graph; privacy and blocks are filters.
   */
  async match(
    kind: DocKind,
    tsquery: string | null,
    viewer: Viewer,
    opts: { limit: number; offset?: number; where?: SQL; order?: SQL; fresh?: boolean },
  ): Promise<Hit[]> {
    const q = sql`${tsquery ?? ''}::tsquery`;
    const blocked = uuidArray(viewer.blocked);
    const friends = uuidArray(viewer.friends);
    const following = uuidArray(viewer.following);
    const visible =
      kind === 'video'
        ? sql`(d.visibility = 'public' or d.owner_id = ${viewer.id}::uuid or (d.visibility = 'friends' and d.owner_id = any(${friends})))`
        : sql`d.visibility = 'public'`;
    const social =
      kind === 'person'
        ? sql`case when d.owner_id = any(${friends}) then 6 when d.owner_id = any(${following}) then 4 else 0 end`
        : sql`case when d.owner_id = any(${following}) then 1.5 else 0 end`;
    const fresh = opts.fresh === false ? sql`0` : sql`1.0 / (1 + extract(epoch from (now() - d.created_at)) / 604800)`;
    const rank = tsquery === null ? sql`0` : sql`ts_rank(d.tsv, ${q}) * 10`;
    const score = sql`${rank} + ln(1 + greatest(d.pop, 0)) * 0.4 + ${fresh} + ${social}`;
    const r = (await this.db.execute(sql`
      select d.key, d.owner_id, ${score} as score from ${searchDocs} d
      where d.kind = ${kind} ${tsquery === null ? sql`` : sql`and d.tsv @@ ${q}`} and ${visible}
        and (d.owner_id is null or not (d.owner_id = any(${blocked})))
        ${opts.where ? sql`and ${opts.where}` : sql``}
      order by ${opts.order ?? sql`score desc`}, d.key
      limit ${opts.limit} offset ${opts.offset ?? 0}`)) as unknown as Rows<{ key: string; owner_id: string | null; score: number }>;
    return r.rows.map((x) => ({ key: x.key, ownerId: x.owner_id, score: Number(x.score) }));
  }

  /** A tag's videos the viewer may see, hot or new, keyset-paged. */
  async tagVideos(
    tag: string,
    viewer: Viewer,
    sort: 'hot' | 'new',
    after: { v: number; id: string } | null,
    limit: number,
  ): Promise<{ videoId: string; v: number }[]> {
    const friends = uuidArray(viewer.friends);
    const blocked = uuidArray(viewer.blocked);
    const key = sort === 'hot' ? sql`t.hot::float8` : sql`extract(epoch from t.created_at)::float8`;
    const r = (await this.db.execute(sql`
      select t.video_id, ${key} as v from ${videoHashtags} t
      where t.tag = ${tag}
        and (t.visibility = 'public' or t.author_id = ${viewer.id}::uuid or (t.visibility = 'friends' and t.author_id = any(${friends})))
        and not (t.author_id = any(${blocked}))
        ${after ? sql`and (${key}, t.video_id) < (${after.v}::float8, ${after.id}::uuid)` : sql``}
      order by ${key} desc, t.video_id desc
      limit ${limit}`)) as unknown as Rows<{ video_id: string; v: number }>;
    return r.rows.map((x) => ({ videoId: x.video_id, v: Number(x.v) }));
  }

  /** Tags on the same public videos as `tag` (among its hottest), most shared first. */
  async relatedTags(tag: string, limit: number): Promise<string[]> {
    const r = (await this.db.execute(sql`
      with top as (select video_id from ${videoHashtags} where tag = ${tag} and visibility = 'public' order by hot desc limit 300)
      select o.tag, count(*) as n from ${videoHashtags} o join top on top.video_id = o.video_id
      where o.tag <> ${tag} group by o.tag order by n desc, o.tag limit ${limit}`)) as unknown as Rows<{ tag: string }>;
    return r.rows.map((x) => x.tag);
  }

  /** Hottest public video ids of a tag. */
  async topTagVideos(tag: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: videoHashtags.videoId })
      .from(videoHashtags)
      .where(and(eq(videoHashtags.tag, tag), eq(videoHashtags.visibility, 'public')))
      .orderBy(desc(videoHashtags.hot))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  /** Tags on the most public videos posted since `since`. */
  async trending(since: Date, limit: number): Promise<string[]> {
    const r = (await this.db.execute(sql`
      select tag from ${videoHashtags} where visibility = 'public' and created_at > ${since.toISOString()}::timestamptz
      group by tag order by count(*) + ln(1 + sum(views)) desc, tag limit ${limit}`)) as unknown as Rows<{ tag: string }>;
    return r.rows.map((x) => x.tag);
  }

  /** Which of these words are hashtags someone used (a search for them is an interest). */
  async knownTags(words: string[]): Promise<string[]> {
    if (words.length === 0) return [];
    const r = (await this.db.execute(sql`
      select key from ${searchDocs} where kind = 'hashtag' and key = any(${textArray(words)})`)) as unknown as Rows<{ key: string }>;
    return r.rows.map((x) => x.key);
  }

  async isEmpty(): Promise<boolean> {
    const r = (await this.db.execute(sql`select exists (select 1 from ${searchDocs}) as any`)) as unknown as Rows<{ any: boolean }>;
    return !r.rows[0]?.any;
  }

  // ------------------------------------------------------------ recent searches

  async remember(id: string, userId: string, q: string, keep: number): Promise<void> {
    await this.db.execute(sql`
      insert into ${recentSearches} (id, user_id, q, at) values (${id}, ${userId}, ${q}, now())
      on conflict (user_id, q) do update set at = now()`);
    await this.db.execute(sql`
      delete from ${recentSearches} where user_id = ${userId} and id not in (
        select id from ${recentSearches} where user_id = ${userId} order by at desc limit ${keep})`);
  }

  recent(userId: string, limit: number) {
    return this.db.select().from(recentSearches).where(eq(recentSearches.userId, userId)).orderBy(desc(recentSearches.at)).limit(limit);
  }

  async clearRecent(userId: string): Promise<void> {
    await this.db.delete(recentSearches).where(eq(recentSearches.userId, userId));
  }

  async deleteRecent(userId: string, id: string): Promise<boolean> {
    const r = await this.db
      .delete(recentSearches)
      .where(and(eq(recentSearches.userId, userId), eq(recentSearches.id, id)))
      .returning({ id: recentSearches.id });
    return r.length > 0;
  }
}
