import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../http/env.js';
import { ApiError } from '../http/errors.js';
import { limitBody, requireJson } from '../http/middleware.js';
import { completeRequest, findPendingRequest, requestDataAction } from '../services/dataRequests.js';
import { findSiteBySlug } from '../db/sites.js';
import { ErrorSchema, siteSlug } from './schemas.js';

const DataRequestBody = z
  .object({
    email: z.string().trim().max(254).pipe(z.email('Not a valid email address.')),
    kind: z.enum(['export', 'erase']),
  })
  .openapi('DataRequest');

/** Readers' own data requests: ask by email, confirm through the link we mail. */
export const privacyApiRoutes = new OpenAPIHono<AppEnv>();
privacyApiRoutes.use('/sites/:site/data-requests', requireJson);
privacyApiRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/sites/{site}/data-requests',
    summary: 'Ask for a copy (export) or the erasure of your data; confirmed by a link sent to the address',
    request: { params: z.object({ site: siteSlug }), body: { required: true, content: { 'application/json': { schema: DataRequestBody } } } },
    responses: {
      202: { description: 'A confirmation link was sent (the same answer whether or not we hold data)', content: { 'application/json': { schema: z.object({ status: z.literal('sent') }) } } },
      404: { description: 'Unknown site', content: { 'application/json': { schema: ErrorSchema } } },
      429: { description: 'Too many requests for this address', content: { 'application/json': { schema: ErrorSchema } } },
      503: { description: 'This server cannot send email', content: { 'application/json': { schema: ErrorSchema } } },
    },
  }),
  async (c) => {
    const { email, kind } = c.req.valid('json');
    await requestDataAction(c.get('services'), c.req.valid('param').site, email, kind);
    return c.json({ status: 'sent' as const }, 202);
  },
);

/** The pages behind the mailed link. GET only shows; the action needs a POST (mail scanners follow links). */
export function privacyPageRoutes() {
  const routes = new OpenAPIHono<AppEnv>();
  routes.use('/privacy/*', limitBody);
  routes.get('/privacy/confirm', async (c) => {
    const token = c.req.query('token') ?? '';
    const request = token ? await findPendingRequest(c.get('services'), token) : null;
    c.header('Referrer-Policy', 'no-referrer');
    if (!request) return c.html(page('Link expired', <p>This link has expired or was already used. You can make a new request from the comment form.</p>), 410);
    const action = request.kind === 'export' ? 'Download my data' : 'Erase my data';
    return c.html(
      page(
        action,
        <>
          <p>
            {request.kind === 'export'
              ? `Download everything ${request.siteName} holds about ${request.email}, as a JSON file.`
              : `Erase the personal data ${request.siteName} holds about ${request.email}. Your comments will show "deleted" as their author. This cannot be undone.`}
          </p>
          <form method="post" action="/privacy/confirm">
            <input type="hidden" name="token" value={token} />
            <button type="submit">{action}</button>
          </form>
        </>,
      ),
    );
  });
  routes.post('/privacy/confirm', async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token : '';
    const result = token ? await completeRequest(c.get('services'), token) : null;
    c.header('Referrer-Policy', 'no-referrer');
    if (!result) return c.html(page('Link expired', <p>This link has expired or was already used.</p>), 410);
    if (result.kind === 'export') {
      c.header('Content-Disposition', 'attachment; filename="my-comment-data.json"');
      c.header('Cache-Control', 'no-store');
      return c.json(result.document);
    }
    return c.html(page('Your data was erased', <p>Done: {result.report.commentsAnonymised} comment(s) no longer carry your name, email or IP address.</p>));
  });

  // Where a reader starts: the widget links here ("Your data") beside the consent checkbox. A
  // page of ours, not a form in the widget, so it works without JavaScript and from the link
  // in any message. It asks for nothing but an address and sends only a link to that address.
  routes.get('/privacy/:site{[a-z0-9][a-z0-9-]{0,62}}', async (c) => {
    const site = await findSiteBySlug(c.get('services').db, c.req.param('site'));
    if (!site) return c.html(page('Unknown site', <p>No site by that name is hosted here.</p>), 404);
    return c.html(requestPage(site.slug, site.name));
  });
  routes.post('/privacy/:site{[a-z0-9][a-z0-9-]{0,62}}', async (c) => {
    const services = c.get('services');
    const site = await findSiteBySlug(services.db, c.req.param('site'));
    if (!site) return c.html(page('Unknown site', <p>No site by that name is hosted here.</p>), 404);
    // No session to protect, but another site must not make readers' browsers send these
    // (each mails a link): a cross-site form post carries its Origin.
    const origin = c.req.header('origin');
    if (origin && origin !== new URL(services.config.publicUrl).origin && origin !== new URL(c.req.url).origin) {
      return c.html(requestPage(site.slug, site.name, 'This form can only be sent from this page.'), 403);
    }
    const form = await c.req.parseBody();
    const email = typeof form.email === 'string' ? form.email.trim() : '';
    const kind = form.kind === 'erase' ? 'erase' : form.kind === 'export' ? 'export' : null;
    const parsed = DataRequestBody.safeParse({ email, kind });
    if (!parsed.success) {
      const message = kind === null ? 'Choose what you would like: a copy of your data, or its erasure.' : 'Please enter a valid email address.';
      return c.html(requestPage(site.slug, site.name, message, email), 400);
    }
    try {
      await requestDataAction(services, site.slug, parsed.data.email, parsed.data.kind);
    } catch (e) {
      if (e instanceof ApiError) return c.html(requestPage(site.slug, site.name, e.message, email), e.status);
      throw e;
    }
    return c.html(
      page(
        'Check your email',
        <p>
          We sent a link to {parsed.data.email}. Open it within 24 hours to confirm. (The same message goes out whether or not
          {' '}{site.name} holds data for that address.)
        </p>,
      ),
      202,
    );
  });
  return routes;
}

function requestPage(slug: string, siteName: string, error?: string, email = '') {
  return page(
    'Your data',
    <>
      <p>
        Ask for a copy of everything {siteName} holds about your email address (your comments, consent records and any bans), or
        for its erasure. We send a link to that address; nothing happens until you open it.
      </p>
      {error ? (
        <p role="alert" style="color: #a40000">
          {error}
        </p>
      ) : null}
      <form method="post" action={`/privacy/${slug}`}>
        <p>
          <label for="email">Email address you commented with</label>
          <br />
          <input id="email" name="email" type="email" required maxlength={254} autocomplete="email" value={email} />
        </p>
        <fieldset>
          <legend>What would you like?</legend>
          <label>
            <input type="radio" name="kind" value="export" required /> A copy of my data
          </label>
          <br />
          <label>
            <input type="radio" name="kind" value="erase" /> Erase my data (your name, email and IP address are removed from your comments)
          </label>
        </fieldset>
        <p>
          <button type="submit">Send me the link</button>
        </p>
      </form>
    </>,
  );
}

function page(title: string, body: Child) {
  return (
    '<!doctype html>' +
    (
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <title>{title}</title>
        </head>
        <body style="font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem">
          <h1>{title}</h1>
          {body}
        </body>
      </html>
    )
  );
}
