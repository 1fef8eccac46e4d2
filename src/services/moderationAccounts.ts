import { hashPassword, minPasswordLength, verifyPassword } from '../auth/passwords.js';
import { loginRules } from '../auth/sessions.js';
import { takeAttempt } from '../auth/throttle.js';
import { deleteHits } from '../db/throttle.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { requireAdmin } from '../auth/middleware.js';
import { apiTokenPrefix, randomToken, tokenHash } from '../auth/tokens.js';
import { appendAudit } from '../db/audit.js';
import type { Moderator, ModeratorRole } from '../db/authSchema.js';
import { countActiveAdmins, findModeratorById, insertModerator, listModerators, listSiteAssignments, setModeratorSites, updateModerator } from '../db/moderators.js';
import type { Database } from '../db/schema.js';
import { deleteSessionsOf, insertApiToken, listApiTokens, revokeApiToken } from '../db/sessions.js';
import { listSites } from '../db/sites.js';
import { ApiError } from '../http/errors.js';
import type { Kysely } from 'kysely';
import type { Services } from './context.js';

export interface AccountView {
  id: string;
  email: string;
  role: ModeratorRole;
  displayName: string;
  disabled: boolean;
  createdAt: string;
  /** Slugs of the sites a moderator was given; admins see every site. */
  sites: string[];
}

function toAccountView(m: Moderator, siteIds: string[], slugById: Map<string, string>): AccountView {
  return {
    id: m.id,
    email: m.email,
    role: m.role,
    displayName: m.display_name,
    disabled: m.disabled_at !== null,
    createdAt: m.created_at.toISOString(),
    sites: siteIds.map((id) => slugById.get(id)).filter((s): s is string => !!s).sort(),
  };
}

async function siteMaps(db: Kysely<Database>) {
  const sites = await listSites(db);
  return { slugById: new Map(sites.map((s) => [s.id, s.slug])), idBySlug: new Map(sites.map((s) => [s.slug, s.id])) };
}

function siteIdsFor(slugs: string[], idBySlug: Map<string, string>): string[] {
  return slugs.map((slug) => {
    const id = idBySlug.get(slug);
    if (!id) throw new ApiError('validation_failed', `sites: No site "${slug}".`, 'sites');
    return id;
  });
}

function assertPassword(password: string, field = 'password'): void {
  if (password.length < minPasswordLength) throw new ApiError('validation_failed', `${field}: At least ${minPasswordLength} characters.`, field);
}

export async function listAccounts(services: Services, p: Principal): Promise<AccountView[]> {
  requireAdmin(p);
  const [moderators, assignments, { slugById }] = await Promise.all([listModerators(services.db), listSiteAssignments(services.db), siteMaps(services.db)]);
  return moderators.map((m) => toAccountView(m, assignments.get(m.id) ?? [], slugById));
}

export interface NewAccountInput {
  email: string;
  password: string;
  role: ModeratorRole;
  displayName: string;
  sites: string[];
}

/** Used by admins in the API and UI, and by the `create-admin` command (actor `cli`). */
export async function createAccount(db: Kysely<Database>, actor: string, input: NewAccountInput, at: Date): Promise<AccountView> {
  assertPassword(input.password);
  const { idBySlug, slugById } = await siteMaps(db);
  const siteIds = siteIdsFor(input.sites, idBySlug);
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const m = await insertModerator(trx, { email: input.email, passwordHash, role: input.role, displayName: input.displayName });
    if (!m) throw new ApiError('conflict', 'An account with this email already exists.', 'email');
    await setModeratorSites(trx, m.id, siteIds);
    await appendAudit(trx, { siteId: null, actor, action: 'account_created', target: `moderator:${m.id}`, details: { email: m.email, role: m.role, sites: input.sites }, at });
    return toAccountView(m, siteIds, slugById);
  });
}

export async function createAccountAsAdmin(services: Services, p: Principal, input: NewAccountInput): Promise<AccountView> {
  requireAdmin(p);
  return createAccount(services.db, actorOf(p), input, services.clock());
}

export interface AccountPatch {
  role?: ModeratorRole | undefined;
  displayName?: string | undefined;
  sites?: string[] | undefined;
  disabled?: boolean | undefined;
  password?: string | undefined;
}

