import type { Moderator } from '../db/authSchema.js';
import { findModeratorByEmail, listModeratorSiteIds } from '../db/moderators.js';
import { deleteExpiredSessions, deleteSession, findLiveApiToken, findLiveSession, insertSession, markApiTokenUsed, touchSession } from '../db/sessions.js';
import { clearHits, deleteHits } from '../db/throttle.js';
import { ApiError } from '../http/errors.js';
import type { Services } from '../services/context.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import { takeAttempt, type ThrottleRule } from './throttle.js';
import { apiTokenPrefix, randomToken, tokenHash } from './tokens.js';

export const sessionCookie = 'parley_session';
/** Idle sessions end after 12 hours; any session ends 7 days after login. */
export const sessionIdleMs = 12 * 3_600_000;
export const sessionMaxMs = 7 * 86_400_000;
/** last_seen is written at most this often, so reads stay reads. */
const touchEveryMs = 60_000;

const loginWindowMs = 15 * 60_000;
/** Per account: slows guessing one password. Per IP: slows trying many accounts from one place. */
export const loginLimits = { perAccount: 5, perIp: 20, windowMs: loginWindowMs };

/** The throttle buckets of a password attempt on an account (the address lower-cased), and from an IP when known. */
export function loginRules(email: string, ip: string | null): ThrottleRule[] {
  const rules: ThrottleRule[] = [{ bucket: `login:account:${email}`, limit: loginLimits.perAccount, windowMs: loginWindowMs }];
  if (ip) rules.push({ bucket: `login:ip:${ip}`, limit: loginLimits.perIp, windowMs: loginWindowMs });
  return rules;
}

export interface LoginResult {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  moderator: Moderator;
}

/**
 * Checks the password (throttled per account and per IP, in the database) and opens a
 * session. Wrong email, wrong password and a disabled account answer alike.
 */
export async function login(services: Services, input: { email: string; password: string; ip: string | null; userAgent: string | null }): Promise<LoginResult> {
  const { db } = services;
  const now = services.clock();
  const email = input.email.trim().toLowerCase();
  const rules = loginRules(email, input.ip);
  const hits = await takeAttempt(db, rules, now, 'Too many failed logins. Please wait before trying again.');

  const moderator = await findModeratorByEmail(db, email);
  const ok = await verifyPassword(input.password, moderator?.password_hash ?? (await dummyPasswordHash()));
  if (!moderator || !ok || moderator.disabled_at !== null) {
    throw new ApiError('unauthorized', 'Wrong email or password.');
  }
  // A success costs nothing: the account starts afresh, and the address's count loses this attempt.
  await clearHits(db, `login:account:${email}`);
  await deleteHits(db, hits);
  await deleteExpiredSessions(db, now);

  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(now.getTime() + sessionIdleMs);
  await insertSession(db, { tokenHash: tokenHash(token), moderatorId: moderator.id, csrfToken, ip: input.ip, userAgent: input.userAgent, at: now, expiresAt });
  services.logger.info('moderator logged in', { moderatorId: moderator.id });
  return { token, csrfToken, expiresAt, moderator };
}

export async function logout(services: Services, token: string): Promise<void> {
  await deleteSession(services.db, tokenHash(token));
}

async function principalFor(services: Services, m: Moderator, via: Principal['via'], csrfToken: string | null): Promise<Principal> {
  const siteIds = m.role === 'admin' ? null : await listModeratorSiteIds(services.db, m.id);
  return { id: m.id, email: m.email, role: m.role, displayName: m.display_name, siteIds, via, csrfToken };
}

/** The principal behind a session cookie, sliding its expiry (never past 7 days from login). */
export async function principalFromSession(services: Services, token: string): Promise<Principal | null> {
  const now = services.clock();
  const found = await findLiveSession(services.db, tokenHash(token), now);
  if (!found) return null;
  const { session, moderator } = found;
  if (now.getTime() - session.last_seen_at.getTime() > touchEveryMs) {
    const expiresAt = new Date(Math.min(now.getTime() + sessionIdleMs, session.created_at.getTime() + sessionMaxMs));
    await touchSession(services.db, session.id, now, expiresAt);
  }
  return principalFor(services, moderator, 'session', session.csrf_token);
}

/** The principal behind a personal API token (Authorization: Bearer parley_…). */
export async function principalFromApiToken(services: Services, token: string): Promise<Principal | null> {
  if (!token.startsWith(apiTokenPrefix)) return null;
  const now = services.clock();
  const found = await findLiveApiToken(services.db, tokenHash(token));
  if (!found) return null;
  if (!found.token.last_used_at || now.getTime() - found.token.last_used_at.getTime() > touchEveryMs) {
    await markApiTokenUsed(services.db, found.token.id, now);
  }
  return principalFor(services, found.moderator, 'token', null);
}
