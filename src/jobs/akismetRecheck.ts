import { findCommentForUpdate } from '../db/comments.js';
import type { CommentStatus } from '../db/schema.js';
import { findSiteById } from '../db/sites.js';
import { findThreadById } from '../db/threads.js';
import { siteHomeUrl } from '../http/siteOrigins.js';
import type { AkismetParams } from '../moderation/akismet/client.js';
import { runRecheck, type DeferredRecheck } from '../moderation/akismet/recheck.js';
import { runPipeline } from '../moderation/pipeline.js';
import { resolveModerationSettings } from '../moderation/settings.js';
import type { Flag, ModerationRecord } from '../moderation/types.js';
import { databaseLookups } from '../db/moderationLookups.js';
import { changeCommentStatus, liveEventForChange } from '../services/commentStatus.js';
import type { Services } from '../services/context.js';
import { toPublicComment } from '../services/publicComment.js';

export interface RecheckReport {
  checked: number;
  spam: number;
  released: number;
  stillHeld: number;
  retried: number;
  abandoned: number;
}

/**
 * Asks Akismet again about comments held because it did not answer (the
 * `spam-check-deferred` flag). The network call happens outside any transaction; the
 * result is applied in one, unless a moderator has dealt with the comment meanwhile.
 * On "ham" the phases after Akismet run again (e.g. pre-moderation still holds).
 */
export async function recheckDeferredComments(services: Services, batch = 50): Promise<RecheckReport> {
  const report: RecheckReport = { checked: 0, spam: 0, released: 0, stillHeld: 0, retried: 0, abandoned: 0 };
  const checker = services.akismet;
  if (!checker) return report;
  const now = services.clock();
  const due = await services.db.selectFrom('akismet_rechecks').selectAll().where('next_at', '<=', now).orderBy('next_at').limit(batch).execute();
  for (const row of due) {
    report.checked++;
    const deferred: DeferredRecheck = { params: row.params as unknown as AkismetParams, deferredAt: row.deferred_at, attempts: row.attempts, nextAt: row.next_at };
    const step = await runRecheck(checker, deferred, now);
    if (step.kind === 'retry') {
      await services.db.updateTable('akismet_rechecks').set({ attempts: step.attempts, next_at: step.nextAt }).where('comment_id', '=', row.comment_id).execute();
      report.retried++;
      continue;
    }
    const release = step.kind === 'ham' ? await decideAfterAkismet(services, row.comment_id, step.flag) : null;
    const published = await services.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('akismet_rechecks').where('comment_id', '=', row.comment_id).execute();
      const comment = await findCommentForUpdate(trx, row.comment_id);
      if (!comment || comment.status !== 'pending') return null; // a moderator got there first
      const record = (comment.moderation ?? null) as ModerationRecord | null;
      const flags = [...(record?.flags ?? []), step.flag, ...(release?.flags ?? [])];
      const to: CommentStatus = step.kind === 'spam' ? 'spam' : step.kind === 'ham' ? (release?.status ?? 'pending') : 'pending';
      const reason = step.kind === 'give-up' ? step.flag.reason : step.kind === 'spam' ? 'Akismet called it spam on recheck.' : release?.reason ?? 'Akismet passed it on recheck.';
      await trx
        .updateTable('comments')
        .set({ moderation: JSON.stringify({ ...(record ?? {}), flags, decision: to === 'published' ? 'publish' : to === 'spam' ? 'spam' : 'hold', reason, decidedBy: 'akismet-recheck' }) })
        .where('id', '=', comment.id)
        .execute();
      if (to === comment.status) return null;
      const changed = await changeCommentStatus(trx, comment, to, { actor: 'system:akismet-recheck', action: 'rechecked', reason, at: now });
      return liveEventForChange(comment.status, to) ? changed : null;
    });
    if (step.kind === 'spam') report.spam++;
    else if (step.kind === 'give-up') report.abandoned++;
    else if (release?.status === 'published') report.released++;
    else report.stillHeld++;
    if (published) {
      const thread = await findThreadById(services.db, published.thread_id);
      if (thread) services.live.publish({ id: published.eventId, type: 'comment.published', siteId: published.site_id, threadKey: thread.key, commentId: published.id, comment: toPublicComment(published) });
    }
  }
  return report;
}

/** Runs the phases that come after Akismet on the stored comment. */
async function decideAfterAkismet(services: Services, commentId: string, _hamFlag: Flag): Promise<{ status: CommentStatus; reason: string; flags: Flag[] } | null> {
  const comment = await services.db.selectFrom('comments').selectAll().where('id', '=', commentId).executeTakeFirst();
  if (!comment) return null;
  const site = await findSiteById(services.db, comment.site_id);
  const thread = await findThreadById(services.db, comment.thread_id);
  if (!site || !thread) return null;
  const index = services.phases.findIndex((p) => p.name === 'akismet');
  const later = services.phases.slice(index + 1);
  const outcome = await runPipeline(later, {
    submission: {
      siteId: site.id, siteSlug: site.slug, siteUrl: siteHomeUrl(site), threadKey: thread.key, threadUrl: thread.url, parentId: comment.parent_id, isEdit: true,
      author: { name: comment.author_name, email: comment.author_email ?? '', website: comment.author_website },
      body: comment.body, ip: comment.ip, userAgent: comment.user_agent, referrer: comment.referrer, honeypot: null, formToken: null, receivedAt: services.clock(),
    },
    settings: resolveModerationSettings(site.moderation),
    lookups: databaseLookups(services.db, site.id, comment.author_email ?? '', services.clock),
    formSecret: services.secrets.formToken,
    now: services.clock(),
  });
  const status: CommentStatus = outcome.record.decision === 'publish' ? 'published' : outcome.record.decision === 'hold' ? 'pending' : outcome.record.decision === 'spam' ? 'spam' : 'rejected';
  return { status, reason: outcome.record.reason, flags: outcome.record.flags };
}
