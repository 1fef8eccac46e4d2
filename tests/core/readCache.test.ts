import zlib from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { chooseEncoding, createReadCache, type ReadCache } from '../../src/http/readCache.js';
import { backends } from '../support/db.js';
import { commentPayload, createSite, createTestContext, postJson, type TestContext } from '../support/app.js';

describe.each(backends)('the in-process cache of public reads on %s', (backend) => {
  let ctx: TestContext;
  let app: App;
  let cache: ReadCache;
  let now = new Date('2026-11-28T12:00:00Z');
  beforeAll(async () => {
    ctx = await createTestContext(backend, { phases: [], clock: () => now });
    // A long TTL, so that anything fresh below is fresh because of an invalidation, not expiry.
    cache = createReadCache({ ttlMs: 60_000, clock: () => now });
    app = createApp(ctx.services, { readCache: cache });
  });
  afterAll(async () => ctx?.close());

  const page = async (url: string, headers: Record<string, string> = {}) => {
    const res = await app.request(url, { headers });
    return { res, body: res.status === 200 && !res.headers.get('content-encoding') ? await res.json() : null };
  };

  it('serves a repeated read from memory with the same ETag, and builds concurrent misses once', async () => {
    const site = await createSite(ctx);
    await postJson(app, '/api/v1/comments', commentPayload(site, { thread: 'spike' }));
    const url = `/api/v1/comments?site=${site.slug}&thread=spike`;
    const before = cache.stats();
    const all = await Promise.all(Array.from({ length: 20 }, () => page(url)));
    const after = cache.stats();
    expect(after.computed - before.computed).toBe(1);
    expect(new Set(all.map((r) => r.res.headers.get('etag'))).size).toBe(1);
    expect(all.every((r) => r.body.comments.length === 1)).toBe(true);
    const again = await page(url);
    expect(cache.stats().hits).toBeGreaterThan(after.hits);
    expect(cache.stats().computed).toBe(after.computed);
    expect(again.res.headers.get('cache-control')).toBe('public, max-age=5, stale-while-revalidate=30');
    expect((await app.request(url, { headers: { 'if-none-match': all[0]!.res.headers.get('etag')! } })).status).toBe(304);
  });

  it('drops a thread when a live event says it changed (another instance), and not before', async () => {
    const site = await createSite(ctx);
    const posted = await (await postJson(app, '/api/v1/comments', commentPayload(site, { thread: 'elsewhere' }))).json();
    const url = `/api/v1/comments?site=${site.slug}&thread=elsewhere`;
    const counts = `/api/v1/counts?site=${site.slug}&thread=elsewhere&thread=other`;
    expect((await page(url)).body.comments[0].body).toBe('Where can I find this film to show my group?');
    expect((await page(counts)).body.counts).toEqual({ elsewhere: 1, other: 0 });

    // What another instance's edit looks like from here: the row changes, then its event arrives.
    await sql`update comments set body = 'Edited on the other instance.' where id = ${posted.comment.id}`.execute(ctx.handle.db);
    await sql`update threads set comment_count = 7 where key = 'elsewhere' and site_id = ${site.id}`.execute(ctx.handle.db);
    expect((await page(url)).body.comments[0].body).toBe('Where can I find this film to show my group?');
    expect((await page(counts)).body.counts.elsewhere).toBe(1);

    ctx.services.live.publish({ id: '1', type: 'comment.edited', siteId: site.id, threadKey: 'elsewhere', commentId: posted.comment.id });
    expect((await page(url)).body.comments[0].body).toBe('Edited on the other instance.');
    expect((await page(counts)).body.counts.elsewhere).toBe(7);
  });

  it('drops everything after a successful write through this instance, so the writer reads their own change', async () => {
    const site = await createSite(ctx);
    const url = `/api/v1/comments?site=${site.slug}&thread=own`;
    expect((await page(url)).body.comments).toHaveLength(0);
    const res = await postJson(app, '/api/v1/comments', commentPayload(site, { thread: 'own' }));
    expect(res.status).toBe(201);
    expect((await page(url)).body.comments).toHaveLength(1);
    // A refused write changes nothing, and leaves the cache alone.
    const filled = cache.stats().entries;
    const refused = await postJson(app, '/api/v1/comments', commentPayload(site, { thread: 'own', body: '' }));
    expect(refused.status).toBe(400);
    expect(cache.stats().entries).toBe(filled);
  });

  it('lets an entry go when the clock moves on by the TTL', async () => {
    const site = await createSite(ctx);
    const url = `/api/v1/comments?site=${site.slug}&thread=clock`;
    await page(url);
    const computed = cache.stats().computed;
    await page(url);
    expect(cache.stats().computed).toBe(computed);
    now = new Date(now.getTime() + 61_000);
    await page(url);
    expect(cache.stats().computed).toBe(computed + 1);
  });

  it('does not keep errors, and answers them as the route does', async () => {
    const site = await createSite(ctx);
    const url = `/api/v1/comments?site=${site.slug}&thread=x&limit=0`;
    const first = await app.request(url);
    const second = await app.request(url);
    expect(first.status).toBe(400);
    expect(second.status).toBe(400);
    expect((await second.json()).error.field).toBe('limit');
    const unknown = await app.request('/api/v1/counts?site=no-such-site&thread=a');
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('unknown_site');
  });

  it('sends brotli or gzip as the client accepts, each decoding to the same JSON', async () => {
    const site = await createSite(ctx);
    for (let i = 0; i < 8; i++) {
      await postJson(app, '/api/v1/comments', commentPayload(site, { thread: 'enc', body: `Comment ${i}: the archive footage of the refuseniks is worth a second look.`, author: { name: `R${i}`, email: `r${i}@example.com` } }));
    }
    const url = `/api/v1/comments?site=${site.slug}&thread=enc`;
    const plain = await app.request(url);
    const json = await plain.text();
    const br = await app.request(url, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toContain('Accept-Encoding');
    expect(zlib.brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(json);
    const gz = await app.request(url, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(zlib.gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(json);
    expect(JSON.parse(json).comments).toHaveLength(8);
    expect(br.headers.get('etag')).toBe(plain.headers.get('etag'));
  });
});

describe('chooseEncoding', () => {
  it('prefers brotli, honours q-values and refusals', () => {
    expect(chooseEncoding('gzip, deflate, br')).toBe('br');
    expect(chooseEncoding('gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0.5, gzip;q=0.8')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*, br;q=0')).toBe('gzip');
    expect(chooseEncoding('identity')).toBeNull();
    expect(chooseEncoding(undefined)).toBeNull();
  });
});
