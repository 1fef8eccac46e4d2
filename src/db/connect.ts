import fs from 'node:fs';
import path from 'node:path';
import { Kysely, type Dialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { PreparingClient } from './preparedStatements.js';
import { SearchPathPostgresDialect } from './searchPathIntrospector.js';

export interface DatabaseHandle {
  db: Kysely<Database>;
  /** Where public reads go: a replica when READ_DATABASE_URL is set, else `db`. */
  readDb: Kysely<Database>;
  backend: 'postgres' | 'pglite';
  close(): Promise<void>;
}

// pg returns int8 as strings by default (ids stay strings), but counts from count(*) too:
// we cast counts to int in SQL where a number is wanted.

export async function openPostgres(
  url: string,
  opts: { max?: number; readUrl?: string | null; searchPath?: string; /** Named statements for the marked hot statements (preparedStatements.ts). */ prepare?: boolean } = {},
): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5_000,
    ...(opts.prepare === false ? {} : { Client: PreparingClient }),
    // Tests put each run in its own schema.
    ...(opts.searchPath ? { options: `-c search_path=${opts.searchPath}` } : {}),
  });
  // An idle client losing its connection (e.g. PostgreSQL restarting) must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new SearchPathPostgresDialect({ pool }) });
  let readDb = db;
  let readPool: pg.Pool | null = null;
  if (opts.readUrl) {
    readPool = new pg.Pool({ connectionString: opts.readUrl, max: opts.max ?? 10, connectionTimeoutMillis: 5_000 });
    readPool.on('error', () => {});
    readDb = new Kysely<Database>({ dialect: new SearchPathPostgresDialect({ pool: readPool }) });
  }
  return {
    db,
    readDb,
    backend: 'postgres',
    async close() {
      await db.destroy();
      if (readPool) await readDb.destroy();
    },
  };
}

/**
 * Embedded PostgreSQL (PGlite, WebAssembly) in a folder: the zero-setup default.
 * `dataDir` null keeps it in memory (tests).
 */
export async function openPglite(dataDir: string | null): Promise<DatabaseHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGliteDialect } = await import('./pgliteDialect.js');
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  // int8 as text, as pg does: ids stay exact strings on both backends.
  const parsers = { 20: (value: string) => value };
  const client = dataDir ? new PGlite(path.join(dataDir, 'pglite'), { parsers }) : new PGlite({ parsers });
  await client.waitReady;
  const dialect: Dialect = new PGliteDialect(client);
  const db = new Kysely<Database>({ dialect });
  return {
    db,
    readDb: db,
    backend: 'pglite',
    async close() {
      await db.destroy();
      if (!client.closed) await client.close();
    },
  };
}
