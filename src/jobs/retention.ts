import { applyRetention, type RetentionReport } from '../db/retention.js';
import { deleteExpiredSessions } from '../db/sessions.js';
import { listSites } from '../db/sites.js';
import { deleteHitsBefore } from '../db/throttle.js';
import type { Services } from '../services/context.js';

export interface PurgeReport extends RetentionReport {
  sites: number;
  expiredDataRequests: number;
}

/** Every site's retention rules, applied now. Used by the scheduled job and `npm run cli -- purge`. */
export async function purgeExpiredData(services: Services): Promise<PurgeReport> {
  const now = services.clock();
  const total: PurgeReport = { sites: 0, commentsIpErased: 0, consentIpErased: 0, spamDeleted: 0, rejectedDeleted: 0, expiredDataRequests: 0 };
  for (const site of await listSites(services.db)) {
    const r = await applyRetention(services.db, site, now);
    total.sites++;
    total.commentsIpErased += r.commentsIpErased;
    total.consentIpErased += r.consentIpErased;
    total.spamDeleted += r.spamDeleted;
    total.rejectedDeleted += r.rejectedDeleted;
  }
  const expired = await services.db.deleteFrom('data_requests').where('expires_at', '<', now).executeTakeFirst();
  total.expiredDataRequests = Number(expired.numDeletedRows);
  // Throttle hits carry IP addresses and matter for minutes; sessions past expiry are dead weight.
  await deleteHitsBefore(services.db, new Date(now.getTime() - 24 * 60 * 60_000));
  await deleteExpiredSessions(services.db, now);
  return total;
}
