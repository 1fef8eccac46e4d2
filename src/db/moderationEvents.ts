import type { Kysely, Transaction } from 'kysely';
import type { CommentStatus, Database } from './schema.js';

export interface ModerationEventInput {
  siteId: string;
  commentId: string | null;
  /** `pipeline:<phase>`, `moderator:<id>`, `author`, `system:<job>`. */
  actor: string;
  action: string;
  from: CommentStatus | null;
  to: CommentStatus | null;
  reason: string | null;
  details?: unknown;
  at: Date;
}

/** Appends to the moderation log. Takes a Transaction: an event and the change it records land together. */
export async function appendModerationEvent(trx: Transaction<Database>, e: ModerationEventInput): Promise<string> {
  const row = await trx
    .insertInto('moderation_events')
    .values({
      site_id: e.siteId,
      comment_id: e.commentId,
      actor: e.actor,
      action: e.action,
      from_status: e.from,
      to_status: e.to,
      reason: e.reason,
      details: e.details === undefined ? null : JSON.stringify(e.details),
      created_at: e.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface ThreadEventRow {
  event_id: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  comment_id: string;
}

/**
 * Changes to a thread after a given event, for a live reader reconnecting with
 * Last-Event-ID. Bounded: a reader gone for long reloads the page instead.
 */
export async function listThreadEventsSince(db: Kysely<Database>, threadId: string, afterEventId: string, limit: number): Promise<ThreadEventRow[]> {
  return db
    .selectFrom('moderation_events as e')
    .innerJoin('comments as c', 'c.id', 'e.comment_id')
    .select(['e.id as event_id', 'e.action', 'e.from_status', 'e.to_status', 'c.id as comment_id'])
    .where('c.thread_id', '=', threadId)
    .where('e.id', '>', afterEventId)
    .orderBy('e.id')
    .limit(limit)
    .execute();
}
