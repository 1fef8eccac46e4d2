import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/db.js';
import { commentPayload, createSite, createTestContext, postJson, type TestContext } from '../support/app.js';

describe.each(backends)('HTTP caching of public reads on %s', (backend) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(backend, { phases: [] });
  });
  afterAll(async () => ctx?.close());

  it('answers If-None-Match with 304 until a new comment is published, then with a new ETag', async () => {
    const site = await createSite(ctx);
    await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'cached' }));
    const url = `/api/v1/comments?site=${site.slug}&thread=cached`;
    const first = await ctx.app.request(url);
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^W\/".+"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=5, stale-while-revalidate=30');
    const again = await ctx.app.request(url, { headers: { 'if-none-match': tag! } });
    expect(again.status).toBe(304);

    await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'cached', body: 'Something new', author: { name: 'N', email: 'n@example.com' } }));
    const changed = await ctx.app.request(url, { headers: { 'if-none-match': tag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(tag);
  });

  it('compresses JSON for clients that accept gzip', async () => {
    const site = await createSite(ctx);
    for (let i = 0; i < 10; i++) {
      await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'big', body: `A long enough comment number ${i} to make the page worth compressing.`, author: { name: `A${i}`, email: `a${i}@example.com` } }));
    }
    const res = await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=big`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const page = await new Response(res.body!.pipeThrough(new DecompressionStream('gzip'))).json();
    expect(page.comments).toHaveLength(10);
  });

  it('does not cache writes or errors', async () => {
    const site = await createSite(ctx);
    const post = await postJson(ctx.app, '/api/v1/comments', commentPayload(site));
    expect(post.headers.get('cache-control')).toBeNull();
    const bad = await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=x&limit=0`);
    expect(bad.headers.get('cache-control')).toBeNull();
  });
});
