import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import net from 'node:net';
import { requireModerator, type ModEnv } from '../auth/middleware.js';
import { requireJson } from '../http/middleware.js';
import { applyAction, applyBulkAction, editCommentText, type ModerationDeps } from '../services/moderationActions.js';
import { sitesForPrincipal } from '../services/moderationAccess.js';
import { createAccountAsAdmin, listAccounts, updateAccount } from '../services/moderationAccounts.js';
import { readAudit } from '../services/moderationAudit.js';
import { createBan, readBans, removeBan } from '../services/moderationBans.js';
import { readCounts, readItem, readQueue, readThreadForModeration } from '../services/moderationQueue.js';
import { consentForComment, consentsByEmail, eraseForAdmin, exportForAdmin } from '../services/moderationPrivacy.js';
import { readSiteSettings, setThreadState, updateSiteSettings } from '../services/moderationSites.js';
import { ErrorSchema, line, siteSlug, text, threadKey } from './schemas.js';

// The moderation API (/api/v1/moderation): every route needs a moderator's session
// (with its CSRF token for writes) or a personal API token, and answers 404 for
// sites and comments the caller does not moderate.

const anyJson = z.record(z.string(), z.unknown()).openapi({ type: 'object' });
const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const ok = (description: string) => ({ description, content: { 'application/json': { schema: anyJson } } });
const err = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });
export const moderatorErrors = {
  400: err('Invalid input'),
  401: err('Not logged in, or a bad API token'),
  403: err('CSRF token missing, or an admin-only action'),
  404: err('No such site, comment or record among those you moderate'),
};

const Id = z.string().regex(/^\d{1,19}$/, 'Not an id.');
const SiteParam = z.object({ site: siteSlug });
const reason = line(1, 500).nullish();
const limit = z.coerce.number().int('Must be a whole number.').min(1, 'At least 1.').max(100, 'At most 100.').default(25);

export const QueueQuery = z.object({
  thread: threadKey.optional(),
  email: z.string().trim().max(254).optional(),
  ip: z.string().trim().refine((s) => net.isIP(s) !== 0, 'Not an IP address.').optional(),
  flag: z.string().regex(/^[\w-]{1,64}$/, 'Not a flag code.').optional(),
  sort: z.enum(['newest', 'oldest']).default('newest'),
  limit,
  cursor: z.string().max(512).optional(),
});

export const BanBody = z.object({
  kind: z.enum(['email', 'email_domain', 'ip', 'ip_range']),
  value: z.string().min(1).max(254),
  reason,
  expiresAt: z.iso.datetime({ offset: true }).nullish(),
  rejectExisting: z.boolean().default(false),
});

const origin = z.string().refine((s) => /^https?:\/\/[^/]+$/.test(s) && URL.canParse(s), 'An origin such as https://www.example.com (no path).');
const words = z.array(line(1, 100)).max(1000);
export const SettingsBody = z
  .object({
    name: line(1, 200),
    moderation: z
      .object({
        mode: z.enum(['post', 'pre', 'first-time']),
        links: z.object({ policy: z.enum(['strip', 'hold', 'allow']), allowlist: z.array(line(1, 253)).max(500) }).partial(),
        words: z.object({ banned: words, suspect: words }).partial(),
        abuse: z.object({ enabled: z.boolean() }).partial(),
        behaviour: z
          .object({
            minSecondsToSubmit: z.number().int().min(0).max(600),
            duplicateWindowMinutes: z.number().int().min(0).max(10_080),
            maxPostsPerIpPer10Min: z.number().int().min(1).max(10_000),
            maxPostsPerEmailPer10Min: z.number().int().min(1).max(10_000),
          })
          .partial(),
        akismet: z.object({ enabled: z.boolean() }).partial(),
      })
      .partial(),
    reportThreshold: z.number().int().min(1).max(1000),
    allowedOrigins: z.array(origin).max(100),
    editWindowMinutes: z.number().int().min(0).max(10_080),
    ipRetentionDays: z.number().int().min(1).max(3650),
    spamRetentionDays: z.number().int().min(1).max(3650),
    rejectedRetentionDays: z.number().int().min(1).max(3650),
    autoCloseDays: z.number().int().min(1).max(36_500).nullable(),
    /** On erasure: keep the comment's text (anonymised) rather than remove it. */
    erasureKeepsText: z.boolean(),
    policy: z.object({ text: text(1, 50_000), consentText: text(1, 1000).optional() }),
  })
  .partial()
  .openapi('SiteSettingsPatch');

