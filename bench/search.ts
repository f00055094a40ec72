/**
 * `npm run bench:search`: the bench:feed population (users, videos in SQL) plus products with
 * Chinese and English titles, indexed by the server at start (an empty index is rebuilt), then
 * suggestions and full searches over real HTTP under concurrency, and recall@10 of known items
 * searched by a part of their title in either language.
 *
 *   --users 50000 --videos 500000 --products 50000 --requests 1000 --concurrency 16 --queries 400
 *
 * Ends with one JSON line.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startServerProcess } from '../server/src/test/processes.ts';
import { backendPids, createScratchDb } from './realtime/fixtures.ts';
import { Histogram } from './realtime/histogram.ts';
import { cpuMs } from './realtime/procstat.ts';
import { Population } from './support/population.ts';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '50000' },
    videos: { type: 'string', default: '500000' },
    products: { type: 'string', default: '50000' },
    follows: { type: 'string', default: '500000' },
    requests: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
    queries: { type: 'string', default: '400' },
    keep: { type: 'boolean', default: false },
    /** A database a `--keep` run left behind: its population (and index) is measured again, not rebuilt. */
    db: { type: 'string' },
  },
});
const TAGS = 200;
const N = {
  users: Number(args.users),
  videos: Number(args.videos),
  products: Number(args.products),
  follows: Number(args.follows),
  requests: Number(args.requests),
  concurrency: Number(args.concurrency),
  queries: Number(args.queries),
};
const log = (...a: unknown[]) => console.log(`[search ${new Date().toISOString().slice(11, 19)}]`, ...a);

/** Deterministic vocabularies: 2,000 two-character Chinese words and 2,000 pronounceable English-looking words. */
function vocab(): { zh: string[]; en: string[] } {
  const hanzi =
    '口红试色面霜精华眼影腮红防晒粉底卸妆香水裙子外套衬衫鞋包帽手表耳环项链咖啡奶茶蛋糕火锅烧烤面条米饭旅行海边山景城市夜景健身跑步瑜伽篮球足球猫狗宠物花园植物手机电脑耳机相机游戏音乐舞蹈绘画读书电影厨房家居灯具沙发被子枕头杯子碗筷'.split(
      '',
    );
  const zh = new Set<string>();
  let a = 7;
  while (zh.size < 2000) {
    a = (a * 1103515245 + 12345) % 2147483648;
    zh.add(hanzi[a % hanzi.length]! + hanzi[Math.floor(a / 977) % hanzi.length]!);
  }
  const on = ['b', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'd', 'g', 'f'];
  const nu = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
  const en = new Set<string>();
  let b = 11;
  while (en.size < 2000) {
    let w = '';
    for (let i = 0; i < 3; i++) {
      b = (b * 1103515245 + 12345) % 2147483648;
      w += on[b % on.length]! + nu[Math.floor(b / 131) % nu.length]!;
    }
    en.add(w);
  }
  return { zh: [...zh], en: [...en] };
}

