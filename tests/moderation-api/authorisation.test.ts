import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/db.js';
import { createSite, type TestContext } from '../support/app.js';
import { call, createModerationContext, createModerator, login, seedComment, type Session } from './support.js';

type Who = 'anonymous' | 'other-site moderator' | 'site moderator' | 'admin';
type Site = Awaited<ReturnType<typeof createSite>>;

interface RouteCase {
  name: string;
  /** Builds the request against site A with fresh data, so every principal meets the same state. */
  request: (ctx: TestContext, site: Site) => Promise<{ method: string; path: string; body?: unknown }>;
  /** What each principal gets; the anonymous caller always gets 401. */
  expect: { other: number; moderator: number; admin: number };
}

const pending = async (ctx: TestContext, site: Site) => (await seedComment(ctx, site, { status: 'pending' })).id;
const withStatus = (status: 'spam' | 'deleted' | 'published') => async (ctx: TestContext, site: Site) => (await seedComment(ctx, site, { status })).id;
const siteRead = { other: 404, moderator: 200, admin: 200 };
const adminOnly = { other: 403, moderator: 403, admin: 200 };

// Every route of the moderation and account API. A moderator of another site meets
// 404 for everything of site A, its comment ids included.
const routes: RouteCase[] = [
  { name: 'GET /auth/me', request: async () => ({ method: 'GET', path: '/api/v1/auth/me' }), expect: { other: 200, moderator: 200, admin: 200 } },
  { name: 'GET /auth/tokens', request: async () => ({ method: 'GET', path: '/api/v1/auth/tokens' }), expect: { other: 200, moderator: 200, admin: 200 } },
  { name: 'POST /auth/tokens', request: async () => ({ method: 'POST', path: '/api/v1/auth/tokens', body: { name: 'script' } }), expect: { other: 201, moderator: 201, admin: 201 } },
  {
    name: 'DELETE /auth/tokens/:id (of someone else)',
    request: async (c) => {
      const owner = await createModerator(c);
      const t = await c.handle.db.insertInto('api_tokens').values({ token_hash: Math.random().toString(36), name: 'theirs', moderator_id: owner.id, created_at: new Date(), last_used_at: null, revoked_at: null }).returning('id').executeTakeFirstOrThrow();
      return { method: 'DELETE', path: `/api/v1/auth/tokens/${t.id}` };
    },
    expect: { other: 404, moderator: 404, admin: 404 },
  },
  { name: 'POST /auth/logout', request: async () => ({ method: 'POST', path: '/api/v1/auth/logout', body: {} }), expect: { other: 200, moderator: 200, admin: 200 } },
  { name: 'GET /moderation/sites', request: async () => ({ method: 'GET', path: '/api/v1/moderation/sites' }), expect: { other: 200, moderator: 200, admin: 200 } },
  { name: 'GET /sites/:site/counts', request: async (_c, s) => ({ method: 'GET', path: `/api/v1/moderation/sites/${s.slug}/counts` }), expect: siteRead },
  ...(['pending', 'reported', 'spam', 'rejected', 'published', 'deleted'] as const).map((q) => ({
    name: `GET /sites/:site/queues/${q}`,
    request: async (_c: TestContext, s: Site) => ({ method: 'GET', path: `/api/v1/moderation/sites/${s.slug}/queues/${q}` }),
    expect: siteRead,
  })),
  { name: 'GET /sites/:site/thread', request: async (c, s) => (await pending(c, s), { method: 'GET', path: `/api/v1/moderation/sites/${s.slug}/thread?key=refusenik-qa` }), expect: siteRead },
  { name: 'POST /sites/:site/threads/close', request: async (c, s) => (await pending(c, s), { method: 'POST', path: `/api/v1/moderation/sites/${s.slug}/threads/close`, body: { thread: 'refusenik-qa' } }), expect: siteRead },
  { name: 'POST /sites/:site/threads/reopen', request: async (c, s) => (await pending(c, s), { method: 'POST', path: `/api/v1/moderation/sites/${s.slug}/threads/reopen`, body: { thread: 'refusenik-qa' } }), expect: siteRead },
  { name: 'GET /sites/:site/bans', request: async (_c, s) => ({ method: 'GET', path: `/api/v1/moderation/sites/${s.slug}/bans` }), expect: siteRead },
  { name: 'POST /sites/:site/bans', request: async (_c, s) => ({ method: 'POST', path: `/api/v1/moderation/sites/${s.slug}/bans`, body: { kind: 'ip', value: '192.0.2.1' } }), expect: { other: 404, moderator: 201, admin: 201 } },
  {
    name: 'DELETE /sites/:site/bans/:id',
    request: async (c, s) => {
      const ban = await c.handle.db.insertInto('bans').values({ site_id: s.id, kind: 'ip', value: '192.0.2.2', reason: null, created_by: 'test', expires_at: null }).returning('id').executeTakeFirstOrThrow();
      return { method: 'DELETE', path: `/api/v1/moderation/sites/${s.slug}/bans/${ban.id}` };
    },
    expect: siteRead,
  },
  { name: 'GET /sites/:site/audit', request: async (_c, s) => ({ method: 'GET', path: `/api/v1/moderation/sites/${s.slug}/audit` }), expect: siteRead },
  { name: 'GET /sites/:site/settings', request: async (_c, s) => ({ method: 'GET', path: `/api/v1/moderation/sites/${s.slug}/settings` }), expect: siteRead },
  { name: 'PATCH /sites/:site/settings', request: async (_c, s) => ({ method: 'PATCH', path: `/api/v1/moderation/sites/${s.slug}/settings`, body: { reportThreshold: 4 } }), expect: { other: 404, moderator: 403, admin: 200 } },
  { name: 'GET /comments/:id', request: async (c, s) => ({ method: 'GET', path: `/api/v1/moderation/comments/${await pending(c, s)}` }), expect: siteRead },
  { name: 'PATCH /comments/:id', request: async (c, s) => ({ method: 'PATCH', path: `/api/v1/moderation/comments/${await pending(c, s)}`, body: { body: 'Edited.' } }), expect: siteRead },
  ...([['approve', pending], ['reject', pending], ['spam', pending], ['not-spam', withStatus('spam')], ['delete', pending], ['restore', withStatus('deleted')]] as const).map(([action, make]) => ({
    name: `POST /comments/:id/${action}`,
    request: async (c: TestContext, s: Site) => ({ method: 'POST', path: `/api/v1/moderation/comments/${await make(c, s)}/${action}`, body: {} }),
    expect: siteRead,
  })),
  // Bulk answers 200 with a result per id; for another site's moderator every id is not_found (checked below).
  { name: 'POST /comments/bulk', request: async (c, s) => ({ method: 'POST', path: '/api/v1/moderation/comments/bulk', body: { action: 'approve', ids: [await pending(c, s)] } }), expect: { other: 200, moderator: 200, admin: 200 } },
  { name: 'GET /comments/:id/consent', request: async (c, s) => ({ method: 'GET', path: `/api/v1/moderation/comments/${await pending(c, s)}/consent` }), expect: { other: 404, moderator: 403, admin: 200 } },
  { name: 'GET /sites/:site/consents', request: async (_c, s) => ({ method: 'GET', path: `/api/v1/moderation/sites/${s.slug}/consents?email=reader@example.com` }), expect: { other: 404, moderator: 403, admin: 200 } },
  { name: 'POST /sites/:site/data-export', request: async (_c, s) => ({ method: 'POST', path: `/api/v1/moderation/sites/${s.slug}/data-export`, body: { email: 'reader@example.com' } }), expect: { other: 404, moderator: 403, admin: 200 } },
  { name: 'POST /sites/:site/data-erasure', request: async (_c, s) => ({ method: 'POST', path: `/api/v1/moderation/sites/${s.slug}/data-erasure`, body: { email: 'nobody@example.com' } }), expect: { other: 404, moderator: 403, admin: 200 } },
  { name: 'GET /moderation/audit (all sites)', request: async () => ({ method: 'GET', path: '/api/v1/moderation/audit' }), expect: adminOnly },
  { name: 'GET /moderators', request: async () => ({ method: 'GET', path: '/api/v1/moderation/moderators' }), expect: adminOnly },
  {
    name: 'POST /moderators',
    request: async () => ({ method: 'POST', path: '/api/v1/moderation/moderators', body: { email: `m${Math.random().toString(36).slice(2)}@example.com`, password: 'long enough password', role: 'moderator', displayName: 'M' } }),
    expect: { other: 403, moderator: 403, admin: 201 },
  },
  { name: 'PATCH /moderators/:id', request: async (c) => ({ method: 'PATCH', path: `/api/v1/moderation/moderators/${(await createModerator(c)).id}`, body: { displayName: 'Renamed' } }), expect: adminOnly },
];

