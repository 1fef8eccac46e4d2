import { sql, type Kysely } from 'kysely';
import { emailHash } from './consentRecords.js';
import { lookupAnswers, lookupSelections, type LookupQuestions, type PrefetchedAnswers } from './moderationLookups.js';
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

type ContextRow = Site & {
  ctx_policy_version: number | null;
  ctx_policy_hash: string | null;
  ctx_policy_consent_text: string | null;
  ctx_thread_id: string | null;
  ctx_thread_url: string | null;
  ctx_thread_closed: boolean | null;
  ctx_thread_keep_open: boolean | null;
  ctx_thread_created_at: Date | null;
  /** Present only when a parent was asked for. */
  ctx_parent_id?: string | null;
  ctx_parent_thread_id?: string | null;
  ctx_parent_status?: Comment['status'] | null;
  ctx_parent_root_id?: string | null;
  ctx_parent_depth?: number | null;
} & Record<`lk_${string}`, unknown>;

export async function findPostingContext(
  db: Kysely<Database>,
  slug: string,
  threadKey: string,
  ask: { parentId?: string | null; lookups?: LookupQuestions | null } = {},
): Promise<PostingContext | undefined> {
  // An id past bigint's range names no comment (and would fail the cast).
  const parentId = ask.parentId && /^\d{1,19}$/.test(ask.parentId) && BigInt(ask.parentId) <= MAX_BIGINT ? ask.parentId : null;
  const lookups = ask.lookups ? lookupSelections(sql`s.id`, ask.lookups) : [];
  const result = await sql<ContextRow>`
    select s.*,
      p.version as ctx_policy_version, p.hash as ctx_policy_hash, p.consent_text as ctx_policy_consent_text,
      t.id as ctx_thread_id, t.url as ctx_thread_url, t.closed as ctx_thread_closed, t.keep_open as ctx_thread_keep_open, t.created_at as ctx_thread_created_at
      ${parentId ? sql`, pc.id as ctx_parent_id, pc.thread_id as ctx_parent_thread_id, pc.status as ctx_parent_status, pc.root_id as ctx_parent_root_id, pc.depth as ctx_parent_depth` : sql``}
      ${lookups.length ? sql`, ${sql.join(lookups)}` : sql``}
    from sites s
    left join policy_versions p on p.site_id = s.id and p.version = s.current_policy_version
    left join threads t on t.site_id = s.id and t.key = ${threadKey}
    ${parentId ? sql`left join comments pc on pc.id = ${parentId}` : sql``}
    where s.slug = ${slug}`.execute(db);
  const row = result.rows[0];
  if (!row) return undefined;
  const site: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!k.startsWith('ctx_') && !k.startsWith('lk_')) site[k] = v;
  return {
    site: site as unknown as Site,
    policy: row.ctx_policy_version !== null && row.ctx_policy_hash !== null && row.ctx_policy_consent_text !== null
      ? { version: row.ctx_policy_version, hash: row.ctx_policy_hash, consent_text: row.ctx_policy_consent_text }
      : null,
    thread: row.ctx_thread_id !== null && row.ctx_thread_closed !== null && row.ctx_thread_created_at !== null
      ? { id: row.ctx_thread_id, url: row.ctx_thread_url, closed: row.ctx_thread_closed, keep_open: row.ctx_thread_keep_open === true, created_at: row.ctx_thread_created_at }
      : null,
    parent: row.ctx_parent_id != null && row.ctx_parent_thread_id != null && row.ctx_parent_status != null && row.ctx_parent_depth != null
      ? { id: row.ctx_parent_id, thread_id: row.ctx_parent_thread_id, status: row.ctx_parent_status, root_id: row.ctx_parent_root_id ?? null, depth: row.ctx_parent_depth }
      : null,
    answers: ask.lookups ? lookupAnswers(row as Record<string, unknown>, ask.lookups) : {},
  };
}

export interface NewSubmission {
  /** The comment; its thread is the one below, created on its first comment. */
  comment: Omit<NewComment, 'thread_id'> & { site_id: string; author_email: string; status: NewComment['status']; created_at: Date };
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
   * this statement (delivered at its commit, never for a write that failed), not by a
   * statement of its own afterwards.
   */
  notify?: { channel: string } | null;
}

