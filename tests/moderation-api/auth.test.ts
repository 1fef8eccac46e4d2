import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword, hashPassword } from '../../src/auth/passwords.js';
import { backends } from '../support/db.js';
import { createSite, postJson, type TestContext } from '../support/app.js';
import { call, createModerationContext, createModerator, login, testPassword } from './support.js';

describe('password hashing', () => {
  it('salts every hash and verifies only the right password', async () => {
    const a = await hashPassword('a long enough password');
    const b = await hashPassword('a long enough password');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('a long enough password', a)).toBe(true);
    expect(await verifyPassword('a long enough passwork', a)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });
});

describe.each(backends)('moderator login and sessions on %s', (backend) => {
  let ctx: TestContext;
  let clock = new Date('2030-01-01T10:00:00Z');
  beforeAll(async () => {
    ctx = await createModerationContext(backend, { clock: () => clock });
  });
  afterAll(async () => ctx?.close());

  it('logs in with an HttpOnly, SameSite=Lax session cookie and stores only a hash of its token', async () => {
    const m = await createModerator(ctx, { role: 'admin' });
    const res = await postJson(ctx.app, '/api/v1/auth/login', { email: m.email.toUpperCase(), password: testPassword });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^parley_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // PUBLIC_URL is http here
    const token = cookie.split(';')[0]!.split('=')[1]!;
    const body = await res.json();
    expect(body.moderator).toMatchObject({ email: m.email, role: 'admin' });
    expect(body.csrfToken).toMatch(/^[\w-]{40,}$/);
    const rows = await ctx.handle.db.selectFrom('sessions').selectAll().where('moderator_id', '=', m.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toContain(token);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('marks the cookie Secure when the request comes over HTTPS', async () => {
    const m = await createModerator(ctx);
    const res = await ctx.app.request('https://parley.test/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: m.email, password: testPassword }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/Secure/);
  });

  it('answers wrong passwords and unknown emails alike, with 401', async () => {
    const m = await createModerator(ctx);
    const wrong = await postJson(ctx.app, '/api/v1/auth/login', { email: m.email, password: 'not the password' });
    const unknown = await postJson(ctx.app, '/api/v1/auth/login', { email: 'nobody@example.com', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect((await wrong.json()).error.message).toBe((await unknown.json()).error.message);
  });

  it('throttles an account after 5 failed logins in 15 minutes, even with the right password, then lets it in again', async () => {
    const m = await createModerator(ctx);
    for (let i = 0; i < 5; i++) {
      const res = await postJson(ctx.app, '/api/v1/auth/login', { email: m.email, password: `wrong ${i}` }, { 'x-forwarded-for': `198.51.100.${i}` });
      expect(res.status).toBe(401);
    }
    const blocked = await postJson(ctx.app, '/api/v1/auth/login', { email: m.email, password: testPassword });
    expect(blocked.status).toBe(429);
    expect((await blocked.json()).error.code).toBe('rate_limited');
    const retry = Number(blocked.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    clock = new Date(clock.getTime() + 16 * 60_000);
    const later = await postJson(ctx.app, '/api/v1/auth/login', { email: m.email, password: testPassword });
    expect(later.status).toBe(200);
  });

  it('lets no more than 5 guesses through when they arrive all at once', async () => {
    const m = await createModerator(ctx);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => postJson(ctx.app, '/api/v1/auth/login', { email: m.email, password: `parallel guess ${i}` }, { 'x-forwarded-for': `198.51.101.${i}` })),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(7);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  });

  it('throttles one IP trying many accounts', async () => {
    const throttled = await createModerationContext(backend, { env: { TRUST_PROXY: '1' } });
    try {
      const headers = { 'x-forwarded-for': '203.0.113.77' };
      let last = 0;
      for (let i = 0; i < 21; i++) {
        last = (await postJson(throttled.app, '/api/v1/auth/login', { email: `guess${i}@example.com`, password: 'guess' }, headers)).status;
      }
      expect(last).toBe(429);
      const other = await postJson(throttled.app, '/api/v1/auth/login', { email: 'guess0@example.com', password: 'guess' }, { 'x-forwarded-for': '203.0.113.78' });
      expect(other.status).toBe(401);
    } finally {
      await throttled.close();
    }
    // A fresh database and 21 scrypt hashes: slow on a busy 2-core machine.
  }, 120_000);

  it('keeps throttling in the database: a second app instance on the same database sees the failures', async () => {
    const m = await createModerator(ctx);
    for (let i = 0; i < 5; i++) await postJson(ctx.app, '/api/v1/auth/login', { email: m.email, password: 'nope' });
    const { createApp } = await import('../../src/app.js');
    const second = { ...ctx, app: createApp(ctx.services) };
    expect((await postJson(second.app, '/api/v1/auth/login', { email: m.email, password: testPassword })).status).toBe(429);
  });

  it('tells who is logged in, and logs out', async () => {
    const site = await createSite(ctx);
    const m = await createModerator(ctx, { siteIds: [site.id] });
    const s = await login(ctx, m);
    const me = await call(ctx, s, 'GET', '/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ moderator: { email: m.email, role: 'moderator' }, sites: [{ slug: site.slug }], csrfToken: s.csrf });
    const out = await call(ctx, s, 'POST', '/api/v1/auth/logout', {});
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/parley_session=;/);
    expect((await call(ctx, s, 'GET', '/api/v1/auth/me')).status).toBe(401);
  });

  it('lets a moderator change their own password: checked, throttled, audited, other sessions ended', async () => {
    const site = await createSite(ctx);
    const m = await createModerator(ctx, { siteIds: [site.id] });
    const here = await login(ctx, m);
    const there = await login(ctx, m);
    const change = (body: unknown, s = here) => call(ctx, s, 'POST', '/api/v1/auth/password', body);
    const fresh = 'another long passphrase';

    const wrong = await change({ currentPassword: 'not it at all', newPassword: fresh });
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).error).toMatchObject({ code: 'forbidden', field: 'currentPassword' });
    const short = await change({ currentPassword: testPassword, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect((await short.json()).error).toMatchObject({ code: 'validation_failed', field: 'newPassword' });
    expect((await change({ currentPassword: testPassword, newPassword: testPassword })).status).toBe(400);
    // Without the CSRF header a cookie cannot change it.
    expect((await ctx.app.request('/api/v1/auth/password', { method: 'POST', headers: { cookie: here.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ currentPassword: testPassword, newPassword: fresh }) })).status).toBe(403);

    const ok = await change({ currentPassword: testPassword, newPassword: fresh });
    expect(ok.status).toBe(200);
    expect((await call(ctx, here, 'GET', '/api/v1/auth/me')).status).toBe(200);
    expect((await call(ctx, there, 'GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await postJson(ctx.app, '/api/v1/auth/login', { email: m.email, password: testPassword })).status).toBe(401);
    expect((await postJson(ctx.app, '/api/v1/auth/login', { email: m.email, password: fresh })).status).toBe(200);
    const audit = await ctx.handle.db.selectFrom('audit_log').select(['action', 'actor']).where('target', '=', `moderator:${m.id}`).execute();
    expect(audit).toContainEqual({ action: 'password_changed', actor: `moderator:${m.id}` });

    // Guessing the current password from an open session counts like failed logins.
    const guesser = await login(ctx, { email: m.email, password: fresh });
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) answers.push((await change({ currentPassword: `guess ${i}`, newPassword: 'whatever it is now' }, guesser)).status);
    expect(answers).toEqual([403, 403, 403, 403, 403, 429]);
  });

  it('ends an idle session after 12 hours, and any session after 7 days', async () => {
    const m = await createModerator(ctx);
    const s = await login(ctx, m);
    clock = new Date(clock.getTime() + 11 * 3_600_000);
    expect((await call(ctx, s, 'GET', '/api/v1/auth/me')).status).toBe(200); // slides the expiry
    clock = new Date(clock.getTime() + 11 * 3_600_000);
    expect((await call(ctx, s, 'GET', '/api/v1/auth/me')).status).toBe(200);
    clock = new Date(clock.getTime() + 13 * 3_600_000);
    expect((await call(ctx, s, 'GET', '/api/v1/auth/me')).status).toBe(401);

    const s2 = await login(ctx, m);
    for (let h = 0; h < 7 * 24; h += 10) {
      clock = new Date(clock.getTime() + 10 * 3_600_000);
      const status = (await call(ctx, s2, 'GET', '/api/v1/auth/me')).status;
      if (h + 10 >= 7 * 24) expect(status).toBe(401);
      else expect(status).toBe(200);
    }
  });

  it('refuses cookie-authenticated writes without the CSRF token', async () => {
    const site = await createSite(ctx);
    const m = await createModerator(ctx, { role: 'admin' });
    const s = await login(ctx, m);
    const body = JSON.stringify({ kind: 'email', value: 'troll@example.com' });
    const missing = await ctx.app.request(`/api/v1/moderation/sites/${site.slug}/bans`, { method: 'POST', headers: { cookie: s.cookie, 'content-type': 'application/json' }, body });
    expect(missing.status).toBe(403);
    expect((await missing.json()).error.code).toBe('csrf_failed');
    const wrong = await ctx.app.request(`/api/v1/moderation/sites/${site.slug}/bans`, { method: 'POST', headers: { cookie: s.cookie, 'content-type': 'application/json', 'x-csrf-token': 'x'.repeat(43) }, body });
    expect(wrong.status).toBe(403);
    const right = await call(ctx, s, 'POST', `/api/v1/moderation/sites/${site.slug}/bans`, JSON.parse(body));
    expect(right.status).toBe(201);
    // Reads need no token.
    expect((await ctx.app.request(`/api/v1/moderation/sites/${site.slug}/bans`, { headers: { cookie: s.cookie } })).status).toBe(200);
  });

  it('refuses a login posted from another site', async () => {
    const m = await createModerator(ctx);
    const res = await postJson(ctx.app, '/api/v1/auth/login', { email: m.email, password: testPassword }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  it('lets scripts use a personal API token as Bearer, without CSRF, until it is revoked', async () => {
    const site = await createSite(ctx);
    const m = await createModerator(ctx, { siteIds: [site.id] });
    const s = await login(ctx, m);
    const created = await call(ctx, s, 'POST', '/api/v1/auth/tokens', { name: 'nightly export' });
    expect(created.status).toBe(201);
    const { token, info } = await created.json();
    expect(token).toMatch(/^parley_[\w-]{40,}$/);
    const stored = await ctx.handle.db.selectFrom('api_tokens').selectAll().where('id', '=', info.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);

    const bearer = { authorization: `Bearer ${token}` };
    expect((await ctx.app.request(`/api/v1/moderation/sites/${site.slug}/counts`, { headers: bearer })).status).toBe(200);
    const write = await ctx.app.request(`/api/v1/moderation/sites/${site.slug}/bans`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'ip', value: '192.0.2.1' }) });
    expect(write.status).toBe(201);
    const list = await (await call(ctx, s, 'GET', '/api/v1/auth/tokens')).json();
    expect(list.tokens[0]).toMatchObject({ name: 'nightly export', revoked: false });
    expect(list.tokens[0].lastUsedAt).not.toBeNull();

    expect((await call(ctx, s, 'DELETE', `/api/v1/auth/tokens/${info.id}`)).status).toBe(200);
    expect((await ctx.app.request(`/api/v1/moderation/sites/${site.slug}/counts`, { headers: bearer })).status).toBe(401);
    expect((await ctx.app.request(`/api/v1/moderation/sites/${site.slug}/counts`, { headers: { authorization: 'Bearer parley_madeup' } })).status).toBe(401);
  });

  it('never logs the password', async () => {
    const lines: string[] = [];
    const { createLogger } = await import('../../src/logger.js');
    const logged = await createModerationContext(backend, {});
    (logged.services as { logger: unknown }).logger = createLogger('debug', (l) => lines.push(l));
    try {
      const m = await createModerator(logged);
      await postJson(logged.app, '/api/v1/auth/login', { email: m.email, password: 'the-wrong-secret-123' });
      await postJson(logged.app, '/api/v1/auth/login', { email: m.email, password: testPassword });
      expect(lines.join('\n')).not.toContain('the-wrong-secret-123');
      expect(lines.join('\n')).not.toContain(testPassword);
    } finally {
      await logged.close();
    }
  });
});
