import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { bodyHash, databaseLookups, type LookupQuestions, type PrefetchedAnswers } from '../db/moderationLookups.js';
import type { CommentStatus, Database, Site } from '../db/schema.js';
import { findSiteBySlug } from '../db/sites.js';
import { findPostingContext, ThreadClosedError } from '../db/submission.js';
import { writeSubmission } from '../db/submissionWriter.js';
import { assertOriginAllowed, siteHomeUrl } from '../http/siteOrigins.js';
import { ApiError } from '../http/errors.js';
import { runPipeline } from '../moderation/pipeline.js';
import { RATE_WINDOW_MINUTES } from '../moderation/phases/behaviour.js';
import { normaliseBody } from '../moderation/phases/normalise.js';
import { resolveModerationSettings } from '../moderation/settings.js';
import { ModerationRefusal, type Decision, type ModerationSettings, type Submission } from '../moderation/types.js';
import type { Services } from './context.js';
import { toPublicComment, type PublicComment } from './publicComment.js';
import { isThreadClosed } from './threadRules.js';
import { deferredRecheckFromFlags } from '../moderation/akismet/recheck.js';

export interface PostCommentInput {
  site: string;
  thread: string;
  url: string | null;
  title: string | null;
  parentId: string | null;
  author: { name: string; email: string; website: string | null };
  body: string;
  consent: { policyVersion: number; accepted: boolean };
  honeypot: string | null;
  formToken: string | null;
  ip: string | null;
  userAgent: string | null;
  referrer: string | null;
  /** A browser post's Origin header and this server's own origin: checked against the site's allowed origins. */
  origin?: { header: string | undefined; self: string };
}

export interface PostCommentResult {
  status: 'published' | 'pending';
  comment: PublicComment;
  editToken: string;
  editableUntil: Date;
}

const statusFor: Record<Decision, CommentStatus> = { publish: 'published', hold: 'pending', spam: 'spam', reject: 'rejected' };

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export function avatarSeed(secret: string, siteId: string, email: string): string {
  return crypto.createHmac('sha256', secret).update(`${siteId}:${email.trim().toLowerCase()}`).digest('hex').slice(0, 12);
}

export async function loadSite(services: Services, slug: string): Promise<Site> {
  const site = await findSiteBySlug(services.db, slug);
  if (!site) throw new ApiError('unknown_site', `No site "${slug}" is hosted here.`, 'site');
  return site;
}

/**
 * The moderation settings each site had when a post last read it, per database: only to
 * choose which lookups to read ahead (the duplicate window, whether the author's history is
 * needed). Never trusted: a phase asking something else is answered from the database.
 */
const settingsSeen = new WeakMap<Kysely<Database>, Map<string, Pick<ModerationSettings, 'mode'> & { duplicateWindowMinutes: number }>>();

function lookupQuestions(db: Kysely<Database>, input: PostCommentInput, now: Date): LookupQuestions {
  const seen = settingsSeen.get(db)?.get(input.site);
  return {
    ip: input.ip,
    email: input.author.email,
    now,
    rateSince: new Date(now.getTime() - RATE_WINDOW_MINUTES * 60_000),
    // What the normalise phase will make of it: the duplicate check reads the normalised body.
    body: seen ? normaliseBody(input.body).text : null,
    duplicateSince: seen ? new Date(now.getTime() - seen.duplicateWindowMinutes * 60_000) : null,
    authorHistory: seen?.mode === 'first-time',
  };
}

function rememberSettings(db: Kysely<Database>, slug: string, settings: ModerationSettings): void {
  let bySlug = settingsSeen.get(db);
  if (!bySlug) settingsSeen.set(db, (bySlug = new Map()));
  bySlug.set(slug, { mode: settings.mode, duplicateWindowMinutes: settings.behaviour.duplicateWindowMinutes });
}

/**
 * A reader's new comment: hard rules first (site, consent, thread open, parent),
 * then the moderation pipeline outside any transaction (it may call Akismet),
 * then the comment, its consent record, its first moderation event, the counts and the live
 * notice in one statement, shared with the other posts written at the same moment
 * (submissionWriter.ts). Two round trips: the context (site, policy, thread, parent and the
 * pipeline's lookups) and the write.
 */
