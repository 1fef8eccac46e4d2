import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { findSiteBySlug } from '../db/sites.js';
import { countsForKeys } from '../db/threads.js';
import type { AppEnv } from '../http/env.js';
import { ApiError } from '../http/errors.js';
import { ErrorSchema, siteSlug, threadKey } from './schemas.js';

const CountsQuery = z.object({
  site: siteSlug,
  // A single ?thread=a arrives as a string; several as an array.
  thread: z
    .union([threadKey, z.array(threadKey)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string()).min(1, 'Name at least one thread.').max(100, 'At most 100 threads per request.')),
});

export const countRoutes = new OpenAPIHono<AppEnv>();

countRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/counts',
    summary: 'Published comment counts for up to 100 threads in one request',
    request: { query: CountsQuery },
    responses: {
      200: {
        description: 'Counts by thread key; unknown threads count 0',
        content: { 'application/json': { schema: z.object({ counts: z.record(z.string(), z.number().int()) }).openapi('Counts') } },
      },
      400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
      404: { description: 'Unknown site', content: { 'application/json': { schema: ErrorSchema } } },
    },
  }),
  async (c) => {
    const { site: slug } = c.req.valid('query');
    const keys = [...new Set(c.req.valid('query').thread)];
    const db = c.get('services').readDb;
    const site = await findSiteBySlug(db, slug);
    if (!site) throw new ApiError('unknown_site', `No site "${slug}" is hosted here.`, 'site');
    const found = await countsForKeys(db, site.id, keys);
    return c.json({ counts: Object.fromEntries(keys.map((k) => [k, found.get(k) ?? 0])) }, 200);
  },
);
