import type { Transaction } from 'kysely';
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
export async function appendModerationEvent(trx: Transaction<Database>, e: ModerationEventInput): Promise<void> {
  await trx
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
    .execute();
}
