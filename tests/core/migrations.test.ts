import crypto from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createMigrator } from '../../src/db/migrate.js';
import { backends, openTestDatabase, testDatabaseUrl } from '../support/db.js';

describe.each(backends)('migrations on %s', (backend) => {
  it('run up, all the way down, and up again', async () => {
    const handle = await openTestDatabase(backend); // already migrated up
    try {
      const migrator = createMigrator(handle.db, handle.schema);
      const tables = async () =>
        (await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name = 'comments'`.execute(handle.db)).rows[0]!.n;
      expect(await tables()).toBe(1);
      let result;
      do {
        result = await migrator.migrateDown();
        expect(result.error).toBeUndefined();
      } while (result.results?.length);
      expect(await tables()).toBe(0);
      const up = await migrator.migrateToLatest();
      expect(up.error).toBeUndefined();
      expect(await tables()).toBe(1);
    } finally {
      await handle.close();
    }
  });
});

describe('migrating beside other schemas on the same PostgreSQL server', () => {
  it.skipIf(!backends.includes('postgres'))('is not upset by schemas created and dropped while it runs, and sees only its own schema', async () => {
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    // Other runs' churn: schemas with Kysely's own tables in them, created and dropped in a loop.
    let churning = true;
    const churn = async () => {
      const client = new pg.Client({ connectionString: testDatabaseUrl });
      await client.connect();
      while (churning) {
        const other = `churn_${crypto.randomBytes(6).toString('hex')}`;
        await client.query(`create schema ${other}; create table ${other}.kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0); create table ${other}.t (id serial, a text, b text, c text)`);
        await client.query(`drop schema ${other} cascade`);
      }
      await client.end();
    };
    const churners = [churn(), churn()];
    const failures: unknown[] = [];
    try {
      for (let i = 0; i < 12; i++) {
        const handle = await openTestDatabase('postgres').catch((error: unknown) => (failures.push(error), null));
        if (!handle) continue;
        const tables = await handle.db.introspection.getTables({ withInternalKyselyTables: true });
        // Only this run's schema, and everything the migrations made in it.
        expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([handle.schema]));
        expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['comments', 'kysely_migration', 'kysely_migration_lock']));
        expect(tables.find((t) => t.name === 'comments')!.columns.find((c) => c.name === 'id')).toMatchObject({ isAutoIncrementing: true, isNullable: false });
        await handle.close();
      }
    } finally {
      churning = false;
      await Promise.all(churners);
      await admin.end();
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
