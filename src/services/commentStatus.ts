import type { Transaction } from 'kysely';
import { applyCountChange } from '../db/comments.js';
import { appendModerationEvent } from '../db/moderationEvents.js';
import type { Comment, CommentStatus, Database } from '../db/schema.js';
import type { LiveEventType } from './liveEvents.js';

export interface StatusChange {
  /** `moderator:<id>`, `author`, `pipeline:<phase>`, `system:<job>`, `readers` */
  actor: string;
  action: string;
  reason: string | null;
  details?: unknown;
  at: Date;
}

/**
 * The one way a comment's status changes: the row, its moderation event and the
 * published counts move together in the caller's transaction (Ozone's logEvent).
 */
export async function changeCommentStatus(
  trx: Transaction<Database>,
  comment: Comment,
  to: CommentStatus,
  change: StatusChange,
): Promise<Comment & { eventId: string }> {
  const updated = await trx
    .updateTable('comments')
    .set({ status: to, status_changed_at: change.at })
    .where('id', '=', comment.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const eventId = await appendModerationEvent(trx, {
    siteId: comment.site_id,
    commentId: comment.id,
    actor: change.actor,
    action: change.action,
    from: comment.status,
    to,
    reason: change.reason,
    details: change.details,
    at: change.at,
  });
  await applyCountChange(trx, comment, comment.status, to);
  return { ...updated, eventId };
}

/** What live readers should hear about a status change, if anything. */
export function liveEventForChange(from: CommentStatus, to: CommentStatus): LiveEventType | null {
  if (from === to) return null;
  if (to === 'published') return 'comment.published';
  if (from === 'published') return 'comment.removed';
  return null;
}
