import crypto from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { z, type ZodType } from 'zod';
import { clearSessionCookie, requireAdmin, resolvePrincipal, sessionTokenOf, setSessionCookie, type ModEnv } from '../auth/middleware.js';
import { login, logout } from '../auth/sessions.js';
import { queueNames, type QueueName } from '../db/queue.js';
import { listSites } from '../db/sites.js';
import { ApiError } from '../http/errors.js';
import { AccountBody, BanBody, QueueQuery, SettingsBody } from '../routes/moderation.js';
import { text } from '../routes/schemas.js';
import { sitesForPrincipal } from '../services/moderationAccess.js';
import { applyAction, applyBulkAction, editCommentText, moderationActions, type ModerationAction, type ModerationDeps } from '../services/moderationActions.js';
import { changeOwnPassword, createAccountAsAdmin, listAccounts, updateAccount } from '../services/moderationAccounts.js';
import { readAudit } from '../services/moderationAudit.js';
import { createBan, readBans, removeBan } from '../services/moderationBans.js';
import { readQueue, readThreadForModeration } from '../services/moderationQueue.js';
import { readSiteSettings, setThreadState, updateSiteSettings } from '../services/moderationSites.js';
import { siteForPrincipal } from '../services/moderationAccess.js';
import { consentsByEmail, eraseForAdmin, exportForAdmin } from '../services/moderationPrivacy.js';
import { AccountPage, AuditPage, BansPage, ErrorPage, PrivacyPage, LoginPage, ModeratorsPage, NoSitesPage, QueuePage, SettingsPage, ThreadPage, type PageContext } from './views.js';

// The admin web UI (/admin): server-rendered pages over the same services as the
// moderation API. Every action is a plain HTML form (POST, then a 303 back), so the
// basics work without JavaScript; a small nonce'd script adds keyboard shortcuts.

type C = Context<ModEnv>;
type Form = Record<string, string | File | (string | File)[]>;

/** Strict headers on every admin response: no framing, no inline code but ours, no referrer leaks. */
const securityHeaders = createMiddleware<ModEnv>(async (c, next) => {
  const nonce = crypto.randomBytes(16).toString('base64');
  c.set('cspNonce', nonce);
  c.header(
    'Content-Security-Policy',
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  );
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'same-origin');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Cache-Control', 'no-store');
  await next();
});

/** Pages need a session; without one the browser is sent to the login page. */
const requirePage = createMiddleware<ModEnv>(async (c, next) => {
  const principal = await resolvePrincipal(c);
  if (!principal) {
    const url = new URL(c.req.url);
    const next = c.req.method === 'GET' ? `${url.pathname}${url.search}` : '/admin';
    return c.redirect(`/admin/login?next=${encodeURIComponent(next)}`, 303);
  }
  c.set('principal', principal);
  await next();
});

async function pageContext(c: C, siteSlug?: string, notice?: string | null): Promise<PageContext> {
  const principal = c.get('principal') ?? null;
  const sites = principal ? (await sitesForPrincipal(c.get('services'), principal)).map((s) => ({ slug: s.slug, name: s.name })) : [];
  const site = siteSlug ? sites.find((s) => s.slug === siteSlug) : undefined;
  return { principal, nonce: c.get('cspNonce'), sites, site, notice: notice ?? notices[c.req.query('done') ?? ''] ?? null };
}

/** Fixed messages after an action: the query string picks one, it never carries text to show. */
const notices: Record<string, string> = {
  approve: 'Approved.',
  reject: 'Rejected.',
  spam: 'Marked as spam.',
  'not-spam': 'Marked as not spam and published.',
  delete: 'Deleted.',
  restore: 'Restored.',
  edited: 'Text saved; the original is kept in the log.',
  bulk: 'Done for the selected comments.',
  banned: 'Ban added.',
  unbanned: 'Ban lifted.',
  closed: 'Thread closed.',
  reopened: 'Thread reopened.',
  settings: 'Settings saved.',
  account: 'Account saved.',
  password: 'Password changed. Your other sessions have been logged out.',
};

