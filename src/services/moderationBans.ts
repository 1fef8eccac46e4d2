import net from 'node:net';
import { actorOf, type Principal } from '../auth/principal.js';
import { appendAudit } from '../db/audit.js';
import { commentsCoveredByBan, deleteBan, insertBan, listBans } from '../db/bans.js';
import type { Ban, BansTable } from '../db/schema.js';
import { findThreadById } from '../db/threads.js';
import { ApiError } from '../http/errors.js';
import { findMatchingBan } from '../moderation/phases/bans.js';
import { changeCommentStatus } from './commentStatus.js';
import type { Services } from './context.js';
import { siteForPrincipal } from './moderationAccess.js';

export type BanKind = BansTable['kind'];
export const banKinds: readonly BanKind[] = ['email', 'email_domain', 'ip', 'ip_range'];

/** At most this many existing comments are rejected with a ban, in one transaction. */
const maxRejectedWithBan = 2000;

/** A ban's value in the form the blocklist phase matches; a value that would ban nobody is refused. */
export function normaliseBanValue(kind: BanKind, raw: string): string {
  const value = raw.trim().toLowerCase();
  const bad = (why: string): never => {
    throw new ApiError('validation_failed', `value: ${why}`, 'value');
  };
  switch (kind) {
    case 'email':
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) || value.length > 254) bad('Not an email address.');
      return value;
    case 'email_domain': {
      const domain = value.replace(/^[@.]+/, '');
      if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(domain)) bad('Not a domain name, e.g. example.com.');
      return domain;
    }
    case 'ip':
      if (!net.isIP(value)) bad('Not an IP address.');
      return value;
    case 'ip_range': {
      const [address = '', prefixText = '', extra] = value.split('/');
      const family = net.isIP(address);
      const prefix = Number(prefixText);
      if (extra !== undefined || !family || !/^\d{1,3}$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) bad('Not an IP range in CIDR form, e.g. 203.0.113.0/24.');
      if (family === 4 && prefix < 8) bad('Ranges wider than /8 are refused.');
      if (family === 6 && prefix < 16) bad('Ranges wider than /16 are refused.');
      return `${address}/${prefix}`;
    }
  }
}

export interface BanView {
  id: string;
  kind: BanKind;
  value: string;
  reason: string | null;
  createdBy: string | null;
  expiresAt: string | null;
  createdAt: string;
  active: boolean;
}

export function toBanView(b: Ban, now: Date): BanView {
  return {
    id: b.id,
    kind: b.kind,
    value: b.value,
    reason: b.reason,
    createdBy: b.created_by,
    expiresAt: b.expires_at?.toISOString() ?? null,
    createdAt: b.created_at.toISOString(),
    active: b.expires_at === null || b.expires_at > now,
  };
}

export async function readBans(services: Services, p: Principal, slug: string): Promise<BanView[]> {
  const site = await siteForPrincipal(services, p, slug);
  const now = services.clock();
  return (await listBans(services.db, site.id)).map((b) => toBanView(b, now));
}

export interface NewBanInput {
  kind: BanKind;
  value: string;
  reason: string | null;
  expiresAt: Date | null;
  /** Also send the author's published and held comments on this site to rejected. */
  rejectExisting: boolean;
}

export async function createBan(services: Services, p: Principal, slug: string, input: NewBanInput): Promise<{ ban: BanView; rejected: number }> {
  const site = await siteForPrincipal(services, p, slug);
  const now = services.clock();
  const value = normaliseBanValue(input.kind, input.value);
  if (input.expiresAt && input.expiresAt <= now) throw new ApiError('validation_failed', 'expiresAt: Must be in the future.', 'expiresAt');
  const actor = actorOf(p);
  const { ban, removed, rejected } = await services.db.transaction().execute(async (trx) => {
    const ban = await insertBan(trx, { siteId: site.id, kind: input.kind, value, reason: input.reason, createdBy: actor, expiresAt: input.expiresAt });
    const removed: { id: string; threadId: string; eventId: string }[] = [];
    let rejected = 0;
    if (input.rejectExisting) {
      const covered = await commentsCoveredByBan(trx, site.id, input.kind, value, maxRejectedWithBan);
      for (const c of covered) {
        // The pipeline's own matcher decides, so a ban rejects exactly what it would block.
        if (!findMatchingBan([ban], c.author_email ?? '', c.ip)) continue;
        const changed = await changeCommentStatus(trx, c, 'rejected', { actor, action: 'ban', reason: input.reason ?? `Banned ${input.kind.replace('_', ' ')} ${value}.`, details: { banId: ban.id }, at: now });
        rejected++;
        if (c.status === 'published') removed.push({ id: c.id, threadId: c.thread_id, eventId: changed.eventId });
      }
    }
    await appendAudit(trx, {
      siteId: site.id,
      actor,
      action: 'ban_created',
      target: `ban:${ban.id}`,
      reason: input.reason,
      details: { kind: input.kind, value, expiresAt: input.expiresAt?.toISOString() ?? null, rejectExisting: input.rejectExisting, rejected },
      at: now,
    });
    return { ban, removed, rejected };
  });
  for (const r of removed) {
    const thread = await findThreadById(services.db, r.threadId);
    if (thread) services.live.publish({ id: r.eventId, type: 'comment.removed', siteId: site.id, threadKey: thread.key, commentId: r.id });
  }
  return { ban: toBanView(ban, now), rejected };
}

export async function removeBan(services: Services, p: Principal, slug: string, id: string): Promise<void> {
  const site = await siteForPrincipal(services, p, slug);
  const now = services.clock();
  await services.db.transaction().execute(async (trx) => {
    const ban = /^\d{1,19}$/.test(id) ? await deleteBan(trx, site.id, id) : undefined;
    if (!ban) throw new ApiError('not_found', 'No such ban.');
    await appendAudit(trx, { siteId: site.id, actor: actorOf(p), action: 'ban_removed', target: `ban:${ban.id}`, details: { kind: ban.kind, value: ban.value }, at: now });
  });
}
