import { sql, type Kysely } from 'kysely';
import { emailHash } from './consentRecords.js';
import { prepared } from './preparedStatements.js';
import { Batcher, perDatabase } from './batcher.js';
import { LOOKUP_INPUT_TYPES, LOOKUP_SELECTIONS, lookupAnswers, lookupInput, type LookupInput, type LookupQuestions, type PrefetchedAnswers } from './moderationLookups.js';
import { publicColumns, type PublicCommentRow } from './comments.js';
import type { Comment, Database, NewComment, PolicyVersion, Site, Thread } from './schema.js';

/**
 * Everything posting needs to know before the pipeline runs, in one round trip: the site,
 * its current policy, the thread (if it exists yet), the parent of a reply and the moderation
 * lookups (rate-limit counts, duplicates, bans: see lookupSelections). Round trips are what a
 * post costs most here (each is a system call and a wake-up on both ends, and a statement to
 * parse and plan), more than any of these lookups.
 */
export interface PostingContext {
  site: Site;
  policy: Pick<PolicyVersion, 'version' | 'hash' | 'consent_text'> | null;
  thread: Pick<Thread, 'id' | 'url' | 'closed' | 'keep_open' | 'created_at'> | null;
  /** The comment replied to, when asked for and it exists. */
  parent: Pick<Comment, 'id' | 'thread_id' | 'status' | 'root_id' | 'depth'> | null;
  /** The lookups read ahead (empty when none were asked). */
  answers: PrefetchedAnswers;
}

const MAX_BIGINT = 9223372036854775807n;

/**
 * The site's columns by name, not `s.*`: the query is a prepared statement, and a prepared
 * statement whose result columns change (a migration adding a column, run by a newer
 * instance beside this one) fails on every connection that prepared it.
 */
const SITE_COLUMNS = [
  'id', 'slug', 'name', 'allowed_origins', 'moderation', 'current_policy_version', 'edit_window_minutes',
  'report_threshold', 'ip_retention_days', 'spam_retention_days', 'rejected_retention_days', 'auto_close_days',
  'erasure_keeps_text', 'created_at',
] as const satisfies readonly (keyof Site)[];
// Every column of Site is listed (a compile error names the missing one).
const allSiteColumns: Exclude<keyof Site, (typeof SITE_COLUMNS)[number]> extends never ? true : never = true;
void allSiteColumns;

type ContextRow = Site & {
  ord: number;
  ctx_policy_version: number | null;
  ctx_policy_hash: string | null;
  ctx_policy_consent_text: string | null;
  ctx_thread_id: string | null;
  ctx_thread_url: string | null;
  ctx_thread_closed: boolean | null;
  ctx_thread_keep_open: boolean | null;
  ctx_thread_created_at: Date | null;
  ctx_parent_id: string | null;
  ctx_parent_thread_id: string | null;
  ctx_parent_status: Comment['status'] | null;
  ctx_parent_root_id: string | null;
  ctx_parent_depth: number | null;
} & Record<`lk_${string}`, unknown>;

/** What one post asks before its pipeline runs. */
export interface ContextAsk {
  slug: string;
  threadKey: string;
  parentId?: string | null;
  lookups?: LookupQuestions | null;
}

/**
 * The posting contexts of several posts in one statement, one answer per ask in order
 * (undefined: no such site). The asks travel as one JSON parameter, so the statement's text
 * never changes and PostgreSQL keeps one generic plan for it (see lookupInput).
 */
