/**
 * Flash-sale benchmark: N distinct buyers race a flash sale of S units (per-user limit 1) over
 * real HTTP, twice, on two sales: first closed loop (C buyers in flight, each
 * starting the next when answered: the most the server sustains, attempts/s), then open loop
 * (buyers arriving whatever the server does, as a crowd does, at --rate checkout attempts per second
 * counting their retries: the latency at that rate, counted from when each buyer was due). Every buyer retries once with the same
 * idempotency key (a client that timed out and tries again); then every winner pays. Afterwards
 * the database is read directly to count what really happened in each sale: paid orders, units
 * sold, oversold units, buyers with more than one order, and double charges.
 *
 * The server runs as a child process (`node --import tsx server/src/main.ts`) pinned to core 0
 * (the load generator to core 1, when `taskset` exists), once per mode:
 *   postgres+redis  a throwaway Postgres database (127.0.0.1:5432, user postgres) with REDIS_URL
 *                   set (127.0.0.1:6379, a fresh key prefix): the sale's admission tokens in Redis;
 *   postgres        the same without Redis: the tokens in the server process;
 *   pglite          PGlite in a temp dir, one node: the tokens in the server process.
 * Buyer accounts, sessions and addresses are inserted in bulk before the server starts
 * (argon2 sign-up costs ~20 ms each, which would measure password hashing, not the shop);
 * the session token hash is sha256 of the cookie token, exactly as the accounts module stores it.
 * The seller's product and the flash sale are created through the API.
 *
 * Usage: node --import tsx bench/flash-sale.ts [--buyers 10000] [--stock 100] [--concurrency 500] [--rate 3000]
 *        [--db postgres+redis,pglite]
 * The last line is JSON: the first mode's closed-loop attempts/s and open-loop p99 at the top level
 * (oversold, double charges, per-user violations and retry mismatches summed over every mode and
 * both sales), and each mode's two attacks in `modes`.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { and, eq, inArray, sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase, type Db } from '../server/src/platform/db/client.ts';
import { sessions, users } from '../server/src/modules/accounts/tables.ts';
import { addresses, flashSales, flashStock, orderItems, orders, payments } from '../server/src/modules/shop/tables.ts';
import { newId } from '../server/src/platform/ids.ts';
import { cpuMs } from './realtime/procstat.ts';
import { canPin, freePort, pinProcess, root, sleep, spawnLogged, stopChild } from './support/processes.ts';

const logDir = path.join(root, '.tmp', 'bench-flash-sale');
mkdirSync(logDir, { recursive: true });

const { values: flags } = parseArgs({
  options: {
    buyers: { type: 'string', default: '10000' },
    stock: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '500' },
    rate: { type: 'string', default: '3000' },
    db: { type: 'string', default: 'postgres+redis,pglite' },
    'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    'redis-url': { type: 'string', default: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const BUYERS = Math.max(1, Number(flags.buyers));
const STOCK = Math.max(1, Number(flags.stock));
const C = Math.max(1, Number(flags.concurrency));
const OPEN_RATE = Math.max(1, Number(flags.rate));
type Mode = 'postgres+redis' | 'postgres' | 'pglite';
const MODES: Mode[] = ['postgres+redis', 'postgres', 'pglite'];
const DBS = (flags.db ?? '').split(',').filter((d): d is Mode => (MODES as string[]).includes(d));
const PG_ADMIN = flags['pg-url'];
const REDIS_URL = flags['redis-url'];
const SERVER_CPU = '0';
const GENERATOR_CPU = '1';
const pin = canPin();
const REQUEST_TIMEOUT_MS = 30_000;

interface Buyer {
  id: string;
  cookie: string;
  csrf: string;
  addressId: string;
}

// ---------------------------------------------------------------- HTTP client

// Keep every connection the warm-up opened (the default keeps 256): buyers waiting on the countdown
// page are already connected, and 500 simultaneous new connections would measure the kernel's
// accept queue (dropped SYNs are retried after 1, 3, 7 … s), not the shop.
const agent = new http.Agent({ keepAlive: true, maxSockets: C, maxFreeSockets: C });

function call(
  port: number,
  method: string,
  url: string,
  body: unknown,
  who?: { cookie: string; csrf: string },
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        agent,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          ...(who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {}),
        },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: Record<string, unknown> = {};
          try {
            json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            json = { raw: text };
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
const round = (n: number) => Math.round(n * 10) / 10;

// ---------------------------------------------------------------- fixtures

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Seller and buyers with sessions and addresses, inserted in bulk before the server starts. */
async function insertFixtures(db: Db): Promise<{ seller: Buyer; buyers: Buyer[] }> {
  const started = Date.now();
  const tag = randomBytes(3).toString('hex');
  const make = (handle: string) => ({
    id: newId(),
    handle,
    token: randomBytes(32).toString('base64url'),
    csrf: randomBytes(18).toString('base64url'),
    addressId: newId(),
  });
  const seller = make(`seller_${tag}`);
  const people = [seller, ...Array.from({ length: BUYERS }, (_, i) => make(`b${i}_${tag}`))];
  const expiresAt = new Date(Date.now() + 86_400_000);
  for (let i = 0; i < people.length; i += 1000) {
    const chunk = people.slice(i, i + 1000);
    // Not a usable password hash: these accounts only ever use the session created here.
    await db
      .insert(users)
      .values(chunk.map((p) => ({ id: p.id, handle: p.handle, displayName: p.handle, passwordHash: 'bench-fixture-no-login' })));
    await db.insert(sessions).values(chunk.map((p) => ({ tokenHash: sha256(p.token), userId: p.id, csrfToken: p.csrf, expiresAt })));
    await db.insert(addresses).values(
      chunk.map((p) => ({
        id: p.addressId,
        userId: p.id,
        name: p.handle,
        phone: '13800000000',
        line1: '1 Bench Road',
        city: 'Shanghai',
        country: 'CN',
        isDefault: true,
      })),
    );
  }
  const asBuyer = (p: (typeof people)[number]): Buyer => ({
    id: p.id,
    cookie: `tremolo_sid=${p.token}`,
    csrf: p.csrf,
    addressId: p.addressId,
  });
  console.log(`  fixtures: ${people.length} accounts + sessions + addresses in ${Date.now() - started} ms`);
  return { seller: asBuyer(seller), buyers: people.slice(1).map(asBuyer) };
}

