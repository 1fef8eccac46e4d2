import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { buildWidget } from '../../../scripts/build-widget.js';
import { DEMO_SITE, DEMO_THREAD, seedDemoSite } from '../../../src/demo/seed.js';
import { testDatabaseUrl, type Backend } from '../../support/db.js';
import { createTestContext, type TestContext } from '../../support/app.js';

/**
 * A real Parley server for the browser tests: the widget freshly built into a temp dir, a fresh
 * database with the demo site seeded, the real moderation pipeline, on 127.0.0.1. Listening
 * happens first (with a fetch that waits for the app), so PUBLIC_URL and the demo site's
 * allowed origin are the real address, with no free-port race.
 *
 * Beside it, a "publisher" server on another port (another origin) serves pages the tests
 * register, for what a real embed looks like: the widget or count.js on someone else's site.
 */
export interface WidgetServer {
  ctx: TestContext;
  /** http://127.0.0.1:PORT of the Parley server. */
  base: string;
  /** http://127.0.0.1:PORT2 of the publisher server (an origin the demo site allows). */
  publisher: string;
  /** The demo article page that loads /embed.js. */
  demoUrl: string;
  /** Serves `html` at `${publisher}${pathname}`. */
  publish(pathname: string, html: string): string;
  /** Replaces the demo site's moderation settings (jsonb), merged over the e2e defaults. */
  setModeration(settings?: Record<string, unknown>): Promise<void>;
  siteId(): Promise<string>;
  /** The public API's view of the demo thread, replies flattened in. */
  publicComments(): Promise<PublicComment[]>;
  close(): Promise<void>;
}

// The API's own public shape: the tests read what the server promises.
export type { PublicComment } from '../../../src/services/publicComment.js';
import type { PublicComment } from '../../../src/services/publicComment.js';

/**
 * Every browser post comes from 127.0.0.1 and is submitted by a robot within a second of the
 * form token being issued, so the e2e site lifts the rate limits and the "too fast" hold.
 * Everything else is the real default pipeline: links stripped, abuse and spam checks on.
 */
export const E2E_MODERATION = {
  behaviour: { minSecondsToSubmit: 0, maxPostsPerIpPer10Min: 1000, maxPostsPerEmailPer10Min: 1000 },
} as const;

/**
 * On PostgreSQL the server's live updates go as in production: NOTIFY on a channel of this run's
 * own (runs beside each other on one server must not hear each other), LISTEN on a connection
 * of its own.
 */
export async function startWidgetServer(backend: Backend): Promise<WidgetServer> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-widget-'));
  const built = await buildWidget({ outdir });
  if (!built.withinBudget) throw new Error(`embed.js is ${built.embedGzip} bytes gzipped, over its budget`);

  let app: TestContext['app'] | null = null;
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve(
      {
        fetch: (req: Request, env: unknown) => (app ? app.fetch(req, env as never) : new Response('starting', { status: 503 })),
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(s),
    );
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const pages = new Map<string, string>();
  const publisherServer = http.createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => publisherServer.listen(0, '127.0.0.1', resolve));
  const publisher = `http://127.0.0.1:${(publisherServer.address() as AddressInfo).port}`;

  let ctx: TestContext;
  try {
    const live = backend === 'postgres' ? { liveUrl: testDatabaseUrl, liveChannel: `parley_e2e_${process.pid}_${Date.now().toString(36)}` } : {};
    ctx = await createTestContext(backend, { env: { WIDGET_DIR: outdir, SEED_DEMO: '1', PUBLIC_URL: base }, ...live });
    await seedDemoSite(ctx.handle.db, base);
    await ctx.handle.db
      .updateTable('sites')
      .set({ allowed_origins: [base, publisher], moderation: JSON.stringify(E2E_MODERATION) })
      .where('slug', '=', DEMO_SITE)
      .execute();
    app = ctx.app;
  } catch (err) {
    server.close();
    publisherServer.close();
    throw err;
  }

  const siteId = async () =>
    (await ctx.handle.db.selectFrom('sites').select('id').where('slug', '=', DEMO_SITE).executeTakeFirstOrThrow()).id;

  return {
    ctx,
    base,
    publisher,
    demoUrl: `${base}/demo/${DEMO_THREAD}`,
    publish(pathname, html) {
      pages.set(pathname, html);
      return `${publisher}${pathname}`;
    },
    async setModeration(settings = {}) {
      const merged = { ...E2E_MODERATION, ...settings, behaviour: { ...E2E_MODERATION.behaviour, ...(settings.behaviour as object | undefined) } };
      await ctx.handle.db.updateTable('sites').set({ moderation: JSON.stringify(merged) }).where('slug', '=', DEMO_SITE).execute();
    },
    siteId,
    async publicComments() {
      const res = await fetch(`${base}/api/v1/comments?site=${DEMO_SITE}&thread=${DEMO_THREAD}&sort=oldest&limit=100`);
      if (!res.ok) throw new Error(`GET comments: ${res.status} ${await res.text()}`);
      const page = (await res.json()) as { comments: PublicComment[] };
      const flat: PublicComment[] = [];
      const walk = (list: PublicComment[]) => {
        for (const c of list) {
          flat.push(c);
          walk(c.replies ?? []);
        }
      };
      walk(page.comments);
      return flat;
    },
    async close() {
      // Open event streams would keep close() waiting forever.
      (server as http.Server).closeAllConnections();
      publisherServer.closeAllConnections();
      await Promise.all([
        new Promise((resolve) => server.close(resolve)),
        new Promise((resolve) => publisherServer.close(resolve)),
      ]);
      await ctx.close();
      fs.rmSync(outdir, { recursive: true, force: true });
    },
  };
}
