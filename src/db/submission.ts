import { sql, type Kysely } from 'kysely';
import { emailHash } from './consentRecords.js';
import type { Comment, Database, NewComment, PolicyVersion, Site, Thread } from './schema.js';

/**
 * Everything posting needs to know before the pipeline runs, in one round trip: the site,
 * its current policy and the thread (if it exists yet). Round trips are what a post costs
 * most here (each is a system call on both ends), more than any of these lookups.
 */
export interface PostingContext {
  site: Site;
  policy: Pick<PolicyVersion, 'version' | 'hash' | 'consent_text'> | null;
  thread: Pick<Thread, 'id' | 'url' | 'closed' | 'created_at'> | null;
}

export async function findPostingContext(db: Kysely<Database>, slug: string, threadKey: string): Promise<PostingContext | undefined> {
  const row = await db
    .selectFrom('sites as s')
    .leftJoin('policy_versions as p', (join) => join.onRef('p.site_id', '=', 's.id').onRef('p.version', '=', 's.current_policy_version'))
    .leftJoin('threads as t', (join) => join.onRef('t.site_id', '=', 's.id').on('t.key', '=', threadKey))
    .selectAll('s')
    .select([
      'p.version as policy_version',
      'p.hash as policy_hash',
      'p.consent_text as policy_consent_text',
      't.id as thread_id',
      't.url as thread_url',
      't.closed as thread_closed',
      't.created_at as thread_created_at',
    ])
    .where('s.slug', '=', slug)
    .executeTakeFirst();
  if (!row) return undefined;
  const { policy_version, policy_hash, policy_consent_text, thread_id, thread_url, thread_closed, thread_created_at, ...site } = row;
  return {
    site,
    policy: policy_version !== null && policy_hash !== null && policy_consent_text !== null ? { version: policy_version, hash: policy_hash, consent_text: policy_consent_text } : null,
    thread: thread_id !== null && thread_closed !== null && thread_created_at !== null ? { id: thread_id, url: thread_url, closed: thread_closed, created_at: thread_created_at } : null,
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
}

export class ThreadClosedError extends Error {}

/**
 * A new comment, its consent record, its first moderation event and the counts it changes,
 * in one statement (data-modifying CTEs): atomic without BEGIN/COMMIT, so one round trip
 * instead of seven. The thread upsert takes the count change itself (a second UPDATE of the
 * same row in one statement is not allowed) and refuses, by returning nothing, a thread closed
 * meanwhile; the comment's thread_id is then null and the NOT NULL check aborts the whole
 * statement, which is reported as ThreadClosedError.
 */
export async function insertSubmission(db: Kysely<Database>, s: NewSubmission): Promise<Comment & { event_id: string }> {
  const c = s.comment;
  const published = c.status === 'published';
  const columns = Object.keys(c) as (keyof typeof c)[];
  const parentId = c.parent_id ?? null;
  const notClosed = s.thread.closedIfCreatedBefore
    ? sql`not threads.closed and threads.created_at >= ${s.thread.closedIfCreatedBefore}`
    : sql`not threads.closed`;
  const query = sql<Comment & { event_id: string }>`
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
      returning *
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
    select c.*, (select id from ev) as event_id from c`;
  try {
    const result = await query.execute(db);
    return result.rows[0]!;
  } catch (e) {
    const err = e as { code?: string; column?: string; message?: string };
    if (err.code === '23502' && (err.column === 'thread_id' || /thread_id/.test(err.message ?? ''))) throw new ThreadClosedError('thread closed');
    throw e;
  }
}
