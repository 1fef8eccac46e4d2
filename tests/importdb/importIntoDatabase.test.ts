import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDisqus } from '../../src/import/disqus.js';
import { readWordPress } from '../../src/import/wordpress.js';
import { emailHash } from '../../src/db/consentRecords.js';
import { erasePersonData } from '../../src/services/dataSubject.js';
import { importRecords } from '../../src/services/importComments.js';
import { exportSiteRecords, readParleyExport } from '../../src/services/parleyFormat.js';
import { backends } from '../support/db.js';
import { commentPayload, createSite, createTestContext, postJson, type TestContext } from '../support/app.js';
import { addPolicyVersion } from '../../src/db/sites.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures');
const wxr = path.join(fixtures, 'wxr/theme-unit-test-data.xml');
const disqus = path.join(fixtures, 'disqus/isso_disqus.xml');

describe.each(backends)('importing exports into a site on %s', (backend) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(backend, { phases: [] });
  });
  afterAll(async () => ctx?.close());

  const counts = async (siteId: string) => {
    const rows = await ctx.handle.db.selectFrom('comments').select(['status', sql<number>`count(*)::int`.as('n')]).where('site_id', '=', siteId).groupBy('status').execute();
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  };
  const run = (siteId: string, records: AsyncIterable<never> | AsyncGenerator<any>, source: 'wordpress' | 'disqus' | 'parley') =>
    importRecords(ctx.handle.db, { id: siteId }, records, { source, avatarSecret: 'test', batchSize: 7 });

  it('imports the WordPress theme unit test export with statuses, threading and consent basis, and a second run adds nothing', async () => {
    const site = await createSite(ctx);
    const report = await run(site.id, readWordPress(wxr), 'wordpress');
    expect(report).toMatchObject({ imported: 29, skipped: 4, alreadyPresent: 0 });
    expect(Object.values(report.skippedBy).reduce((n, s) => n + s.count, 0)).toBe(4);
    expect(await counts(site.id)).toEqual({ published: 26, pending: 3 });

    // The depth-10 chain survives: 915's ancestry is ten comments deep.
    const chain = await sql<{ depth: number; root: string | null }>`
      select c.depth, r.external_id as root from comments c left join comments r on r.id = c.root_id
      where c.site_id = ${site.id} and c.external_id like '%:915'`.execute(ctx.handle.db);
    expect(chain.rows[0]).toEqual({ depth: 9, root: expect.stringMatching(/:904$/) });
    const consents = await ctx.handle.db.selectFrom('consent_records').select(['basis', 'policy_version']).where('site_id', '=', site.id).execute();
    expect(consents).toHaveLength(29);
    expect(new Set(consents.map((c) => c.basis))).toEqual(new Set(['imported']));
    // The hash written in SQL is the one the app computes, so lookups and erasure by email find imported records.
    const withEmail = await ctx.handle.db.selectFrom('consent_records').select(['email', 'email_hash']).where('site_id', '=', site.id).where('email', 'is not', null).execute();
    expect(withEmail.length).toBeGreaterThan(0);
    for (const r of withEmail) expect(r.email_hash).toBe(emailHash(r.email!));

    const again = await run(site.id, readWordPress(wxr), 'wordpress');
    expect(again).toMatchObject({ imported: 0, alreadyPresent: 29 });
    expect(await counts(site.id)).toEqual({ published: 26, pending: 3 });

    // Thread counts follow the published comments.
    const threads = await ctx.handle.db.selectFrom('threads').select(sql<number>`sum(comment_count)::int`.as('n')).where('site_id', '=', site.id).executeTakeFirstOrThrow();
    expect(threads.n).toBe(26);
  });

  it('keeps pingbacks and trackbacks when asked', async () => {
    const site = await createSite(ctx);
    const report = await run(site.id, readWordPress(wxr, { includePings: true }), 'wordpress');
    expect(report.imported).toBe(33);
  });

  it('imports a Disqus export: deleted posts as placeholders, the orphan skipped with its reason, the reply linked', async () => {
    const site = await createSite(ctx);
    const report = await run(site.id, readDisqus(disqus), 'disqus');
    expect(report.imported).toBe(5);
    expect(report.skipped).toBe(2);
    expect(await counts(site.id)).toEqual({ published: 4, deleted: 1 });
    const replies = await ctx.handle.db.selectFrom('comments').select('id').where('site_id', '=', site.id).where('parent_id', 'is not', null).execute();
    expect(replies).toHaveLength(2);
  });

  it('round-trips a site through the Parley export format', async () => {
    const source = await createSite(ctx);
    await run(source.id, readWordPress(wxr), 'wordpress');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-export-')), 'site.jsonl');
    const lines: string[] = [];
    for await (const line of exportSiteRecords(ctx.handle.db, source)) lines.push(line);
    fs.writeFileSync(file, lines.join('\n') + '\n');

    const target = await createSite(ctx);
    const report = await run(target.id, readParleyExport(file), 'parley');
    expect(report).toMatchObject({ imported: 29, skipped: 0 });
    expect(await counts(target.id)).toEqual(await counts(source.id));
    const shape = async (siteId: string) =>
      (await sql<{ body: string; depth: number; parent_body: string | null; key: string }>`
        select c.body, c.depth, p.body as parent_body, t.key from comments c join threads t on t.id = c.thread_id
        left join comments p on p.id = c.parent_id where c.site_id = ${siteId} order by c.body, c.depth`.execute(ctx.handle.db)).rows;
    expect(await shape(target.id)).toEqual(await shape(source.id));
    expect((await run(target.id, readParleyExport(file), 'parley')).imported).toBe(0);
  });

  it('moves the proof of consent with the comments: policy versions and each comment\'s consent record', async () => {
    const db = ctx.handle.db;
    const source = await createSite(ctx);
    await db.transaction().execute((trx) => addPolicyVersion(trx, source.id, 'Version two: links are removed.', 'I agree to version two.'));
    // One reader agreed to version 1, another (and a reply) to version 2, through the real endpoint.
    const posted: Array<{ id: string; policyVersion: number }> = [];
    for (const [policyVersion, body, parent] of [[1, 'Agreed to the first policy.', null], [2, 'Agreed to the second.', null], [2, 'A reply, also under the second.', 1]] as const) {
      if (policyVersion === 1) await db.updateTable('sites').set({ current_policy_version: 1 }).where('id', '=', source.id).execute();
      else await db.updateTable('sites').set({ current_policy_version: 2 }).where('id', '=', source.id).execute();
      const res = await postJson(ctx.app, '/api/v1/comments', commentPayload({ slug: source.slug, policyVersion }, {
        thread: 'moved', body, author: { name: `Reader ${policyVersion}`, email: `reader${policyVersion}@example.com` },
        ...(parent !== null ? { parentId: posted[parent - 1]!.id } : {}),
      }), { 'x-forwarded-for': '198.51.100.7' });
      expect(res.status).toBe(201);
      posted.push({ id: (await res.json()).comment.id, policyVersion });
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-export-')), 'site.jsonl');
    const lines: string[] = [];
    for await (const line of exportSiteRecords(db, source)) lines.push(line);
    fs.writeFileSync(file, lines.join('\n') + '\n');

    // The new server's site, as create-site makes it: a default policy nobody agreed to yet.
    const target = await createSite(ctx);
    const report = await run(target.id, readParleyExport(file), 'parley');
    expect(report).toMatchObject({ imported: 3, skipped: 0 });

    const consentOf = async (siteId: string) =>
      (await sql<{ body: string; basis: string; policy_hash: string; consent_text: string; policy_text: string; email_hash: string; at: string }>`
        select c.body, r.basis, r.policy_hash, r.consent_text, p.text as policy_text, r.email_hash, r.created_at::text as at
        from consent_records r join comments c on c.id = r.comment_id
        join policy_versions p on p.site_id = r.site_id and p.version = r.policy_version
        where r.site_id = ${siteId} order by c.body`.execute(db)).rows;
    const before = await consentOf(source.id);
    expect(before.map((r) => r.basis)).toEqual(['form', 'form', 'form']);
    // Same basis, policy (by hash and text, whatever its number here), sentence, email hash and time.
    expect(await consentOf(target.id)).toEqual(before);
    // The target had only its unused default policy: it now runs the moved site's current one.
    const current = await sql<{ text: string }>`select p.text from sites s join policy_versions p on p.site_id = s.id and p.version = s.current_policy_version where s.id = ${target.id}`.execute(db);
    expect(current.rows[0]!.text).toBe('Version two: links are removed.');
    // Importing again adds neither comments nor policy versions.
    const versions = async () => (await db.selectFrom('policy_versions').select('version').where('site_id', '=', target.id).execute()).length;
    const versionCount = await versions();
    expect((await run(target.id, readParleyExport(file), 'parley')).imported).toBe(0);
    expect(await versions()).toBe(versionCount);
    // A new policy saved afterwards gets the next free number, after the imported ones.
    const next = await db.transaction().execute((trx) => addPolicyVersion(trx, target.id, 'Version three.', 'I agree to three.'));
    expect(next.version).toBe(versionCount + 1);
  });

  // Every comment's place in its tree and its count of published replies, by external id.
  const tree = async (siteId: string) =>
    (
      await sql<{ ext: string; parent: string | null; root: string | null; depth: number; reply_count: number; actual: number }>`
        select c.external_id as ext, p.external_id as parent, r.external_id as root, c.depth, c.reply_count,
               (select count(*)::int from comments k where k.parent_id = c.id and k.status = 'published') as actual
        from comments c left join comments p on p.id = c.parent_id left join comments r on r.id = c.root_id
        where c.site_id = ${siteId} order by c.external_id`.execute(ctx.handle.db)
    ).rows;

  it('does not write an erased person back when the same export is imported again', async () => {
    const site = await createSite(ctx);
    await run(site.id, readWordPress(wxr), 'wordpress');
    const person = await ctx.handle.db.selectFrom('comments').select('author_email').where('site_id', '=', site.id).where('author_email', 'is not', null).executeTakeFirstOrThrow();
    const email = person.author_email!;
    const theirs = (await ctx.handle.db.selectFrom('comments').select('id').where('site_id', '=', site.id).where('author_email', '=', email).execute()).length;
    expect(theirs).toBeGreaterThan(0);
    const siteRow = await ctx.handle.db.selectFrom('sites').select(['id', 'erasure_keeps_text']).where('id', '=', site.id).executeTakeFirstOrThrow();
    await erasePersonData(ctx.services, siteRow, email, 'test');
    const again = await run(site.id, readWordPress(wxr), 'wordpress');
    expect(again.imported).toBe(0);
    expect(await ctx.handle.db.selectFrom('comments').select('id').where('site_id', '=', site.id).where('author_email', '=', email).execute()).toEqual([]);
  });

  it('keeps a comment whose IP address is not one (dropping the address), and the valid ones', async () => {
    const site = await createSite(ctx);
    const ips = ['unknown', '192.0.2.7, 198.51.100.1', '', '2001:db8::1', '203.0.113.9', '999.1.1.1'];
    async function* records() {
      yield { type: 'thread' as const, key: '/ips', url: null, title: 'IPs', createdAt: null, externalId: 't1' };
      for (const [i, ip] of ips.entries()) {
        yield {
          type: 'comment' as const, externalId: String(i + 1), threadExternalId: 't1', parentExternalId: null,
          author: { name: `Reader ${i}`, email: `r${i}@example.com`, website: null }, ip, userAgent: null,
          createdAt: new Date(Date.UTC(2020, 0, 1 + i)), body: `Comment ${i}`, status: 'published' as const, kind: 'comment' as const,
        };
      }
    }
    const report = await run(site.id, records(), 'wordpress');
    expect(report.imported).toBe(ips.length);
    const rows = await ctx.handle.db.selectFrom('comments').select(['body', sql<string | null>`host(ip)`.as('ip')]).where('site_id', '=', site.id).orderBy('created_at').execute();
    expect(rows.map((r) => r.ip)).toEqual([null, null, null, '2001:db8::1', '203.0.113.9', null]);
  });

  it('places replies and counts them the same whatever the batch size, and every count is true', async () => {
    const small = await createSite(ctx);
    const large = await createSite(ctx);
    const smallReport = await importRecords(ctx.handle.db, { id: small.id }, readWordPress(wxr), { source: 'wordpress', avatarSecret: 'test', batchSize: 2 });
    const largeReport = await importRecords(ctx.handle.db, { id: large.id }, readWordPress(wxr), { source: 'wordpress', avatarSecret: 'test', batchSize: 1000 });
    // The fixture lists parents before replies: every reply is written linked, also when its
    // parent is in the batch being written beside it (no foreign-key failure, no late link).
    expect(smallReport.linkedLate).toBe(0);
    expect(largeReport.linkedLate).toBe(0);
    const a = await tree(small.id);
    expect(a).toEqual(await tree(large.id));
    expect(a.filter((c) => c.parent !== null).length).toBe(10);
    for (const c of a) expect(c.reply_count).toBe(c.actual);
  });

  it('finishes a run that stopped half way: the second run adds the rest, linked and counted as one run would', async () => {
    const whole = await createSite(ctx);
    const resumed = await createSite(ctx);
    await run(whole.id, readWordPress(wxr), 'wordpress');
    async function* firstOf(records: AsyncIterable<any>, n: number) {
      let seen = 0;
      for await (const r of records) {
        if (r.type === 'comment' && ++seen > n) return;
        yield r;
      }
    }
    const first = await run(resumed.id, firstOf(readWordPress(wxr), 12), 'wordpress');
    expect(first.imported).toBeGreaterThan(0);
    expect(first.imported).toBeLessThan(29);
    const rest = await run(resumed.id, readWordPress(wxr), 'wordpress');
    expect(rest.imported + first.imported).toBe(29);
    expect(rest.alreadyPresent).toBe(first.imported);
    expect(await tree(resumed.id)).toEqual(await tree(whole.id));
  });
});
