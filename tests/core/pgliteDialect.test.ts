import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/connect.js';

describe('the PGlite dialect', () => {
  it('keeps a rolled-back transaction from undoing work done beside it', async () => {
    const handle = await openPglite(null);
    try {
      await sql`create table t (v int)`.execute(handle.db);
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const failing = handle.db
        .transaction()
        .execute(async (trx) => {
          await sql`insert into t values (1)`.execute(trx);
          await held;
          throw new Error('roll back');
        })
        .catch(() => 'rolled back');
      // This write must neither join the open transaction nor be undone by its rollback.
      const beside = sql`insert into t values (2)`.execute(handle.db);
      release();
      expect(await failing).toBe('rolled back');
      await beside;
      const rows = await sql<{ v: number }>`select v from t order by v`.execute(handle.db);
      expect(rows.rows.map((r) => r.v)).toEqual([2]);
    } finally {
      await handle.close();
    }
  });

  it('reports how many rows an update or delete touched', async () => {
    const handle = await openPglite(null);
    try {
      await sql`create table u (v int)`.execute(handle.db);
      await sql`insert into u values (1), (2), (3)`.execute(handle.db);
      const db = handle.db as unknown as import('kysely').Kysely<{ u: { v: number } }>;
      const updated = await db.updateTable('u').set({ v: 0 }).where('v', '>', 1).executeTakeFirst();
      expect(updated.numUpdatedRows).toBe(2n);
      const deleted = await db.deleteFrom('u').where('v', '=', 0).executeTakeFirst();
      expect(deleted.numDeletedRows).toBe(2n);
    } finally {
      await handle.close();
    }
  });
});
