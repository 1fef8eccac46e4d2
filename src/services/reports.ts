import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { assertNotThrottled, countAgainst, type ThrottleRule } from '../auth/throttle.js';
import type { ReportReason } from '../db/authSchema.js';
import { findComment, findCommentForUpdate } from '../db/comments.js';
import { incrementReportCount, insertReport } from '../db/reports.js';
import type { Database } from '../db/schema.js';
import { getOrCreateSecret } from '../db/secrets.js';
import { findSiteById } from '../db/sites.js';
import { findThreadById } from '../db/threads.js';
import { ApiError } from '../http/errors.js';
import { assertOriginAllowed } from '../http/siteOrigins.js';
import { changeCommentStatus } from './commentStatus.js';
import type { Services } from './context.js';

/** Reports one IP may file in 10 minutes: enough for a reader, too few for a brigade of one. */
export const reportsPerIpPer10Min = 10;

export interface ReportInput {
  commentId: string;
  reason: ReportReason;
  note: string | null;
  /** When the reader gives one, one report per email; otherwise per IP and user agent. */
  email: string | null;
  ip: string | null;
  userAgent: string | null;
  origin: string | undefined;
  selfOrigin: string;
}

export interface ReportResult {
  /** True when this report reached the site's threshold and the comment was hidden for a moderator. */
  hidden: boolean;
}

const reporterSecrets = new WeakMap<Kysely<Database>, Promise<string>>();

/**
 * Who reported, as far as we can tell: the network address when we have it. An email is
 * unchecked and a user agent is one header; keyed on either, one person could file a report
 * per made-up address and hide any comment alone. The price: readers behind one address (an
 * office, a carrier's NAT) count as one reporter. Without an address, the email or the browser.
 * An HMAC, not a plain hash: an IPv4 address is too few bits to hide behind sha256 alone.
 */
async function reporterKey(db: Kysely<Database>, input: Pick<ReportInput, 'email' | 'ip' | 'userAgent'>): Promise<string> {
  let secret = reporterSecrets.get(db);
  if (!secret) {
    secret = getOrCreateSecret(db, 'reporter');
    reporterSecrets.set(db, secret);
  }
  const identity = input.ip
    ? `ip:${input.ip}`
    : input.email
      ? `email:${input.email.trim().toLowerCase()}`
      : `client:${input.userAgent ?? ''}`;
  return crypto.createHmac('sha256', await secret).update(identity).digest('hex');
}

/**
 * A reader's report on a published comment: one per reader, rate limited per IP in the
 * database. When the open reports reach the site's threshold, the comment is hidden
 * (pending, actor `readers`) and waits in the reported queue for a moderator.
 */
export async function reportComment(services: Services, input: ReportInput): Promise<ReportResult> {
  const { db } = services;
  const now = services.clock();
  const comment = /^\d{1,19}$/.test(input.commentId) ? await findComment(db, input.commentId) : undefined;
  // Only published comments can be reported; anything else answers as unknown, so held comments stay invisible.
  if (!comment || comment.status !== 'published') throw new ApiError('not_found', 'No such comment.');
  const site = (await findSiteById(db, comment.site_id))!;
  assertOriginAllowed(site, input.origin, input.selfOrigin);

  const rules: ThrottleRule[] = input.ip ? [{ bucket: `report:ip:${input.ip}`, limit: reportsPerIpPer10Min, windowMs: 10 * 60_000 }] : [];
  await assertNotThrottled(db, rules, now, 'Too many reports from your network. Please try again later.');
  await countAgainst(db, rules, now);

  const key = await reporterKey(db, input);
  const hidden = await db.transaction().execute(async (trx) => {
    const current = await findCommentForUpdate(trx, comment.id);
    if (!current || current.status !== 'published') throw new ApiError('not_found', 'No such comment.');
    const id = await insertReport(trx, { commentId: current.id, siteId: current.site_id, reason: input.reason, note: input.note, reporterKey: key, at: now });
    if (id === null) throw new ApiError('already_reported', 'You have already reported this comment.');
    const open = await incrementReportCount(trx, current.id);
    if (open < site.report_threshold) return null;
    const changed = await changeCommentStatus(trx, { ...current, report_count: open }, 'pending', {
      actor: 'readers',
      action: 'hidden_by_reports',
      reason: `Hidden after ${open} reader report${open === 1 ? '' : 's'} (the site's threshold is ${site.report_threshold}).`,
      details: { reports: open },
      at: now,
    });
    return changed.eventId;
  });
  if (hidden) {
    const thread = await findThreadById(db, comment.thread_id);
    if (thread) services.live.publish({ id: hidden, type: 'comment.removed', siteId: site.id, threadKey: thread.key, commentId: comment.id });
  }
  return { hidden: hidden !== null };
}
