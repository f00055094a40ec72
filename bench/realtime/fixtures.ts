/**
 * A throwaway Postgres database for the Tremolo server under test, and its accounts.
 * Signing 5000 people up over HTTP would spend minutes in argon2, so the subscriber accounts
 * and their sessions are written straight into the tables the server reads on the upgrade:
 * the same rows a signup produces (one shared password hash), the same cookie a browser sends.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { hash } from '@node-rs/argon2';

export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SESSION_COOKIE = 'tremolo_sid';

export interface ScratchDb {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createScratchDb(): Promise<ScratchDb> {
  const name = `tremolo_bench_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/** Server process ids of the Postgres backends serving one database (for their CPU time). */
export async function backendPids(dbName: string): Promise<number[]> {
  return admin(async (c) => {
    const r = await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [dbName]);
    return r.rows.map((row) => row.pid);
  });
}

export interface Accounts {
  creatorId: string;
  creatorCookie: string;
  subscriberCookies: string[];
}

/** Inserts the creator and `count` subscribers with live sessions; the schema must exist already. */
export async function insertAccounts(url: string, count: number): Promise<Accounts> {
  const passwordHash = await hash('bench password, never used to log in');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const expires = new Date(Date.now() + 86_400_000);
    const make = (handle: string) => {
      const id = randomUUID();
      const token = randomBytes(32).toString('base64url');
      return {
        id,
        handle,
        token,
        tokenHash: createHash('sha256').update(token).digest('hex'),
        csrf: randomBytes(18).toString('base64url'),
      };
    };
    const creator = make('bench_creator');
    const people = [creator, ...Array.from({ length: count }, (_, i) => make(`bench_fan_${i}`))];
    for (let at = 0; at < people.length; at += 5000) {
      const chunk = people.slice(at, at + 5000);
      await c.query(
        `insert into users (id, handle, display_name, password_hash)
         select id, handle, handle, $3 from unnest($1::uuid[], $2::text[]) as t(id, handle)`,
        [chunk.map((p) => p.id), chunk.map((p) => p.handle), passwordHash],
      );
      await c.query(
        `insert into sessions (token_hash, user_id, csrf_token, expires_at)
         select h, u, t, $4 from unnest($1::text[], $2::uuid[], $3::text[]) as x(h, u, t)`,
        [chunk.map((p) => p.tokenHash), chunk.map((p) => p.id), chunk.map((p) => p.csrf), expires],
      );
    }
    const cookie = (token: string) => `${SESSION_COOKIE}=${token}`;
    return {
      creatorId: creator.id,
      creatorCookie: cookie(creator.token),
      subscriberCookies: people.slice(1).map((p) => cookie(p.token)),
    };
  } finally {
    await c.end();
  }
}
