import { isIP } from 'node:net';
import { sql, type Kysely } from 'kysely';
import { bodyHash } from '../db/moderationLookups.js';
import type { CommentStatus, Database, Site } from '../db/schema.js';
import { importPolicyVersion } from '../db/sites.js';
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
  /** Replies written before their parent was (the parent later in the file, or missing): linked at the end. */
  linkedLate: number;
}

export interface ImportOptions {
  /** Namespaces external ids so a WordPress comment 12 and a Disqus post 12 never collide. */
  source: 'wordpress' | 'disqus' | 'parley';
  avatarSecret: string;
  batchSize?: number;
  onProgress?: (p: { imported: number; skipped: number; threads: number }) => void;
}

/** Batches being written while the next is parsed, each on its own pooled connection. */
const MAX_IN_FLIGHT = 2;

interface Pending {
  externalId: string;
  threadId: string;
  parentExternalId: string | null;
  c: ImportComment;
}

/**
 * A copy of a string that shares no memory with the file it was read from. Strings cut out of
 * the XML (and strings built from them) keep the whole decoded chunk they came from alive;
 * kept as map keys, ten thousand of them held 170 MB of the file in memory.
 */
const detached = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

interface BatchRow {
  r: Pending;
  place: Placed;
  parentId: string | null;
  /** Published direct replies in the same batch. */
  replyCount: number;
}

/** Where a comment went: enough to place its replies without asking the database. */
interface Placed {
  id: string;
  root: string | null;
  depth: number;
}

/**
 * How many placed comments are remembered (between one and two times this many). Replies
 * whose parent has been forgotten (or
 * comes later in the file) are linked in SQL at the end instead; the cap keeps memory flat
 * on exports of any size (WordPress lists a post's comments together, so a parent is
 * almost always recent).
 */
const PLACED_CAP = 20_000;


/**
 * Writes a stream of import records into a site. Rows go in batches of a thousand per
 * statement; an `external_id` unique per site makes a second run add nothing. A reply whose
 * parent was written shortly before is written linked; the others (Disqus lists replies
 * before, after or without their parents) are linked in SQL at the end.
 */