async function populate(url: string): Promise<void> {
  const p = await Population.open(url, log);
  const { zh, en } = vocab();
  await p.users(
    N.users,
    `case when g % 2 = 0 then ($2::text[])[1 + g % 2000] || ($2::text[])[1 + (g * 7) % 2000] else initcap(($3::text[])[1 + g % 2000]) || ' ' || g end`,
    [zh, en],
  );
  // A title of three Chinese words and three English words: "口红试色面霜 vobale kinuta sorive".
  const title = (g: string) =>
    `($4::text[])[1 + floor(random() * 2000)::int] || ($4::text[])[1 + floor(random() * 2000)::int] || ($4::text[])[1 + floor(random() * 2000)::int]
      || ' ' || ($5::text[])[1 + floor(random() * 2000)::int] || ' ' || ($5::text[])[1 + floor(random() * 2000)::int] || ' ' || ($5::text[])[1 + floor(random() * 2000)::int] || ' ' || ${g}`;
  await p.videos(N.videos, N.users, TAGS, title(`'#tag' || (g % $3)`), `jsonb_build_array('tag' || (g % $3))`, [zh, en]);
  await p.follows(N.follows, N.users);
  // Sellers are the first tenth of the people.
  await p.step(
    'products',
    `insert into shop_products (id, seller_id, title, description, currency, status, created_at, updated_at)
    select bench_uuid7(ts), u.id, ${title("''")}, '', 'CNY', 'published', ts, ts
    from (select g, now() - random() * interval '60 days' as ts, 1 + (g * 13) % $2 + $3::int as a from generate_series(1, $1) g) s
    join uid u on u.n = s.a`,
    [N.products, Math.max(1, Math.floor(N.users / 10)), 0, zh, en],
  );
  await p.step(
    'variants',
    `insert into shop_variants (id, product_id, sku, price, stock) select bench_uuid7(now()), id, 'SKU', 100 + floor(random() * 50000)::int, floor(random() * 20)::int from shop_products`,
  );
  // What autovacuum would have done on a live system: without visibility maps, counting a popular
  // person's followers reads every row from the heap rather than only the index.
  await p.step('vacuum analyze', 'vacuum analyze');
  await p.close();
}

async function sessions(url: string): Promise<{ cookie: string }[]> {
  const p = await Population.open(url, log);
  const made = await p.sessions(500);
  await p.close();
  return made;
}

interface KnownItem {
  id: string;
  tab: 'videos' | 'products';
  q: string;
  prefix: string;
}

/** Known items and the part of their title to search by: two Chinese words run together, or two English words. */
async function knownItems(url: string): Promise<KnownItem[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const half = Math.floor(N.queries / 2);
  const v = await c.query<{ id: string; t: string }>(
    `select id, caption as t from videos where visibility = 'public' order by random() limit $1`,
    [half],
  );
  const p = await c.query<{ id: string; t: string }>('select id, title as t from shop_products order by random() limit $1', [
    N.queries - half,
  ]);
  await c.end();
  const items: KnownItem[] = [];
  const make = (id: string, t: string, tab: KnownItem['tab'], i: number) => {
    const [cn = '', e1 = '', e2 = '', e3 = ''] = t.split(' ');
    const chars = [...cn];
    if (i % 2 === 0) items.push({ id, tab, q: chars.slice(2, 6).join(''), prefix: chars.slice(0, 2).join('') });
    else items.push({ id, tab, q: i % 4 === 1 ? `${e1} ${e2}` : `${e2} ${e3}`, prefix: e1.slice(0, 4) });
  };
  v.rows.forEach((r, i) => make(r.id, r.t, 'videos', i));
  p.rows.forEach((r, i) => make(r.id, r.t, 'products', i));
  return items;
}

async function run<T>(n: number, fn: (i: number) => Promise<T>): Promise<{ h: Histogram; results: T[] }> {
  const h = new Histogram();
  const results: T[] = new Array<T>(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const t0 = performance.now();
      results[i] = await fn(i);
      h.record(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: N.concurrency }, worker));
  return { h, results };
}

