import { sql, type Kysely, type Transaction } from 'kysely';
import type { Comment, CommentStatus, Database, NewComment } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Statuses a public read shows: deleted ones appear as placeholders so replies stay in context. */
const visible: CommentStatus[] = ['published', 'deleted'];

/** Columns a public read needs; never the email, IP or user agent. */
export const publicColumns = [
  'id', 'parent_id', 'root_id', 'depth', 'author_name', 'author_website', 'author_avatar',
  'body', 'status', 'reply_count', 'created_at', 'edited_at',
] as const;
export type PublicCommentRow = Pick<Comment, (typeof publicColumns)[number]>;

export type Sort = 'oldest' | 'newest' | 'top';
/** Where the previous page ended: the sort key of its last row. */
export interface PageCursor {
  createdAt: Date;
  id: string;
  replyCount?: number;
}

/**
 * One page of top-level comments, by keyset (no OFFSET: page 100 costs what page 1 costs).
 * Fetches one row more than asked so the caller knows whether another page exists.
 */
export async function listTopLevelPage(
  db: Db,
  threadId: string,
  sort: Sort,
  limit: number,
  after: PageCursor | null,
  /** Page through the direct replies of this comment instead of the top level. */
  parentId: string | null = null,
): Promise<PublicCommentRow[]> {
  let q = db
    .selectFrom('comments')
    .select(publicColumns)
    .where('thread_id', '=', threadId)
    .where('parent_id', parentId === null ? 'is' : '=', parentId)
    .where('status', 'in', visible);
  if (sort === 'oldest') {
    if (after) q = q.where(sql<boolean>`(created_at, id) > (${after.createdAt}, ${after.id}::bigint)`);
    q = q.orderBy('created_at', 'asc').orderBy('id', 'asc');
  } else if (sort === 'newest') {
    if (after) q = q.where(sql<boolean>`(created_at, id) < (${after.createdAt}, ${after.id}::bigint)`);
    q = q.orderBy('created_at', 'desc').orderBy('id', 'desc');
  } else {
    if (after) q = q.where(sql<boolean>`(reply_count, created_at, id) < (${after.replyCount ?? 0}, ${after.createdAt}, ${after.id}::bigint)`);
    q = q.orderBy('reply_count', 'desc').orderBy('created_at', 'desc').orderBy('id', 'desc');
  }
  return q.limit(limit + 1).execute();
}

/**
 * The visible replies under several top-level comments in one query, at most
 * `perRoot` each (oldest first) and no deeper than `maxDepth`.
 */
export async function listRepliesForRoots(db: Db, rootIds: string[], perRoot: number, maxDepth: number): Promise<PublicCommentRow[]> {
  if (rootIds.length === 0) return [];
  const roots = sql.join(rootIds.map((id) => sql`(${id}::bigint)`));
  const result = await sql<PublicCommentRow>`
    select c.* from (values ${roots}) as r(id)
    cross join lateral (
      select ${sql.join(publicColumns.map((col) => sql.ref(col)))}
      from comments
      where root_id = r.id and status in ('published', 'deleted') and depth <= ${maxDepth}
      order by created_at, id
      limit ${perRoot}
    ) c`.execute(db);
  return result.rows;
}

export async function findComment(db: Db, id: string): Promise<Comment | undefined> {
  return db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findCommentForUpdate(trx: Transaction<Database>, id: string): Promise<Comment | undefined> {
  return trx.selectFrom('comments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function insertComment(trx: Transaction<Database>, values: NewComment): Promise<Comment> {
  return trx.insertInto('comments').values(values).returningAll().executeTakeFirstOrThrow();
}

/**
 * The published-count side effects of a status change: the thread's count and the
 * parent's reply count follow whether the comment is published.
 */
export async function applyCountChange(trx: Transaction<Database>, comment: Pick<Comment, 'thread_id' | 'parent_id' | 'created_at'>, from: CommentStatus | null, to: CommentStatus): Promise<void> {
  const delta = (to === 'published' ? 1 : 0) - (from === 'published' ? 1 : 0);
  if (delta === 0) return;
  await trx
    .updateTable('threads')
    .set({
      comment_count: sql`greatest(comment_count + ${delta}, 0)`,
      ...(delta > 0 ? { last_comment_at: sql`greatest(last_comment_at, ${comment.created_at})` } : {}),
    })
    .where('id', '=', comment.thread_id)
    .execute();
  if (comment.parent_id !== null) {
    await trx
      .updateTable('comments')
      .set({ reply_count: sql`greatest(reply_count + ${delta}, 0)` })
      .where('id', '=', comment.parent_id)
      .execute();
  }
}

export async function findCommentsByIds(db: Db, ids: string[]): Promise<PublicCommentRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('comments').select(publicColumns).where('id', 'in', ids).execute();
}