export const AccountBody = z.object({
  email: z.string().trim().max(254).pipe(z.email('Not a valid email address.')),
  password: z.string().min(10, 'At least 10 characters.').max(200),
  role: z.enum(['admin', 'moderator']),
  displayName: line(1, 100),
  sites: z.array(siteSlug).max(1000).default([]),
});
const AccountPatchBody = z
  .object({
    role: z.enum(['admin', 'moderator']),
    displayName: line(1, 100),
    sites: z.array(siteSlug).max(1000),
    disabled: z.boolean(),
    password: z.string().min(10, 'At least 10 characters.').max(200),
  })
  .partial();

export function createModerationRoutes(deps: ModerationDeps = {}) {
  const r = new OpenAPIHono<ModEnv>();
  r.use('*', requireModerator);
  r.use('*', requireJson);

  r.openapi(createRoute({ method: 'get', path: '/sites', summary: 'The sites you moderate', responses: { 200: ok('Sites'), ...moderatorErrors } }), async (c) => {
    const sites = await sitesForPrincipal(c.get('services'), c.get('principal'));
    return c.json({ sites: sites.map((s) => ({ slug: s.slug, name: s.name })) }, 200);
  });

  r.openapi(
    createRoute({ method: 'get', path: '/sites/{site}/counts', summary: 'How many comments wait in each queue', request: { params: SiteParam }, responses: { 200: ok('Counts'), ...moderatorErrors } }),
    async (c) => c.json({ counts: await readCounts(c.get('services'), c.get('principal'), c.req.valid('param').site) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/sites/{site}/queues/{queue}',
      summary: 'A page of a queue: each comment with its parent, author history, moderation record and reports',
      request: { params: SiteParam.extend({ queue: z.enum(['pending', 'reported', 'spam', 'rejected', 'published', 'deleted']) }), query: QueueQuery },
      responses: { 200: ok('Queue page'), ...moderatorErrors },
    }),
    async (c) => {
      const { site, queue } = c.req.valid('param');
      const q = c.req.valid('query');
      const page = await readQueue(c.get('services'), c.get('principal'), {
        site,
        queue,
        filters: { threadKey: q.thread, email: q.email, ip: q.ip, flag: q.flag },
        sort: q.sort,
        limit: q.limit,
        cursor: q.cursor ?? null,
      });
      return c.json(page, 200);
    },
  );

  r.openapi(
    createRoute({ method: 'get', path: '/sites/{site}/thread', summary: 'Every comment of a thread, whatever its status', request: { params: SiteParam, query: z.object({ key: threadKey }) }, responses: { 200: ok('Thread'), ...moderatorErrors } }),
    async (c) => c.json(await readThreadForModeration(c.get('services'), c.get('principal'), c.req.valid('param').site, c.req.valid('query').key), 200),
  );

  for (const state of ['close', 'reopen'] as const) {
    r.openapi(
      createRoute({
        method: 'post',
        path: `/sites/{site}/threads/${state}`,
        summary: state === 'close' ? 'Close a thread for new comments' : 'Reopen a closed thread',
        request: { params: SiteParam, ...jsonBody(z.object({ thread: threadKey, reason })) },
        responses: { 200: ok('Thread state'), ...moderatorErrors },
      }),
      async (c) => {
        const body = c.req.valid('json');
        return c.json(await setThreadState(c.get('services'), c.get('principal'), c.req.valid('param').site, body.thread, state === 'close', body.reason ?? null), 200);
      },
    );
  }

  r.openapi(
    createRoute({ method: 'get', path: '/sites/{site}/bans', summary: "The site's bans, active and expired", request: { params: SiteParam }, responses: { 200: ok('Bans'), ...moderatorErrors } }),
    async (c) => c.json({ bans: await readBans(c.get('services'), c.get('principal'), c.req.valid('param').site) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/sites/{site}/bans',
      summary: 'Ban an email, email domain, IP or IP range; optionally reject their published and held comments',
      request: { params: SiteParam, ...jsonBody(BanBody) },
      responses: { 201: ok('Created'), ...moderatorErrors },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const result = await createBan(c.get('services'), c.get('principal'), c.req.valid('param').site, {
        kind: b.kind,
        value: b.value,
        reason: b.reason ?? null,
        expiresAt: b.expiresAt ? new Date(b.expiresAt) : null,
        rejectExisting: b.rejectExisting,
      });
      return c.json(result, 201);
    },
  );

  r.openapi(
    createRoute({ method: 'delete', path: '/sites/{site}/bans/{id}', summary: 'Lift a ban', request: { params: SiteParam.extend({ id: Id }) }, responses: { 200: ok('Lifted'), ...moderatorErrors } }),
    async (c) => {
      const { site, id } = c.req.valid('param');
      await removeBan(c.get('services'), c.get('principal'), site, id);
      return c.json({ removed: id }, 200);
    },
  );

  const AuditQuery = z.object({ limit, cursor: z.string().max(512).optional(), all: z.enum(['0', '1']).default('0') });
  r.openapi(
    createRoute({ method: 'get', path: '/sites/{site}/audit', summary: "The site's audit log, newest first", request: { params: SiteParam, query: AuditQuery }, responses: { 200: ok('Audit entries'), ...moderatorErrors } }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await readAudit(c.get('services'), c.get('principal'), { site: c.req.valid('param').site, all: q.all === '1', limit: q.limit, cursor: q.cursor ?? null }), 200);
    },
  );
  r.openapi(
    createRoute({ method: 'get', path: '/audit', summary: 'The audit log of every site and the accounts (admins)', request: { query: AuditQuery }, responses: { 200: ok('Audit entries'), ...moderatorErrors } }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await readAudit(c.get('services'), c.get('principal'), { site: null, all: q.all === '1', limit: q.limit, cursor: q.cursor ?? null }), 200);
    },
  );

  r.openapi(
    createRoute({ method: 'get', path: '/sites/{site}/settings', summary: "The site's settings", request: { params: SiteParam }, responses: { 200: ok('Settings'), ...moderatorErrors } }),
    async (c) => c.json(await readSiteSettings(c.get('services'), c.get('principal'), c.req.valid('param').site), 200),
  );
  r.openapi(
    createRoute({
      method: 'patch',
      path: '/sites/{site}/settings',
      summary: "Change the site's settings (admins); a new policy text makes a new policy version",
      request: { params: SiteParam, ...jsonBody(SettingsBody) },
      responses: { 200: ok('Settings'), ...moderatorErrors },
    }),
    async (c) => c.json(await updateSiteSettings(c.get('services'), c.get('principal'), c.req.valid('param').site, c.req.valid('json')), 200),
  );

  const EmailBody = z.object({ email: z.string().trim().max(254).pipe(z.email('Not a valid email address.')) });
  r.openapi(
    createRoute({ method: 'get', path: '/comments/{id}/consent', summary: 'The consent record behind a comment (admins)', request: { params: z.object({ id: Id }) }, responses: { 200: ok('Consent records'), ...moderatorErrors } }),
    async (c) => c.json(await consentForComment(c.get('services'), c.get('principal'), c.req.valid('param').id), 200),
  );
  r.openapi(
    createRoute({ method: 'get', path: '/sites/{site}/consents', summary: "An address's consent records on the site (admins)", request: { params: SiteParam, query: EmailBody }, responses: { 200: ok('Consent records'), ...moderatorErrors } }),
    async (c) => c.json(await consentsByEmail(c.get('services'), c.get('principal'), c.req.valid('param').site, c.req.valid('query').email), 200),
  );
  r.openapi(
    createRoute({ method: 'post', path: '/sites/{site}/data-export', summary: 'Everything stored about an address, as one JSON document (GDPR art. 15; admins)', request: { params: SiteParam, ...jsonBody(EmailBody) }, responses: { 200: ok('The document'), ...moderatorErrors } }),
    async (c) => c.json(await exportForAdmin(c.get('services'), c.get('principal'), c.req.valid('param').site, c.req.valid('json').email), 200),
  );
  r.openapi(
    createRoute({ method: 'post', path: '/sites/{site}/data-erasure', summary: "Erase an address's personal data (GDPR art. 17; admins)", request: { params: SiteParam, ...jsonBody(EmailBody) }, responses: { 200: ok('What was erased'), ...moderatorErrors } }),
    async (c) => c.json(await eraseForAdmin(c.get('services'), c.get('principal'), c.req.valid('param').site, c.req.valid('json').email), 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/comments/bulk',
      summary: 'One action on many comments; each succeeds or fails on its own',
      request: jsonBody(z.object({ ids: z.array(Id).min(1).max(100), action: z.enum(['approve', 'reject', 'spam', 'not-spam', 'delete', 'restore']), reason })),
      responses: { 200: ok('One result per id'), ...moderatorErrors },
    }),
    async (c) => {
      const b = c.req.valid('json');
      return c.json({ results: await applyBulkAction(c.get('services'), deps, c.get('principal'), b.ids, b.action, b.reason ?? null) }, 200);
    },
  );

  r.openapi(
    createRoute({ method: 'get', path: '/comments/{id}', summary: 'One comment with its context and moderation history', request: { params: z.object({ id: Id }) }, responses: { 200: ok('Comment'), ...moderatorErrors } }),
    async (c) => c.json(await readItem(c.get('services'), c.get('principal'), c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'patch',
      path: '/comments/{id}',
      summary: "Edit a comment's text; the original stays in the moderation log",
      request: { params: z.object({ id: Id }), ...jsonBody(z.object({ body: text(1, 10_000), reason })) },
      responses: { 200: ok('Edited'), ...moderatorErrors, 409: err('The comment is deleted') },
    }),
    async (c) => {
      const b = c.req.valid('json');
      return c.json(await editCommentText(c.get('services'), c.get('principal'), c.req.valid('param').id, b.body, b.reason ?? null), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/comments/{id}/{action}',
      summary: 'Approve, reject, mark spam, mark not spam, delete or restore a comment',
      request: {
        params: z.object({ id: Id, action: z.enum(['approve', 'reject', 'spam', 'not-spam', 'delete', 'restore']) }),
        // `{}` when there is no reason to give.
        body: { required: true, content: { 'application/json': { schema: z.object({ reason }) } } },
      },
      responses: { 200: ok('Done'), ...moderatorErrors, 409: err('The action does not apply to the comment as it is') },
    }),
    async (c) => {
      const { id, action } = c.req.valid('param');
      return c.json(await applyAction(c.get('services'), deps, c.get('principal'), id, action, c.req.valid('json').reason ?? null), 200);
    },
  );

  r.openapi(createRoute({ method: 'get', path: '/moderators', summary: 'Every moderator account (admins)', responses: { 200: ok('Accounts'), ...moderatorErrors } }), async (c) =>
    c.json({ moderators: await listAccounts(c.get('services'), c.get('principal')) }, 200),
  );
  r.openapi(
    createRoute({ method: 'post', path: '/moderators', summary: 'Create a moderator or admin account (admins)', request: jsonBody(AccountBody), responses: { 201: ok('Created'), ...moderatorErrors, 409: err('Email taken') } }),
    async (c) => c.json(await createAccountAsAdmin(c.get('services'), c.get('principal'), c.req.valid('json')), 201),
  );
  r.openapi(
    createRoute({
      method: 'patch',
      path: '/moderators/{id}',
      summary: 'Change an account: role, sites, name, password, or disable it (admins)',
      request: { params: z.object({ id: Id }), ...jsonBody(AccountPatchBody) },
      responses: { 200: ok('Changed'), ...moderatorErrors, 409: err('The last admin cannot be removed') },
    }),
    async (c) => c.json(await updateAccount(c.get('services'), c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  return r;
}