export async function updateAccount(services: Services, p: Principal, id: string, patch: AccountPatch): Promise<AccountView> {
  requireAdmin(p);
  const target = /^\d{1,19}$/.test(id) ? await findModeratorById(services.db, id) : undefined;
  if (!target) throw new ApiError('not_found', 'No such account.');
  if (patch.password !== undefined) assertPassword(patch.password);
  const losesAdmin = target.role === 'admin' && target.disabled_at === null && (patch.disabled === true || (patch.role !== undefined && patch.role !== 'admin'));
  if (losesAdmin && (await countActiveAdmins(services.db)) <= 1) throw new ApiError('conflict', 'This is the last admin; make another admin first.');
  const { idBySlug, slugById } = await siteMaps(services.db);
  const siteIds = patch.sites ? siteIdsFor(patch.sites, idBySlug) : null;
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
  const now = services.clock();
  const updated = await services.db.transaction().execute(async (trx) => {
    const m = (await updateModerator(trx, target.id, {
      role: patch.role,
      displayName: patch.displayName,
      ...(patch.disabled !== undefined ? { disabledAt: patch.disabled ? (target.disabled_at ?? now) : null } : {}),
      ...(passwordHash ? { passwordHash } : {}),
    }))!;
    if (siteIds) await setModeratorSites(trx, m.id, siteIds);
    // Disabling an account or changing its password ends its sessions at once.
    if (patch.disabled === true || passwordHash) await deleteSessionsOf(trx, m.id);
    const changed = Object.keys(patch).filter((k) => patch[k as keyof AccountPatch] !== undefined);
    await appendAudit(trx, {
      siteId: null,
      actor: actorOf(p),
      action: patch.disabled === true ? 'account_disabled' : patch.disabled === false ? 'account_enabled' : 'account_changed',
      target: `moderator:${m.id}`,
      details: { changed, ...(patch.role ? { role: patch.role } : {}), ...(patch.sites ? { sites: patch.sites } : {}) },
      at: now,
    });
    return m;
  });
  const assignments = await listSiteAssignments(services.db);
  return toAccountView(updated, assignments.get(updated.id) ?? [], slugById);
}

/**
 * A moderator changes their own password. The current one is checked first, throttled like a
 * login on the same per-account bucket (a session left open on a shared computer must not
 * become a way to guess the password); the new one must meet the same rule as any. Every
 * other session of the account ends; the one that made the change stays.
 */
export async function changeOwnPassword(
  services: Services,
  p: Principal,
  currentSessionToken: string | null,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const { db } = services;
  const now = services.clock();
  const me = await findModeratorById(db, p.id);
  if (!me || me.disabled_at !== null) throw new ApiError('unauthorized', 'Log in again.');
  const hits = await takeAttempt(db, loginRules(me.email.toLowerCase(), null), now, 'Too many wrong passwords. Please wait before trying again.');
  if (!(await verifyPassword(input.currentPassword, me.password_hash))) {
    throw new ApiError('forbidden', 'Your current password is not right.', 'currentPassword');
  }
  await deleteHits(db, hits);
  assertPassword(input.newPassword, 'newPassword');
  if (input.newPassword === input.currentPassword) throw new ApiError('validation_failed', 'newPassword: Choose a password other than the current one.', 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await updateModerator(trx, me.id, { passwordHash });
    await deleteSessionsOf(trx, me.id, currentSessionToken ? { tokenHash: tokenHash(currentSessionToken) } : null);
    await appendAudit(trx, { siteId: null, actor: actorOf(p), action: 'password_changed', target: `moderator:${me.id}`, details: { own: true }, at: now });
  });
}

export interface ApiTokenView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

/** A personal token for scripts; shown once, stored only as its hash. */
export async function createPersonalToken(services: Services, p: Principal, name: string): Promise<{ token: string; info: ApiTokenView }> {
  const token = randomToken(apiTokenPrefix);
  const now = services.clock();
  const row = await insertApiToken(services.db, { tokenHash: tokenHash(token), name, moderatorId: p.id, at: now });
  await appendAudit(services.db, { siteId: null, actor: actorOf(p), action: 'api_token_created', target: `api_token:${row.id}`, details: { name }, at: now });
  return { token, info: { id: row.id, name: row.name, createdAt: row.created_at.toISOString(), lastUsedAt: null, revoked: false } };
}

export async function listPersonalTokens(services: Services, p: Principal): Promise<ApiTokenView[]> {
  return (await listApiTokens(services.db, p.id)).map((t) => ({
    id: t.id,
    name: t.name,
    createdAt: t.created_at.toISOString(),
    lastUsedAt: t.last_used_at?.toISOString() ?? null,
    revoked: t.revoked_at !== null,
  }));
}

export async function revokePersonalToken(services: Services, p: Principal, id: string): Promise<void> {
  const now = services.clock();
  if (!/^\d{1,19}$/.test(id) || !(await revokeApiToken(services.db, p.id, id, now))) throw new ApiError('not_found', 'No such token.');
  await appendAudit(services.db, { siteId: null, actor: actorOf(p), action: 'api_token_revoked', target: `api_token:${id}`, at: now });
}
