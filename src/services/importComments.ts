import { sql, type Kysely } from 'kysely';
import { emailHash } from '../db/consentRecords.js';
import { bodyHash } from '../db/moderationLookups.js';
import type { CommentStatus, Database, Site } from '../db/schema.js';
import type { ImportComment, ImportRecord } from '../import/records.js';
import { avatarSeed } from './postComment.js';

export interface ImportReport {
  threads: number;
  imported: number;
  alreadyPresent: number;
  skipped: number;
  /** Skips grouped by reason, with up to five example ids each. */
  skippedBy: Record<string, { count: number; examples: string[] }>;
  seconds: number;
  /** Of which: linking replies and recounting at the end. */
  linkSeconds: number;
}

export interface ImportOptions {
  /** Namespaces external ids so a WordPress comment 12 and a Disqus post 12 never collide. */
  source: 'wordpress' | 'disqus' | 'parley';
  avatarSecret: string;
  batchSize?: number;
  onProgress?: (p: { imported: number; skipped: number; threads: number }) => void;
}

interface Pending {
  externalId: string;
  threadId: string;
  parentExternalId: string | null;
  c: ImportComment;
}

/**
 * Writes a stream of import records into a site. Rows go in batches of a few hundred
 * per statement (that is what makes 5,000 comments a second possible); an `external_id`
 * unique per site makes a second run add nothing. Reply links are resolved in SQL at the
 * end, since exports list replies before, after or without their parents.
 */
export async function importRecords(db: Kysely<Database>, site: Pick<Site, 'id'>, records: AsyncIterable<ImportRecord>, opts: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  const batchSize = opts.batchSize ?? 1000;
  const report: ImportReport = { threads: 0, imported: 0, alreadyPresent: 0, skipped: 0, skippedBy: {}, seconds: 0, linkSeconds: 0 };
  const threadIds = new Map<string, string>();
  let batch: Pending[] = [];
  let inFlight: Promise<void> = Promise.resolve();

  const skip = (reason: string, id: string | null) => {
    report.skipped++;
    // Group by the reason's shape ("comment 12 is in the trash" → "comment # is in the trash").
    const key = reason.replace(/\d+/g, '#');
    const entry = (report.skippedBy[key] ??= { count: 0, examples: [] });
    entry.count++;
    if (id && entry.examples.length < 5) entry.examples.push(id);
  };
  const ext = (threadExternalId: string, id: string) =>
    // WordPress ids are unique per post only (hand-edited exports repeat them); Disqus ids are global.
    opts.source === 'wordpress' ? `${opts.source}:${threadExternalId}:${id}` : `${opts.source}:${id}`;

  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    await db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('comments')
        .values(
          rows.map(({ externalId, threadId, c }) => ({
            site_id: site.id,
            thread_id: threadId,
            parent_id: null,
            root_id: null,
            author_name: c.author.name.slice(0, 100) || 'Anonymous',
            author_email: c.author.email,
            author_website: c.author.website,
            author_avatar: c.author.email ? avatarSeed(opts.avatarSecret, site.id, c.author.email) : null,
            body: c.body,
            body_hash: bodyHash(c.body),
            status: c.status as CommentStatus,
            ip: c.ip,
            user_agent: c.userAgent,
            referrer: null,
            moderation: null,
            edit_token_hash: null,
            external_id: externalId,
            created_at: c.createdAt,
            edited_at: null,
            status_changed_at: c.createdAt,
          })),
        )
        .onConflict((oc) => oc.columns(['site_id', 'external_id']).where('external_id', 'is not', null).doNothing())
        .returning(['id', 'external_id', 'author_email', 'created_at'])
        .execute();
      report.imported += inserted.length;
      report.alreadyPresent += rows.length - inserted.length;
      if (inserted.length) {
        // No consent was shown by us: the basis says "imported", nothing is invented.
        await trx
          .insertInto('consent_records')
          .values(inserted.map((r) => ({ site_id: site.id, comment_id: r.id, basis: 'imported' as const, policy_version: null, policy_hash: null, consent_text: null, email: r.author_email, email_hash: emailHash(r.author_email ?? `imported:${r.external_id}`), ip: null, user_agent: null, created_at: r.created_at })))
          .execute();
      }
      const links = rows.filter((r) => r.parentExternalId).map((r) => ({ site_id: site.id, external_id: r.externalId, parent_external_id: r.parentExternalId! }));
      if (links.length) await trx.insertInto('import_links').values(links).onConflict((oc) => oc.columns(['site_id', 'external_id']).doNothing()).execute();
    });
    opts.onProgress?.({ imported: report.imported, skipped: report.skipped, threads: report.threads });
  };

  for await (const record of records) {
    if (record.type === 'skip') {
      skip(record.reason, record.externalId);
    } else if (record.type === 'thread') {
      if (threadIds.has(record.externalId)) continue;
      const row = await db
        .insertInto('threads')
        .values({ site_id: site.id, key: record.key.slice(0, 512), url: record.url, title: record.title, created_at: record.createdAt ?? new Date(), last_comment_at: null })
        .onConflict((oc) => oc.columns(['site_id', 'key']).doUpdateSet({ url: sql`coalesce(threads.url, excluded.url)`, title: sql`coalesce(threads.title, excluded.title)` }))
        .returning('id')
        .executeTakeFirstOrThrow();
      threadIds.set(record.externalId, row.id);
      report.threads++;
    } else {
      const threadId = threadIds.get(record.threadExternalId);
      if (!threadId) {
        skip(`comment ${record.externalId} belongs to thread ${record.threadExternalId}, which is not in the export`, record.externalId);
        continue;
      }
      const externalId = ext(record.threadExternalId, record.externalId);
      const parentExternalId = record.parentExternalId ? ext(record.threadExternalId, record.parentExternalId) : null;
      batch.push({ externalId, threadId, parentExternalId, c: record });
      if (batch.length >= batchSize) {
        // One batch in flight while the next is parsed: the database and the XML parser work at once.
        await inFlight;
        inFlight = flush();
        inFlight.catch(() => {}); // awaited (and rethrown) before the next batch or at the end
      }
    }
  }
  await inFlight;
  await flush();
  const linking = Date.now();
  await resolveLinksAndCounts(db, site.id);
  report.linkSeconds = (Date.now() - linking) / 1000;
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

