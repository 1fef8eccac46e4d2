import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type DatabaseHandle } from '../../src/db/connect.js';
import { PREPARE_MARK } from '../../src/db/preparedStatements.js';
import { findPostingContext, insertSubmission } from '../../src/db/submission.js';
import { backends, openTestDatabase, testDatabaseUrl } from '../support/db.js';
import { createSite, type TestContext } from '../support/app.js';
import { newSubmission } from '../support/submissions.js';

// The statements every post runs are prepared once per connection and, after PostgreSQL's five
// trial runs, executed on a generic plan (no planning per post). Only PostgreSQL has a
// protocol to prepare over; PGlite runs the same text unprepared.
describe.runIf(backends.includes('postgres'))('prepared posting statements on PostgreSQL', () => {
  let migrated: DatabaseHandle & { schema?: string };
  let site: { id: string; slug: string };
  beforeAll(async () => {
    migrated = await openTestDatabase('postgres');
    site = await createSite({ handle: migrated } as TestContext);
    // A site with history, as PostgreSQL's statistics see it: 3,000 comments from two readers,
    // a day old. Planned for the actual values, a new reader's lookups look nearly free (no such
    // address, nothing that recent) and the generic plan dear (1,500 rows per reader), so
    // PostgreSQL would plan every post afresh unless the values are hidden from it.
    await sql`insert into threads (site_id, key) values (${site.id}, 'history')`.execute(migrated.db);
    await sql`
      insert into comments (site_id, thread_id, author_name, author_email, body, body_hash, status, ip, created_at)
      select ${site.id}, t.id, 'Old reader', 'old' || (g % 2) || '@example.com', 'Old comment', 'hash' || (g % 2), 'published',
             ('198.51.100.' || (g % 2))::inet, now() - interval '1 day'
      from generate_series(1, 3000) g, threads t where t.site_id = ${site.id} and t.key = 'history'`.execute(migrated.db);
    await sql`analyze comments`.execute(migrated.db);
  });
  afterAll(async () => migrated?.close());

  /** One connection, so what it prepared can be read back from pg_prepared_statements. */
  async function oneConnection(prepare: boolean) {
    return openPostgres(testDatabaseUrl, { searchPath: migrated.schema!, max: 1, prepare });
  }

  const now = new Date();
  const submission = (siteId: string, i: number) =>
    newSubmission(
      siteId,
      `thread-${i % 3}`,
      { author_email: `reader${i}@example.com`, body: `Post number ${i}`, body_hash: crypto.randomBytes(8).toString('hex'), ip: `203.0.113.${i}` },
      { now, closedIfCreatedBefore: new Date(now.getTime() - 86_400_000) },
    );

  async function postTenTimes(handle: DatabaseHandle, first: number) {
    for (let i = first; i < first + 10; i++) {
      const context = await findPostingContext(handle.db, site.slug, `thread-${i % 3}`, {
        lookups: {
          ip: `203.0.113.${i}`, email: `reader${i}@example.com`, now, rateSince: new Date(now.getTime() - 600_000),
          body: `Post number ${i}`, duplicateSince: new Date(now.getTime() - 3_600_000), authorHistory: false,
        },
      });
      expect(context?.site.slug).toBe(site.slug);
      // Different values each time (another reader, another thread): the same statement.
      expect(context?.answers.recentByIp?.count).toBe(0);
      await insertSubmission(handle.db, submission(site.id, i));
    }
    const statements = await sql<{ name: string; statement: string; generic_plans: string; custom_plans: string }>`
      select name, statement, generic_plans, custom_plans from pg_prepared_statements order by statement`.execute(handle.db);
    return statements.rows.map((r) => ({
      name: r.name,
      kind: r.statement.includes('insert into comments') ? 'write' : r.statement.includes('policy_versions') ? 'context' : 'other',
      marked: r.statement.startsWith(PREPARE_MARK),
      generic: Number(r.generic_plans),
      custom: Number(r.custom_plans),
    }));
  }

  it('prepares the context query and the write once each and runs them on generic plans', async () => {
    const handle = await oneConnection(true);
    try {
      const prepared = await postTenTimes(handle, 0);
      expect(prepared.map((p) => p.kind).sort()).toEqual(['context', 'write']);
      for (const p of prepared) {
        expect(p.marked).toBe(true);
        expect(p.name).toMatch(/^parley_[0-9a-f]{24}$/);
        // Five custom plans while PostgreSQL compares, then the generic plan for the rest.
        expect(p.custom).toBeLessThanOrEqual(5);
        expect(p.generic).toBeGreaterThanOrEqual(5);
      }
    } finally {
      await handle.close();
    }
  });

  it('prepares nothing when turned off (DATABASE_PREPARED_STATEMENTS=off)', async () => {
    const handle = await oneConnection(false);
    try {
      expect(await postTenTimes(handle, 10)).toEqual([]);
    } finally {
      await handle.close();
    }
  });
});
