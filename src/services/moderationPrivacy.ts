import type { Principal } from '../auth/principal.js';
import { requireAdmin } from '../auth/middleware.js';
import { emailHash } from '../db/consentRecords.js';
import type { ConsentRecord } from '../db/schema.js';
import { commentForPrincipal, siteForPrincipal } from './moderationAccess.js';
import type { Services } from './context.js';
import { erasePersonData, exportPersonData, type ErasureReport } from './dataSubject.js';

// Consent records and data-subject requests, for admins: personal data about readers
// is an admin's business, not every moderator's. The site is checked first, so a
// moderator of another site meets 404 as everywhere else.

function toJson(r: ConsentRecord) {
  return {
    id: r.id,
    commentId: r.comment_id,
    basis: r.basis,
    policyVersion: r.policy_version,
    policyHash: r.policy_hash,
    consentText: r.consent_text,
    email: r.email,
    emailHash: r.email_hash,
    ip: r.ip,
    userAgent: r.user_agent,
    createdAt: r.created_at.toISOString(),
  };
}

export async function consentForComment(services: Services, p: Principal, commentId: string) {
  const comment = await commentForPrincipal(services, p, commentId);
  requireAdmin(p);
  const rows = await services.db.selectFrom('consent_records').selectAll().where('comment_id', '=', comment.id).orderBy('id').execute();
  return { commentId: comment.id, records: rows.map(toJson) };
}

export async function consentsByEmail(services: Services, p: Principal, slug: string, email: string) {
  const site = await siteForPrincipal(services, p, slug);
  requireAdmin(p);
  // By hash: records whose address was erased still answer for it.
  const rows = await services.db
    .selectFrom('consent_records')
    .selectAll()
    .where('site_id', '=', site.id)
    .where('email_hash', '=', emailHash(email))
    .orderBy('id')
    .limit(1000)
    .execute();
  return { email: email.trim().toLowerCase(), records: rows.map(toJson) };
}

export async function exportForAdmin(services: Services, p: Principal, slug: string, email: string) {
  const site = await siteForPrincipal(services, p, slug);
  requireAdmin(p);
  return exportPersonData(services.db, site, email, services.clock());
}

export async function eraseForAdmin(services: Services, p: Principal, slug: string, email: string): Promise<ErasureReport> {
  const site = await siteForPrincipal(services, p, slug);
  requireAdmin(p);
  return erasePersonData(services, site, email, `moderator:${p.id}`);
}
