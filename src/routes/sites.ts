import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { findCurrentPolicy } from '../db/sites.js';
import type { AppEnv } from '../http/env.js';
import { ApiError } from '../http/errors.js';
import { issueFormToken } from '../moderation/phases/formToken.js';
import { loadSite } from '../services/postComment.js';
import { ErrorSchema, siteSlug } from './schemas.js';

const PolicySchema = z
  .object({
    site: z.object({ slug: z.string(), name: z.string() }),
    policy: z.object({
      version: z.number().int(),
      text: z.string(),
      hash: z.string(),
      consentText: z.string().openapi({ description: 'The sentence the form shows beside the consent checkbox.' }),
    }),
    limits: z.object({ nameMax: z.number().int(), bodyMax: z.number().int() }),
    editWindowMinutes: z.number().int(),
  })
  .openapi('SitePolicy');

export const siteRoutes = new OpenAPIHono<AppEnv>();

siteRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/sites/{site}/policy',
    summary: "The site's current comment policy and the consent sentence the form must show",
    request: { params: z.object({ site: siteSlug }) },
    responses: {
      200: { description: 'Current policy', content: { 'application/json': { schema: PolicySchema } } },
      404: { description: 'Unknown site or no policy', content: { 'application/json': { schema: ErrorSchema } } },
    },
  }),
  async (c) => {
    const services = c.get('services');
    const site = await loadSite(services, c.req.valid('param').site);
    const policy = await findCurrentPolicy(services.db, site);
    if (!policy) throw new ApiError('not_found', 'This site has no comment policy yet.');
    return c.json(
      {
        site: { slug: site.slug, name: site.name },
        policy: { version: policy.version, text: policy.text, hash: policy.hash, consentText: policy.consent_text },
        limits: { nameMax: 100, bodyMax: 10_000 },
        editWindowMinutes: site.edit_window_minutes,
      },
      200,
    );
  },
);

siteRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/sites/{site}/form-token',
    summary: 'A signed timestamp for the comment form: the pipeline holds forms sent faster than a person types',
    request: { params: z.object({ site: siteSlug }) },
    responses: {
      200: { description: 'A token valid for 24 hours', content: { 'application/json': { schema: z.object({ token: z.string() }).openapi('FormToken') } } },
      404: { description: 'Unknown site', content: { 'application/json': { schema: ErrorSchema } } },
    },
  }),
  async (c) => {
    const services = c.get('services');
    await loadSite(services, c.req.valid('param').site);
    // Issued per form view: never cached.
    c.header('Cache-Control', 'no-store');
    return c.json({ token: issueFormToken(services.secrets.formToken, services.clock()) }, 200);
  },
);
