import crypto from 'node:crypto';
import { findComment, findCommentForUpdate } from '../db/comments.js';
import { bodyHash } from '../db/moderationLookups.js';
import type { Comment, CommentStatus } from '../db/schema.js';
import { findSiteById } from '../db/sites.js';
import { findThreadById } from '../db/threads.js';
import { ApiError } from '../http/errors.js';
import { siteHomeUrl } from '../http/siteOrigins.js';
import type { Decision } from '../moderation/types.js';
import { changeCommentStatus, liveEventForChange } from './commentStatus.js';
import type { Services } from './context.js';
import type { LiveEventType } from './liveEvents.js';
import { hashToken, runPipelineOrRefuse } from './postComment.js';
import { toPublicComment, type PublicComment } from './publicComment.js';
import { deferredRecheckFromFlags } from '../moderation/akismet/recheck.js';

const statusFor: Record<Decision, CommentStatus> = { publish: 'published', hold: 'pending', spam: 'spam', reject: 'rejected' };

/** Statuses an author may still edit or delete: what they can see of their own comment. */
const authorEditable: CommentStatus[] = ['published', 'pending'];

/**
 * The edit token proves authorship; the window bounds it. A wrong token and an unknown
 * id answer alike (403), so tokens cannot be probed for ids.
 */
async function authorise(services: Services, id: string, token: string | null): Promise<Comment> {
  const comment = /^\d{1,19}$/.test(id) ? await findComment(services.db, id) : undefined;
  const presented = token ? Buffer.from(hashToken(token)) : null;
  const stored = comment?.edit_token_hash ? Buffer.from(comment.edit_token_hash) : null;
  if (!comment || !presented || !stored || presented.length !== stored.length || !crypto.timingSafeEqual(presented, stored)) {
    throw new ApiError('forbidden', 'This edit token does not belong to that comment.');
  }
  if (!authorEditable.includes(comment.status)) throw new ApiError('forbidden', 'This comment can no longer be changed.');
  const site = await findSiteById(services.db, comment.site_id);
  const deadline = comment.created_at.getTime() + (site?.edit_window_minutes ?? 0) * 60_000;
  if (services.clock().getTime() > deadline) throw new ApiError('edit_window_closed', 'The edit window has closed.');
  return comment;
}

export interface AuthorEditResult {
  status: 'published' | 'pending';
  comment: PublicComment;
}

/** An author's edit runs through the whole pipeline again, as a new comment would. */
export async function editOwnComment(services: Services, id: string, token: string | null, newBody: string, ip: string | null, userAgent: string | null): Promise<AuthorEditResult> {
  const comment = await authorise(services, id, token);
  const site = (await findSiteById(services.db, comment.site_id))!;
  const thread = (await findThreadById(services.db, comment.thread_id))!;
  const now = services.clock();
  const outcome = await runPipelineOrRefuse(services, site, {
    siteId: site.id,
    siteSlug: site.slug,
    siteUrl: siteHomeUrl(site),
    threadKey: thread.key,
    threadUrl: thread.url,
    parentId: comment.parent_id,
    isEdit: true,
    author: { name: comment.author_name, email: comment.author_email ?? '', website: comment.author_website },
    body: newBody,
    ip: ip ?? comment.ip,
    userAgent: userAgent ?? comment.user_agent,
    referrer: comment.referrer,
    honeypot: null,
    formToken: null,
    receivedAt: now,
  });
  const to = statusFor[outcome.record.decision];
  const deferred = deferredRecheckFromFlags(outcome.record.flags);

  const { row, eventId, liveType } = await services.db.transaction().execute(async (trx) => {
    const current = await findCommentForUpdate(trx, comment.id);
    if (!current || !authorEditable.includes(current.status)) throw new ApiError('forbidden', 'This comment can no longer be changed.');
    await trx
      .updateTable('comments')
      .set({ body: outcome.body, body_hash: bodyHash(outcome.body), edited_at: now, moderation: JSON.stringify(outcome.record) })
      .where('id', '=', current.id)
      .execute();
    // A recheck queued for the text before the edit would ask Akismet about words no longer
    // there, then publish these: replace it with one for the new text, or drop it when this
    // check got an answer.
    await trx.deleteFrom('akismet_rechecks').where('comment_id', '=', current.id).execute();
    if (deferred) {
      await trx
        .insertInto('akismet_rechecks')
        .values({ comment_id: current.id, params: JSON.stringify(deferred.params), deferred_at: deferred.deferredAt, attempts: 0, next_at: deferred.nextAt })
        .execute();
    }
    const changed = await changeCommentStatus(trx, { ...current, body: outcome.body }, to, {
      actor: 'author',
      action: 'edited',
      reason: outcome.record.reason,
      // The text before the edit stays in the log for moderators.
      details: { previousBody: current.body },
      at: now,
    });
    const liveType: LiveEventType | null = liveEventForChange(current.status, to) ?? (to === 'published' ? 'comment.edited' : null);
    return { row: changed, eventId: changed.eventId, liveType };
  });

  const publicComment = toPublicComment(row);
  if (liveType) services.live.publish({ id: eventId, type: liveType, siteId: site.id, threadKey: thread.key, commentId: row.id, comment: publicComment });
  return { status: to === 'published' ? 'published' : 'pending', comment: publicComment };
}

/**
 * An author's deletion: the text goes at once (it is theirs), the row stays as a
 * "deleted" placeholder so replies keep their context.
 */
export async function deleteOwnComment(services: Services, id: string, token: string | null): Promise<void> {
  const comment = await authorise(services, id, token);
  const now = services.clock();
  const thread = (await findThreadById(services.db, comment.thread_id))!;
  const changed = await services.db.transaction().execute(async (trx) => {
    const current = await findCommentForUpdate(trx, comment.id);
    if (!current || !authorEditable.includes(current.status)) throw new ApiError('forbidden', 'This comment can no longer be changed.');
    await trx.updateTable('comments').set({ body: '', body_hash: null, edited_at: now }).where('id', '=', current.id).execute();
    return changeCommentStatus(trx, current, 'deleted', { actor: 'author', action: 'deleted', reason: 'Deleted by its author.', at: now });
  });
  if (comment.status === 'published') {
    services.live.publish({ id: changed.eventId, type: 'comment.removed', siteId: comment.site_id, threadKey: thread.key, commentId: comment.id });
  }
}