describe.each(backends)('authorisation of every moderator route on %s', (backend) => {
  let ctx: TestContext;
  let siteA: Site;
  const sessions = {} as Record<Exclude<Who, 'anonymous'>, () => Promise<Session>>;
  beforeAll(async () => {
    ctx = await createModerationContext(backend);
    siteA = await createSite(ctx);
    const siteB = await createSite(ctx);
    const other = await createModerator(ctx, { siteIds: [siteB.id] });
    const own = await createModerator(ctx, { siteIds: [siteA.id] });
    const admin = await createModerator(ctx, { role: 'admin' });
    // A fresh session per request: logout is one of the routes.
    sessions['other-site moderator'] = () => login(ctx, other);
    sessions['site moderator'] = () => login(ctx, own);
    sessions.admin = () => login(ctx, admin);
  });
  afterAll(async () => ctx?.close());

  const whos: Who[] = ['anonymous', 'other-site moderator', 'site moderator', 'admin'];
  const cases = routes.flatMap((r) => whos.map((who) => ({ route: r, who })));

  it.each(cases.map((c) => [c.route.name, c.who, c] as const))('%s as %s', async (_n, _w, { route, who }) => {
    const req = await route.request(ctx, siteA);
    const session = who === 'anonymous' ? null : await sessions[who]();
    const res = await call(ctx, session, req.method, req.path, req.body);
    const expected = who === 'anonymous' ? 401 : route.expect[who === 'admin' ? 'admin' : who === 'site moderator' ? 'moderator' : 'other'];
    expect(res.status, await res.clone().text()).toBe(expected);
    if (who === 'other-site moderator' && route.name === 'POST /comments/bulk') {
      const { results } = await res.json();
      expect(results.every((r: { ok: boolean; error?: { code: string } }) => !r.ok && r.error?.code === 'not_found')).toBe(true);
    }
    if (who === 'other-site moderator' && route.name === 'GET /moderation/sites') {
      const { sites } = await res.json();
      expect(sites.map((s: { slug: string }) => s.slug)).not.toContain(siteA.slug);
    }
  });

  it('answers the same 404 for another site’s comment as for one that does not exist', async () => {
    const c = await seedComment(ctx, siteA);
    const other = await sessions['other-site moderator']();
    const theirs = await (await call(ctx, other, 'GET', `/api/v1/moderation/comments/${c.id}`)).json();
    const none = await (await call(ctx, other, 'GET', '/api/v1/moderation/comments/999999999')).json();
    expect(theirs.error.code).toBe('not_found');
    expect(theirs.error.message).toBe(none.error.message);
  });
});