/**
 * Links replies to parents by external id, then sets every comment's root and depth and
 * recounts published replies and thread totals: all set-based, for the whole site.
 */
async function resolveLinksAndCounts(db: Kysely<Database>, siteId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`
      update comments c set parent_id = p.id
      from import_links l join comments p on p.site_id = l.site_id and p.external_id = l.parent_external_id
      where l.site_id = ${siteId} and c.site_id = l.site_id and c.external_id = l.external_id
        and p.thread_id = c.thread_id and p.id <> c.id`.execute(trx);
    await trx.deleteFrom('import_links').where('site_id', '=', siteId).execute();
    await sql`
      with recursive tree as (
        select id, id as root, 0 as depth from comments where site_id = ${siteId} and parent_id is null
        union all
        select c.id, t.root, t.depth + 1 from comments c join tree t on c.parent_id = t.id where t.depth < 1000
      )
      update comments c set root_id = case when tree.depth = 0 then null else tree.root end, depth = tree.depth
      from tree where c.id = tree.id and (c.root_id is distinct from (case when tree.depth = 0 then null else tree.root end) or c.depth <> tree.depth)`.execute(trx);
    // Grouped once, joined once: a per-row count would be quadratic on a large site.
    await sql`
      update comments c set reply_count = s.n
      from (select parent_id, count(*)::int as n from comments
            where site_id = ${siteId} and status = 'published' and parent_id is not null group by parent_id) s
      where c.id = s.parent_id and c.reply_count <> s.n`.execute(trx);
    await sql`
      update threads t set comment_count = coalesce(s.n, 0), last_comment_at = s.last
      from (select t2.id, count(c.id) filter (where c.status = 'published')::int as n, max(c.created_at) filter (where c.status = 'published') as last
            from threads t2 left join comments c on c.thread_id = t2.id where t2.site_id = ${siteId} group by t2.id) s
      where t.id = s.id`.execute(trx);
  });
}
