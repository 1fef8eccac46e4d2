import { createMiddleware } from 'hono/factory';
import type { Kysely } from 'kysely';
import type { Context } from 'hono';
import { findSiteBySlug, listAllowedOrigins } from '../db/sites.js';
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
 * CORS for the public API: only an origin the site in question allows gets CORS headers.
 * The lists are cached briefly: settings changes apply within `ttlMs`.
 *
 * Written here rather than with hono/cors because that one adds `Vary: Origin` through
 * c.header() after the handler, which rebuilds the finished response from its body
 * stream: on a cached thread page that rebuild cost more than everything else together.
 * Here the headers are set on the response in place.
 */
export function siteCors(db: Kysely<Database>, clock: () => Date, ttlMs = 10_000) {
  // Per site, read when first asked (a site created a moment ago is found at once) and kept for
  // ttlMs; an unknown slug is remembered as allowing nothing. Bounded, so requests naming
  // made-up sites cannot grow it without end.
  const bySite = new Map<string, { at: number; origins: Set<string> }>();
  let any: { at: number; origins: Set<string> } | null = null;
  const siteOrigins = async (slug: string, now: number): Promise<Set<string>> => {
    const hit = bySite.get(slug);
    if (hit && now - hit.at <= ttlMs) return hit.origins;
    if (bySite.size >= 10_000) bySite.clear();
    const origins = new Set((await findSiteBySlug(db, slug))?.allowed_origins ?? []);
    bySite.set(slug, { at: now, origins });
    return origins;
  };
  /**
   * The origins that may read this request's answer: the named site's own when the request
   * names one (`?site=`, `/sites/:site/…`, also in a preflight, which carries the URL), so
   * one site's page cannot read another's threads through a reader's browser; otherwise (a
   * preflight for a POST, whose site is in the body) any site's, and the write itself checks.
   */
  const allowedFor = async (c: Context): Promise<Set<string>> => {
    const now = clock().getTime();
    const slug = c.req.query('site') ?? /^\/api\/v1\/sites\/([^/]+)/.exec(c.req.path)?.[1];
    if (slug !== undefined) return siteOrigins(slug, now);
    if (!any || now - any.at > ttlMs) any = { at: now, origins: new Set(await listAllowedOrigins(db)) };
    return any.origins;
  };
  return createMiddleware(async (c, next) => {
    const origin = c.req.header('origin');
    const allowOrigin = origin && (await allowedFor(c)).has(origin) ? origin : null;
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
