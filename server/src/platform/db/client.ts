import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import pg from 'pg';

/**
 * The one database type modules see, whichever driver is underneath. Modules query their own
 * tables with the query builder, so the platform needs no schema (and so knows no module).
 */
export type Db = PgDatabase<PgQueryResultHKT>;
/** A transaction as `db.transaction` hands it out. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything queries can run on: the database or an open transaction. */
export type Queryable = Db | Tx;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The embedded database itself, for a library that speaks to it directly (the job queue); null on PostgreSQL. */
  pglite: PGlite | null;
  /**
   * Runs `fn` while holding a named lock that every node sharing the database respects (a
   * PostgreSQL session advisory lock on a connection of its own): start-up work such as demo
   * seeding runs on one node at a time, and the next one finds it done. PGlite is one process,
   * so there it simply runs.
   */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const MIGRATION_LOCK = 727_001;
const migrationsFolder = path.resolve(import.meta.dirname, '../../../drizzle');

/** Opens PGlite (embedded, default) or Postgres (DATABASE_URL) and applies migrations. */
export async function openDatabase(opts: { databaseUrl?: string | undefined; dataDir: string; poolSize?: number }): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 20 });
    // An idle connection dropped by the server (restart, failover) is replaced on next use, not fatal.
    pool.on('error', (err) => process.emitWarning(`postgres idle client error: ${err.message}`));
    const db = drizzlePg(pool) as unknown as Db;
    // Several nodes may start at once against one database: migrate under an advisory lock.
    const conn = await pool.connect();
    try {
      await conn.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await migratePg(drizzlePg(conn), { migrationsFolder });
    } finally {
      await conn.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      conn.release();
    }
    return {
      db,
      kind: 'postgres',
      pglite: null,
      exclusive: async (name, fn) => {
        const c = await pool.connect();
        try {
          await c.query('select pg_advisory_lock(hashtextextended($1, 0))', [`exclusive:${name}`]);
          return await fn();
        } finally {
          await c.query('select pg_advisory_unlock(hashtextextended($1, 0))', [`exclusive:${name}`]).catch(() => undefined);
          c.release();
        }
      },
      ping: async () => void (await pool.query('select 1')),
      close: () => pool.end(),
    };
  }
  const dir = opts.dataDir.startsWith('memory://') ? opts.dataDir : path.join(opts.dataDir, 'pglite');
  if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir);
  const pgliteDb = drizzlePglite(client);
  await migratePglite(pgliteDb, { migrationsFolder });
  return {
    db: pgliteDb as unknown as Db,
    kind: 'pglite',
    pglite: client,
    exclusive: (_name, fn) => fn(),
    ping: async () => void (await client.query('select 1')),
    close: () => client.close(),
  };
}

/** Postgres error code of a failed query, looking through drizzle's wrapper. */
export function pgErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 3 && e && typeof e === 'object'; i++) {
    if ('code' in e && typeof e.code === 'string') return e.code;
    e = 'cause' in e ? e.cause : undefined;
  }
  return undefined;
}
export const UNIQUE_VIOLATION = '23505';

/**
 * Serialises transactions that check a count and then insert ("at most N per …") on one key,
 * on every node sharing the database, until the transaction ends. Take it first in the
 * transaction, before any row lock, and one key per transaction, so it cannot deadlock.
 */
export async function lockFor(tx: Tx, scope: string, id: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${scope}:${id}`}, 0))`);
}
