import { actorOf, canSeeSite, type Principal } from '../auth/principal.js';
import { appendAudit } from '../db/audit.js';
import { findCommentForUpdate } from '../db/comments.js';
import { appendModerationEvent } from '../db/moderationEvents.js';
import { bodyHash } from '../db/moderationLookups.js';
import { resolveReports } from '../db/reports.js';
import type { Comment, CommentStatus } from '../db/schema.js';
import { findThreadById } from '../db/threads.js';
import { ApiError } from '../http/errors.js';
import type { AkismetParams } from '../moderation/akismet/client.js';
import type { ModerationRecord } from '../moderation/types.js';
import { changeCommentStatus, liveEventForChange } from './commentStatus.js';
import type { Services } from './context.js';
import type { LiveEventType } from './liveEvents.js';
import { toPublicComment } from './publicComment.js';

/**
 * What a moderator's decision teaches Akismet. `createAkismetChecker` satisfies it;
 * without a key there is none and nothing is sent.
 */
export interface AkismetFeedback {
  submitSpam(params: AkismetParams): Promise<void>;
  submitHam(params: AkismetParams): Promise<void>;
}

export interface ModerationDeps {
  /** Overrides `services.akismet` (null: send nothing). */
  akismetFeedback?: AkismetFeedback | null;
}

export type ModerationAction = 'approve' | 'reject' | 'spam' | 'not-spam' | 'delete' | 'restore';
export const moderationActions: readonly ModerationAction[] = ['approve', 'reject', 'spam', 'not-spam', 'delete', 'restore'];

/** Where each action may start from. "not spam" restores to published: a moderator who says so has read it. */
const allowedFrom: Record<ModerationAction, readonly CommentStatus[]> = {
  approve: ['pending', 'spam', 'rejected', 'published'],
  reject: ['pending', 'published', 'spam', 'rejected'],
  spam: ['pending', 'published', 'rejected', 'spam'],
  'not-spam': ['spam'],
  delete: ['pending', 'published', 'spam', 'rejected'],
  restore: ['deleted'],
};

export interface ActionResult {
  id: string;
  from: CommentStatus;
  status: CommentStatus;
  changed: boolean;
  /** What Akismet was told, if anything. */
  akismet: 'spam-reported' | 'ham-reported' | 'failed' | null;
}

type Feedback = { kind: 'spam' | 'ham'; params: AkismetParams } | null;

function flagParams(record: ModerationRecord | null, code: string): AkismetParams | null {
  const flag = record?.flags?.find((f) => f.code === code);
  const params = flag?.evidence?.params;
  return params && typeof params === 'object' ? (params as AkismetParams) : null;
}

/**
 * A spam mark on a comment Akismet passed teaches it a miss; publishing one it called
 * spam teaches it a false alarm. Both resend exactly what was checked (stored in the flag).
 */
function feedbackFor(comment: Comment, to: CommentStatus): Feedback {
  const record = comment.moderation as ModerationRecord | null;
  if (to === 'spam' && comment.status !== 'spam') {
    const params = flagParams(record, 'akismet_ham');
    return params ? { kind: 'spam', params } : null;
  }
  if (to === 'published' && comment.status !== 'published') {
    const params = flagParams(record, 'akismet_spam');
    return params ? { kind: 'ham', params } : null;
  }
  return null;
}

/** The status a deleted comment had before a moderator deleted it. */
async function statusBeforeDeletion(services: Services, commentId: string): Promise<CommentStatus> {
  const row = await services.db
    .selectFrom('moderation_events')
    .select('from_status')
    .where('comment_id', '=', commentId)
    .where('to_status', '=', 'deleted')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const from = row?.from_status as CommentStatus | null | undefined;
  return from && from !== 'deleted' ? from : 'published';
}

/**
 * One moderator decision on one comment: status, moderation event and counts in one
 * transaction; open reader reports are closed with it. Live readers and Akismet hear
 * about it after the commit, never from inside the transaction.
 */
