import { sql, type Kysely } from 'kysely';
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

/** Batches written at once, each on its own pooled connection. */
const MAX_IN_FLIGHT = 2;

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
  const inFlight: Promise<void>[] = [];

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
    // One statement writes the comments and their consent records (a data-modifying CTE is
    // atomic on its own), so a batch costs two round trips, not five.
    const inserted = await db
      .with('ins', (qb) =>
        qb
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
          .returning(['id', 'external_id', 'author_email', 'created_at']),
      )
      // No consent was shown by us: the basis says "imported", nothing is invented. The hash is
      // emailHash() in SQL: sha256 of the trimmed, lower-cased address.
      .insertInto('consent_records')
      .columns(['site_id', 'comment_id', 'basis', 'email', 'email_hash', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('ins')
          .select([
            sql<string>`${site.id}::bigint`.as('site_id'),
            'ins.id',
            sql<string>`'imported'`.as('basis'),
            'ins.author_email',
            sql<string>`encode(sha256(convert_to(lower(trim(coalesce(ins.author_email, 'imported:' || ins.external_id))), 'UTF8')), 'hex')`.as('email_hash'),
            'ins.created_at',
          ]),
      )
      .returning('comment_id')
      .execute();
    report.imported += inserted.length;
    report.alreadyPresent += rows.length - inserted.length;
    const links = rows.filter((r) => r.parentExternalId).map((r) => ({ site_id: site.id, external_id: r.externalId, parent_external_id: r.parentExternalId! }));
    if (links.length) await db.insertInto('import_links').values(links).onConflict((oc) => oc.columns(['site_id', 'external_id']).doNothing()).execute();
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
        // Batches in flight while the next is parsed: the database and the XML parser work at once.
        if (inFlight.length >= MAX_IN_FLIGHT) await inFlight.shift();
        const p = flush();
        p.catch(() => {}); // awaited (and rethrown) below
        inFlight.push(p);
      }
    }
  }
  for (const p of inFlight) await p;
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
    // Parent, root and depth of every linked reply in one pass, so each reply row is written once:
    // the links give each reply its parent; the tree walk starts at the site's top-level comments.
    await sql`
      with recursive links as (
        select c.id, p.id as parent_id
        from import_links l
        join comments c on c.site_id = l.site_id and c.external_id = l.external_id
        join comments p on p.site_id = l.site_id and p.external_id = l.parent_external_id
        where l.site_id = ${siteId} and p.thread_id = c.thread_id and p.id <> c.id
      ),
      parents as (
        select c.id, coalesce(l.parent_id, c.parent_id) as parent_id
        from comments c left join links l on l.id = c.id
        where c.site_id = ${siteId}
      ),
      tree as (
        select id, id as root, 0 as depth from parents where parent_id is null
        union all
        select p.id, t.root, t.depth + 1 from parents p join tree t on p.parent_id = t.id where t.depth < 1000
      )
      update comments c
      set parent_id = p.parent_id, root_id = case when tree.depth = 0 then null else tree.root end, depth = tree.depth
      from tree join parents p on p.id = tree.id
      where c.id = tree.id
        and (c.parent_id is distinct from p.parent_id or c.root_id is distinct from (case when tree.depth = 0 then null else tree.root end) or c.depth <> tree.depth)`.execute(trx);
    await trx.deleteFrom('import_links').where('site_id', '=', siteId).execute();
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
