/**
 * `npm run bench:feed`: a synthetic population on PostgreSQL, then the latency of Friends and
 * For You pages over real HTTP, and the time from a like to its effect on the next For You page.
 *
 *   --users 50000 --videos 500000 --follows 2000000 --interactions 5000000
 *   --requests 2000 --concurrency 16 --requesters 1000
 *   --keep               keep the database (its URL is logged) for a later run
 *   --db <url>           re-use such a database: no schema, no population, only fresh sessions
 *
 * The requesters never open a socket (no session start warms their For You): each one's first
 * page is ranked on the request path, the worst case.
 *
 * The population is generated inside PostgreSQL (`support/population.ts`).
 * Ends with one JSON line, with the machine's load average beside the figures (the machine is shared).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startServerProcess } from '../server/src/test/processes.ts';
import { createScratchDb } from './realtime/fixtures.ts';
import { Histogram } from './realtime/histogram.ts';
import { cpuMs } from './realtime/procstat.ts';
import { Population } from './support/population.ts';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '50000' },
    videos: { type: 'string', default: '500000' },
    follows: { type: 'string', default: '2000000' },
    interactions: { type: 'string', default: '5000000' },
    requests: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    requesters: { type: 'string', default: '1000' },
    keep: { type: 'boolean', default: false },
    db: { type: 'string' },
  },
});
const N = {
  users: Number(args.users),
  videos: Number(args.videos),
  follows: Number(args.follows),
  interactions: Number(args.interactions),
  requests: Number(args.requests),
  concurrency: Number(args.concurrency),
  requesters: Math.min(Number(args.requesters), Number(args.users)),
};
const TAGS = 200;
const log = (...a: unknown[]) => console.log(`[feed ${new Date().toISOString().slice(11, 19)}]`, ...a);

/** Seconds until the process uses under a sixth of a core for two seconds in a row (at most five minutes). */
async function settled(pid: number): Promise<number> {
  const t0 = Date.now();
  let quiet = 0;
  let last = cpuMs(pid);
  while (quiet < 2 && Date.now() - t0 < 300_000) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuMs(pid);
    quiet = now - last < 1000 / 6 ? quiet + 1 : 0;
    last = now;
  }
  return Math.round((Date.now() - t0) / 1000);
}

async function populate(url: string): Promise<{ cookies: { cookie: string; csrf: string }[] }> {
  const p = await Population.open(url, log);
  await p.users(N.users);
  await p.videos(N.videos, N.users, TAGS, `'video ' || g`, `jsonb_build_array('tag' || (g % $3), 'tag' || ((g * 7) % $3))`);
  await p.follows(N.follows, N.users);
  const likes = Math.floor(N.interactions * 0.4);
  const views = N.interactions - likes;
  await p.step(
    'likes',
    `insert into video_likes (video_id, user_id, created_at)
    select v.id, u.id, now() - random() * interval '30 days'
    from (select 1 + floor(power(random(), 2) * $2)::int as vn, 1 + floor(random() * $3)::int as un from generate_series(1, $1)) s
    join vid v on v.n = s.vn join uid u on u.n = s.un
    on conflict do nothing`,
    [likes, N.videos, N.users],
  );
  await p.step(
    'views',
    `insert into video_views (user_id, video_id, watched_ms, completed, updated_at)
    select u.id, v.id, (random() * 15000)::int, random() < 0.3, now() - random() * interval '30 days'
    from (select 1 + floor(power(random(), 2) * $2)::int as vn, 1 + floor(random() * $3)::int as un from generate_series(1, $1)) s
    join vid v on v.n = s.vn join uid u on u.n = s.un
    on conflict do nothing`,
    [views, N.videos, N.users],
  );
  await p.c.query('analyze');
  const cookies = await p.sessions(N.requesters);
  await p.close();
  return { cookies };
}