export async function postComment(services: Services, input: PostCommentInput): Promise<PostCommentResult> {
  const { db, clock } = services;
  const now = clock();
  const context = await findPostingContext(db, input.site, input.thread, { parentId: input.parentId, lookups: lookupQuestions(db, input, now) });
  if (!context) throw new ApiError('unknown_site', `No site "${input.site}" is hosted here.`, 'site');
  const { site, policy, thread: existingThread, parent } = context;
  const settings = resolveModerationSettings(site.moderation);
  rememberSettings(db, site.slug, settings);
  if (input.origin) assertOriginAllowed(site, input.origin.header, input.origin.self);
  if (!policy) throw new ApiError('consent_required', 'This site has no comment policy yet, so comments cannot be accepted.', 'consent');
  if (input.consent.accepted !== true) {
    throw new ApiError('consent_required', 'Please accept the comment policy to post.', 'consent.accepted');
  }
  if (input.consent.policyVersion !== policy.version) {
    throw new ApiError('policy_outdated', `The comment policy has changed (now version ${policy.version}). Please read it and accept it again.`, 'consent.policyVersion');
  }

  if (isThreadClosed(site, existingThread ?? undefined, now)) throw new ApiError('thread_closed', 'This thread is closed for new comments.', 'thread');

  if (input.parentId) {
    if (!parent || !existingThread || parent.thread_id !== existingThread.id || parent.status !== 'published') {
      throw new ApiError('invalid_parent', 'The comment you are replying to is not in this thread.', 'parentId');
    }
  }

  const submission: Submission = {
    siteId: site.id,
    siteSlug: site.slug,
    siteUrl: siteHomeUrl(site),
    threadKey: input.thread,
    threadUrl: input.url ?? existingThread?.url ?? null,
    parentId: input.parentId,
    isEdit: false,
    author: input.author,
    body: input.body,
    ip: input.ip,
    userAgent: input.userAgent,
    referrer: input.referrer,
    honeypot: input.honeypot,
    formToken: input.formToken,
    receivedAt: now,
  };
  const outcome = await runPipelineOrRefuse(services, site, submission, { settings, answers: context.answers });
  const status = statusFor[outcome.record.decision];

  const editToken = crypto.randomBytes(24).toString('base64url');
  const editableUntil = new Date(now.getTime() + site.edit_window_minutes * 60_000);
  const deferred = deferredRecheckFromFlags(outcome.record.flags);

  let row;
  try {
    row = await writeSubmission(db, {
      comment: {
        site_id: site.id,
        parent_id: parent?.id ?? null,
        root_id: parent ? (parent.root_id ?? parent.id) : null,
        depth: parent ? parent.depth + 1 : 0,
        author_name: outcome.authorName,
        author_email: input.author.email,
        author_website: outcome.website,
        author_avatar: avatarSeed(services.secrets.avatar, site.id, input.author.email),
        body: outcome.body,
        body_hash: bodyHash(outcome.body),
        status,
        ip: input.ip,
        user_agent: input.userAgent,
        referrer: input.referrer,
        moderation: JSON.stringify(outcome.record),
        edit_token_hash: hashToken(editToken),
        created_at: now,
        status_changed_at: now,
      },
      // Checked again as it is written: the thread may have been closed meanwhile.
      thread: {
        key: input.thread,
        url: input.url,
        title: input.title,
        closedIfCreatedBefore: site.auto_close_days !== null ? new Date(now.getTime() - site.auto_close_days * 86_400_000) : null,
      },
      consent: { policyVersion: policy.version, policyHash: policy.hash, consentText: policy.consent_text },
      event: { actor: `pipeline:${outcome.record.decidedBy}`, reason: outcome.record.reason },
      akismetRecheck: deferred ? { params: JSON.stringify(deferred.params), deferredAt: deferred.deferredAt, nextAt: deferred.nextAt } : null,
      notify: services.live.notifyChannel ? { channel: services.live.notifyChannel } : null,
    });
  } catch (e) {
    if (e instanceof ThreadClosedError) throw new ApiError('thread_closed', 'This thread is closed for new comments.', 'thread');
    throw e;
  }

  const comment = toPublicComment(row);
  if (status === 'published' && !services.live.notifyChannel) {
    services.live.publish({ id: row.event_id, type: 'comment.published', siteId: site.id, threadKey: input.thread, commentId: row.id, comment });
  }
  return { status: status === 'published' ? 'published' : 'pending', comment, editToken, editableUntil };
}

export async function runPipelineOrRefuse(
  services: Services,
  site: Site,
  submission: Submission,
  ahead: { settings?: ModerationSettings; answers?: PrefetchedAnswers } = {},
) {
  try {
    return await runPipeline(services.phases, {
      submission,
      settings: ahead.settings ?? resolveModerationSettings(site.moderation),
      lookups: databaseLookups(services.db, site.id, submission.author.email, services.clock, ahead.answers),
      formSecret: services.secrets.formToken,
      now: submission.receivedAt,
    });
  } catch (e) {
    if (e instanceof ModerationRefusal) {
      const retry = Math.max(1, Math.ceil(e.retryAfterSeconds ?? 60));
      throw new ApiError('rate_limited', e.message, undefined, { 'Retry-After': String(retry) });
    }
    throw e;
  }
}
