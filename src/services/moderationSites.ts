import { actorOf, type Principal } from '../auth/principal.js';
import { requireAdmin } from '../auth/middleware.js';
import { appendAudit } from '../db/audit.js';
import type { Site } from '../db/schema.js';
import { addPolicyVersion, findCurrentPolicy, findSiteById } from '../db/sites.js';
import { findThread, setThreadClosed } from '../db/threads.js';
import { ApiError } from '../http/errors.js';
import { resolveModerationSettings } from '../moderation/settings.js';
import type { ModerationSettings } from '../moderation/types.js';
import type { Services } from './context.js';
import { siteForPrincipal } from './moderationAccess.js';

export interface SiteSettings {
  slug: string;
  name: string;
  moderation: ModerationSettings;
  reportThreshold: number;
  allowedOrigins: string[];
  editWindowMinutes: number;
  ipRetentionDays: number;
  spamRetentionDays: number;
  rejectedRetentionDays: number;
  autoCloseDays: number | null;
  /** Erasure keeps an erased person's comment text (anonymised) rather than removing it. */
  erasureKeepsText: boolean;
  policy: { version: number; text: string; consentText: string } | null;
}

/** A partial update: groups of moderation settings are merged one level deep. */
export interface SiteSettingsPatch {
  name?: string | undefined;
  moderation?: { [K in keyof ModerationSettings]?: ModerationSettings[K] extends object ? Partial<ModerationSettings[K]> : ModerationSettings[K] } | undefined;
  reportThreshold?: number | undefined;
  allowedOrigins?: string[] | undefined;
  editWindowMinutes?: number | undefined;
  ipRetentionDays?: number | undefined;
  spamRetentionDays?: number | undefined;
  rejectedRetentionDays?: number | undefined;
  autoCloseDays?: number | null | undefined;
  erasureKeepsText?: boolean | undefined;
  /** A new text (or consent sentence) makes a new policy version; the same text changes nothing. */
  policy?: { text: string; consentText?: string | undefined } | undefined;
}

async function toSettings(services: Services, site: Site): Promise<SiteSettings> {
  const policy = await findCurrentPolicy(services.db, site);
  return {
    slug: site.slug,
    name: site.name,
    moderation: resolveModerationSettings(site.moderation),
    reportThreshold: site.report_threshold,
    allowedOrigins: site.allowed_origins,
    editWindowMinutes: site.edit_window_minutes,
    ipRetentionDays: site.ip_retention_days,
    spamRetentionDays: site.spam_retention_days,
    rejectedRetentionDays: site.rejected_retention_days,
    autoCloseDays: site.auto_close_days,
    erasureKeepsText: site.erasure_keeps_text,
    policy: policy ? { version: policy.version, text: policy.text, consentText: policy.consent_text } : null,
  };
}

/** Moderators of the site may read its settings; only admins change them. */
export async function readSiteSettings(services: Services, p: Principal, slug: string): Promise<SiteSettings> {
  return toSettings(services, await siteForPrincipal(services, p, slug));
}

export async function updateSiteSettings(services: Services, p: Principal, slug: string, patch: SiteSettingsPatch): Promise<SiteSettings> {
  const site = await siteForPrincipal(services, p, slug);
  requireAdmin(p);
  const now = services.clock();
  const before = await toSettings(services, site);
  const m = before.moderation;
  const pm = patch.moderation ?? {};
  const moderation: ModerationSettings = {
    mode: pm.mode ?? m.mode,
    links: { ...m.links, ...pm.links },
    words: { ...m.words, ...pm.words },
    abuse: { ...m.abuse, ...pm.abuse },
    behaviour: { ...m.behaviour, ...pm.behaviour },
    akismet: { ...m.akismet, ...pm.akismet },
  };
  await services.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('sites')
      .set({
        moderation: JSON.stringify(moderation),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.reportThreshold !== undefined ? { report_threshold: patch.reportThreshold } : {}),
        ...(patch.allowedOrigins !== undefined ? { allowed_origins: patch.allowedOrigins } : {}),
        ...(patch.editWindowMinutes !== undefined ? { edit_window_minutes: patch.editWindowMinutes } : {}),
        ...(patch.ipRetentionDays !== undefined ? { ip_retention_days: patch.ipRetentionDays } : {}),
        ...(patch.spamRetentionDays !== undefined ? { spam_retention_days: patch.spamRetentionDays } : {}),
        ...(patch.rejectedRetentionDays !== undefined ? { rejected_retention_days: patch.rejectedRetentionDays } : {}),
        ...(patch.autoCloseDays !== undefined ? { auto_close_days: patch.autoCloseDays } : {}),
        ...(patch.erasureKeepsText !== undefined ? { erasure_keeps_text: patch.erasureKeepsText } : {}),
      })
      .where('id', '=', site.id)
      .execute();
    let newPolicyVersion: number | null = null;
    if (patch.policy) {
      const consentText = patch.policy.consentText ?? before.policy?.consentText;
      if (!consentText) throw new ApiError('validation_failed', 'policy.consentText: Required for the first policy.', 'policy.consentText');
      if (patch.policy.text !== before.policy?.text || consentText !== before.policy?.consentText) {
        newPolicyVersion = (await addPolicyVersion(trx, site.id, patch.policy.text, consentText)).version;
      }
    }
    const changed = Object.keys(patch).filter((k) => k !== 'policy' || newPolicyVersion !== null);
    await appendAudit(trx, {
      siteId: site.id,
      actor: actorOf(p),
      action: 'settings_changed',
      target: `site:${site.slug}`,
      details: { changed, ...(newPolicyVersion !== null ? { policyVersion: newPolicyVersion } : {}), before: { ...before, policy: before.policy ? { version: before.policy.version } : null } },
      at: now,
    });
  });
  return toSettings(services, (await findSiteById(services.db, site.id))!);
}

/** Closing a thread stops new comments (the public API answers 409 thread_closed). */
export async function setThreadState(services: Services, p: Principal, slug: string, key: string, closed: boolean, reason: string | null): Promise<{ key: string; closed: boolean }> {
  const site = await siteForPrincipal(services, p, slug);
  const thread = await findThread(services.db, site.id, key);
  if (!thread) throw new ApiError('not_found', 'No such thread.');
  await services.db.transaction().execute(async (trx) => {
    await setThreadClosed(trx, thread.id, closed);
    await appendAudit(trx, { siteId: site.id, actor: actorOf(p), action: closed ? 'thread_closed' : 'thread_reopened', target: `thread:${thread.key}`, reason, at: services.clock() });
  });
  return { key: thread.key, closed };
}
