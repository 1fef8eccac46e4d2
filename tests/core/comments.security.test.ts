import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/db.js';
import { commentPayload, createSite, createTestContext, postJson, type TestContext } from '../support/app.js';

describe.each(backends)('privacy and origin rules on %s', (backend) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(backend, { phases: [], env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => ctx?.close());

  it('never returns an email address or IP address from public reads and writes', async () => {
    const site = await createSite(ctx);
    const email = 'secret.reader@example.org';
    const post = await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { author: { name: 'Reader', email, website: 'https://reader.example.org/' } }), { 'x-forwarded-for': '203.0.113.77' });
    const postText = await post.text();
    const list = await (await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=refusenik-qa`)).text();
    for (const text of [postText, list]) {
      expect(text).not.toContain(email);
      expect(text).not.toContain('secret.reader');
      expect(text).not.toContain('203.0.113.77');
    }
    // ...while the database did keep them for moderation.
    const row = await ctx.handle.db.selectFrom('comments').select(['author_email', 'ip']).where('site_id', '=', site.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ author_email: email, ip: '203.0.113.77' });
  });

  it('sends CORS headers only to origins a site allows', async () => {
    const site = await createSite(ctx, { allowedOrigins: ['https://www.altfilmguide.com'] });
    const allowed = await ctx.app.request(`/api/v1/counts?site=${site.slug}&thread=a`, { headers: { origin: 'https://www.altfilmguide.com' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://www.altfilmguide.com');
    const preflight = await ctx.app.request('/api/v1/comments', {
      method: 'OPTIONS',
      headers: { origin: 'https://www.altfilmguide.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://www.altfilmguide.com');
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Content-Type');
    const other = await ctx.app.request(`/api/v1/counts?site=${site.slug}&thread=a`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const otherPreflight = await ctx.app.request('/api/v1/comments', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(otherPreflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(otherPreflight.headers.get('access-control-allow-methods')).toBeNull();
    expect(otherPreflight.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('lets a page read only its own site\'s threads: CORS follows the site the request names', async () => {
    const film = await createSite(ctx, { allowedOrigins: ['https://www.altfilmguide.com'] });
    const news = await createSite(ctx, { allowedOrigins: ['https://news.example'] });
    const acao = async (path: string, origin: string, init: RequestInit = {}) =>
      (await ctx.app.request(path, { ...init, headers: { origin, ...(init.headers as Record<string, string> | undefined) } })).headers.get('access-control-allow-origin');
    for (const path of [`/api/v1/comments?site=${film.slug}&thread=a`, `/api/v1/counts?site=${film.slug}&thread=a`, `/api/v1/sites/${film.slug}/policy`]) {
      expect(await acao(path, 'https://www.altfilmguide.com'), path).toBe('https://www.altfilmguide.com');
      // Another site's page, though that site is hosted here too.
      expect(await acao(path, 'https://news.example'), path).toBeNull();
    }
    expect(await acao(`/api/v1/comments?site=${news.slug}&thread=a`, 'https://news.example')).toBe('https://news.example');
    expect(await acao('/api/v1/comments?site=no-such-site&thread=a', 'https://news.example')).toBeNull();
    // A preflight carries the URL: the named site decides there too.
    const preflight = { method: 'OPTIONS', headers: { 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' } };
    expect(await acao(`/api/v1/comments?site=${film.slug}&thread=a`, 'https://news.example', preflight)).toBeNull();
    expect(await acao(`/api/v1/comments?site=${film.slug}&thread=a`, 'https://www.altfilmguide.com', preflight)).toBe('https://www.altfilmguide.com');
    // A POST's preflight names no site (it is in the body): any hosted site's origin passes it, and the write checks its own site.
    const post = await postJson(ctx.app, '/api/v1/comments', commentPayload(film, { body: 'From the wrong page.' }), { origin: 'https://news.example' });
    expect(post.status).toBe(403);
    expect((await post.json()).error.code).toBe('origin_not_allowed');
  });

  it('keeps CORS headers per request on cached reads: an allowed origin gets them, the next origin does not inherit them', async () => {
    // The origin list is cached for 10 s: use one an earlier test has already made known.
    const site = await createSite(ctx, { allowedOrigins: ['https://www.altfilmguide.com'] });
    await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'cors-cache' }));
    const url = `/api/v1/comments?site=${site.slug}&thread=cors-cache`;
    const allowed = await ctx.app.request(url, { headers: { origin: 'https://www.altfilmguide.com', 'accept-encoding': 'gzip' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://www.altfilmguide.com');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('ETag');
    expect(allowed.headers.get('vary')).toMatch(/Origin/);
    const evil = await ctx.app.request(url, { headers: { origin: 'https://evil.example', 'accept-encoding': 'gzip' } });
    expect(evil.status).toBe(200);
    expect(evil.headers.get('etag')).toBe(allowed.headers.get('etag'));
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(evil.headers.get('vary')).toMatch(/Origin/);
  });

  it('refuses a browser post from an origin the site does not allow', async () => {
    const site = await createSite(ctx, { allowedOrigins: ['https://www.altfilmguide.com'] });
    const other = await createSite(ctx, { allowedOrigins: ['https://another.example'] });
    // Allowed for *a* site is not enough: it must be allowed for the site posted to.
    const res = await postJson(ctx.app, '/api/v1/comments', commentPayload(site), { origin: 'https://another.example' });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('origin_not_allowed');
    const ok = await postJson(ctx.app, '/api/v1/comments', commentPayload(site), { origin: 'https://www.altfilmguide.com' });
    expect(ok.status).toBe(201);
    expect(other.slug).not.toBe(site.slug);
  });

  it('takes the client IP from the last trusted X-Forwarded-For hop when TRUST_PROXY=1', async () => {
    const site = await createSite(ctx);
    // The client forged the first entry; our one proxy appended the real address.
    await postJson(ctx.app, '/api/v1/comments', commentPayload(site), { 'x-forwarded-for': '10.9.9.9, 198.51.100.4' });
    const row = await ctx.handle.db.selectFrom('comments').select('ip').where('site_id', '=', site.id).executeTakeFirstOrThrow();
    expect(row.ip).toBe('198.51.100.4');
  });
});

describe.each(backends)('client IP over a real socket on %s', (backend) => {
  let ctx: TestContext;
  let server: ServerType;
  let base: string;
  beforeAll(async () => {
    ctx = await createTestContext(backend, { phases: [] }); // TRUST_PROXY unset: 0
    server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    await ctx?.close();
  });

  it('ignores a spoofed X-Forwarded-For and records the socket address', async () => {
    const site = await createSite(ctx);
    const res = await fetch(`${base}/api/v1/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '6.6.6.6' },
      body: JSON.stringify(commentPayload(site)),
    });
    expect(res.status).toBe(201);
    const row = await ctx.handle.db.selectFrom('comments').select('ip').where('site_id', '=', site.id).executeTakeFirstOrThrow();
    expect(row.ip).toBe('127.0.0.1');
  });
});
