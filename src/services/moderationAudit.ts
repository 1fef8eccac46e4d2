import { requireAdmin } from '../auth/middleware.js';
import type { Principal } from '../auth/principal.js';
import { listAudit, type AuditRow } from '../db/audit.js';
import { listSites } from '../db/sites.js';
import { ApiError } from '../http/errors.js';
import type { Services } from './context.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { siteForPrincipal } from './moderationAccess.js';

export interface AuditEntryView {
  /** `event:<id>` (a comment status change) or `audit:<id>` (anything else). */
  id: string;
  actor: string;
  action: string;
  site: string | null;
  commentId: string | null;
  target: string | null;
  from: string | null;
  to: string | null;
  reason: string | null;
  details: unknown;
  at: string;
}

// The audit cursor reuses the signed comment cursor; its third field (a reply count there)
// says which log the last row came from: 0 moderation_events, 1 audit_log.
const sourceCode = { event: 0, audit: 1 } as const;

/**
 * The audit view for one site (its moderators), or for every site and the accounts
 * (admins, `site` null). Moderators' and readers' decisions only, unless `all`
 * also asks for the pipeline's and authors' events.
 */
export async function readAudit(
  services: Services,
  p: Principal,
  q: { site: string | null; all: boolean; limit: number; cursor: string | null },
): Promise<{ entries: AuditEntryView[]; nextCursor: string | null }> {
  let siteId: string | null = null;
  if (q.site) siteId = (await siteForPrincipal(services, p, q.site)).id;
  else requireAdmin(p);
  const decoded = q.cursor ? decodeCursor(services.secrets.cursor, 'newest', q.cursor) : null;
  if (q.cursor && !decoded) throw new ApiError('invalid_cursor', 'The cursor is not valid.', 'cursor');
  const after = decoded ? { createdAt: decoded.createdAt, id: decoded.id, source: decoded.replyCount === 1 ? ('audit' as const) : ('event' as const) } : null;
  const rows = await listAudit(services.db, { siteId, moderatorsOnly: !q.all, limit: q.limit, after });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const slugs = new Map((await listSites(services.db)).map((s) => [s.id, s.slug]));
  return {
    entries: page.map((r) => toView(r, slugs)),
    nextCursor: rows.length > q.limit && last ? encodeCursor(services.secrets.cursor, 'newest', { createdAt: last.created_at, id: last.id, replyCount: sourceCode[last.source] }) : null,
  };
}

function toView(r: AuditRow, slugs: Map<string, string>): AuditEntryView {
  return {
    id: `${r.source}:${r.id}`,
    actor: r.actor,
    action: r.action,
    site: r.site_id ? (slugs.get(r.site_id) ?? null) : null,
    commentId: r.comment_id,
    target: r.target,
    from: r.from_status,
    to: r.to_status,
    reason: r.reason,
    details: r.details,
    at: r.created_at.toISOString(),
  };
}
