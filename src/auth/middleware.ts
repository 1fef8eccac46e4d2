import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../http/env.js';
import { ApiError } from '../http/errors.js';
import type { Principal } from './principal.js';
import { principalFromApiToken, principalFromSession, sessionCookie, sessionMaxMs } from './sessions.js';
import { sameSecret } from './tokens.js';

/** The app's variables plus who is acting: every moderator route runs with it set. */
export interface ModEnv {
  Variables: AppEnv['Variables'] & {
    principal: Principal;
    /** The CSP nonce of an admin page's one inline style and script (src/admin). */
    cspNonce: string;
  };
}

/** The name of the hidden form field that carries the CSRF token in HTML forms. */
export const csrfField = '_csrf';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerToken(c: Context): string | null {
  const header = c.req.header('authorization');
  if (!header) return null;
  return /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : '';
}

/**
 * Who is asking: a Bearer API token (scripts), else the session cookie (the browser).
 * Cookie-authenticated state changes must carry the session's synchroniser token, as
 * the X-CSRF-Token header (JSON) or the `_csrf` form field (HTML forms); a Bearer token
 * cannot be sent by another site's page, so it needs none.
 */
export async function resolvePrincipal(c: Context<ModEnv>): Promise<Principal | null> {
  const services = c.get('services');
  const bearer = bearerToken(c);
  if (bearer !== null) return bearer ? principalFromApiToken(services, bearer) : null;
  const cookie = getCookie(c, sessionCookie);
  if (!cookie) return null;
  const principal = await principalFromSession(services, cookie);
  if (principal && !safeMethods.has(c.req.method)) await assertCsrf(c, principal);
  return principal;
}

async function assertCsrf(c: Context<ModEnv>, principal: Principal): Promise<void> {
  let presented = c.req.header('x-csrf-token') ?? null;
  if (presented === null) {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
      // parseBody caches the parsed body: the handler reads the same form afterwards.
      const form = await c.req.parseBody({ all: true });
      const field = form[csrfField];
      presented = typeof field === 'string' ? field : null;
    }
  }
  if (!presented || !principal.csrfToken || !sameSecret(presented, principal.csrfToken)) {
    throw new ApiError('csrf_failed', 'The form or request is missing its security token. Reload the page and try again.');
  }
}

/** JSON API: 401 without a valid session or token. */
export const requireModerator = createMiddleware<ModEnv>(async (c, next) => {
  const principal = await resolvePrincipal(c);
  if (!principal) throw new ApiError('unauthorized', 'Log in, or send a personal API token as Authorization: Bearer <token>.');
  c.set('principal', principal);
  await next();
});

export function requireAdmin(p: Principal): void {
  if (p.role !== 'admin') throw new ApiError('forbidden', 'Only admins may do this.');
}

export function isHttps(c: Context<ModEnv>): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.get('services').config.publicUrl.startsWith('https:');
}

/** HttpOnly, SameSite=Lax, Secure over HTTPS; the browser keeps it no longer than a session may live. */
export function setSessionCookie(c: Context<ModEnv>, token: string): void {
  setCookie(c, sessionCookie, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isHttps(c),
    path: '/',
    maxAge: Math.floor(sessionMaxMs / 1000),
  });
}

export function clearSessionCookie(c: Context<ModEnv>): void {
  deleteCookie(c, sessionCookie, { path: '/', secure: isHttps(c), httpOnly: true, sameSite: 'Lax' });
}

export function sessionTokenOf(c: Context<ModEnv>): string | null {
  return getCookie(c, sessionCookie) ?? null;
}
