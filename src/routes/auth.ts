import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { clearSessionCookie, requireModerator, sessionTokenOf, setSessionCookie, type ModEnv } from '../auth/middleware.js';
import type { Principal } from '../auth/principal.js';
import { login, logout } from '../auth/sessions.js';
import { ApiError } from '../http/errors.js';
import { requireJson } from '../http/middleware.js';
import { sitesForPrincipal } from '../services/moderationAccess.js';
import { changeOwnPassword, createPersonalToken, listPersonalTokens, revokePersonalToken } from '../services/moderationAccounts.js';
import type { Services } from '../services/context.js';
import { moderatorErrors } from './moderation.js';
import { ErrorSchema, line } from './schemas.js';

// Moderator login, logout and personal API tokens (/api/v1/auth).

const anyJson = z.record(z.string(), z.unknown()).openapi({ type: 'object' });
const ok = (description: string) => ({ description, content: { 'application/json': { schema: anyJson } } });

const LoginBody = z.object({ email: z.string().trim().min(1, 'Required.').max(254), password: z.string().min(1, 'Required.').max(200) }).openapi('Login');

async function whoami(services: Services, p: Principal) {
  const sites = await sitesForPrincipal(services, p);
  return {
    moderator: { id: p.id, email: p.email, role: p.role, displayName: p.displayName },
    sites: sites.map((s) => ({ slug: s.slug, name: s.name })),
    // Echo it as X-CSRF-Token on every cookie-authenticated write.
    csrfToken: p.csrfToken,
  };
}

export const authRoutes = new OpenAPIHono<ModEnv>();
authRoutes.use('*', requireJson);

authRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/login',
    summary: 'Log in; sets the HttpOnly session cookie and answers the CSRF token for writes',
    request: { body: { required: true, content: { 'application/json': { schema: LoginBody } } } },
    responses: {
      200: ok('Logged in'),
      400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
      401: { description: 'Wrong email or password', content: { 'application/json': { schema: ErrorSchema } } },
      429: { description: 'Too many failed logins; see Retry-After', content: { 'application/json': { schema: ErrorSchema } } },
    },
  }),
  async (c) => {
    // A login from another site's page is refused (login CSRF); JSON bodies already need a CORS preflight.
    const origin = c.req.header('origin');
    if (origin && origin !== new URL(c.req.url).origin && origin !== c.get('services').config.publicUrl) {
      throw new ApiError('forbidden', 'Log in from this server’s own pages.');
    }
    const body = c.req.valid('json');
    const services = c.get('services');
    const result = await login(services, { email: body.email, password: body.password, ip: c.get('clientIp'), userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null });
    setSessionCookie(c, result.token);
    const m = result.moderator;
    return c.json({ moderator: { id: m.id, email: m.email, role: m.role, displayName: m.display_name }, csrfToken: result.csrfToken, expiresAt: result.expiresAt.toISOString() }, 200);
  },
);

authRoutes.use('/logout', requireModerator);
authRoutes.openapi(createRoute({ method: 'post', path: '/logout', summary: 'End this session', responses: { 200: ok('Logged out'), ...moderatorErrors } }), async (c) => {
  const token = sessionTokenOf(c);
  if (token) await logout(c.get('services'), token);
  clearSessionCookie(c);
  return c.json({ loggedOut: true }, 200);
});

authRoutes.use('/me', requireModerator);
authRoutes.openapi(createRoute({ method: 'get', path: '/me', summary: 'Who you are, the sites you moderate, and your CSRF token', responses: { 200: ok('You'), ...moderatorErrors } }), async (c) =>
  c.json(await whoami(c.get('services'), c.get('principal')), 200),
);

authRoutes.use('/password', requireModerator);
authRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/password',
    summary: 'Change your own password (the current one is checked; your other sessions end, this one stays)',
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: z.object({ currentPassword: z.string().min(1, 'Required.').max(200), newPassword: z.string().max(200) }).openapi('PasswordChange') } },
      },
    },
    responses: { 200: ok('Changed'), ...moderatorErrors, 429: { description: 'Too many wrong passwords; see Retry-After', content: { 'application/json': { schema: ErrorSchema } } } },
  }),
  async (c) => {
    const body = c.req.valid('json');
    await changeOwnPassword(c.get('services'), c.get('principal'), sessionTokenOf(c), body);
    return c.json({ changed: true }, 200);
  },
);

authRoutes.use('/tokens', requireModerator);
authRoutes.use('/tokens/*', requireModerator);
authRoutes.openapi(createRoute({ method: 'get', path: '/tokens', summary: 'Your personal API tokens (never the secrets)', responses: { 200: ok('Tokens'), ...moderatorErrors } }), async (c) =>
  c.json({ tokens: await listPersonalTokens(c.get('services'), c.get('principal')) }, 200),
);
authRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/tokens',
    summary: 'Create a personal API token for scripts (Authorization: Bearer <token>); shown once',
    request: { body: { required: true, content: { 'application/json': { schema: z.object({ name: line(1, 100) }) } } } },
    responses: { 201: ok('Created'), ...moderatorErrors },
  }),
  async (c) => c.json(await createPersonalToken(c.get('services'), c.get('principal'), c.req.valid('json').name), 201),
);
authRoutes.openapi(
  createRoute({ method: 'delete', path: '/tokens/{id}', summary: 'Revoke a personal API token', request: { params: z.object({ id: z.string().regex(/^\d{1,19}$/) }) }, responses: { 200: ok('Revoked'), ...moderatorErrors } }),
  async (c) => {
    await revokePersonalToken(c.get('services'), c.get('principal'), c.req.valid('param').id);
    return c.json({ revoked: c.req.valid('param').id }, 200);
  },
);
