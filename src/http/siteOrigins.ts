import { createMiddleware } from 'hono/factory';
import type { Kysely } from 'kysely';
import { listAllowedOrigins } from '../db/sites.js';
import type { Database, Site } from '../db/schema.js';
import { ApiError } from './errors.js';

/**
 * The site's front page as far as Parley knows it: its first allowed origin (the site owner
 * lists the site's own address first), or null for a site that allows none.
 */
export function siteHomeUrl(site: Pick<Site, 'allowed_origins'>): string | null {
  const first = site.allowed_origins[0];
  return first ? `${first.replace(/\/+$/, '')}/` : null;
}

const ALLOW_METHODS = 'GET,POST,PATCH,DELETE,OPTIONS';
const ALLOW_HEADERS = 'Content-Type,Authorization,Last-Event-ID';
const EXPOSE_HEADERS = 'Retry-After,ETag';

/**
 * CORS for the public API: only origins some site allows get CORS headers.
 * A preflight names no site, so this answers for the union; the write itself
 * then checks the origin against the one site it posts to (assertOriginAllowed).
 * The list is cached briefly: settings changes apply within `ttlMs`.
 *
 * Written here rather than with hono/cors because that one adds `Vary: Origin` through
 * c.header() after the handler, which rebuilds the finished response from its body
 * stream: on a cached thread page that rebuild cost more than everything else together.
 * Here the headers are set on the response in place.
 */
export function siteCors(db: Kysely<Database>, clock: () => Date, ttlMs = 10_000) {
  let cached: { at: number; origins: Set<string> } | null = null;
  const allowed = async (): Promise<Set<string>> => {
    const now = clock().getTime();
    if (!cached || now - cached.at > ttlMs) cached = { at: now, origins: new Set(await listAllowedOrigins(db)) };
    return cached.origins;
  };
  return createMiddleware(async (c, next) => {
    const origin = c.req.header('origin');
    const allowOrigin = origin && (await allowed()).has(origin) ? origin : null;
    if (c.req.method === 'OPTIONS') {
      // An origin no site allows learns nothing: no CORS headers at all, so the browser refuses.
      return c.body(null, 204, {
        ...(allowOrigin
          ? { 'Access-Control-Allow-Origin': allowOrigin, 'Access-Control-Allow-Methods': ALLOW_METHODS, 'Access-Control-Allow-Headers': ALLOW_HEADERS, 'Access-Control-Max-Age': '600' }
          : {}),
        Vary: 'Origin, Access-Control-Request-Headers',
      });
    }
    await next();
    const headers = c.res.headers;
    if (allowOrigin) {
      headers.set('Access-Control-Allow-Origin', allowOrigin);
      headers.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    }
    headers.append('Vary', 'Origin');
  });
}

/** A browser write from another origin must come from one the site allows. */
export function assertOriginAllowed(site: Pick<Site, 'allowed_origins'>, origin: string | undefined, selfOrigin: string): void {
  if (!origin || origin === selfOrigin || site.allowed_origins.includes(origin)) return;
  throw new ApiError('origin_not_allowed', `Pages on ${origin} may not post comments to this site.`);
}