export async function applyAction(
  services: Services,
  deps: ModerationDeps,
  p: Principal,
  id: string,
  action: ModerationAction,
  reason: string | null,
): Promise<ActionResult> {
  const now = services.clock();
  const actor = actorOf(p);
  const restoreTo = action === 'restore' && /^\d{1,19}$/.test(id) ? await statusBeforeDeletion(services, id) : null;
  const outcome = await services.db.transaction().execute(async (trx) => {
    const comment = /^\d{1,19}$/.test(id) ? await findCommentForUpdate(trx, id) : undefined;
    if (!comment || !canSeeSite(p, comment.site_id)) throw new ApiError('not_found', 'No such comment.');
    if (!allowedFrom[action].includes(comment.status)) {
      throw new ApiError('conflict', `Cannot ${action.replace('-', ' ')} a comment that is ${comment.status}.`);
    }
    if (action === 'restore' && comment.body === '') throw new ApiError('conflict', 'Its author deleted this comment; its text is gone.');
    const to: CommentStatus = action === 'restore' ? restoreTo! : ({ approve: 'published', reject: 'rejected', spam: 'spam', 'not-spam': 'published', delete: 'deleted' } as const)[action];
    const dismissed = await resolveReports(trx, comment.id, actor, now);
    if (to === comment.status) {
      // Approving a reported comment that is still published dismisses the reports: that is a decision too.
      if (dismissed > 0) {
        await appendModerationEvent(trx, { siteId: comment.site_id, commentId: comment.id, actor, action: 'reports_dismissed', from: comment.status, to, reason, details: { reports: dismissed }, at: now });
      }
      return { comment, updated: comment, eventId: null, to, feedback: null };
    }
    const updated = await changeCommentStatus(trx, comment, to, { actor, action, reason, details: dismissed ? { reportsResolved: dismissed } : undefined, at: now });
    return { comment, updated, eventId: updated.eventId, to, feedback: feedbackFor(comment, to) };
  });

  const { comment, updated, eventId, to, feedback } = outcome;
  const liveType: LiveEventType | null = liveEventForChange(comment.status, to);
  if (liveType && eventId) {
    const thread = await findThreadById(services.db, comment.thread_id);
    if (thread) {
      services.live.publish({
        id: eventId,
        type: liveType,
        siteId: comment.site_id,
        threadKey: thread.key,
        commentId: comment.id,
        ...(liveType === 'comment.published' ? { comment: toPublicComment(updated) } : {}),
      });
    }
  }
  const akismet = feedback ? await sendFeedback(services, deps, p, comment, feedback) : null;
  return { id: comment.id, from: comment.status, status: to, changed: to !== comment.status, akismet };
}

async function sendFeedback(services: Services, deps: ModerationDeps, p: Principal, comment: Comment, feedback: NonNullable<Feedback>): Promise<ActionResult['akismet']> {
  const sender: AkismetFeedback | null = deps.akismetFeedback !== undefined ? deps.akismetFeedback : services.akismet;
  if (!sender) return null;
  let ok = true;
  let error: string | undefined;
  try {
    if (feedback.kind === 'spam') await sender.submitSpam(feedback.params);
    else await sender.submitHam(feedback.params);
  } catch (e) {
    ok = false;
    error = e instanceof Error ? e.message : String(e);
    services.logger.warn('akismet feedback failed', { commentId: comment.id, kind: feedback.kind, err: error });
  }
  await appendAudit(services.db, {
    siteId: comment.site_id,
    actor: actorOf(p),
    action: feedback.kind === 'spam' ? 'akismet_submit_spam' : 'akismet_submit_ham',
    target: `comment:${comment.id}`,
    details: { ok, ...(error ? { error } : {}) },
    at: services.clock(),
  });
  return ok ? (feedback.kind === 'spam' ? 'spam-reported' : 'ham-reported') : 'failed';
}

export type BulkResult = { id: string; ok: true; result: ActionResult } | { id: string; ok: false; error: { code: string; message: string } };

/**
 * The same action on many comments, each in its own transaction: one that cannot be
 * done (gone, not yours, already decided otherwise) is reported and the rest proceed.
 */
export async function applyBulkAction(services: Services, deps: ModerationDeps, p: Principal, ids: string[], action: ModerationAction, reason: string | null): Promise<BulkResult[]> {
  const results: BulkResult[] = [];
  for (const id of [...new Set(ids)]) {
    try {
      results.push({ id, ok: true, result: await applyAction(services, deps, p, id, action, reason) });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      results.push({ id, ok: false, error: { code: e.code, message: e.message } });
    }
  }
  return results;
}

/**
 * A moderator's edit of the text (e.g. removing a slur but keeping the point). The
 * original stays in the moderation event's details; the status does not change.
 */
export async function editCommentText(services: Services, p: Principal, id: string, body: string, reason: string | null): Promise<{ id: string; status: CommentStatus }> {
  const now = services.clock();
  const actor = actorOf(p);
  const { comment, eventId } = await services.db.transaction().execute(async (trx) => {
    const comment = /^\d{1,19}$/.test(id) ? await findCommentForUpdate(trx, id) : undefined;
    if (!comment || !canSeeSite(p, comment.site_id)) throw new ApiError('not_found', 'No such comment.');
    if (comment.status === 'deleted') throw new ApiError('conflict', 'Restore the comment before editing it.');
    await trx.updateTable('comments').set({ body, body_hash: bodyHash(body), edited_at: now }).where('id', '=', comment.id).execute();
    const eventId = await appendModerationEvent(trx, {
      siteId: comment.site_id,
      commentId: comment.id,
      actor,
      action: 'edited',
      from: comment.status,
      to: comment.status,
      reason,
      details: { previousBody: comment.body },
      at: now,
    });
    return { comment: { ...comment, body, edited_at: now }, eventId };
  });
  if (comment.status === 'published') {
    const thread = await findThreadById(services.db, comment.thread_id);
    if (thread) services.live.publish({ id: eventId, type: 'comment.edited', siteId: comment.site_id, threadKey: thread.key, commentId: comment.id, comment: toPublicComment(comment) });
  }
  return { id: comment.id, status: comment.status };
}
