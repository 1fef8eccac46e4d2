import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createMigrator } from '../../src/db/migrate.js';
import { backends, openTestDatabase } from '../support/db.js';

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
