import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/env.js';
import { requireJson } from '../http/middleware.js';
import { deleteOwnComment, editOwnComment } from '../services/authorEdits.js';
import { postComment } from '../services/postComment.js';
import { readThreadPage } from '../services/threadPage.js';
import { CommentSchema, ErrorSchema, line, siteSlug, storable, text, threadKey } from './schemas.js';

const ListQuery = z.object({
  site: siteSlug.openapi({ example: 'altfilmguide' }),
  thread: threadKey.openapi({ example: 'refusenik-qa' }),
  sort: z.enum(['oldest', 'newest', 'top']).default('oldest'),
  limit: z.coerce.number().int('Must be a whole number.').min(1, 'At least 1.').max(100, 'At most 100.').default(20),
  cursor: z.string().max(512).optional(),
  parent: z.string().regex(/^\d{1,19}$/, 'Not a comment id.').optional().openapi({ description: 'Page through the direct replies of this comment (for "more replies")' }),
});

const ThreadPageSchema = z
  .object({
    thread: z.object({
      key: z.string(),
      title: z.string().nullable(),
      url: z.string().nullable(),
      closed: z.boolean(),
      commentCount: z.number().int(),
    }),
    comments: z.array(CommentSchema),
    nextCursor: z.string().nullable(),
  })
  .openapi('ThreadPage');

const httpUrl = z
  .string()
  .trim()
  .max(2048, 'At most 2048 characters.')
  .refine((s) => /^https?:\/\//i.test(s) && URL.canParse(s) && storable(s), 'Must be an http(s) URL.');

const PostBody = z
  .object({
    site: siteSlug,
    thread: threadKey,
    url: httpUrl.nullish(),
    title: line(1, 300).nullish(),
    parentId: z.string().regex(/^\d{1,19}$/, 'Not a comment id.').nullish(),
    author: z.object({
      name: line(1, 100),
      email: z.string().trim().max(254, 'At most 254 characters.').pipe(z.email('Not a valid email address.')),
      website: z.union([httpUrl, z.literal('')]).nullish(),
    }),
    body: text(1, 10_000),
    consent: z.object({
      policyVersion: z.number().int().positive(),
      accepted: z.boolean(),
    }),
    honeypot: z.string().max(1000).refine(storable, 'Contains control characters.').nullish(),
    formToken: z.string().max(200).refine(storable, 'Contains control characters.').nullish(),
  })
  .openapi('NewComment');

const PostResult = z
  .object({
    status: z.enum(['published', 'pending']),
    comment: CommentSchema,
    editToken: z.string().openapi({ description: 'Bearer token for editing or deleting this comment within the edit window.' }),
    editableUntil: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('PostCommentResult');

const errors = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Unknown site', content: { 'application/json': { schema: ErrorSchema } } },
};

export const commentRoutes = new OpenAPIHono<AppEnv>();

commentRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/comments',
    summary: 'A page of a thread: published top-level comments with their replies nested',
    request: { query: ListQuery },
    responses: { 200: { description: 'The page', content: { 'application/json': { schema: ThreadPageSchema } } }, ...errors },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const page = await readThreadPage(c.get('services'), { ...q, cursor: q.cursor ?? null, parent: q.parent ?? null });
    return c.json(page, 200);
  },
);

commentRoutes.use('/comments', requireJson);
commentRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/comments',
    summary: 'Post a comment or reply; it passes the moderation pipeline first',
    request: { body: { required: true, content: { 'application/json': { schema: PostBody } } } },
    responses: {
      201: { description: 'Published', content: { 'application/json': { schema: PostResult } } },
      202: { description: 'Held for moderation (also the answer for spam, so spammers learn nothing)', content: { 'application/json': { schema: PostResult } } },
      ...errors,
      409: { description: 'Thread closed', content: { 'application/json': { schema: ErrorSchema } } },
      422: { description: 'Consent missing or outdated, or the parent is not in this thread', content: { 'application/json': { schema: ErrorSchema } } },
      429: { description: 'Too many comments; see Retry-After', content: { 'application/json': { schema: ErrorSchema } } },
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const services = c.get('services');
    const result = await postComment(services, {
      site: body.site,
      thread: body.thread,
      url: body.url ?? null,
      title: body.title ?? null,
      parentId: body.parentId ?? null,
      author: { name: body.author.name, email: body.author.email, website: body.author.website || null },
      body: body.body,
      consent: body.consent,
      honeypot: body.honeypot ?? null,
      formToken: body.formToken ?? null,
      ip: c.get('clientIp'),
      userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null,
      referrer: c.req.header('referer')?.slice(0, 2048) ?? null,
      origin: { header: c.req.header('origin'), self: new URL(c.req.url).origin },
    });
    const payload = { ...result, editableUntil: result.editableUntil.toISOString() };
    return result.status === 'published' ? c.json(payload, 201) : c.json(payload, 202);
  },
);

const IdParam = z.object({ id: z.string().regex(/^\d{1,19}$/, 'Not a comment id.') });
const bearer = (header: string | undefined) => (header?.startsWith('Bearer ') ? header.slice(7).trim() || null : null);
const authorErrors = {
  403: { description: 'Wrong edit token, or the edit window has closed', content: { 'application/json': { schema: ErrorSchema } } },
};

commentRoutes.use('/comments/:id', requireJson);
commentRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/comments/{id}',
    summary: "Edit one's own comment within the edit window (Authorization: Bearer <editToken>); it is moderated again",
    request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: z.object({ body: text(1, 10_000) }).openapi('CommentEdit') } } } },
    responses: {
      200: { description: 'Edited', content: { 'application/json': { schema: z.object({ status: z.enum(['published', 'pending']), comment: CommentSchema }) } } },
      ...errors,
      ...authorErrors,
    },
  }),
  async (c) => {
    const result = await editOwnComment(
      c.get('services'),
      c.req.valid('param').id,
      bearer(c.req.header('authorization')),
      c.req.valid('json').body,
      c.get('clientIp'),
      c.req.header('user-agent')?.slice(0, 512) ?? null,
    );
    return c.json(result, 200);
  },
);

commentRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/comments/{id}',
    summary: "Delete one's own comment within the edit window (Authorization: Bearer <editToken>)",
    request: { params: IdParam },
    responses: {
      200: { description: 'Deleted; replies stay under a placeholder', content: { 'application/json': { schema: z.object({ status: z.literal('deleted') }) } } },
      ...authorErrors,
    },
  }),
  async (c) => {
    await deleteOwnComment(c.get('services'), c.req.valid('param').id, bearer(c.req.header('authorization')));
    return c.json({ status: 'deleted' as const }, 200);
  },
);
