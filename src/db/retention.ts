import { sql, type Kysely } from 'kysely';
import type { Database, Site } from './schema.js';

const DAY = 86_400_000;

export interface RetentionReport {
  commentsIpErased: number;
  consentIpErased: number;
  spamDeleted: number;
  rejectedDeleted: number;
}

/**
 * Applies one site's retention settings. IP addresses and user agents go after
 * ip_retention_days (from comments, their moderation records and consent records);
 * spam after spam_retention_days and rejected comments after rejected_retention_days
 * (counted from when they got that status). A spam or rejected comment that still
 * has replies keeps its row as an empty "deleted" placeholder so the replies keep their place.
 */
export async function applyRetention(db: Kysely<Database>, site: Pick<Site, 'id' | 'ip_retention_days' | 'spam_retention_days' | 'rejected_retention_days'>, now: Date): Promise<RetentionReport> {
  const ipCutoff = new Date(now.getTime() - site.ip_retention_days * DAY);
  return db.transaction().execute(async (trx) => {
    // The Akismet params kept in moderation records carry the same data: scrub those first.
    const records = await trx
      .selectFrom('comments')
      .select(['id', 'moderation'])
      .where('site_id', '=', site.id)
      .where('created_at', '<', ipCutoff)
      .where('ip', 'is not', null)
      .where(sql<boolean>`moderation::text like '%"user_ip"%'`)
      .execute();
    for (const r of records) {
      await trx.updateTable('comments').set({ moderation: JSON.stringify(scrubParams(r.moderation)) }).where('id', '=', r.id).execute();
    }
    const comments = await trx
      .updateTable('comments')
      .set({
        ip: null,
        user_agent: null,
        referrer: null,
      })
      .where('site_id', '=', site.id)
      .where('created_at', '<', ipCutoff)
      .where((eb) => eb.or([eb('ip', 'is not', null), eb('user_agent', 'is not', null), eb('referrer', 'is not', null)]))
      .executeTakeFirst();
    const consents = await trx
      .updateTable('consent_records')
      .set({ ip: null, user_agent: null })
      .where('site_id', '=', site.id)
      .where('created_at', '<', ipCutoff)
      .where((eb) => eb.or([eb('ip', 'is not', null), eb('user_agent', 'is not', null)]))
      .executeTakeFirst();
    const spamDeleted = await removeOld(trx, site.id, 'spam', new Date(now.getTime() - site.spam_retention_days * DAY));
    const rejectedDeleted = await removeOld(trx, site.id, 'rejected', new Date(now.getTime() - site.rejected_retention_days * DAY));
    return {
      commentsIpErased: Number(comments.numUpdatedRows),
      consentIpErased: Number(consents.numUpdatedRows),
      spamDeleted,
      rejectedDeleted,
    };
  });
}

async function removeOld(trx: Kysely<Database>, siteId: string, status: 'spam' | 'rejected', cutoff: Date): Promise<number> {
  const due = trx
    .selectFrom('comments')
    .select('id')
    .where('site_id', '=', siteId)
    .where('status', '=', status)
    .where('status_changed_at', '<', cutoff);
  const withReplies = await trx
    .updateTable('comments')
    .set({ status: 'deleted', body: '', body_hash: null, author_name: 'deleted', author_email: null, author_website: null, author_avatar: null, ip: null, user_agent: null, referrer: null, moderation: null, edit_token_hash: null })
    .where('id', 'in', due)
    .where((eb) => eb.exists(eb.selectFrom('comments as child').select('child.id').whereRef('child.parent_id', '=', 'comments.id')))
    .executeTakeFirst();
  const deleted = await trx
    .deleteFrom('comments')
    .where('id', 'in', trx.selectFrom('comments').select('id').where('site_id', '=', siteId).where('status', '=', status).where('status_changed_at', '<', cutoff))
    .executeTakeFirst();
  return Number(withReplies.numUpdatedRows) + Number(deleted.numDeletedRows);
}

const personalParams = ['user_ip', 'user_agent', 'referrer'];

/** A copy of a moderation record without the IP, user agent and referrer in any `params` object. */
export function scrubParams(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubParams);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'params' && v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = Object.fromEntries(Object.entries(v).filter(([pk]) => !personalParams.includes(pk)));
    } else {
      out[k] = scrubParams(v);
    }
  }
  return out;
}