export class ThreadClosedError extends Error {}

/** What the answer needs (the public shape), not the whole row: its moderation record, email and IP stay in the database. */
const RETURNED = sql.join([...publicColumns, 'thread_id'].map((k) => sql.ref(k)));

/**
 * A new comment, its consent record, its first moderation event and the counts it changes,
 * in one statement (data-modifying CTEs): atomic without BEGIN/COMMIT, so one round trip
 * instead of seven. The thread upsert takes the count change itself (a second UPDATE of the
 * same row in one statement is not allowed) and refuses, by returning nothing, a thread closed
 * meanwhile; the comment's thread_id is then null and the NOT NULL check aborts the whole
 * statement, which is reported as ThreadClosedError.
 */
export type SubmittedRow = PublicCommentRow & Pick<Comment, 'thread_id'> & { event_id: string };

export async function insertSubmission(db: Kysely<Database>, s: NewSubmission): Promise<SubmittedRow> {
  const c = s.comment;
  const published = c.status === 'published';
  const columns = Object.keys(c) as (keyof typeof c)[];
  const parentId = c.parent_id ?? null;
  const notClosed = s.thread.closedIfCreatedBefore
    ? sql`not threads.closed and (threads.keep_open or threads.created_at >= ${s.thread.closedIfCreatedBefore})`
    : sql`not threads.closed`;
  const query = sql<SubmittedRow>`
    with t as (
      insert into threads (site_id, key, url, title, comment_count, last_comment_at)
      values (${c.site_id}, ${s.thread.key}, ${s.thread.url}, ${s.thread.title}, ${published ? 1 : 0}, ${published ? c.created_at : null})
      on conflict (site_id, key) do update set
        url = coalesce(threads.url, excluded.url),
        title = coalesce(threads.title, excluded.title),
        comment_count = threads.comment_count + ${published ? 1 : 0},
        last_comment_at = ${published ? sql`greatest(threads.last_comment_at, excluded.last_comment_at)` : sql`threads.last_comment_at`}
      where ${notClosed}
      returning id
    ),
    c as (
      insert into comments (thread_id, ${sql.join(columns.map((k) => sql.ref(k)))})
      values ((select id from t), ${sql.join(columns.map((k) => sql.val(c[k])))})
      returning ${RETURNED}
    ),
    consent as (
      insert into consent_records (site_id, comment_id, basis, policy_version, policy_hash, consent_text, email, email_hash, ip, user_agent, created_at)
      values (${c.site_id}, (select id from c), 'form', ${s.consent.policyVersion}, ${s.consent.policyHash}, ${s.consent.consentText},
              ${c.author_email}, ${emailHash(c.author_email)}, ${c.ip ?? null}, ${c.user_agent ?? null}, ${c.created_at})
    ),
    ev as (
      insert into moderation_events (site_id, comment_id, actor, action, from_status, to_status, reason, details, created_at)
      values (${c.site_id}, (select id from c), ${s.event.actor}, 'submitted', null, ${c.status}, ${s.event.reason}, null, ${c.created_at})
      returning id
    )
    ${published && parentId !== null ? sql`, parent as (update comments set reply_count = reply_count + 1 where id = ${parentId})` : sql``}
    ${
      s.akismetRecheck
        ? sql`, recheck as (
            insert into akismet_rechecks (comment_id, params, deferred_at, attempts, next_at)
            values ((select id from c), ${s.akismetRecheck.params}, ${s.akismetRecheck.deferredAt}, 0, ${s.akismetRecheck.nextAt}))`
        : sql``
    }
    select ${RETURNED}, (select id from ev) as event_id
      ${
        published && s.notify
          ? sql`, pg_notify(${s.notify.channel}, json_build_object(
                'id', (select id from ev)::text, 'type', 'comment.published', 'siteId', ${c.site_id}::text,
                'threadKey', ${s.thread.key}::text, 'commentId', c.id::text)::text) as notified`
          : sql``
      }
    from c`;
  try {
    const result = await query.execute(db);
    return result.rows[0]!;
  } catch (e) {
    const err = e as { code?: string; column?: string; message?: string };
    if (err.code === '23502' && (err.column === 'thread_id' || /thread_id/.test(err.message ?? ''))) throw new ThreadClosedError('thread closed');
    throw e;
  }
}
