import { cors } from 'hono/cors';
import type { Kysely } from 'kysely';
import { listAllowedOrigins } from '../db/sites.js';
import type { Database, Site } from '../db/schema.js';
import { ApiError } from './errors.js';

/**
 * CORS for the public API: only origins some site allows get CORS headers.
 * A preflight names no site, so this answers for the union; the write itself
 * then checks the origin against the one site it posts to (assertOriginAllowed).
 * The list is cached briefly: settings changes apply within `ttlMs`.
 */
export function siteCors(db: Kysely<Database>, clock: () => Date, ttlMs = 10_000) {
  let cached: { at: number; origins: Set<string> } | null = null;
  const allowed = async (): Promise<Set<string>> => {
    const now = clock().getTime();
    if (!cached || now - cached.at > ttlMs) cached = { at: now, origins: new Set(await listAllowedOrigins(db)) };
    return cached.origins;
  };
  return cors({
    origin: async (origin) => (origin && (await allowed()).has(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Authorization', 'Last-Event-ID'],
    exposeHeaders: ['Retry-After', 'ETag'],
    maxAge: 600,
  });
}

/** A browser write from another origin must come from one the site allows. */
export function assertOriginAllowed(site: Pick<Site, 'allowed_origins'>, origin: string | undefined, selfOrigin: string): void {
  if (!origin || origin === selfOrigin || site.allowed_origins.includes(origin)) return;
  throw new ApiError('origin_not_allowed', `Pages on ${origin} may not post comments to this site.`);
}
