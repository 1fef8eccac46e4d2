import { sql, type Transaction } from 'kysely';
import type { ReportReason } from './authSchema.js';
import type { Database } from './schema.js';

/** Returns null when this reader already reported the comment (one report per reader). */
export async function insertReport(
  trx: Transaction<Database>,
  r: { commentId: string; siteId: string; reason: ReportReason; note: string | null; reporterKey: string; at: Date },
): Promise<string | null> {
  const row = await trx
    .insertInto('reports')
    .values({ comment_id: r.commentId, site_id: r.siteId, reason: r.reason, note: r.note, reporter_key: r.reporterKey, created_at: r.at, resolved_at: null, resolved_by: null })
    .onConflict((oc) => oc.constraint('reports_comment_reporter').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Adds one open report to the comment's count and returns the new count. */
export async function incrementReportCount(trx: Transaction<Database>, commentId: string): Promise<number> {
  const row = await trx
    .updateTable('comments')
    .set({ report_count: sql`report_count + 1` })
    .where('id', '=', commentId)
    .returning('report_count')
    .executeTakeFirstOrThrow();
  return row.report_count;
}

/** A moderator decided: the comment's open reports are closed and it leaves the reported queue. */
export async function resolveReports(trx: Transaction<Database>, commentId: string, by: string, at: Date): Promise<number> {
  const rows = await trx
    .updateTable('reports')
    .set({ resolved_at: at, resolved_by: by })
    .where('comment_id', '=', commentId)
    .where('resolved_at', 'is', null)
    .returning('id')
    .execute();
  await trx.updateTable('comments').set({ report_count: 0 }).where('id', '=', commentId).where('report_count', '<>', 0).execute();
  return rows.length;
}