// ---------------------------------------------------------------- server

async function startServer(env: Record<string, string>, logName: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof") go to the server only, not to this load generator.
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const argv = [process.execPath, ...extra, '--import', 'tsx', 'server/src/main.ts'];
  const child = spawnLogged(argv, {
    cpu: SERVER_CPU,
    pin,
    logFile: path.join(logDir, `${logName}.log`),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      // Every virtual buyer shares 127.0.0.1: per-network limits must not be what is measured.
      SHOP_TOUCHES_PER_IP_PER_MIN: '1000000',
      SHOP_CHECKOUTS_PER_USER_PER_MIN: '1000',
      SHOP_PAYS_PER_USER_PER_MIN: '1000',
      ...env,
    },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}; see ${logName}.log`);
    try {
      const r = await call(port, 'GET', '/readyz', undefined);
      if (r.status === 200) return { child, port };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('server did not become ready in 60 s');
    await sleep(200);
  }
}

// ---------------------------------------------------------------- one attack

/**
 * How buyers arrive. `closed`: C buyers in flight at all times, each starting the next as soon as
 * it is answered — the most the server sustains, with latency that is that throughput queued
 * (Little's law: C / rate). `open`: buyers arrive at a fixed rate whatever the server does, as a
 * crowd pressing "buy" does; latency counts from when the buyer was due, so a server (or a load
 * generator) falling behind shows as latency instead of as a slower arrival.
 */
type Arrival = { kind: 'closed'; concurrency: number } | { kind: 'open'; perSec: number };

interface Attack {
  arrival: Arrival;
  saleId: string;
  attempts: number;
  attemptsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** p99 of calls started after the first second (after the rush at the opening). */
  steadyP99Ms: number;
  /** The server process's CPU time (user + system) over the attack, per attempt: what one attempt costs whatever else the machine does. */
  serverCpuUsPerAttempt: number;
  winners: Map<string, { buyer: Buyer; orderId: string }>;
  retryMismatches: number;
  errors5xx: number;
  outcomes: Record<string, number>;
}

/** Each buyer checks out, then retries once with the same key (a client that timed out and tries again). */
async function attack(server: { port: number; pid: number }, saleId: string, buyers: Buyer[], arrival: Arrival): Promise<Attack> {
  const { port } = server;
  const cpuBefore = cpuMs(server.pid);
  const latencies: number[] = [];
  const byOutcome = new Map<string, number[]>();
  const timeline: { start: number; ms: number }[] = [];
  const outcomes: Record<string, number> = {};
  const winners = new Map<string, { buyer: Buyer; orderId: string }>();
  let retryMismatches = 0;
  let errors5xx = 0;
  let lastWinAt = 0;
  const started = performance.now();
  const attempt = async (b: Buyer, k: string, due: number) => {
    let r: { status: number; json: Record<string, unknown> };
    try {
      r = await call(port, 'POST', `/api/v1/shop/flash-sales/${saleId}/checkout`, { addressId: b.addressId, idempotencyKey: k }, b);
    } catch (e) {
      r = { status: 0, json: { error: { code: (e as Error).message } } };
    }
    const ms = performance.now() - due;
    latencies.push(ms);
    timeline.push({ start: due, ms });
    const code = r.status === 201 ? 'created' : ((r.json.error as { code?: string } | undefined)?.code ?? String(r.status));
    byOutcome.set(code, [...(byOutcome.get(code) ?? []), ms]);
    if (code === 'created') lastWinAt = Math.max(lastWinAt, performance.now() - started);
    outcomes[code] = (outcomes[code] ?? 0) + 1;
    if (r.status >= 500 || r.status === 0) errors5xx++;
    return r.status === 201 ? (r.json.id as string) : null;
  };
  const buyer = async (b: Buyer, due: number) => {
    const k = `flash-${saleId}-${b.id}`;
    const first = await attempt(b, k, due);
    const retry = await attempt(b, k, performance.now());
    if (first && retry && first !== retry) retryMismatches++;
    if (first && !retry) retryMismatches++;
    const won = first ?? retry;
    if (won) winners.set(b.id, { buyer: b, orderId: won });
  };
  if (arrival.kind === 'closed') {
    await pool(buyers, arrival.concurrency, (b) => buyer(b, performance.now()));
  } else {
    // The rate counts attempts: each buyer arriving makes two (the checkout and its retry).
    const gap = 2000 / arrival.perSec;
    const running: Promise<void>[] = [];
    for (let i = 0; i < buyers.length; ) {
      const now = performance.now();
      // Everyone due by now starts now, stamped with when they were due.
      while (i < buyers.length && started + i * gap <= now) {
        running.push(buyer(buyers[i]!, started + i * gap));
        i++;
      }
      if (i < buyers.length) await sleep(Math.max(0, Math.min(5, started + i * gap - performance.now())));
    }
    await Promise.all(running);
  }
  const elapsed = (performance.now() - started) / 1000;
  const serverCpuUsPerAttempt = Math.round(((cpuMs(server.pid) - cpuBefore) * 1000) / latencies.length);
  latencies.sort((a, b) => a - b);
  for (const [code, ls] of byOutcome) {
    ls.sort((a, b) => a - b);
    console.log(`  ${code}: n=${ls.length} p50 ${round(pct(ls, 50))} ms p99 ${round(pct(ls, 99))} ms`);
  }
  // Where the tail is: the first second (the sale opens, winners serialise on one row) against the rest.
  const early = timeline
    .filter((x) => x.start - started < 1000)
    .map((x) => x.ms)
    .sort((a, b) => a - b);
  const later = timeline
    .filter((x) => x.start - started >= 1000)
    .map((x) => x.ms)
    .sort((a, b) => a - b);
  const steadyP99Ms = round(pct(later, 99));
  console.log(
    `  started in the first second: n=${early.length} p99 ${round(pct(early, 99))} ms; after: n=${later.length} p50 ${round(pct(later, 50))} ms p99 ${steadyP99Ms} ms`,
  );
  console.log(`  the last winning response (first call or its retry) came ${Math.round(lastWinAt)} ms after the sale opened`);
  console.log(
    `  ${latencies.length} checkout calls in ${elapsed.toFixed(2)} s; outcomes ${JSON.stringify(outcomes)}; winners ${winners.size}`,
  );
  console.log(
    `  server CPU ${serverCpuUsPerAttempt} µs per attempt: ${Math.round(1e6 / serverCpuUsPerAttempt)} attempts/s on a core of its own`,
  );
  return {
    arrival,
    serverCpuUsPerAttempt,
    saleId,
    attempts: latencies.length,
    attemptsPerSec: Math.round(latencies.length / elapsed),
    p50Ms: round(pct(latencies, 50)),
    p99Ms: round(pct(latencies, 99)),
    maxMs: round(latencies[latencies.length - 1] ?? 0),
    steadyP99Ms,
    winners,
    retryMismatches,
    errors5xx,
    outcomes,
  };
}

interface Truth {
  paidOrders: number;
  unitsSold: number;
  oversold: number;
  perUserViolations: number;
  doubleCharged: number;
}

/** The truth is in the database: count what one sale really did there. */
async function checkSale(db: Db, saleId: string): Promise<Truth> {
  const [sale] = await db.select().from(flashSales).where(eq(flashSales.id, saleId));
  const held = await db
    .select({
      status: orders.status,
      n: sql<number>`count(distinct ${orders.id})::int`,
      units: sql<number>`coalesce(sum(${orderItems.quantity}), 0)::int`,
    })
    .from(orders)
    .innerJoin(orderItems, eq(orderItems.orderId, orders.id))
    .where(eq(orders.flashSaleId, saleId))
    .groupBy(orders.status);
  const paidRow = held.find((h) => h.status === 'paid');
  const holding = held.filter((h) => h.status === 'paid' || h.status === 'pending_payment').reduce((s, h) => s + h.units, 0);
  const perUser = await db
    .select({ buyer: orders.buyerId, n: sql<number>`count(*)::int` })
    .from(orders)
    .where(and(eq(orders.flashSaleId, saleId), inArray(orders.status, ['paid', 'pending_payment'])))
    .groupBy(orders.buyerId)
    .having(sql`count(*) > 1`);
  const multiCharged = await db
    .select({ order: payments.orderId })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(and(eq(orders.flashSaleId, saleId), inArray(payments.status, ['captured', 'refunded'])))
    .groupBy(payments.orderId)
    .having(sql`count(*) > 1`);
  const wrongAmount = await db
    .select({ id: payments.id })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(and(eq(orders.flashSaleId, saleId), eq(payments.status, 'captured'), sql`${payments.amount} <> ${orders.total}`));
  const stockTotal = sale?.stockTotal ?? STOCK;
  // Units still on sale (the sale's stock buckets) plus units held by orders must be exactly the sale's stock.
  const [buckets] = await db
    .select({
      left: sql<number>`coalesce(sum(${flashStock.units}), 0)::int`,
      negative: sql<number>`count(*) filter (where ${flashStock.units} < 0)::int`,
    })
    .from(flashStock)
    .where(eq(flashStock.flashSaleId, saleId));
  const left = buckets?.left ?? 0;
  return {
    paidOrders: paidRow?.n ?? 0,
    unitsSold: paidRow?.units ?? 0,
    oversold: Math.max(0, holding - stockTotal) + Math.abs(left + holding - stockTotal) + (buckets?.negative ?? 0),
    perUserViolations: perUser.length,
    doubleCharged: multiCharged.length + wrongAmount.length,
  };
}

// ---------------------------------------------------------------- one run

interface Figures extends Truth {
  attempts: number;
  serverCpuUsPerAttempt: number;
  attemptsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  steadyP99Ms: number;
  winners: number;
  retryMismatches: number;
  errors5xx: number;
  outcomes: Record<string, number>;
}

interface Result {
  db: Mode;
  /** C buyers in flight: what the server sustains. */
  closed: Figures;
  /** Buyers arriving for OPEN_RATE attempts per second: the latency a crowd arriving at that rate gets. */
  open: Figures & { offeredPerSec: number };
  payP99Ms: number;
  /** Requests/s of a trivial authenticated GET at the same concurrency, measured just before: what the machine gives now. */
  baselinePerSec: number;
}

async function run(kind: Mode): Promise<Result> {
  console.log(`\n=== ${kind}: ${BUYERS} buyers, ${STOCK} units, concurrency ${C}, then arriving for ${OPEN_RATE} attempts/s ===`);
  let env: Record<string, string>;
  let openDb: () => Promise<{ db: Db; close: () => Promise<void> }>;
  let cleanup: () => Promise<void>;
  if (kind !== 'pglite') {
    const name = `tremolo_bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(PG_ADMIN);
    url.pathname = `/${name}`;
    env = { DATABASE_URL: url.toString() };
    Object.assign(env, kind === 'postgres+redis' ? { REDIS_URL, REDIS_PREFIX: `bench-${name}` } : { REDIS_URL: '' });
    openDb = async () => {
      const d = await openDatabase({ databaseUrl: url.toString(), dataDir: 'unused' });
      return { db: d.db, close: () => d.close() };
    };
    cleanup = async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tremolo-bench-'));
    env = { DATA_DIR: dir, DATABASE_URL: '', REDIS_URL: '' };
    openDb = async () => {
      const d = await openDatabase({ dataDir: dir });
      return { db: d.db, close: () => d.close() };
    };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }

  try {
    // PGlite lives inside the server process, so fixtures go in before it starts (for both, alike).
    const fx = await openDb();
    const { seller, buyers } = await insertFixtures(fx.db);
    await fx.close();
    const server = await startServer(env, kind);
    const { port } = server;
    const api = { port, pid: server.child.pid ?? 0 };
    let closed: Attack;
    let open: Attack;
    let baselinePerSec = 0;
    let payP99Ms = 0;
    try {
      // Two sales (a product has one at a time), one after the other: the same buyers race each.
      const newSale = async () => {
        const product = await call(
          port,
          'POST',
          '/api/v1/shop/products',
          { title: 'Bench sneaker', variants: [{ sku: 'SNK-42', price: 59900, stock: STOCK * 10 }] },
          seller,
        );
        if (product.status !== 201) throw new Error(`create product: ${product.status} ${JSON.stringify(product.json)}`);
        const productId = product.json.id as string;
        const variantId = (product.json.variants as { id: string }[])[0]!.id;
        await call(port, 'POST', `/api/v1/shop/products/${productId}/publish`, undefined, seller);
        const sale = await call(
          port,
          'POST',
          '/api/v1/shop/flash-sales',
          {
            variantId,
            price: 9900,
            stock: STOCK,
            perUserLimit: 1,
            startsAt: new Date().toISOString(),
            endsAt: new Date(Date.now() + 20 * 60_000).toISOString(),
            paymentWindowSec: 600,
          },
          seller,
        );
        if (sale.status !== 201) throw new Error(`create flash sale: ${sale.status} ${JSON.stringify(sale.json)}`);
        return sale.json.id as string;
      };

      // Baseline on this machine right now: an authenticated call that does one session lookup and one small query.
      const baseStart = performance.now();
      const sample = buyers.slice(0, Math.min(buyers.length, 4000));
      // A timed-out baseline call (a loaded machine) is counted, not fatal.
      await pool(sample, C, async (b) => void (await call(port, 'GET', '/api/v1/shop/addresses', undefined, b).catch(() => null)));
      baselinePerSec = Math.round(sample.length / ((performance.now() - baseStart) / 1000));
      console.log(`  baseline: GET /api/v1/shop/addresses ${baselinePerSec} req/s at concurrency ${C}`);

      console.log(`  closed loop, ${C} in flight:`);
      closed = await attack(api, await newSale(), buyers, { kind: 'closed', concurrency: C });
      console.log(`  open loop, buyers arriving for ${OPEN_RATE} attempts per second:`);
      open = await attack(api, await newSale(), buyers, { kind: 'open', perSec: OPEN_RATE });

      // Every winner pays.
      const payLat: number[] = [];
      const payOutcomes: Record<string, number> = {};
      const toPay = [...closed.winners.values(), ...open.winners.values()];
      await pool(toPay, C, async ({ buyer, orderId }) => {
        const t0 = performance.now();
        const r = await call(
          port,
          'POST',
          `/api/v1/shop/orders/${orderId}/pay`,
          { paymentMethod: { type: 'card', number: '4242424242424242' }, idempotencyKey: `pay-${orderId}` },
          buyer,
        );
        payLat.push(performance.now() - t0);
        const code =
          r.status === 200
            ? (r.json.order as { status: string }).status
            : ((r.json.error as { code?: string } | undefined)?.code ?? String(r.status));
        payOutcomes[code] = (payOutcomes[code] ?? 0) + 1;
      });
      payLat.sort((a, b) => a - b);
      payP99Ms = round(pct(payLat, 99));
      console.log(`  pay: ${payLat.length} payments; outcomes ${JSON.stringify(payOutcomes)}; p99 ${payP99Ms} ms`);
    } finally {
      await stopChild(server.child, 15_000);
    }

    const check = await openDb();
    try {
      const figures = async (a: Attack): Promise<Figures> => ({
        attempts: a.attempts,
        serverCpuUsPerAttempt: a.serverCpuUsPerAttempt,
        attemptsPerSec: a.attemptsPerSec,
        p50Ms: a.p50Ms,
        p99Ms: a.p99Ms,
        maxMs: a.maxMs,
        steadyP99Ms: a.steadyP99Ms,
        winners: a.winners.size,
        retryMismatches: a.retryMismatches,
        errors5xx: a.errors5xx,
        outcomes: a.outcomes,
        ...(await checkSale(check.db, a.saleId)),
      });
      return {
        db: kind,
        closed: await figures(closed),
        open: { offeredPerSec: OPEN_RATE, ...(await figures(open)) },
        payP99Ms,
        baselinePerSec,
      };
    } finally {
      await check.close();
    }
  } finally {
    await cleanup();
  }
}

