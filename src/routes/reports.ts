import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/env.js';
import { requireJson } from '../http/middleware.js';
import { reportComment } from '../services/reports.js';
import { ErrorSchema, text } from './schemas.js';

const ReportBody = z
  .object({
    reason: z.enum(['spam', 'abuse', 'off-topic', 'misinformation', 'other']),
    note: text(0, 1000).nullish(),
    email: z.string().trim().max(254).pipe(z.email('Not a valid email address.')).nullish(),
  })
  .openapi('Report');

const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

/** Public: mount under /api/v1 (POST /api/v1/comments/:id/reports). */
export const reportRoutes = new OpenAPIHono<AppEnv>();

reportRoutes.use('/comments/:id/reports', requireJson);
reportRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/comments/{id}/reports',
    summary: "Report a published comment to the site's moderators; enough reports hide it until a moderator decides",
    request: {
      params: z.object({ id: z.string().regex(/^\d{1,19}$/, 'Not a comment id.') }),
      body: { required: true, content: { 'application/json': { schema: ReportBody } } },
    },
    responses: {
      201: { description: 'Reported', content: { 'application/json': { schema: z.object({ reported: z.literal(true) }) } } },
      400: error('Invalid input'),
      403: error('A page from an origin the site does not allow'),
      404: error('No such published comment'),
      409: error('You already reported this comment (already_reported)'),
      429: error('Too many reports; see Retry-After'),
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    await reportComment(c.get('services'), {
      commentId: c.req.valid('param').id,
      reason: body.reason,
      note: body.note || null,
      email: body.email ?? null,
      ip: c.get('clientIp'),
      userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null,
      origin: c.req.header('origin'),
      selfOrigin: new URL(c.req.url).origin,
    });
    // Whether it hid the comment is the moderators' business, not the reporter's.
    return c.json({ reported: true as const }, 201);
  },
);