export async function readPostingContexts(db: Kysely<Database>, asks: readonly ContextAsk[]): Promise<Array<PostingContext | undefined>> {
  if (asks.length === 0) return [];
  const inputs = asks.map((ask, ord) => ({
    ord,
    slug: ask.slug,
    thread_key: ask.threadKey,
    // An id past bigint's range names no comment (and would fail the cast).
    parent_id: ask.parentId && /^\d{1,19}$/.test(ask.parentId) && BigInt(ask.parentId) <= MAX_BIGINT ? ask.parentId : null,
    ...lookupInput(ask.lookups),
  }));
  const input = JSON.stringify(inputs);
  const result = await sql<ContextRow>`${prepared} select x.ord, ${sql.join(SITE_COLUMNS.map((k) => sql.ref(`s.${k}`)))},
      p.version as ctx_policy_version, p.hash as ctx_policy_hash, p.consent_text as ctx_policy_consent_text,
      t.id as ctx_thread_id, t.url as ctx_thread_url, t.closed as ctx_thread_closed, t.keep_open as ctx_thread_keep_open, t.created_at as ctx_thread_created_at,
      pc.id as ctx_parent_id, pc.thread_id as ctx_parent_thread_id, pc.status as ctx_parent_status, pc.root_id as ctx_parent_root_id, pc.depth as ctx_parent_depth,
      ${LOOKUP_SELECTIONS}
    from jsonb_to_recordset(${input}::jsonb) as x(ord int, slug text, thread_key text, parent_id bigint, ${LOOKUP_INPUT_TYPES})
    join sites s on s.slug = x.slug
    left join policy_versions p on p.site_id = s.id and p.version = s.current_policy_version
    left join threads t on t.site_id = s.id and t.key = x.thread_key
    left join comments pc on pc.id = x.parent_id`.execute(db);
  const answers: Array<PostingContext | undefined> = asks.map(() => undefined);
  for (const row of result.rows) answers[row.ord] = contextFromRow(row, inputs[row.ord]!);
  return answers;
}

function contextFromRow(row: ContextRow, asked: LookupInput): PostingContext {
  const site: Record<string, unknown> = {};
  for (const k of SITE_COLUMNS) site[k] = row[k];
  return {
    site: site as unknown as Site,
    policy: row.ctx_policy_version !== null && row.ctx_policy_hash !== null && row.ctx_policy_consent_text !== null
      ? { version: row.ctx_policy_version, hash: row.ctx_policy_hash, consent_text: row.ctx_policy_consent_text }
      : null,
    thread: row.ctx_thread_id !== null && row.ctx_thread_closed !== null && row.ctx_thread_created_at !== null
      ? { id: row.ctx_thread_id, url: row.ctx_thread_url, closed: row.ctx_thread_closed, keep_open: row.ctx_thread_keep_open === true, created_at: row.ctx_thread_created_at }
      : null,
    parent: row.ctx_parent_id !== null && row.ctx_parent_thread_id !== null && row.ctx_parent_status !== null && row.ctx_parent_depth !== null
      ? { id: row.ctx_parent_id, thread_id: row.ctx_parent_thread_id, status: row.ctx_parent_status, root_id: row.ctx_parent_root_id ?? null, depth: row.ctx_parent_depth }
      : null,
    answers: lookupAnswers(row as Record<string, unknown>, asked),
  };
}

/** Posts reading their context at the same moment share one statement (batcher.ts). */
export const contextReader = perDatabase((db) => new Batcher((asks: ContextAsk[]) => readPostingContexts(db, asks), { maxBatch: 64, maxInFlight: 2 }));

/** One post's context, read in a batch with the other posts' asking at the same moment. */
export async function findPostingContext(
  db: Kysely<Database>,
  slug: string,
  threadKey: string,
  ask: { parentId?: string | null; lookups?: LookupQuestions | null } = {},
): Promise<PostingContext | undefined> {
  const one: ContextAsk = { slug, threadKey, ...ask };
  if (db.isTransaction) return (await readPostingContexts(db, [one]))[0];
  return contextReader(db).submit(one);
}

/** The columns a reader's new comment is written with (the rest take their defaults). */
type NewReaderComment = Required<
  Pick<
    NewComment,
    | 'parent_id' | 'root_id' | 'depth' | 'author_name' | 'author_website' | 'author_avatar' | 'body' | 'body_hash'
    | 'ip' | 'user_agent' | 'referrer' | 'moderation' | 'edit_token_hash' | 'status_changed_at'
  >
> & { site_id: string; author_email: string; status: NewComment['status']; created_at: Date };

export interface NewSubmission {
  /** The comment; its thread is the one below, created on its first comment. */
  comment: NewReaderComment;
  thread: {
    key: string;
    url: string | null;
    title: string | null;
    /** A thread created before this is closed by the site's auto-close rule (null: no rule). */
    closedIfCreatedBefore: Date | null;
  };
  consent: { policyVersion: number; policyHash: string; consentText: string };
  event: { actor: string; reason: string | null };
  /** Held because Akismet did not answer: queue a recheck. */
  akismetRecheck: { params: string; deferredAt: Date; nextAt: Date } | null;
  /**
   * Live updates travel by NOTIFY on this database: a published comment's notice is sent by
   * the statement that writes it (delivered at its commit, never for a write that failed), not
   * by a statement of its own afterwards.
   */
  notify?: { channel: string } | null;
}

