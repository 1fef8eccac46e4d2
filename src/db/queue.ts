import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { Report } from './authSchema.js';
import type { Comment, CommentStatus, Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The moderation queues of a site. They do not overlap: a comment readers reported
 * (comments.report_count counts its open reports) is in `reported` whether it is still
 * published or already hidden by the report threshold, and leaves it when a moderator decides.
 */
export type QueueName = 'pending' | 'reported' | 'spam' | 'rejected' | 'published' | 'deleted';
export const queueNames: readonly QueueName[] = ['pending', 'reported', 'spam', 'rejected', 'published', 'deleted'];

export interface QueueFilters {
  threadKey?: string | undefined;
  email?: string | undefined;
  ip?: string | undefined;
  /** A flag code from the moderation record, e.g. `banned_word`. */
  flag?: string | undefined;
}

export interface QueueCursor {
  createdAt: Date;
  id: string;
}

export type QueueRow = Comment & {
  thread_key: string;
  thread_title: string | null;
  thread_url: string | null;
  thread_closed: boolean;
  thread_keep_open: boolean;
  thread_created_at: Date;
  site_auto_close_days: number | null;
};

type QueueQuery = SelectQueryBuilder<Database & { c: Database['comments']; t: Database['threads'] }, 'c' | 't', object>;

function inQueue<Q extends QueueQuery>(q: Q, queue: QueueName): Q {
  switch (queue) {
    case 'pending':
      return q.where('c.status', '=', 'pending').where('c.report_count', '=', 0) as Q;
    case 'reported':
      return q.where('c.status', 'in', ['published', 'pending']).where('c.report_count', '>', 0) as Q;
    default:
      return q.where('c.status', '=', queue satisfies CommentStatus) as Q;
  }
}

function filtered<Q extends QueueQuery>(q: Q, f: QueueFilters): Q {
  let out = q;
  if (f.threadKey) out = out.where('t.key', '=', f.threadKey) as Q;
  if (f.email) out = out.where(sql<string>`lower(c.author_email)`, '=', f.email.trim().toLowerCase()) as Q;
  if (f.ip) out = out.where(sql<boolean>`c.ip = ${f.ip}::inet`) as Q;
  if (f.flag) out = out.where(sql<boolean>`c.moderation -> 'flags' @> ${JSON.stringify([{ code: f.flag }])}::jsonb`) as Q;
  return out;
}

/** A comment with what a moderator needs to know of its thread. */
function selectQueueRows(db: Db) {
  return db
    .selectFrom('comments as c')
    .innerJoin('threads as t', 't.id', 'c.thread_id')
    .innerJoin('sites as s', 's.id', 'c.site_id')
    .selectAll('c')
    .select([
      't.key as thread_key', 't.title as thread_title', 't.url as thread_url', 't.closed as thread_closed',
      // What closes a thread besides a moderator (the site's auto-close age): see threadRules.ts.
      't.keep_open as thread_keep_open', 't.created_at as thread_created_at', 's.auto_close_days as site_auto_close_days',
    ]);
}

/** One page of a queue by keyset on (created_at, id); one row more than asked tells whether more exist. */
export async function listQueue(
  db: Db,
  siteId: string,
  queue: QueueName,
  filters: QueueFilters,
  sort: 'newest' | 'oldest',
  limit: number,
  after: QueueCursor | null,
): Promise<QueueRow[]> {
  let q = selectQueueRows(db).where('c.site_id', '=', siteId);
  q = filtered(inQueue(q, queue), filters);
  if (sort === 'oldest') {
    if (after) q = q.where(sql<boolean>`(c.created_at, c.id) > (${after.createdAt}, ${after.id}::bigint)`);
    q = q.orderBy('c.created_at', 'asc').orderBy('c.id', 'asc');
  } else {
    if (after) q = q.where(sql<boolean>`(c.created_at, c.id) < (${after.createdAt}, ${after.id}::bigint)`);
    q = q.orderBy('c.created_at', 'desc').orderBy('c.id', 'desc');
  }
  return q.limit(limit + 1).execute() as Promise<QueueRow[]>;
}

/** Every queue's size in one pass over the site's comments. */
export async function countQueues(db: Db, siteId: string, filters: QueueFilters = {}): Promise<Record<QueueName, number>> {
  let q = db
    .selectFrom('comments as c')
    .innerJoin('threads as t', 't.id', 'c.thread_id')
    .select([
      sql<number>`count(*) filter (where c.status = 'pending' and c.report_count = 0)::int`.as('pending'),
      sql<number>`count(*) filter (where c.status in ('published', 'pending') and c.report_count > 0)::int`.as('reported'),
      sql<number>`count(*) filter (where c.status = 'spam')::int`.as('spam'),
      sql<number>`count(*) filter (where c.status = 'rejected')::int`.as('rejected'),
      sql<number>`count(*) filter (where c.status = 'published')::int`.as('published'),
      sql<number>`count(*) filter (where c.status = 'deleted')::int`.as('deleted'),
    ])
    .where('c.site_id', '=', siteId);
  q = filtered(q, filters);
  return (await q.executeTakeFirstOrThrow()) as Record<QueueName, number>;
}

export async function findQueueRow(db: Db, id: string): Promise<QueueRow | undefined> {
  return selectQueueRows(db)
    .where('c.id', '=', id)
    .executeTakeFirst() as Promise<QueueRow | undefined>;
}

/** Every comment of a thread whatever its status, oldest first: the moderator's thread view. */
export async function listThreadForModeration(db: Db, threadId: string, limit: number): Promise<QueueRow[]> {
  return selectQueueRows(db)
    .where('c.thread_id', '=', threadId)
    .orderBy('c.created_at')
    .orderBy('c.id')
    .limit(limit)
    .execute() as Promise<QueueRow[]>;
}

export interface ParentSummary {
  id: string;
  author_name: string;
  body: string;
  status: CommentStatus;
  created_at: Date;
}

export async function findParents(db: Db, ids: string[]): Promise<Map<string, ParentSummary>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('comments').select(['id', 'author_name', 'body', 'status', 'created_at']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export interface AuthorCounts {
  published: number;
  pending: number;
  spam: number;
  rejected: number;
  deleted: number;
}

/** Each author's comments on the site by status, for many emails in one query. */
export async function authorHistories(db: Db, siteId: string, emails: string[]): Promise<Map<string, AuthorCounts>> {
  const lower = [...new Set(emails.map((e) => e.toLowerCase()))];
  const out = new Map<string, AuthorCounts>();
  if (lower.length === 0) return out;
  const rows = await db
    .selectFrom('comments')
    .select([sql<string>`lower(author_email)`.as('email'), 'status', sql<number>`count(*)::int`.as('n')])
    .where('site_id', '=', siteId)
    .where(sql<string>`lower(author_email)`, 'in', lower)
    .groupBy([sql`lower(author_email)`, 'status'])
    .execute();
  for (const email of lower) out.set(email, { published: 0, pending: 0, spam: 0, rejected: 0, deleted: 0 });
  for (const r of rows) out.get(r.email)![r.status] = r.n;
  return out;
}

export async function reportsFor(db: Db, commentIds: string[]): Promise<Map<string, Report[]>> {
  const out = new Map<string, Report[]>();
  if (commentIds.length === 0) return out;
  const rows = await db.selectFrom('reports').selectAll().where('comment_id', 'in', commentIds).orderBy('created_at').orderBy('id').execute();
  for (const r of rows) out.set(r.comment_id, [...(out.get(r.comment_id) ?? []), r]);
  return out;
}

export interface CommentEventRow {
  id: string;
  actor: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  reason: string | null;
  details: unknown;
  created_at: Date;
}

export async function eventsForComment(db: Db, commentId: string): Promise<CommentEventRow[]> {
  return db
    .selectFrom('moderation_events')
    .select(['id', 'actor', 'action', 'from_status', 'to_status', 'reason', 'details', 'created_at'])
    .where('comment_id', '=', commentId)
    .orderBy('id')
    .execute();
}