async function main() {
  log(
    'population',
    N,
    'load average',
    loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
  );
  const db = args.db ? { url: args.db, drop: async () => undefined } : await createScratchDb();
  try {
    if (!args.db) {
      const schemaNode = await startServerProcess({ DATABASE_URL: db.url, SEED_DEMO: 'false' });
      await schemaNode.stop();
      await populate(db.url);
    }
    const cookies = await sessions(db.url);
    const items = await knownItems(db.url);
    const t0 = Date.now();
    const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const server = await startServerProcess({ DATABASE_URL: db.url, SEED_DEMO: 'false', LOG_LEVEL: 'warn' }, undefined, profile, 1_800_000);
    log(`server ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (the search index built from scratch included)`);
    try {
      let errors = 0;
      const get = async (path: string, i: number) => {
        const r = await fetch(server.url + path, { headers: { cookie: cookies[i % cookies.length]!.cookie } });
        if (r.status !== 200) errors++;
        return r.status === 200 ? ((await r.json()) as Record<string, unknown>) : (await r.arrayBuffer(), null);
      };
      await run(50, (i) => get(`/api/v1/search?q=${encodeURIComponent(items[i % items.length]!.q)}&tab=top`, i)); // warm-up
      // CPU spent per request by the server and by its database backends: on a shared machine the
      // latencies say how long a request waited, these say how much work it was.
      const dbName = new URL(db.url).pathname.slice(1);
      const cpu = async () => {
        const pids = await backendPids(dbName);
        return { server: cpuMs(server.child.pid ?? 0), db: pids.reduce((a, pid) => a + cpuMs(pid), 0) };
      };
      const perRequest = (a: { server: number; db: number }, b: { server: number; db: number }, n: number) => ({
        server: round((b.server - a.server) / n),
        db: round((b.db - a.db) / n),
      });
      const c0 = await cpu();
      const suggest = await run(N.requests, (i) =>
        get(`/api/v1/search/suggest?q=${encodeURIComponent(items[i % items.length]!.prefix)}`, i),
      );
      const c1 = await cpu();
      const suggestCpu = perRequest(c0, c1, N.requests);
      log(
        `suggest: p50 ${suggest.h.quantile(0.5).toFixed(1)} ms, p99 ${suggest.h.quantile(0.99).toFixed(1)} ms; CPU per request: server ${suggestCpu.server} ms, database ${suggestCpu.db} ms`,
      );
      const query = await run(N.requests, (i) => {
        const it = items[i % items.length]!;
        return get(`/api/v1/search?q=${encodeURIComponent(it.q)}&tab=${i % 3 === 0 ? 'top' : it.tab}&limit=10`, i);
      });
      const queryCpu = perRequest(c1, await cpu(), N.requests);
      log(
        `query: p50 ${query.h.quantile(0.5).toFixed(1)} ms, p99 ${query.h.quantile(0.99).toFixed(1)} ms; CPU per request: server ${queryCpu.server} ms, database ${queryCpu.db} ms`,
      );
      const recall = await run(items.length, async (i) => {
        const it = items[i]!;
        const body = await get(`/api/v1/search?q=${encodeURIComponent(it.q)}&tab=${it.tab}&limit=10`, i);
        const list = (body?.[it.tab] ?? []) as { id: string }[];
        return list.some((x) => x.id === it.id);
      });
      const hits = recall.results.filter(Boolean).length;
      const byLang = (zh: boolean) => {
        const xs = items.map((it, i) => ({ zh: /\p{Script=Han}/u.test(it.q), ok: recall.results[i] })).filter((x) => x.zh === zh);
        return xs.filter((x) => x.ok).length / Math.max(1, xs.length);
      };
      log(
        `recall@10: ${(hits / items.length).toFixed(3)} (Chinese ${byLang(true).toFixed(3)}, English ${byLang(false).toFixed(3)}); errors ${errors}`,
      );
      console.log(
        JSON.stringify({
          bench: 'search',
          users: N.users,
          videos: N.videos,
          products: N.products,
          suggestP50Ms: round(suggest.h.quantile(0.5)),
          suggestP99Ms: round(suggest.h.quantile(0.99)),
          queryP50Ms: round(query.h.quantile(0.5)),
          queryP99Ms: round(query.h.quantile(0.99)),
          recallAt10: Math.round((hits / items.length) * 1000) / 1000,
          suggestServerCpuMs: suggestCpu.server,
          suggestDbCpuMs: suggestCpu.db,
          queryServerCpuMs: queryCpu.server,
          queryDbCpuMs: queryCpu.db,
          loadAverage: round(loadavg()[0]!),
        }),
      );
    } finally {
      await server.stop();
    }
  } finally {
    if (args.keep) log(`kept ${db.url}`);
    else await db.drop();
  }
}

const round = (x: number) => Math.round(x * 10) / 10;
await main();
