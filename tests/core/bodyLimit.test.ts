import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentPayload, createSite, createTestContext, type TestContext } from '../support/app.js';

// The 64 KiB limit on a real socket, where Content-Length is what Node's parser enforces and a
// chunked body has no declared length at all.
describe('request body limit on a real server', () => {
  let ctx: TestContext;
  let server: ServerType;
  let port = 0;
  let site: Awaited<ReturnType<typeof createSite>>;
  beforeAll(async () => {
    ctx = await createTestContext('pglite', { phases: [] });
    site = await createSite(ctx);
    await new Promise<void>((resolve) => {
      server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await ctx?.close();
  });

  function send(body: string, chunked: boolean): Promise<{ status: number; json: { error?: { code: string } } & Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { 'content-type': 'application/json' };
      if (!chunked) headers['content-length'] = Buffer.byteLength(body);
      const req = http.request({ host: '127.0.0.1', port, path: '/api/v1/comments', method: 'POST', headers }, (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(data) }));
      });
      req.on('error', reject);
      // Chunked: written in pieces, so no length is known up front.
      if (chunked) for (let i = 0; i < body.length; i += 8192) req.write(body.slice(i, i + 8192));
      else req.write(body);
      req.end();
    });
  }
  const stored = async () => (await ctx.handle.db.selectFrom('comments').select('id').where('site_id', '=', site.id).execute()).length;

  it('takes a post with a Content-Length under the limit', async () => {
    const res = await send(JSON.stringify(commentPayload(site, { body: 'Declared length, read straight from the socket.' })), false);
    expect(res.status).toBe(201);
    expect((res.json as { comment: { body: string } }).comment.body).toBe('Declared length, read straight from the socket.');
    expect(await stored()).toBe(1);
  });

  it('takes a chunked post under the limit', async () => {
    const res = await send(JSON.stringify(commentPayload(site, { body: 'Chunked, counted as it streams.' })), true);
    expect(res.status).toBe(201);
    expect(await stored()).toBe(2);
  });

  it('refuses a body over 64 KiB by its Content-Length, and a chunked one as it streams', async () => {
    const big = JSON.stringify(commentPayload(site, { body: 'y'.repeat(70_000) }));
    for (const chunked of [false, true]) {
      const res = await send(big, chunked);
      expect(res.status).toBe(413);
      expect(res.json.error?.code).toBe('payload_too_large');
    }
    expect(await stored()).toBe(2);
  });
});