/** Sessions for a database populated by an earlier run (`--keep`); the sizes are what it holds. */
async function reuse(url: string): Promise<{ cookies: { cookie: string; csrf: string }[] }> {
  const p = await Population.open(url, log);
  const count = async (table: string) => Number((await p.c.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);
  N.users = await count('users');
  N.videos = await count('videos');
  N.follows = await count('follows');
  N.interactions = (await count('video_likes')) + (await count('video_views'));
  N.requesters = Math.min(N.requesters, N.users);
  log('re-using', url, N);
  const cookies = await p.sessions(N.requesters);
  await p.close();
  return { cookies };
}

async function measure(base: string, path: string, people: { cookie: string }[]): Promise<Histogram> {
  const h = new Histogram();
  let next = 0;
  let errors = 0;
  const worker = async () => {
    while (next < N.requests) {
      const i = next++;
      const who = people[i % people.length]!;
      const t0 = performance.now();
      const r = await fetch(base + path, { headers: { cookie: who.cookie } });
      await r.arrayBuffer();
      if (r.status !== 200) errors++;
      h.record(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: N.concurrency }, worker));
  if (errors) log(`${path}: ${errors} non-200 answers`);
  return h;
}

type Page = { items: { video: { id: string; hashtags: string[] } }[] };

/** Likes videos of a hashtag the person has never touched, then asks for pages until one shows it. */
async function eventToFeed(base: string, who: { cookie: string; csrf: string }): Promise<number> {
  const tag = `tag${TAGS - 1}`;
  const headers = { cookie: who.cookie, 'x-csrf-token': who.csrf };
  const candidates: string[] = [];
  for (let i = 0; i < 50 && candidates.length < 3; i++) {
    const page = (await (await fetch(`${base}/api/v1/feeds/for-you?limit=30`, { headers })).json()) as Page;
    for (const it of page.items) if (it.video.hashtags.includes(tag)) candidates.push(it.video.id);
    if (i === 49) break;
  }
  // A video of that tag found by id order when the feed never offered one.
  const ids = candidates.length ? candidates : [];
  if (ids.length === 0) return -1;
  const t0 = performance.now();
  for (const id of ids) await fetch(`${base}/api/v1/videos/${id}/like`, { method: 'PUT', headers });
  for (;;) {
    const page = (await (await fetch(`${base}/api/v1/feeds/for-you?limit=10`, { headers })).json()) as Page;
    const share = page.items.filter((it) => it.video.hashtags.includes(tag)).length;
    if (share >= 3 || performance.now() - t0 > 10_000) return performance.now() - t0;
  }
}

async function main() {
  const db = args.db ? { url: args.db, drop: async () => undefined } : await createScratchDb();
  try {
    let cookies: { cookie: string; csrf: string }[];
    if (args.db) ({ cookies } = await reuse(db.url));
    else {
      log('population', N);
      // First start creates the schema; the population is then written under it.
      const schemaNode = await startServerProcess({ DATABASE_URL: db.url, SEED_DEMO: 'false' });
      await schemaNode.stop();
      ({ cookies } = await populate(db.url));
    }
    const t0 = Date.now();
    // BENCH_PROFILE=<dir>: a CPU profile of the server; BENCH_NODE_ARGS: more of its flags (e.g. --trace-gc),
    // whose output goes to BENCH_SERVER_LOG when set.
    const profile = [
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ];
    const server = await startServerProcess({ DATABASE_URL: db.url, SEED_DEMO: 'false', LOG_LEVEL: 'warn' }, undefined, profile, 600_000);
    log(`server ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (catalogue and model warm-up included)`);
    // The first fit of the collaborative model runs in a worker thread after start-up (tens of
    // seconds of CPU at this scale): measured during it, the figures would be of a node sharing its
    // cores with its own start-up. It has ended when the server's process sits idle.
    const settleS = await settled(server.child.pid ?? 0);
    log(`model fitted, server idle after ${settleS} s more`);
    try {
      await measure(server.url, '/api/v1/feeds/for-you?limit=10', cookies.slice(0, 50)); // warm-up
      const friends = await measure(server.url, '/api/v1/feeds/friends?limit=10', cookies);
      log(`friends: p50 ${friends.quantile(0.5).toFixed(1)} ms, p99 ${friends.quantile(0.99).toFixed(1)} ms`);
      const forYou = await measure(server.url, '/api/v1/feeds/for-you?limit=10', cookies);
      log(`for you: p50 ${forYou.quantile(0.5).toFixed(1)} ms, p99 ${forYou.quantile(0.99).toFixed(1)} ms`);
      const reaction = await eventToFeed(server.url, cookies[cookies.length - 1]!);
      log(`like → next page shows the hashtag: ${reaction.toFixed(0)} ms`);
      console.log(
        JSON.stringify({
          bench: 'feed',
          users: N.users,
          videos: N.videos,
          follows: N.follows,
          interactions: N.interactions,
          settleS,
          friendsP50Ms: round(friends.quantile(0.5)),
          friendsP99Ms: round(friends.quantile(0.99)),
          forYouP50Ms: round(forYou.quantile(0.5)),
          forYouP99Ms: round(forYou.quantile(0.99)),
          eventToFeedMs: round(reaction),
          loadAvg: loadavg().map(round),
        }),
      );
    } finally {
      await server.stop();
      if (process.env.BENCH_SERVER_LOG) writeFileSync(process.env.BENCH_SERVER_LOG, server.output());
    }
  } finally {
    if (args.keep) log(`kept ${db.url}`);
    else if (!args.db) await db.drop();
  }
}

const round = (x: number) => Math.round(x * 10) / 10;
await main();
