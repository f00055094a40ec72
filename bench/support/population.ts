import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A synthetic population written inside PostgreSQL (generate_series, one statement per table),
 * which is how a few million rows are made in a minute rather than an hour of round trips. The
 * feed and search benchmarks share it: the same people, creators skewed the same way, the same
 * follow graph and sessions, so their figures describe the same social network.
 */
export class Population {
  private constructor(
    readonly c: pg.Client,
    private readonly log: (...a: unknown[]) => void,
  ) {}

  static async open(url: string, log: (...a: unknown[]) => void): Promise<Population> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    // Time-ordered ids like the app's UUIDv7, so keyset pages and "newest" behave as in production.
    await c.query(`create or replace function bench_uuid7(ts timestamptz) returns uuid language sql volatile as $$
      select (lpad(to_hex((extract(epoch from ts) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
              || '8' || substr(md5(random()::text), 1, 15))::uuid $$`);
    return new Population(c, log);
  }

  /** One timed statement. */
  async step(name: string, text: string, params: unknown[] = []): Promise<void> {
    const t0 = Date.now();
    const r = await this.c.query(text, params);
    this.log(`${name}: ${r.rowCount ?? 0} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  /**
   * `n` people `u1`…`un`, and a temp table `uid(n, id)` numbering them for the joins below.
   * `displayName` is an SQL expression over `g` (the person's number); its extra parameters are `$2`….
   */
  async users(n: number, displayName = `'User ' || g`, params: unknown[] = []): Promise<void> {
    await this.step(
      'users',
      `insert into users (id, handle, display_name, password_hash)
      select bench_uuid7(now() - interval '60 days' + g * interval '1 second'), 'u' || g, ${displayName}, 'x' from generate_series(1, $1) g`,
      [n, ...params],
    );
    await this.numbered('uid', 'users');
  }

  /**
   * `n` ready videos; a tenth are friends-only. Creators are skewed: a few have most of the videos
   * (cube of a uniform draw). `caption` and `hashtags` (a jsonb array) are SQL over `g`; their extra
   * parameters are `$4`…. Leaves a temp table `vid(n, id)`.
   */
  async videos(n: number, users: number, tags: number, caption: string, hashtags: string, params: unknown[] = []): Promise<void> {
    await this.step(
      'videos',
      `insert into videos (id, author_id, caption, hashtags, visibility, status, duration_ms, width, height, video_key, poster_key, created_at)
      select bench_uuid7(ts), u.id, ${caption}, ${hashtags},
        case when g % 10 = 0 then 'friends' else 'public' end, 'ready', 15000, 720, 1280, 'none', 'none', ts
      from (select g, now() - random() * interval '30 days' as ts, 1 + floor(power(random(), 3) * $2)::int as a from generate_series(1, $1) g) s
      join uid u on u.n = s.a`,
      [n, users, tags, ...params],
    );
    await this.numbered('vid', 'videos');
  }

  /** `n` follow edges drawn at random, followees skewed toward the first people (square of a uniform draw). */
  async follows(n: number, users: number): Promise<void> {
    await this.step(
      'follows',
      `insert into follows (id, follower_id, followee_id, created_at)
      select bench_uuid7(now() - random() * interval '30 days'), a.id, b.id, now()
      from (select 1 + floor(random() * $2)::int as x, 1 + floor(power(random(), 2) * $2)::int as y from generate_series(1, $1)) s
      join uid a on a.n = s.x join uid b on b.n = s.y where a.id <> b.id
      on conflict do nothing`,
      [n, users],
    );
  }

  /** Sessions for `count` random people, exactly as a login would store them. */
  async sessions(count: number): Promise<{ id: string; cookie: string; csrf: string }[]> {
    const requesters = await this.c.query<{ id: string }>('select id from users order by random() limit $1', [count]);
    const made = requesters.rows.map((r) => {
      const token = randomBytes(32).toString('base64url');
      return { id: r.id, token, hash: createHash('sha256').update(token).digest('hex'), csrf: randomBytes(12).toString('base64url') };
    });
    await this.c.query(
      `insert into sessions (token_hash, user_id, csrf_token, expires_at) select h, u, t, now() + interval '1 day'
       from unnest($1::text[], $2::uuid[], $3::text[]) as x(h, u, t)`,
      [made.map((x) => x.hash), made.map((x) => x.id), made.map((x) => x.csrf)],
    );
    return made.map((x) => ({ id: x.id, cookie: `tremolo_sid=${x.token}`, csrf: x.csrf }));
  }

  async close(): Promise<void> {
    await this.c.end();
  }

  private async numbered(name: string, table: string): Promise<void> {
    await this.c.query(`create temp table ${name} as select row_number() over (order by id) as n, id from ${table}`);
    await this.c.query(`create index on ${name} (n)`);
    await this.c.query(`analyze ${name}`);
  }
}
