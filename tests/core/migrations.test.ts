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

describe.each(backends)('0009: thread keys without a trailing slash, on %s', (backend) => {
  it('renames a slashed thread, or merges it into the thread the widget uses, recounting it', async () => {
    const handle = await openTestDatabase(backend);
    try {
      const db = handle.db;
      const migrator = createMigrator(db, handle.schema);
      expect((await migrator.migrateDown()).error).toBeUndefined(); // back to before 0009 (its down changes nothing)
      const site = (await sql<{ id: string }>`insert into sites (slug, name) values ('mig', 'Mig') returning id`.execute(db)).rows[0]!.id;
      const thread = async (key: string, count: number, url: string | null) =>
        (await sql<{ id: string }>`insert into threads (site_id, key, url, comment_count) values (${site}, ${key}, ${url}, ${count}) returning id`.execute(db)).rows[0]!.id;
      const comment = async (threadId: string, status: string, at: string, parent: string | null = null) =>
        (await sql<{ id: string }>`insert into comments (site_id, thread_id, parent_id, depth, author_name, body, status, created_at)
          values (${site}, ${threadId}, ${parent}, ${parent ? 1 : 0}, 'A', 'b', ${status}, ${at}) returning id`.execute(db)).rows[0]!.id;
      const imported = await thread('/2008/refusenik-qa/', 2, 'https://www.altfilmguide.com/2008/refusenik-qa/');
      const top = await comment(imported, 'published', '2008-05-01T10:00:00Z');
      await comment(imported, 'published', '2008-05-02T10:00:00Z', top);
      await comment(imported, 'pending', '2008-05-03T10:00:00Z');
      const live = await thread('/2008/refusenik-qa', 1, null);
      await comment(live, 'published', '2026-11-01T10:00:00Z');
      await thread('/only-slashed/', 0, null);
      const c1 = await thread('/c/', 0, null);
      const c2 = await thread('/c//', 0, null);
      await comment(c1, 'published', '2020-01-01T00:00:00Z');
      await comment(c2, 'published', '2021-01-01T00:00:00Z');
      await thread('/', 0, null);

      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const threads = (await sql<{ id: string; key: string; comment_count: number; last: string | null; url: string | null; n: number }>`
        select t.id, t.key, t.comment_count, t.last_comment_at::text as last, t.url, (select count(*)::int from comments c where c.thread_id = t.id) as n
        from threads t where t.site_id = ${site} order by t.key`.execute(db)).rows;
      expect(threads.map((t) => t.key)).toEqual(['/', '/2008/refusenik-qa', '/c', '/only-slashed']);
      const merged = threads.find((t) => t.key === '/2008/refusenik-qa')!;
      expect(merged).toMatchObject({ id: live, comment_count: 3, n: 4, url: 'https://www.altfilmguide.com/2008/refusenik-qa/' });
      expect(new Date(merged.last!).toISOString()).toBe('2026-11-01T10:00:00.000Z');
      expect(threads.find((t) => t.key === '/c')).toMatchObject({ id: c1, comment_count: 2, n: 2 });
      // Replies still hang under their parents in the merged thread.
      const reply = (await sql<{ thread_id: string; parent_thread: string }>`
        select c.thread_id, p.thread_id as parent_thread from comments c join comments p on p.id = c.parent_id where c.site_id = ${site}`.execute(db)).rows;
      expect(reply).toEqual([{ thread_id: live, parent_thread: live }]);
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
