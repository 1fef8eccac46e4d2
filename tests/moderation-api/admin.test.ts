import { beforeAll, describe, expect, it } from 'vitest';
import { databaseLookups } from '../../src/db/moderationLookups.js';
import { backends } from '../support/db.js';
import { createSite, type TestContext } from '../support/app.js';
import { call, createModerationContext, createModerator, login, publicBodies, seedComment, testPassword, type Session, type TestModerator, withAdminSession } from './support.js';

describe.each(backends)('bans, settings, accounts and the audit log on %s', (backend) => {
  const setup = withAdminSession(backend);
  let ctx: TestContext, admin: Session, adminAccount: TestModerator;
  beforeAll(() => ({ ctx, admin, adminAccount } = setup));

  it('bans an email and sends that author’s published and held comments on the site to rejected', async () => {
    const site = await createSite(ctx);
    await seedComment(ctx, site, { status: 'published', email: 'Troll@Example.com', body: 'Troll one' });
    await seedComment(ctx, site, { status: 'pending', email: 'troll@example.com', body: 'Troll two' });
    await seedComment(ctx, site, { status: 'published', email: 'kind@example.com', body: 'Kind' });
    const res = await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/bans`, { kind: 'email', value: ' TROLL@example.com ', reason: 'Harassment', rejectExisting: true });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ rejected: 2, ban: { kind: 'email', value: 'troll@example.com', reason: 'Harassment', createdBy: `moderator:${adminAccount.id}`, active: true, expiresAt: null } });
    expect(await publicBodies(ctx, site)).toEqual(['Kind']);
    // The pipeline's blocklist phase reads the same table.
    const bans = await databaseLookups(ctx.handle.db, site.id, 'troll@example.com', () => new Date()).activeBans();
    expect(bans).toEqual([{ kind: 'email', value: 'troll@example.com', reason: 'Harassment' }]);

    const list = await (await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/bans`)).json();
    expect(list.bans).toHaveLength(1);
    expect((await call(ctx, admin, 'DELETE', `/api/v1/moderation/sites/${site.slug}/bans/${body.ban.id}`)).status).toBe(200);
    expect((await (await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/bans`)).json()).bans).toEqual([]);
    expect((await call(ctx, admin, 'DELETE', `/api/v1/moderation/sites/${site.slug}/bans/${body.ban.id}`)).status).toBe(404);
  });

  it('bans IP ranges and domains with an expiry, and refuses values that would ban nobody (or everybody)', async () => {
    const site = await createSite(ctx);
    await seedComment(ctx, site, { status: 'published', ip: '203.0.113.40', body: 'From the range' });
    await seedComment(ctx, site, { status: 'published', ip: '198.51.100.1', body: 'Elsewhere' });
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const range = await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/bans`, { kind: 'ip_range', value: '203.0.113.0/24', expiresAt, rejectExisting: true });
    expect(range.status).toBe(201);
    expect((await range.json()).rejected).toBe(1);
    expect(await publicBodies(ctx, site)).toEqual(['Elsewhere']);
    const domain = await (await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/bans`, { kind: 'email_domain', value: '@Spam.Example' })).json();
    expect(domain.ban.value).toBe('spam.example');
    for (const [kind, value] of [['ip', '300.1.1.1'], ['ip_range', '10.0.0.0/4'], ['ip_range', '10.0.0.1'], ['email', 'nobody'], ['email_domain', 'not a domain']]) {
      const res = await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/bans`, { kind, value });
      expect(res.status, `${kind} ${value}`).toBe(400);
    }
    expect((await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/bans`, { kind: 'ip', value: '192.0.2.1', expiresAt: '2000-01-01T00:00:00Z' })).status).toBe(400);
  });

  it('lets admins change site settings; a new policy text makes a new policy version', async () => {
    const site = await createSite(ctx);
    const res = await call(ctx, admin, 'PATCH', `/api/v1/moderation/sites/${site.slug}/settings`, {
      moderation: { mode: 'pre', links: { policy: 'hold', allowlist: ['altfilmguide.com'] }, words: { suspect: ['dvd'] } },
      reportThreshold: 5,
      allowedOrigins: ['https://www.altfilmguide.com'],
      editWindowMinutes: 30,
      autoCloseDays: 90,
      policy: { text: 'Be kind. Links are held for a moderator.' },
    });
    expect(res.status).toBe(200);
    const settings = await res.json();
    expect(settings).toMatchObject({
      moderation: { mode: 'pre', links: { policy: 'hold', allowlist: ['altfilmguide.com'] }, words: { suspect: ['dvd'], banned: [] }, akismet: { enabled: true } },
      reportThreshold: 5,
      allowedOrigins: ['https://www.altfilmguide.com'],
      editWindowMinutes: 30,
      autoCloseDays: 90,
      policy: { version: 2, text: 'Be kind. Links are held for a moderator.' },
    });
    const policy = await (await ctx.app.request(`/api/v1/sites/${site.slug}/policy`)).json();
    expect(policy.policy.version).toBe(2);
    // Saving the same text again makes no new version.
    const same = await (await call(ctx, admin, 'PATCH', `/api/v1/moderation/sites/${site.slug}/settings`, { policy: { text: 'Be kind. Links are held for a moderator.' } })).json();
    expect(same.policy.version).toBe(2);
    expect((await call(ctx, admin, 'PATCH', `/api/v1/moderation/sites/${site.slug}/settings`, { reportThreshold: 0 })).status).toBe(400);
    // Erasure keeps the text, or not, as the site says.
    expect(settings.erasureKeepsText).toBe(false);
    const keep = await (await call(ctx, admin, 'PATCH', `/api/v1/moderation/sites/${site.slug}/settings`, { erasureKeepsText: true })).json();
    expect(keep.erasureKeepsText).toBe(true);
    await seedComment(ctx, site, { status: 'published', email: 'kept@example.com', body: 'Text that outlives its author.' });
    expect((await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/data-erasure`, { email: 'kept@example.com' })).status).toBe(200);
    const erased = await ctx.handle.db.selectFrom('comments').select(['body', 'author_email', 'author_name']).where('site_id', '=', site.id).where('body', '=', 'Text that outlives its author.').execute();
    expect(erased).toHaveLength(1);
    expect(erased[0]!.author_email).toBeNull();
    expect((await call(ctx, admin, 'PATCH', `/api/v1/moderation/sites/${site.slug}/settings`, { allowedOrigins: ['https://x.example/path'] })).status).toBe(400);

    const moderator = await login(ctx, await createModerator(ctx, { siteIds: [site.id] }));
    expect((await call(ctx, moderator, 'GET', `/api/v1/moderation/sites/${site.slug}/settings`)).status).toBe(200);
    const refused = await call(ctx, moderator, 'PATCH', `/api/v1/moderation/sites/${site.slug}/settings`, { reportThreshold: 1 });
    expect(refused.status).toBe(403);
  });

  it('lets admins create moderators for some sites, change them, and disable them (ending their sessions)', async () => {
    const a = await createSite(ctx);
    const b = await createSite(ctx);
    const created = await call(ctx, admin, 'POST', '/api/v1/moderation/moderators', { email: 'New.Mod@example.com', password: testPassword, role: 'moderator', displayName: 'New Mod', sites: [a.slug] });
    expect(created.status).toBe(201);
    const account = await created.json();
    expect(account).toMatchObject({ email: 'new.mod@example.com', role: 'moderator', sites: [a.slug], disabled: false });
    expect((await call(ctx, admin, 'POST', '/api/v1/moderation/moderators', { email: 'new.mod@example.com', password: testPassword, role: 'moderator', displayName: 'Again' })).status).toBe(409);
    expect((await call(ctx, admin, 'POST', '/api/v1/moderation/moderators', { email: 'short@example.com', password: 'short', role: 'moderator', displayName: 'S' })).status).toBe(400);

    const s = await login(ctx, { email: 'new.mod@example.com', password: testPassword });
    expect((await call(ctx, s, 'GET', `/api/v1/moderation/sites/${a.slug}/counts`)).status).toBe(200);
    expect((await call(ctx, s, 'GET', `/api/v1/moderation/sites/${b.slug}/counts`)).status).toBe(404);
    const patched = await call(ctx, admin, 'PATCH', `/api/v1/moderation/moderators/${account.id}`, { sites: [a.slug, b.slug] });
    expect(patched.status, await patched.clone().text()).toBe(200);
    expect((await call(ctx, s, 'GET', `/api/v1/moderation/sites/${b.slug}/counts`)).status).toBe(200);
    expect((await call(ctx, s, 'GET', '/api/v1/moderation/moderators')).status).toBe(403);

    const disabled = await call(ctx, admin, 'PATCH', `/api/v1/moderation/moderators/${account.id}`, { disabled: true });
    expect((await disabled.json()).disabled).toBe(true);
    expect((await call(ctx, s, 'GET', `/api/v1/moderation/sites/${a.slug}/counts`)).status).toBe(401);
    const relogin = await ctx.app.request('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'new.mod@example.com', password: testPassword }) });
    expect(relogin.status).toBe(401);
  });

  it('keeps at least one admin', async () => {
    const fresh = await createModerationContext(backend);
    try {
      const only = await createModerator(fresh, { role: 'admin' });
      const s = await login(fresh, only);
      const res = await call(fresh, s, 'PATCH', `/api/v1/moderation/moderators/${only.id}`, { role: 'moderator' });
      expect(res.status).toBe(409);
    } finally {
      await fresh.close();
    }
  });

  it('lists every moderator action in the audit log: who, what, when, from which state to which, and why', async () => {
    const site = await createSite(ctx);
    const c = await seedComment(ctx, site);
    await seedComment(ctx, site, { status: 'published', thread: 'busy' });
    await call(ctx, admin, 'POST', `/api/v1/moderation/comments/${c.id}/reject`, { reason: 'Off topic.' });
    await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/bans`, { kind: 'ip', value: '192.0.2.99', reason: 'Flooding' });
    await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/threads/close`, { thread: 'busy', reason: 'Too heated' });
    await call(ctx, admin, 'PATCH', `/api/v1/moderation/sites/${site.slug}/settings`, { reportThreshold: 4 });
    const res = await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/audit?limit=2`);
    expect(res.status).toBe(200);
    const first = await res.json();
    const second = await (await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/audit?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)).json();
    const entries = [...first.entries, ...second.entries];
    expect(second.nextCursor).toBeNull();
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['settings_changed', 'thread_closed', 'ban_created', 'reject']);
    expect(entries.every((e: { actor: string }) => e.actor === `moderator:${adminAccount.id}`)).toBe(true);
    expect(entries[3]).toMatchObject({ commentId: c.id, from: 'pending', to: 'rejected', reason: 'Off topic.' });
    expect(entries[1]).toMatchObject({ target: 'thread:busy', reason: 'Too heated' });
    // With all=1 the pipeline's decisions are there too.
    const all = await (await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/audit?all=1`)).json();
    expect(all.entries.some((e: { actor: string }) => e.actor === 'pipeline:test')).toBe(true);
    // Account changes belong to no site: admins see them in the global log.
    const global = await (await call(ctx, admin, 'GET', '/api/v1/moderation/audit')).json();
    expect(global.entries.some((e: { action: string }) => e.action === 'account_created' || e.action === 'account_disabled')).toBe(true);
  });
});