export class ThreadClosedError extends Error {}

/** What the answer needs (the public shape), not the whole row: its moderation record, email and IP stay in the database. */
const RETURNED = [...publicColumns, 'thread_id'] as const;

export type SubmittedRow = PublicCommentRow & Pick<Comment, 'thread_id'> & { event_id: string };

/** One submission as a row of the statement's input (jsonb_to_recordset below names the types). */
function inputRow(s: NewSubmission, ord: number) {
  const c = s.comment;
  return {
    ord,
    site_id: c.site_id,
    thread_key: s.thread.key,
    thread_url: s.thread.url,
    thread_title: s.thread.title,
    closed_before: s.thread.closedIfCreatedBefore,
    parent_id: c.parent_id,
    root_id: c.root_id,
    depth: c.depth,
    author_name: c.author_name,
    author_email: c.author_email,
    author_website: c.author_website,
    author_avatar: c.author_avatar,
    body: c.body,
    body_hash: c.body_hash,
    status: c.status,
    ip: c.ip,
    user_agent: c.user_agent,
    referrer: c.referrer,
    moderation: c.moderation === null || typeof c.moderation === 'string' ? c.moderation : JSON.stringify(c.moderation),
    edit_token_hash: c.edit_token_hash,
    created_at: c.created_at,
    status_changed_at: c.status_changed_at,
    policy_version: s.consent.policyVersion,
    policy_hash: s.consent.policyHash,
    consent_text: s.consent.consentText,
    email_hash: emailHash(c.author_email),
    actor: s.event.actor,
    reason: s.event.reason,
    recheck_params: s.akismetRecheck?.params ?? null,
    recheck_deferred_at: s.akismetRecheck?.deferredAt ?? null,
    recheck_next_at: s.akismetRecheck?.nextAt ?? null,
  };
}

/**
 * New comments, each with its consent record, its first moderation event and the counts it
 * changes, in one statement (data-modifying CTEs): atomic without BEGIN/COMMIT, and one round
 * trip and one commit for the whole batch, which is what a post costs most (see
 * submissionWriter.ts, which gathers the batches).
 *
 * The input travels as one JSON parameter, so the statement's text is the same whatever the
 * batch size. Threads are upserted once per key with the batch's totals (one statement may not
 * update a row twice), in key order so concurrent batches lock them in the same order; the
 * upsert skips a thread that is closed (or closed by the site's auto-close rule), and so writes
 * nothing for that thread's comments. The answer is one entry per submission, in order: its
 * row, or null when its thread was closed.
 */
