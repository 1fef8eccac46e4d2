import { listRepliesForRoots, listTopLevelPage, type Sort } from '../db/comments.js';
import { findSiteBySlug } from '../db/sites.js';
import { findThread } from '../db/threads.js';
import { ApiError } from '../http/errors.js';
import type { Services } from './context.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { nestReplies, type PublicComment } from './publicComment.js';
import { isThreadClosed } from './threadRules.js';

/** Replies deeper than this are not nested further; their parent carries moreReplies. */
export const MAX_REPLY_DEPTH = 6;
/** Replies fetched under one top-level comment per page. */
export const REPLIES_PER_ROOT = 100;

export interface ThreadPage {
  thread: { key: string; title: string | null; url: string | null; closed: boolean; commentCount: number };
  comments: PublicComment[];
  nextCursor: string | null;
}

/**
 * A page of a thread in a bounded number of queries whatever its size: site, thread,
 * one keyset page of top-level comments, one query for all their replies.
 */
export async function readThreadPage(
  services: Services,
  q: { site: string; thread: string; sort: Sort; limit: number; cursor: string | null; parent?: string | null },
): Promise<ThreadPage> {
  const db = services.readDb;
  const after = q.cursor ? decodeCursor(services.secrets.cursor, q.sort, q.cursor) : null;
  if (q.cursor && !after) throw new ApiError('invalid_cursor', 'The cursor is not valid for this thread and sort order.', 'cursor');
  const site = await findSiteBySlug(db, q.site);
  if (!site) throw new ApiError('unknown_site', `No site "${q.site}" is hosted here.`, 'site');
  const thread = await findThread(db, site.id, q.thread);
  if (!thread) {
    return { thread: { key: q.thread, title: null, url: null, closed: false, commentCount: 0 }, comments: [], nextCursor: null };
  }
  const parent = q.parent ?? null;
  const rows = await listTopLevelPage(db, thread.id, q.sort, q.limit, after, parent);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > q.limit && last
    ? encodeCursor(services.secrets.cursor, q.sort, { createdAt: last.created_at, id: String(last.id), replyCount: last.reply_count })
    : null;
  // Under a parent ("more replies"), the page holds direct replies only; each says how many it has.
  const replies = parent ? [] : await listRepliesForRoots(db, page.map((r) => String(r.id)), REPLIES_PER_ROOT, MAX_REPLY_DEPTH);
  const closed = isThreadClosed(site, thread, services.clock());
  return {
    thread: { key: thread.key, title: thread.title, url: thread.url, closed, commentCount: thread.comment_count },
    comments: nestReplies(page, replies),
    nextCursor,
  };
}