const str = (form: Form, name: string): string => {
  const v = form[name];
  const one = Array.isArray(v) ? v[0] : v;
  return typeof one === 'string' ? one : '';
};
const list = (form: Form, name: string): string[] => {
  const v = form[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
};
const linesOf = (s: string) => s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

/** Only our own admin pages are places to go back to (no open redirect). */
function safeBack(raw: string, fallback = '/admin'): string {
  return /^\/admin(\/|$|\?)/.test(raw) && !raw.startsWith('//') && !/[\r\n\\]/.test(raw) ? raw : fallback;
}
const withNotice = (back: string, done: string) => {
  const url = new URL(back, 'http://x');
  url.searchParams.set('done', done);
  return `${url.pathname}${url.search}`;
};

function parse<T>(schema: ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  throw new ApiError('validation_failed', issue ? `${field ? `${field}: ` : ''}${issue.message}` : 'Invalid input.', field);
}

const PrivacyEmail = z.string().trim().max(254).pipe(z.email('Not a valid email address.'));

/** Readers' personal data is an admin's business: the same check the API makes (404 for another site's moderator, 403 for a moderator). */
async function requirePrivacyAccess(c: Context<ModEnv>, slug: string): Promise<void> {
  await siteForPrincipal(c.get('services'), c.get('principal'), slug);
  requireAdmin(c.get('principal'));
}

const optionalReason = (form: Form) => str(form, 'reason').trim().slice(0, 500) || null;

export function createAdminRoutes(deps: ModerationDeps = {}) {
  const app = new Hono<ModEnv>();
  app.use('*', securityHeaders);

  app.onError(async (err, c) => {
    if (err instanceof ApiError) {
      if (err.status === 401) return c.redirect('/admin/login', 303);
      for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
      return c.html(<ErrorPage page={await pageContext(c).catch(() => ({ principal: null, nonce: c.get('cspNonce'), sites: [] }))} status={err.status} message={err.message} />, err.status);
    }
    c.get('services').logger.error('admin page failed', { requestId: c.get('requestId'), err: String(err), stack: err instanceof Error ? err.stack : undefined });
    return c.html(<ErrorPage page={{ principal: null, nonce: c.get('cspNonce'), sites: [] }} status={500} message="Something went wrong on our side." />, 500);
  });

  app.get('/login', async (c) => {
    const next = safeBack(c.req.query('next') ?? '/admin');
    if (await resolvePrincipal(c)) return c.redirect(next, 303);
    return c.html(<LoginPage page={await pageContext(c)} next={next} />);
  });

  app.post('/login', async (c) => {
    // Login CSRF: a form posted from another site's page is refused.
    const origin = c.req.header('origin');
    if (origin && origin !== new URL(c.req.url).origin && origin !== c.get('services').config.publicUrl) throw new ApiError('forbidden', 'Log in from this server’s own login page.');
    const form = (await c.req.parseBody({ all: true })) as Form;
    const email = str(form, 'email').trim().slice(0, 254);
    const next = safeBack(str(form, 'next'));
    try {
      const result = await login(c.get('services'), { email, password: str(form, 'password').slice(0, 200), ip: c.get('clientIp'), userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null });
      setSessionCookie(c, result.token);
      return c.redirect(next, 303);
    } catch (e) {
      if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 429)) throw e;
      if (e.headers?.['Retry-After']) c.header('Retry-After', e.headers['Retry-After']);
      return c.html(<LoginPage page={await pageContext(c)} next={next} email={email} error={e.message} />, e.status);
    }
  });

  app.use('*', requirePage);

  app.post('/logout', async (c) => {
    const token = sessionTokenOf(c);
    if (token) await logout(c.get('services'), token);
    clearSessionCookie(c);
    return c.redirect('/admin/login', 303);
  });

  app.get('/', async (c) => {
    const page = await pageContext(c);
    const first = page.sites[0];
    if (!first) return c.html(<NoSitesPage page={page} />);
    return c.redirect(`/admin/sites/${first.slug}/queue/pending`, 303);
  });

  app.get('/sites/:site/queue/:queue', async (c) => {
    const { site: slug, queue } = c.req.param();
    if (!queueNames.includes(queue as QueueName)) throw new ApiError('not_found', 'No such queue.');
    const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
    const q = parse(QueueQuery, raw);
    const result = await readQueue(c.get('services'), c.get('principal'), {
      site: slug,
      queue: queue as QueueName,
      filters: { threadKey: q.thread, email: q.email, ip: q.ip, flag: q.flag },
      sort: q.sort,
      limit: q.limit,
      cursor: q.cursor ?? null,
    });
    const url = new URL(c.req.url);
    url.searchParams.delete('done');
    const back = `${url.pathname}${url.search}`;
    let nextUrl: string | null = null;
    if (result.nextCursor) {
      url.searchParams.set('cursor', result.nextCursor);
      nextUrl = `${url.pathname}${url.search}`;
    }
    return c.html(
      <QueuePage page={await pageContext(c, slug)} queue={queue as QueueName} counts={result.counts} items={result.items} filters={{ thread: q.thread, email: q.email, ip: q.ip, flag: q.flag, sort: q.sort }} nextUrl={nextUrl} back={back} />,
    );
  });

  app.get('/sites/:site/thread', async (c) => {
    const slug = c.req.param('site');
    const key = parse(text(1, 512), c.req.query('key') ?? '');
    const result = await readThreadForModeration(c.get('services'), c.get('principal'), slug, key);
    return c.html(<ThreadPage page={await pageContext(c, slug)} thread={result.thread} items={result.items} back={`/admin/sites/${slug}/thread?key=${encodeURIComponent(key)}`} />);
  });

  app.post('/sites/:site/thread', async (c) => {
    const slug = c.req.param('site');
    const form = (await c.req.parseBody({ all: true })) as Form;
    const key = str(form, 'key');
    const closed = str(form, 'closed') === '1';
    await setThreadState(c.get('services'), c.get('principal'), slug, key, closed, optionalReason(form));
    return c.redirect(withNotice(`/admin/sites/${slug}/thread?key=${encodeURIComponent(key)}`, closed ? 'closed' : 'reopened'), 303);
  });

  app.post('/comments/:id/action', async (c) => {
    const form = (await c.req.parseBody({ all: true })) as Form;
    const action = str(form, 'action') as ModerationAction;
    if (!moderationActions.includes(action)) throw new ApiError('validation_failed', 'Unknown action.', 'action');
    await applyAction(c.get('services'), deps, c.get('principal'), c.req.param('id'), action, optionalReason(form));
    return c.redirect(withNotice(safeBack(str(form, 'back')), action), 303);
  });

  app.post('/comments/:id/edit', async (c) => {
    const form = (await c.req.parseBody({ all: true })) as Form;
    const body = parse(text(1, 10_000), str(form, 'body'));
    await editCommentText(c.get('services'), c.get('principal'), c.req.param('id'), body, optionalReason(form));
    return c.redirect(withNotice(safeBack(str(form, 'back')), 'edited'), 303);
  });

  app.post('/bulk', async (c) => {
    const form = (await c.req.parseBody({ all: true })) as Form;
    const action = str(form, 'action') as ModerationAction;
    if (!moderationActions.includes(action)) throw new ApiError('validation_failed', 'Unknown action.', 'action');
    const ids = list(form, 'ids').slice(0, 100);
    if (ids.length === 0) throw new ApiError('validation_failed', 'Select at least one comment.', 'ids');
    const results = await applyBulkAction(c.get('services'), deps, c.get('principal'), ids, action, optionalReason(form));
    const failed = results.filter((r) => !r.ok).length;
    const back = safeBack(str(form, 'back'));
    if (failed === 0) return c.redirect(withNotice(back, 'bulk'), 303);
    const page = await pageContext(c, undefined, `${results.length - failed} done; ${failed} could not be changed (already decided, or gone).`);
    return c.html(<ErrorPage page={page} status={409} message={`${failed} of ${results.length} comments could not be changed.`} />, 409);
  });

  app.get('/sites/:site/bans', async (c) => {
    const slug = c.req.param('site');
    const bans = await readBans(c.get('services'), c.get('principal'), slug);
    return c.html(<BansPage page={await pageContext(c, slug)} bans={bans} />);
  });

  app.post('/sites/:site/bans', async (c) => {
    const slug = c.req.param('site');
    const form = (await c.req.parseBody({ all: true })) as Form;
    const kind = str(form, 'kind');
    // From a comment card the value comes from the comment itself (its email, domain or IP).
    const fromCard = str(form, 'value') === '' && (str(form, 'email') || str(form, 'ip'));
    const value = fromCard ? (kind === 'ip' ? str(form, 'ip') : kind === 'email_domain' ? (str(form, 'email').split('@')[1] ?? '') : str(form, 'email')) : str(form, 'value');
    const expires = str(form, 'expiresAt');
    const b = parse(BanBody, {
      kind,
      value,
      reason: optionalReason(form),
      // datetime-local has no zone: read it as UTC, as the page says.
      expiresAt: expires ? new Date(`${expires}Z`).toISOString() : null,
      rejectExisting: str(form, 'rejectExisting') === '1',
    });
    await createBan(c.get('services'), c.get('principal'), slug, { kind: b.kind, value: b.value, reason: b.reason ?? null, expiresAt: b.expiresAt ? new Date(b.expiresAt) : null, rejectExisting: b.rejectExisting });
    return c.redirect(withNotice(safeBack(str(form, 'back'), `/admin/sites/${slug}/bans`), 'banned'), 303);
  });

  app.post('/sites/:site/bans/:id/delete', async (c) => {
    const slug = c.req.param('site');
    await removeBan(c.get('services'), c.get('principal'), slug, c.req.param('id'));
    return c.redirect(withNotice(`/admin/sites/${slug}/bans`, 'unbanned'), 303);
  });

  app.get('/sites/:site/audit', async (c) => {
    const slug = c.req.param('site');
    const cursor = c.req.query('cursor') ?? null;
    const result = await readAudit(c.get('services'), c.get('principal'), { site: slug, all: c.req.query('all') === '1', limit: 50, cursor });
    const nextUrl = result.nextCursor ? `/admin/sites/${slug}/audit?cursor=${encodeURIComponent(result.nextCursor)}` : null;
    return c.html(<AuditPage page={await pageContext(c, slug)} entries={result.entries} nextUrl={nextUrl} />);
  });

  app.get('/audit', async (c) => {
    const result = await readAudit(c.get('services'), c.get('principal'), { site: null, all: false, limit: 50, cursor: c.req.query('cursor') ?? null });
    const nextUrl = result.nextCursor ? `/admin/audit?cursor=${encodeURIComponent(result.nextCursor)}` : null;
    return c.html(<AuditPage page={await pageContext(c)} entries={result.entries} nextUrl={nextUrl} global />);
  });

  app.get('/sites/:site/settings', async (c) => {
    const slug = c.req.param('site');
    const settings = await readSiteSettings(c.get('services'), c.get('principal'), slug);
    return c.html(<SettingsPage page={await pageContext(c, slug)} settings={settings} editable={c.get('principal').role === 'admin'} />);
  });

  app.post('/sites/:site/settings', async (c) => {
    const slug = c.req.param('site');
    const form = (await c.req.parseBody({ all: true })) as Form;
    const int = (name: string) => (str(form, name).trim() === '' ? undefined : Number(str(form, name)));
    const autoClose = str(form, 'autoCloseDays').trim();
    const patch = parse(SettingsBody, {
      name: str(form, 'name'),
      moderation: {
        mode: str(form, 'mode'),
        links: { policy: str(form, 'linkPolicy'), allowlist: linesOf(str(form, 'linkAllowlist')) },
        words: { banned: linesOf(str(form, 'bannedWords')), suspect: linesOf(str(form, 'suspectWords')) },
      },
      reportThreshold: int('reportThreshold'),
      allowedOrigins: linesOf(str(form, 'allowedOrigins')),
      editWindowMinutes: int('editWindowMinutes'),
      ipRetentionDays: int('ipRetentionDays'),
      spamRetentionDays: int('spamRetentionDays'),
      rejectedRetentionDays: int('rejectedRetentionDays'),
      autoCloseDays: autoClose === '' ? null : Number(autoClose),
      ...(str(form, 'erasureKeepsText') !== '' ? { erasureKeepsText: str(form, 'erasureKeepsText') === '1' } : {}),
      ...(str(form, 'policyText').trim() ? { policy: { text: str(form, 'policyText'), consentText: str(form, 'consentText').trim() || undefined } } : {}),
    });
    await updateSiteSettings(c.get('services'), c.get('principal'), slug, patch);
    return c.redirect(withNotice(`/admin/sites/${slug}/settings`, 'settings'), 303);
  });

  app.get('/sites/:site/privacy', async (c) => {
    const slug = c.req.param('site');
    const email = (c.req.query('email') ?? '').trim().slice(0, 254);
    const consents = email ? (await consentsByEmail(c.get('services'), c.get('principal'), slug, email)).records : null;
    // Without an address the page still shows only to admins of the site.
    if (!email) await requirePrivacyAccess(c, slug);
    return c.html(<PrivacyPage page={await pageContext(c, slug)} email={email} consents={consents} />);
  });

  app.post('/sites/:site/privacy/export', async (c) => {
    const slug = c.req.param('site');
    const form = (await c.req.parseBody({ all: true })) as Form;
    const email = parse(PrivacyEmail, str(form, 'email'));
    const document = await exportForAdmin(c.get('services'), c.get('principal'), slug, email);
    c.header('Content-Disposition', `attachment; filename="parley-${slug}-reader-data.json"`);
    c.header('Cache-Control', 'no-store');
    return c.json(document);
  });

  app.post('/sites/:site/privacy/erase', async (c) => {
    const slug = c.req.param('site');
    const form = (await c.req.parseBody({ all: true })) as Form;
    const email = parse(PrivacyEmail, str(form, 'email'));
    if (str(form, 'confirm') !== '1') {
      await requirePrivacyAccess(c, slug);
      return c.html(<PrivacyPage page={await pageContext(c, slug)} email={email} consents={null} error="Tick the box to confirm the erasure." />, 400);
    }
    const erased = await eraseForAdmin(c.get('services'), c.get('principal'), slug, email);
    return c.html(<PrivacyPage page={await pageContext(c, slug)} email={email} consents={(await consentsByEmail(c.get('services'), c.get('principal'), slug, email)).records} erased={erased} />);
  });

  app.get('/account', async (c) => c.html(<AccountPage page={await pageContext(c)} />));

  app.post('/account', async (c) => {
    const form = (await c.req.parseBody({ all: true })) as Form;
    const newPassword = str(form, 'newPassword').slice(0, 200);
    const again = async (error: string, status: 400 | 403) => c.html(<AccountPage page={await pageContext(c)} error={error} />, status);
    if (newPassword !== str(form, 'confirmPassword').slice(0, 200)) return again('The two new passwords differ.', 400);
    try {
      await changeOwnPassword(c.get('services'), c.get('principal'), sessionTokenOf(c), { currentPassword: str(form, 'currentPassword').slice(0, 200), newPassword });
    } catch (e) {
      // Said on the form itself; a lockout (429) and a lost session go the usual way.
      if (e instanceof ApiError && (e.status === 400 || e.status === 403)) return again(e.message.replace(/^newPassword: /, ''), e.status);
      throw e;
    }
    return c.redirect(withNotice('/admin/account', 'password'), 303);
  });

  app.get('/moderators', async (c) => {
    const principal = c.get('principal');
    requireAdmin(principal);
    const [accounts, sites] = await Promise.all([listAccounts(c.get('services'), principal), listSites(c.get('services').db)]);
    return c.html(<ModeratorsPage page={await pageContext(c)} accounts={accounts} allSites={sites.map((s) => ({ slug: s.slug, name: s.name }))} />);
  });

  app.post('/moderators', async (c) => {
    const form = (await c.req.parseBody({ all: true })) as Form;
    const input = parse(AccountBody, { email: str(form, 'email'), password: str(form, 'password'), role: str(form, 'role'), displayName: str(form, 'displayName'), sites: list(form, 'sites') });
    await createAccountAsAdmin(c.get('services'), c.get('principal'), input);
    return c.redirect(withNotice('/admin/moderators', 'account'), 303);
  });

  app.post('/moderators/:id', async (c) => {
    const form = (await c.req.parseBody({ all: true })) as Form;
    const what = str(form, 'do');
    const role = str(form, 'role');
    if (what === 'role' && role !== 'admin' && role !== 'moderator') throw new ApiError('validation_failed', 'role: admin or moderator.', 'role');
    const patch =
      what === 'disable' ? { disabled: true }
      : what === 'enable' ? { disabled: false }
      : what === 'role' ? { role: role as 'admin' | 'moderator' }
      : { sites: list(form, 'sites') };
    await updateAccount(c.get('services'), c.get('principal'), c.req.param('id'), patch);
    return c.redirect(withNotice('/admin/moderators', 'account'), 303);
  });

  return app;
}