if (pin) pinProcess(process.pid, GENERATOR_CPU);
console.log(
  `flash sale: modes ${DBS.join(', ')}; server on core ${SERVER_CPU}, load generator on core ${GENERATOR_CPU}: ${pin ? 'pinned' : 'not pinned'}`,
);
const results: Result[] = [];
const say = (f: Figures) =>
  `${f.attemptsPerSec} attempts/s, p50 ${f.p50Ms} ms p99 ${f.p99Ms} ms (max ${f.maxMs}); paid ${f.paidOrders}, units sold ${f.unitsSold}, ` +
  `oversold ${f.oversold}, per-user violations ${f.perUserViolations}, double charges ${f.doubleCharged}, retry mismatches ${f.retryMismatches}, 5xx ${f.errors5xx}`;
for (const kind of DBS) {
  const r = await run(kind);
  results.push(r);
  console.log(`  ${kind} closed loop (${C} in flight): ${say(r.closed)}`);
  console.log(`  ${kind} open loop (${OPEN_RATE}/s offered): ${say(r.open)}`);
}
agent.destroy();
const brief = (f: Figures) => {
  const { outcomes: _outcomes, ...rest } = f;
  return rest;
};
const head = results[0];
const sum = (k: 'oversold' | 'doubleCharged' | 'perUserViolations' | 'retryMismatches') =>
  results.reduce((n, r) => n + r.closed[k] + r.open[k], 0);
console.log('');
console.log(
  JSON.stringify({
    bench: 'flash-sale',
    db: head?.db ?? null,
    buyers: BUYERS,
    stock: STOCK,
    concurrency: C,
    // The goal's two figures: what the server sustains, and the latency of a crowd arriving at the goal's rate.
    attemptsPerSec: head?.closed.attemptsPerSec ?? 0,
    p99Ms: head?.open.p99Ms ?? 0,
    openLoopPerSec: OPEN_RATE,
    closedP99Ms: head?.closed.p99Ms ?? 0,
    serverCpuUsPerAttempt: head?.closed.serverCpuUsPerAttempt ?? 0,
    paidOrders: head ? head.closed.paidOrders + head.open.paidOrders : 0,
    oversold: sum('oversold'),
    doubleCharged: sum('doubleCharged'),
    perUserViolations: sum('perUserViolations'),
    retryMismatches: sum('retryMismatches'),
    baselinePerSec: head?.baselinePerSec ?? 0,
    pinned: pin,
    modes: Object.fromEntries(
      results.map((r) => [r.db, { closed: brief(r.closed), open: brief(r.open), payP99Ms: r.payP99Ms, baselinePerSec: r.baselinePerSec }]),
    ),
  }),
);