export async function importRecords(db: Kysely<Database>, site: Pick<Site, 'id'>, records: AsyncIterable<ImportRecord>, opts: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  const batchSize = opts.batchSize ?? 1000;
  const report: ImportReport = { threads: 0, imported: 0, alreadyPresent: 0, skipped: 0, skippedBy: {}, seconds: 0, linkSeconds: 0, linkedLate: 0 };
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

  // Into a site with no imported comments yet (the usual first run) nothing can be there
  // already, and the per-batch check for it is skipped.
  const siteHadImports = (await db.selectFrom('comments').select('id').where('site_id', '=', site.id).where('external_id', 'is not', null).limit(1).execute()).length > 0;
  // Two generations rather than evicting the oldest entry one by one: deleting from the
  // front of a Map and asking for its first key again walks the deleted slots every time.
  let recent = new Map<string, Placed>();
  let older = new Map<string, Placed>();
  // Parent id → published replies written in later batches than the parent.
  const lateReplies = new Map<string, number>();
  // The same readers comment again and again: one HMAC per address, not per comment.
  const avatarSeeds = new Map<string, string>();
  const avatarOf = (email: string) => {
    let seed = avatarSeeds.get(email);
    if (seed === undefined) {
      if (avatarSeeds.size >= 10_000) avatarSeeds.clear();
      avatarSeeds.set(detached(email), (seed = avatarSeed(opts.avatarSecret, site.id, email)));
    }
    return seed;
  };
  const placed = {
    get: (externalId: string) => recent.get(externalId) ?? older.get(externalId),
    has: (externalId: string) => recent.has(externalId) || older.has(externalId),
  };
  const remember = (externalId: string, p: Placed) => {
    recent.set(detached(externalId), p);
    if (recent.size >= PLACED_CAP) {
      older = recent;
      recent = new Map();
    }
  };

  // Our id of each comment whose batch is still being written → that write.
  const uncommitted = new Map<string, Promise<unknown>>();
  const writePart = async (part: BatchRow[], inThisBatch: Map<string, BatchRow>) => {
    if (part.length === 0) return;
    let written: number;
    try {
      written = await insertBatch(db, site.id, part, avatarOf);
    } catch (e) {
      // A parent remembered here but not written (another import of the same site wrote its
      // row meanwhile, or an id repeated): write these unlinked and let the end link them. The
      // end recounts every parent of a reply it links, so the counts here may stay as they are.
      if ((e as { code?: string }).code !== '23503') throw e;
      for (const v of part) {
        v.parentId = null;
        v.place = { id: v.place.id, root: null, depth: 0 };
      }
      written = await insertBatch(db, site.id, part, avatarOf);
    }
    for (const v of part) {
      if (v.parentId !== null && v.r.c.status === 'published' && !inThisBatch.has(v.parentId)) lateReplies.set(v.parentId, (lateReplies.get(v.parentId) ?? 0) + 1);
    }
    report.imported += written;
    report.alreadyPresent += part.length - written;
    const links = part
      .filter((v) => v.r.parentExternalId && v.parentId === null)
      .map((v) => ({ site_id: site.id, external_id: v.r.externalId, parent_external_id: v.r.parentExternalId! }));
    report.linkedLate += links.length;
    if (links.length) await db.insertInto('import_links').values(links).onConflict((oc) => oc.columns(['site_id', 'external_id']).doNothing()).execute();
  };

  /**
   * Writes a batch. Batches are placed (ids drawn, parents looked up, remembered) strictly in
   * file order: each waits for the one before to be placed (`placedBefore`) and says when it is
   * (`markPlaced`), so a reply finds a parent of the batch before it.
   */
  const flush = async (rows: Pending[], placedBefore: Promise<unknown>, markPlaced: () => void) => {
    await placedBefore;
    // A second run, or one after a run that stopped half way: what is there already is
    // only remembered (its replies may be new), never written again.
    const unseen = rows.filter((r) => !placed.has(r.externalId));
    const existing = unseen.length && siteHadImports
      ? await db.selectFrom('comments').select(['external_id', 'id', 'root_id', 'depth']).where('site_id', '=', site.id).where('external_id', 'in', unseen.map((r) => r.externalId)).execute()
      : [];
    for (const e of existing) remember(e.external_id!, { id: e.id, root: e.root_id, depth: e.depth });
    const present = new Set(existing.map((e) => e.external_id));
    const fresh: Pending[] = [];
    const inBatch = new Set<string>();
    for (const r of unseen) {
      if (present.has(r.externalId) || inBatch.has(r.externalId)) continue;
      inBatch.add(r.externalId);
      fresh.push(r);
    }
    report.alreadyPresent += rows.length - fresh.length;
    if (fresh.length === 0) return markPlaced();

    // Ids drawn up front, so a reply in the same batch as its parent is written already linked,
    // with its root and depth: no second write of every reply at the end.
    const ids = (await sql<{ id: string }>`select nextval(pg_get_serial_sequence('comments', 'id'))::text as id from generate_series(1, ${fresh.length})`.execute(db)).rows;
    const values: BatchRow[] = [];
    const inThisBatch = new Map<string, BatchRow>();
    fresh.forEach((r, i) => {
      const id = ids[i]!.id;
      const parent = r.parentExternalId ? placed.get(r.parentExternalId) : undefined;
      const place: Placed = parent ? { id, root: parent.root ?? parent.id, depth: parent.depth + 1 } : { id, root: null, depth: 0 };
      remember(r.externalId, place);
      const row: BatchRow = { r, place, parentId: parent?.id ?? null, replyCount: 0 };
      values.push(row);
      inThisBatch.set(id, row);
    });
    // Published replies counted before their parents are written, so no parent row is
    // updated afterwards (each update of a comment rewrites its eleven index entries).
    // A parent written in an earlier batch gets its count added at the end.
    for (const row of values) {
      if (row.parentId === null || row.r.c.status !== 'published') continue;
      const parentRow = inThisBatch.get(row.parentId);
      if (parentRow) parentRow.replyCount++;
    }
    markPlaced();

    // Replies to a batch still being written wait for it (its rows are not committed, and the
    // foreign key cannot see them), with their own replies here; the rest go at once, so two
    // batches are written side by side on the two connections.
    const now: BatchRow[] = [];
    const later: BatchRow[] = [];
    const laterIds = new Set<string>();
    const waitFor = new Set<Promise<unknown>>();
    for (const v of values) {
      const parentWrite = v.parentId ? uncommitted.get(v.parentId) : undefined;
      if (parentWrite || (v.parentId && laterIds.has(v.parentId))) {
        if (parentWrite) waitFor.add(parentWrite);
        later.push(v);
        laterIds.add(v.place.id);
      } else {
        now.push(v);
      }
    }
    const writing = (async () => {
      await writePart(now, inThisBatch);
      if (later.length) {
        await Promise.all(waitFor);
        await writePart(later, inThisBatch);
      }
    })();
    writing.catch(() => {}); // awaited below
    for (const v of values) uncommitted.set(v.place.id, writing);
    try {
      await writing;
    } finally {
      for (const v of values) uncommitted.delete(v.place.id);
    }
    opts.onProgress?.({ imported: report.imported, skipped: report.skipped, threads: report.threads });
  };

  let lastPlaced: Promise<unknown> = Promise.resolve();
  const enqueue = (rows: Pending[]) => {
    let markPlaced!: () => void;
    const placedNow = new Promise<void>((resolve) => (markPlaced = resolve));
    const done = flush(rows, lastPlaced, markPlaced);
    lastPlaced = placedNow;
    // Failed before it was placed: the next batch must not wait forever (the failure itself
    // ends the import when this batch is awaited).
    done.then(markPlaced, markPlaced);
    return done;
  };

  // The exporting site's policy versions → theirs here (Parley exports name them before any comment).
  const policyVersions = new Map<number, number>();
  for await (const record of records) {
    if (record.type === 'skip') {
      skip(record.reason, record.externalId);
    } else if (record.type === 'policy') {
      policyVersions.set(record.version, await importPolicyVersion(db, site.id, record));
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
      const consent = record.consent;
      // The consent keeps its policy hash and text whatever happens to the version number.
      if (consent?.policyVersion != null) consent.policyVersion = policyVersions.get(consent.policyVersion) ?? null;
      batch.push({ externalId, threadId, parentExternalId, c: record });
      if (batch.length >= batchSize) {
        // The database writes while the XML parser reads on; each batch waits for the one before.
        if (inFlight.length >= MAX_IN_FLIGHT) await inFlight.shift();
        const p = enqueue(batch);
        batch = [];
        p.catch(() => {}); // awaited (and rethrown) below
        inFlight.push(p);
      }
    }
  }
  for (const p of inFlight) await p;
  await enqueue(batch);
  const linking = Date.now();
  await resolveLinksAndCounts(db, site.id, lateReplies, [...new Set(threadIds.values())]);
  report.linkSeconds = (Date.now() - linking) / 1000;
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

/**
 * One statement writes a batch of comments and their consent records (a data-modifying CTE
 * is atomic on its own). Each column travels as one array parameter and is unnested in
 * SQL: 16 parameters for a thousand rows instead of 22,000, which is cheaper to build,
 * send and parse. The ids were drawn from the table's identity sequence beforehand, hence
 * OVERRIDING SYSTEM VALUE (kysely's insert builder has no such clause, so this is
 * parameterised SQL written out). Returns how many comments were written.
 */
async function insertBatch(db: Kysely<Database>, siteId: string, values: BatchRow[], avatarOf: (email: string) => string): Promise<number> {
  const column = <T>(pick: (v: (typeof values)[number]) => T): T[] => values.map(pick);
  const comment = (v: (typeof values)[number]) => v.r.c;
  // A record's own consent (Parley's export) is kept as it was; otherwise no consent was shown
  // by us, the basis says "imported" and nothing is invented. The hash is emailHash() in SQL:
  // sha256 of the trimmed, lower-cased address.
  const result = await sql<{ comment_id: string }>`
    with ins as (
      insert into comments (id, site_id, thread_id, parent_id, root_id, depth, reply_count, author_name, author_email, author_website, author_avatar,
                            body, body_hash, status, ip, user_agent, external_id, created_at, status_changed_at) overriding system value
      select r.id, ${siteId}::bigint, r.thread_id, r.parent_id, r.root_id, r.depth, r.reply_count, r.author_name, r.author_email, r.author_website, r.author_avatar,
             r.body, r.body_hash, r.status, r.ip, r.user_agent, r.external_id, r.created_at, r.created_at
      from unnest(
        ${column((v) => v.place.id)}::bigint[], ${column((v) => v.r.threadId)}::bigint[], ${column((v) => v.parentId)}::bigint[],
        ${column((v) => v.place.root)}::bigint[], ${column((v) => v.place.depth)}::int[], ${column((v) => v.replyCount)}::int[],
        ${column((v) => comment(v).author.name.slice(0, 100) || 'Anonymous')}::text[], ${column((v) => comment(v).author.email)}::text[],
        ${column((v) => comment(v).author.website)}::text[],
        ${column((v) => (comment(v).author.email ? avatarOf(comment(v).author.email!) : null))}::text[],
        ${column((v) => comment(v).body)}::text[], ${column((v) => bodyHash(comment(v).body))}::text[], ${column((v) => comment(v).status as CommentStatus)}::text[],
        ${column((v) => validIp(comment(v).ip))}::inet[], ${column((v) => comment(v).userAgent)}::text[], ${column((v) => v.r.externalId)}::text[],
        ${column((v) => comment(v).createdAt)}::timestamptz[]
      ) as r(id, thread_id, parent_id, root_id, depth, reply_count, author_name, author_email, author_website, author_avatar, body, body_hash, status, ip, user_agent, external_id, created_at)
      on conflict (site_id, external_id) where external_id is not null do nothing
      returning id, external_id, author_email, created_at
    )
    insert into consent_records (site_id, comment_id, basis, policy_version, policy_hash, consent_text, email, email_hash, ip, user_agent, created_at)
    select ${siteId}::bigint, ins.id, coalesce(k.basis, 'imported'), k.policy_version, k.policy_hash, k.consent_text, ins.author_email,
           encode(sha256(convert_to(lower(trim(coalesce(ins.author_email, 'imported:' || ins.external_id))), 'UTF8')), 'hex'),
           k.ip, k.user_agent, coalesce(k.created_at, ins.created_at)
    from ins
    ${
      values.some((v) => comment(v).consent)
        ? sql`left join unnest(
            ${column((v) => v.r.externalId)}::text[], ${column((v) => comment(v).consent?.basis ?? null)}::text[],
            ${column((v) => comment(v).consent?.policyVersion ?? null)}::int[], ${column((v) => comment(v).consent?.policyHash ?? null)}::text[],
            ${column((v) => comment(v).consent?.consentText ?? null)}::text[], ${column((v) => validIp(comment(v).consent?.ip))}::inet[],
            ${column((v) => comment(v).consent?.userAgent ?? null)}::text[], ${column((v) => comment(v).consent?.createdAt ?? null)}::timestamptz[]
          ) as k(external_id, basis, policy_version, policy_hash, consent_text, ip, user_agent, created_at) on k.external_id = ins.external_id`
        : // WordPress and Disqus exports carry no consent: eight arrays of nulls would cost 7% of an import.
          sql`left join (select null::text as basis, null::int as policy_version, null::text as policy_hash, null::text as consent_text,
                                null::inet as ip, null::text as user_agent, null::timestamptz as created_at) k on false`
    }
    returning comment_id`.execute(db);
  return result.rows.length;
}

/**
 * The address as PostgreSQL's inet takes it, or null: exports carry "unknown", "", proxies'
 * lists ("1.2.3.4, 5.6.7.8") and worse, and one such value must not fail a batch of a thousand.
 */
function validIp(raw: string | null | undefined): string | null {
  const ip = raw?.trim();
  return ip && isIP(ip) !== 0 ? ip : null;
}

/**
 * Links the replies written before their parent was known (by external id), setting root
 * and depth in the threads they are in; adds the replies counted after their parent was
 * written and recounts the parents of linked replies; recounts the totals of the threads the
 * import named (not the whole site's: a site with a million comments and a small import would
 * pay for all of them). All set-based.
 */
async function resolveLinksAndCounts(db: Kysely<Database>, siteId: string, lateReplies: Map<string, number>, threadIds: string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Whose replies arrive only now: they are recounted in full below.
    const linkedParents = (
      await sql<{ id: string }>`
        select distinct p.id from import_links l join comments p on p.site_id = l.site_id and p.external_id = l.parent_external_id
        where l.site_id = ${siteId}`.execute(trx)
    ).rows.map((r) => r.id);
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
      -- Only the threads a late link touches: the rest were written already linked.
      affected as (
        select distinct c.thread_id
        from import_links l join comments c on c.site_id = l.site_id and c.external_id = l.external_id
        where l.site_id = ${siteId}
      ),
      parents as (
        select c.id, coalesce(l.parent_id, c.parent_id) as parent_id
        from comments c left join links l on l.id = c.id
        where c.site_id = ${siteId} and c.thread_id in (select thread_id from affected)
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
    if (lateReplies.size) {
      await sql`
        update comments c set reply_count = c.reply_count + d.n
        from unnest(${[...lateReplies.keys()]}::bigint[], ${[...lateReplies.values()]}::int[]) as d(id, n)
        where c.id = d.id`.execute(trx);
    }
    if (linkedParents.length) {
      await sql`
        update comments c set reply_count = coalesce(r.n, 0)
        from unnest(${linkedParents}::bigint[]) as p(id)
        left join (select parent_id, count(*)::int as n from comments
                   where parent_id = any(${linkedParents}::bigint[]) and status = 'published' group by parent_id) r on r.parent_id = p.id
        where c.id = p.id`.execute(trx);
    }
    await sql`
      update threads t set comment_count = coalesce(s.n, 0), last_comment_at = s.last
      from (select t2.id, count(c.id) filter (where c.status = 'published')::int as n, max(c.created_at) filter (where c.status = 'published') as last
            from threads t2 left join comments c on c.thread_id = t2.id where t2.id = any(${threadIds}::bigint[]) group by t2.id) s
      where t.id = s.id`.execute(trx);
  });
}
