import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface AuditInput {
  siteId: string | null;
  actor: string;
  action: string;
  target: string | null;
  reason?: string | null;
  details?: unknown;
  at: Date;
}

export async function appendAudit(db: Db, e: AuditInput): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      site_id: e.siteId,
      actor: e.actor,
      action: e.action,
      target: e.target,
      reason: e.reason ?? null,
      details: e.details === undefined ? null : JSON.stringify(e.details),
      created_at: e.at,
    })
    .execute();
}

/** One line of the audit view: a comment status change (moderation_events) or another action (audit_log). */
export interface AuditRow {
  source: 'event' | 'audit';
  id: string;
  site_id: string | null;
  actor: string;
  action: string;
  comment_id: string | null;
  target: string | null;
  from_status: string | null;
  to_status: string | null;
  reason: string | null;
  details: unknown;
  created_at: Date;
}

export interface AuditCursor {
  createdAt: Date;
  source: 'event' | 'audit';
  id: string;
}

/**
 * The audit view: both logs merged, newest first, by keyset on (created_at, source, id).
 * `siteId` null (admins only) includes account actions, which belong to no site.
 * `moderatorsOnly` leaves out the pipeline's and authors' events.
 */
export async function listAudit(
  db: Db,
  opts: { siteId: string | null; moderatorsOnly: boolean; actor?: string | undefined; limit: number; after: AuditCursor | null },
): Promise<AuditRow[]> {
  const eventSite = opts.siteId === null ? sql`true` : sql`e.site_id = ${opts.siteId}::bigint`;
  const auditSite = opts.siteId === null ? sql`true` : sql`a.site_id = ${opts.siteId}::bigint`;
  const eventActor = opts.actor ? sql`e.actor = ${opts.actor}` : opts.moderatorsOnly ? sql`(e.actor like 'moderator:%' or e.actor = 'readers')` : sql`true`;
  const auditActor = opts.actor ? sql`a.actor = ${opts.actor}` : sql`true`;
  const after = opts.after ? sql`where (created_at, source, id) < (${opts.after.createdAt}, ${opts.after.source}, ${opts.after.id}::bigint)` : sql``;
  const result = await sql<AuditRow>`
    select * from (
      select 'event' as source, e.id, e.site_id, e.actor, e.action, e.comment_id, null::text as target,
             e.from_status, e.to_status, e.reason, e.details, e.created_at
      from moderation_events e where ${eventSite} and ${eventActor}
      union all
      select 'audit' as source, a.id, a.site_id, a.actor, a.action, null::bigint as comment_id, a.target,
             null::text, null::text, a.reason, a.details, a.created_at
      from audit_log a where ${auditSite} and ${auditActor}
    ) log
    ${after}
    order by created_at desc, source desc, id desc
    limit ${opts.limit + 1}`.execute(db);
  return result.rows.map((r) => ({ ...r, id: String(r.id), site_id: r.site_id === null ? null : String(r.site_id), comment_id: r.comment_id === null ? null : String(r.comment_id), created_at: new Date(r.created_at) }));
}
