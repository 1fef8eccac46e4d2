import crypto from 'node:crypto';
import { sql } from 'kysely';
import { findSiteById } from '../db/sites.js';
import { ApiError } from '../http/errors.js';
import type { Services } from './context.js';
import { erasePersonData, exportPersonData, type ErasureReport } from './dataSubject.js';
import { hashToken, loadSite } from './postComment.js';

export type DataRequestKind = 'export' | 'erase';
const LINK_VALID_MS = 24 * 60 * 60_000;
const MAX_REQUESTS_PER_EMAIL_PER_HOUR = 3;

/**
 * A reader asks for their data or its erasure. Nothing happens until they open the
 * link we mail to that address: only the owner of the address can act on it. The answer
 * is the same whether or not we hold anything about the address.
 */
export async function requestDataAction(services: Services, siteSlug: string, email: string, kind: DataRequestKind): Promise<void> {
  if (!services.mailer) {
    throw new ApiError('email_unavailable', 'This server cannot send email, so requests cannot be confirmed here. Please write to the site owner, who can export or erase your data.');
  }
  const site = await loadSite(services, siteSlug);
  const now = services.clock();
  const recent = await services.db
    .selectFrom('data_requests')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('site_id', '=', site.id)
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .where('created_at', '>', new Date(now.getTime() - 60 * 60_000))
    .executeTakeFirstOrThrow();
  if (recent.n >= MAX_REQUESTS_PER_EMAIL_PER_HOUR) {
    throw new ApiError('rate_limited', 'Several requests for this address were made in the last hour; please use the link already sent.', undefined, { 'Retry-After': '3600' });
  }
  const token = crypto.randomBytes(32).toString('base64url');
  await services.db
    .insertInto('data_requests')
    .values({ site_id: site.id, kind, email, token_hash: hashToken(token), created_at: now, expires_at: new Date(now.getTime() + LINK_VALID_MS) })
    .execute();
  const link = `${services.config.publicUrl}/privacy/confirm?token=${token}`;
  const what = kind === 'export' ? 'a copy of the data' : 'the erasure of the data';
  await services.mailer.send({
    to: email,
    subject: kind === 'export' ? `Your data on ${site.name}` : `Erase your data on ${site.name}`,
    text: [
      `Someone (hopefully you) asked for ${what} ${site.name} holds about ${email}: comments, consent records and bans.`,
      '',
      `To confirm, open this link within 24 hours:`,
      link,
      '',
      'If you did not ask for this, ignore this message; nothing will happen.',
    ].join('\n'),
  });
}

export interface PendingRequest {
  id: string;
  kind: DataRequestKind;
  email: string;
  siteId: string;
  siteName: string;
}

export async function findPendingRequest(services: Services, token: string): Promise<PendingRequest | null> {
  const row = await services.db
    .selectFrom('data_requests')
    .innerJoin('sites', 'sites.id', 'data_requests.site_id')
    .select(['data_requests.id', 'data_requests.kind', 'data_requests.email', 'data_requests.site_id', 'sites.name'])
    .where('token_hash', '=', hashToken(token))
    .where('completed_at', 'is', null)
    .where('expires_at', '>', services.clock())
    .executeTakeFirst();
  return row ? { id: row.id, kind: row.kind, email: row.email, siteId: row.site_id, siteName: row.name } : null;
}

/** Carries out a confirmed request, once. */
export async function completeRequest(
  services: Services,
  token: string,
): Promise<{ kind: 'export'; document: Awaited<ReturnType<typeof exportPersonData>> } | { kind: 'erase'; report: ErasureReport } | null> {
  const request = await findPendingRequest(services, token);
  if (!request) return null;
  const claimed = await services.db
    .updateTable('data_requests')
    .set({ completed_at: services.clock() })
    .where('id', '=', request.id)
    .where('completed_at', 'is', null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return null; // confirmed twice at once: the first one acts
  const site = (await findSiteById(services.db, request.siteId))!;
  if (request.kind === 'export') {
    return { kind: 'export', document: await exportPersonData(services.db, site, request.email, services.clock()) };
  }
  return { kind: 'erase', report: await erasePersonData(services, site, request.email, 'reader:self-service') };
}
