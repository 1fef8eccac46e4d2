import type { Principal } from '../auth/principal.js';
import type { Report } from '../db/authSchema.js';
import {
  authorHistories, countQueues, eventsForComment, findParents, findQueueRow, listQueue, listThreadForModeration, reportsFor,
  type AuthorCounts, type CommentEventRow, type QueueFilters, type QueueName, type QueueRow,
} from '../db/queue.js';
import type { CommentStatus } from '../db/schema.js';
import { findThread } from '../db/threads.js';
import { ApiError } from '../http/errors.js';
import type { ModerationRecord } from '../moderation/types.js';
import type { Services } from './context.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { commentForPrincipal, siteForPrincipal } from './moderationAccess.js';
import { isThreadClosed } from './threadRules.js';

/** A comment as a moderator sees it: unlike the public shape, with email, IP and user agent. */
export interface ModerationItem {
  id: string;
  status: CommentStatus;
  thread: { key: string; title: string | null; url: string | null; closed: boolean };
  parentId: string | null;
  parent: { id: string; authorName: string; body: string; status: CommentStatus; createdAt: string } | null;
  author: { name: string; email: string | null; website: string | null; avatar: string | null; ip: string | null; userAgent: string | null };
  body: string;
  createdAt: string;
  editedAt: string | null;
  statusChangedAt: string;
  /** The author's comments on this site, by status (this one included). */
  history: AuthorCounts;
  /** The pipeline's record: phases, flags with evidence, the decision. */
  moderation: ModerationRecord | null;
  openReports: number;
  reports: { id: string; reason: string; note: string | null; createdAt: string; resolved: boolean }[];
}

export interface QueuePage {
  site: { slug: string; name: string };
  queue: QueueName;
  counts: Record<QueueName, number>;
  items: ModerationItem[];
  nextCursor: string | null;
}

const emptyHistory: AuthorCounts = { published: 0, pending: 0, spam: 0, rejected: 0, deleted: 0 };

/** Maps rows to items with their context in a fixed number of queries (parents, histories, reports). */
async function toItems(services: Services, siteId: string, rows: QueueRow[]): Promise<ModerationItem[]> {
  const db = services.db;
  const [parents, histories, reports] = await Promise.all([
    findParents(db, rows.map((r) => r.parent_id).filter((id): id is string => id !== null)),
    authorHistories(db, siteId, rows.map((r) => r.author_email).filter((e): e is string => !!e)),
    reportsFor(db, rows.map((r) => r.id)),
  ]);
  return rows.map((r) => {
    const parent = r.parent_id ? parents.get(r.parent_id) : undefined;
    return {
      id: r.id,
      status: r.status,
      thread: {
        key: r.thread_key, title: r.thread_title, url: r.thread_url,
        closed: isThreadClosed({ auto_close_days: r.site_auto_close_days }, { closed: r.thread_closed, keep_open: r.thread_keep_open, created_at: r.thread_created_at }, services.clock()),
      },
      parentId: r.parent_id,
      parent: parent ? { id: parent.id, authorName: parent.author_name, body: parent.body, status: parent.status, createdAt: parent.created_at.toISOString() } : null,
      author: { name: r.author_name, email: r.author_email, website: r.author_website, avatar: r.author_avatar, ip: r.ip, userAgent: r.user_agent },
      body: r.body,
      createdAt: r.created_at.toISOString(),
      editedAt: r.edited_at?.toISOString() ?? null,
      statusChangedAt: r.status_changed_at.toISOString(),
      history: (r.author_email && histories.get(r.author_email.toLowerCase())) || emptyHistory,
      moderation: (r.moderation as ModerationRecord | null) ?? null,
      openReports: r.report_count,
      reports: (reports.get(r.id) ?? []).map(mapReport),
    };
  });
}

const mapReport = (r: Report) => ({ id: r.id, reason: r.reason, note: r.note, createdAt: r.created_at.toISOString(), resolved: r.resolved_at !== null });

export interface QueueQuery {
  site: string;
  queue: QueueName;
  filters: QueueFilters;
  sort: 'newest' | 'oldest';
  limit: number;
  cursor: string | null;
}

export async function readQueue(services: Services, p: Principal, q: QueueQuery): Promise<QueuePage> {
  const site = await siteForPrincipal(services, p, q.site);
  const after = q.cursor ? decodeCursor(services.secrets.cursor, q.sort, q.cursor) : null;
  if (q.cursor && !after) throw new ApiError('invalid_cursor', 'The cursor is not valid for this queue and sort order.', 'cursor');
  const [rows, counts] = await Promise.all([
    listQueue(services.db, site.id, q.queue, q.filters, q.sort, q.limit, after),
    countQueues(services.db, site.id),
  ]);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    site: { slug: site.slug, name: site.name },
    queue: q.queue,
    counts,
    items: await toItems(services, site.id, page),
    nextCursor: rows.length > q.limit && last ? encodeCursor(services.secrets.cursor, q.sort, { createdAt: last.created_at, id: last.id }) : null,
  };
}

export async function readCounts(services: Services, p: Principal, slug: string): Promise<Record<QueueName, number>> {
  const site = await siteForPrincipal(services, p, slug);
  return countQueues(services.db, site.id);
}

export interface ItemDetail {
  item: ModerationItem;
  events: { id: string; actor: string; action: string; from: string | null; to: string | null; reason: string | null; details: unknown; at: string }[];
}

const mapEvent = (e: CommentEventRow) => ({ id: e.id, actor: e.actor, action: e.action, from: e.from_status, to: e.to_status, reason: e.reason, details: e.details, at: e.created_at.toISOString() });

/** One comment with its whole moderation history. */
export async function readItem(services: Services, p: Principal, id: string): Promise<ItemDetail> {
  const comment = await commentForPrincipal(services, p, id);
  const row = (await findQueueRow(services.db, comment.id))!;
  const [item] = await toItems(services, comment.site_id, [row]);
  return { item: item!, events: (await eventsForComment(services.db, comment.id)).map(mapEvent) };
}

/** Every comment of a thread, whatever its status, for the moderator's thread view. */
export async function readThreadForModeration(services: Services, p: Principal, slug: string, key: string) {
  const site = await siteForPrincipal(services, p, slug);
  const thread = await findThread(services.db, site.id, key);
  if (!thread) throw new ApiError('not_found', 'No such thread.');
  const rows = await listThreadForModeration(services.db, thread.id, 500);
  return {
    site: { slug: site.slug, name: site.name },
    thread: { key: thread.key, title: thread.title, url: thread.url, closed: isThreadClosed(site, thread, services.clock()), commentCount: thread.comment_count, createdAt: thread.created_at.toISOString() },
    items: await toItems(services, site.id, rows),
  };
}