export async function insertSubmissions(db: Kysely<Database>, batch: readonly NewSubmission[]): Promise<Array<SubmittedRow | null>> {
  if (batch.length === 0) return [];
  // Rows are matched back to their submission by edit token hash: it must tell them apart.
  if (batch.length > 1 && new Set(batch.map((s) => s.comment.edit_token_hash)).size !== batch.length) {
    throw new Error('insertSubmissions: a batch needs a distinct edit_token_hash per submission');
  }
  const notify = batch[0]!.notify ?? null;
  if (batch.some((s) => (s.notify?.channel ?? null) !== (notify?.channel ?? null))) {
    throw new Error('insertSubmissions: one batch, one notify channel');
  }
  const input = JSON.stringify(batch.map(inputRow));
  const returned = sql.join(RETURNED.map((k) => sql.ref(`c.${k}`)));
  const result = await sql<SubmittedRow & { ord: number }>`${prepared} with input as (
      select * from jsonb_to_recordset(${input}::jsonb) as x(
        ord int, site_id bigint, thread_key text, thread_url text, thread_title text, closed_before timestamptz,
        parent_id bigint, root_id bigint, depth int, author_name text, author_email text, author_website text,
        author_avatar text, body text, body_hash text, status text, ip inet, user_agent text, referrer text,
        moderation text, edit_token_hash text, created_at timestamptz, status_changed_at timestamptz,
        policy_version int, policy_hash text, consent_text text, email_hash text, actor text, reason text,
        recheck_params text, recheck_deferred_at timestamptz, recheck_next_at timestamptz)
    ),
    per_thread as (
      select site_id, thread_key as key,
        (array_agg(thread_url order by ord) filter (where thread_url is not null))[1] as url,
        (array_agg(thread_title order by ord) filter (where thread_title is not null))[1] as title,
        (count(*) filter (where status = 'published'))::int as published,
        max(created_at) filter (where status = 'published') as last_comment_at,
        max(closed_before) as closed_before
      from input group by site_id, thread_key
    ),
    t as (
      insert into threads as th (site_id, key, url, title, comment_count, last_comment_at)
      select site_id, key, url, title, published, last_comment_at from per_thread order by site_id, key
      on conflict (site_id, key) do update set
        url = coalesce(th.url, excluded.url),
        title = coalesce(th.title, excluded.title),
        comment_count = th.comment_count + excluded.comment_count,
        last_comment_at = greatest(th.last_comment_at, excluded.last_comment_at)
      where not th.closed and (th.keep_open or th.created_at >= coalesce(
        (select p.closed_before from per_thread p where p.site_id = th.site_id and p.key = th.key), '-infinity'))
      returning th.id, th.site_id, th.key
    ),
    c as (
      insert into comments (thread_id, site_id, parent_id, root_id, depth, author_name, author_email, author_website,
        author_avatar, body, body_hash, status, ip, user_agent, referrer, moderation, edit_token_hash, external_id,
        created_at, edited_at, status_changed_at)
      select t.id, i.site_id, i.parent_id, i.root_id, i.depth, i.author_name, i.author_email, i.author_website,
        i.author_avatar, i.body, i.body_hash, i.status, i.ip, i.user_agent, i.referrer, i.moderation::jsonb, i.edit_token_hash, null,
        i.created_at, null, i.status_changed_at
      from input i join t on t.site_id = i.site_id and t.key = i.thread_key
      order by i.ord
      returning ${sql.join(RETURNED.map((k) => sql.ref(k)))}, edit_token_hash
    ),
    ci as (
      select c.id as comment_id, i.* from c join input i on i.edit_token_hash is not distinct from c.edit_token_hash
    ),
    consent as (
      insert into consent_records (site_id, comment_id, basis, policy_version, policy_hash, consent_text, email, email_hash, ip, user_agent, created_at)
      select site_id, comment_id, 'form', policy_version, policy_hash, consent_text, author_email, email_hash, ip, user_agent, created_at
      from ci order by ord
    ),
    ev as (
      insert into moderation_events (site_id, comment_id, actor, action, from_status, to_status, reason, details, created_at)
      select site_id, comment_id, actor, 'submitted', null, status, reason, null, created_at
      from ci order by ord
      returning id, comment_id
    ),
    parent as (
      update comments p set reply_count = p.reply_count + x.n
      from (select parent_id, count(*)::int as n from c where status = 'published' and parent_id is not null group by parent_id) x
      where p.id = x.parent_id
    ),
    recheck as (
      insert into akismet_rechecks (comment_id, params, deferred_at, attempts, next_at)
      select comment_id, recheck_params::jsonb, recheck_deferred_at, 0, recheck_next_at
      from ci where recheck_params is not null
    )
    select i.ord, ${returned}, ev.id as event_id
      ${
        notify
          ? sql`, case when c.status = 'published' then pg_notify(${notify.channel}, json_build_object(
                'id', ev.id::text, 'type', 'comment.published', 'siteId', i.site_id::text,
                'threadKey', i.thread_key, 'commentId', c.id::text)::text) end as notified`
          : sql``
      }
    from c
    join input i on i.edit_token_hash is not distinct from c.edit_token_hash
    join ev on ev.comment_id = c.id
    order by i.ord`.execute(db);
  const byOrd = new Map<number, SubmittedRow>();
  for (const { ord, ...row } of result.rows) {
    delete (row as { notified?: unknown }).notified;
    byOrd.set(ord, row as SubmittedRow);
  }
  return batch.map((_, ord) => byOrd.get(ord) ?? null);
}

/** One submission alone: its row, or ThreadClosedError when its thread is closed. */
export async function insertSubmission(db: Kysely<Database>, s: NewSubmission): Promise<SubmittedRow> {
  const [row] = await insertSubmissions(db, [s]);
  if (!row) throw new ThreadClosedError('thread closed');
  return row;
}
