import crypto from 'node:crypto';
import pg from 'pg';
import { openPglite, openPostgres, type DatabaseHandle } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export type Backend = 'pglite' | 'postgres';

/** The PostgreSQL server tests use: DATABASE_URL (CI sets it), else the local test database. */
export const testDatabaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Database tests run on every backend; PARLEY_TEST_BACKENDS narrows it (e.g. `pglite`). */
export const backends: Backend[] = (process.env.PARLEY_TEST_BACKENDS?.split(',') as Backend[] | undefined) ?? ['pglite', 'postgres'];

/**
 * A fresh, migrated database of its own: an in-memory PGlite, or a new schema on
 * the PostgreSQL server (dropped on close) so parallel runs never see each other's rows.
 */
export async function openTestDatabase(backend: Backend): Promise<DatabaseHandle & { schema?: string }> {
  if (backend === 'pglite') {
    const handle = await openPglite(null);
    await migrateToLatest(handle.db);
    return handle;
  }
  const schema = `t_${Date.now().toString(36)}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const handle = await openPostgres(testDatabaseUrl, { searchPath: schema, max: 8 });
  await migrateToLatest(handle.db, schema);
  return {
    ...handle,
    schema,
    async close() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: testDatabaseUrl });
      await cleanup.connect();
      await cleanup.query(`drop schema if exists ${schema} cascade`);
      await cleanup.end();
    },
  };
}
