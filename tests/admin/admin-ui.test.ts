import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/db.js';
import { commentPayload, createSite, postJson, type TestContext } from '../support/app.js';
import { createModerationContext, createModerator, publicBodies, seedComment, testPassword, type TestModerator } from '../moderation-api/support.js';

/** A browser without JavaScript: cookies and forms only. */
class FormClient {
  cookie = '';
  constructor(private ctx: TestContext) {}
  async get(path: string) {
    return this.ctx.app.request(path, { headers: this.cookie ? { cookie: this.cookie } : {}, redirect: 'manual' });
  }
  async post(path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    const res = await this.ctx.app.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}), ...headers }, body: body.toString(), redirect: 'manual' });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    return res;
  }
  async login(m: Pick<TestModerator, 'email'>) {
    const res = await this.post('/admin/login', { email: m.email, password: testPassword, next: '/admin' });
    expect(res.status).toBe(303);
    return res;
  }
  /** The CSRF token as the page's forms carry it. */
  async csrf(path: string): Promise<string> {
    const html = await (await this.get(path)).text();
    return /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  }
}

describe.each(backends)('admin web UI on %s', (backend) => {
  let ctx: TestContext;
  let adminAccount: TestModerator;
  beforeAll(async () => {
    ctx = await createModerationContext(backend);
    adminAccount = await createModerator(ctx, { role: 'admin' });
  });
  afterAll(async () => ctx?.close());

  it('sends anonymous visitors to the login page, and logs in with a form', async () => {
    const site = await createSite(ctx);
    const browser = new FormClient(ctx);
    const res = await browser.get(`/admin/sites/${site.slug}/queue/pending`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/admin/login?next=${encodeURIComponent(`/admin/sites/${site.slug}/queue/pending`)}`);
    const page = await browser.get('/admin/login');
    expect(await page.text()).toContain('Log in to moderate');
    const wrong = await browser.post('/admin/login', { email: adminAccount.email, password: 'wrong password', next: '/admin' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong email or password.');
    const ok = await browser.post('/admin/login', { email: adminAccount.email, password: testPassword, next: `/admin/sites/${site.slug}/queue/pending` });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/admin/sites/${site.slug}/queue/pending`);
    expect((await browser.get(`/admin/sites/${site.slug}/queue/pending`)).status).toBe(200);
    // An outside `next` is not followed.
    const evil = await new FormClient(ctx).post('/admin/login', { email: adminAccount.email, password: testPassword, next: '//evil.example/' });
    expect(evil.headers.get('location')).toBe('/admin');
  });

  it('sends strict security headers: CSP with a nonce, no framing, no referrer leaks', async () => {
    const res = await new FormClient(ctx).get('/admin/login');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'nonce-[\w+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    const html = await res.text();
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(html).toContain(`<style nonce="${nonce}">`);
  });

  it('shows held comments with counts, reasons, highlighted words and removed links, escaping everything users wrote', async () => {
    const site = await createSite(ctx);
    await seedComment(ctx, site, {
      name: '<img src=x onerror=alert(1)>',
      body: 'Get the DVD here <script>alert("x")</script> now',
      moderation: {
        decision: 'hold', reason: 'Uses a word this site reviews before publishing: "dvd".', decidedBy: 'blocklists',
        flags: [
          { code: 'suspect_word', reason: 'Uses a word this site reviews before publishing: "dvd".', evidence: { list: 'suspect', words: ['dvd'], fields: ['body'] } },
          { code: 'links_removed', reason: 'Removed 1 link from the comment.', evidence: { removed: ['http://spam.example/<b>'], hosts: ['spam.example'], count: 1 } },
        ],
        phases: [], totalMs: 2,
      },
    });
    // The abuse phase's evidence is phrases, not words: they are marked too.
    await seedComment(ctx, site, {
      body: 'Honestly you are an idiot for liking this.',
      moderation: {
        decision: 'hold', reason: 'Insults a person: "you are an idiot".', decidedBy: 'abuse',
        flags: [{ code: 'insult', reason: 'Insults a person: "you are an idiot".', evidence: { phrases: ['you are an idiot'], severity: 'hold' } }],
        phases: [], totalMs: 1,
      },
    });
    await seedComment(ctx, site, { status: 'spam' });
    const browser = new FormClient(ctx);
    await browser.login(adminAccount);
    const html = await (await browser.get(`/admin/sites/${site.slug}/queue/pending`)).text();
    expect(html).toMatch(/Held <span class="count">2<\/span>/);
    expect(html).toMatch(/Spam <span class="count">1<\/span>/);
    expect(html).toContain('<mark>DVD</mark>');
    expect(html).toContain('Honestly <mark>you are an idiot</mark> for liking this.');
    expect(html).toContain('suspect_word');
    expect(html).toContain('http://spam.example/&lt;b&gt;');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
  });

  it('approves with a plain form post (CSRF field included) and the comment goes public', async () => {
    const site = await createSite(ctx);
    const c = await seedComment(ctx, site, { body: 'Approve me.' });
    const browser = new FormClient(ctx);
    await browser.login(adminAccount);
    const back = `/admin/sites/${site.slug}/queue/pending`;
    const csrf = await browser.csrf(back);
    const res = await browser.post(`/admin/comments/${c.id}/action`, { _csrf: csrf, action: 'approve', back });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${back}?done=approve`);
    expect(await publicBodies(ctx, site)).toEqual(['Approve me.']);
    expect(await (await browser.get(`${back}?done=approve`)).text()).toContain('Approved.');
  });

  it('refuses a form post without the CSRF field', async () => {
    const site = await createSite(ctx);
    const c = await seedComment(ctx, site);
    const browser = new FormClient(ctx);
    await browser.login(adminAccount);
    const res = await browser.post(`/admin/comments/${c.id}/action`, { action: 'approve', back: '/admin' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('security token');
    const row = await ctx.handle.db.selectFrom('comments').select('status').where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
  });

  it('acts on the selected comments in bulk, bans from a card, edits text, and closes a thread', async () => {
    const site = await createSite(ctx);
    const a = await seedComment(ctx, site, { body: 'One.' });
    const b = await seedComment(ctx, site, { body: 'Two.' });
    const troll = await seedComment(ctx, site, { status: 'published', email: 'troll@example.com', body: 'Troll.' });
    const browser = new FormClient(ctx);
    await browser.login(adminAccount);
    const back = `/admin/sites/${site.slug}/queue/pending`;
    const csrf = await browser.csrf(back);
    expect((await browser.post('/admin/bulk', { _csrf: csrf, action: 'approve', ids: [a.id, b.id], back })).status).toBe(303);
    expect((await publicBodies(ctx, site)).sort()).toEqual(['One.', 'Troll.', 'Two.']);

    const ban = await browser.post(`/admin/sites/${site.slug}/bans`, { _csrf: csrf, kind: 'email', value: '', email: 'troll@example.com', ip: '', reason: 'Trolling', rejectExisting: '1', back });
    expect(ban.status).toBe(303);
    expect((await publicBodies(ctx, site)).sort()).toEqual(['One.', 'Two.']);
    expect(await (await browser.get(`/admin/sites/${site.slug}/bans`)).text()).toContain('troll@example.com');
    const trollRow = await ctx.handle.db.selectFrom('comments').select('status').where('id', '=', troll.id).executeTakeFirstOrThrow();
    expect(trollRow.status).toBe('rejected');

    expect((await browser.post(`/admin/comments/${a.id}/edit`, { _csrf: csrf, body: 'One, edited.', back })).status).toBe(303);
    expect((await publicBodies(ctx, site)).sort()).toEqual(['One, edited.', 'Two.']);

    expect((await browser.post(`/admin/sites/${site.slug}/thread`, { _csrf: csrf, key: 'refusenik-qa', closed: '1', reason: 'Enough' })).status).toBe(303);
    const thread = await ctx.handle.db.selectFrom('threads').select('closed').where('site_id', '=', site.id).executeTakeFirstOrThrow();
    expect(thread.closed).toBe(true);
    const audit = await (await browser.get(`/admin/sites/${site.slug}/audit`)).text();
    for (const action of ['thread_closed', 'edited', 'ban_created', 'approve']) expect(audit).toContain(action);
  });

  it('lets admins save settings and manage accounts from the pages', async () => {
    const site = await createSite(ctx);
    const browser = new FormClient(ctx);
    await browser.login(adminAccount);
    const csrf = await browser.csrf(`/admin/sites/${site.slug}/settings`);
    const res = await browser.post(`/admin/sites/${site.slug}/settings`, {
      _csrf: csrf, name: 'Renamed', mode: 'first-time', linkPolicy: 'hold', linkAllowlist: 'altfilmguide.com', bannedWords: 'slur', suspectWords: 'dvd\nblu-ray',
      reportThreshold: '4', allowedOrigins: 'https://www.altfilmguide.com', editWindowMinutes: '20', autoCloseDays: '', ipRetentionDays: '30', spamRetentionDays: '15', rejectedRetentionDays: '30',
      erasureKeepsText: '1', policyText: 'A new policy.', consentText: '',
    });
    expect(res.status).toBe(303);
    const html = await (await browser.get(`/admin/sites/${site.slug}/settings`)).text();
    expect(html).toContain('version 2');
    expect(html).toContain('blu-ray');
    expect(html).toMatch(/<option value="1" selected="">keep their text/);
    expect((await ctx.handle.db.selectFrom('sites').select('erasure_keeps_text').where('id', '=', site.id).executeTakeFirstOrThrow()).erasure_keeps_text).toBe(true);
    const created = await browser.post('/admin/moderators', { _csrf: csrf, email: 'ui-mod@example.com', displayName: 'UI Mod', password: testPassword, role: 'moderator', sites: [site.slug] });
    expect(created.status).toBe(303);
    expect(await (await browser.get('/admin/moderators')).text()).toContain('ui-mod@example.com');
  });

  it('lets a moderator change their own password on the account page, and an admin change a role', async () => {
    const site = await createSite(ctx);
    const mod = await createModerator(ctx, { siteIds: [site.id] });
    const browser = new FormClient(ctx);
    await browser.login(mod);
    const elsewhere = new FormClient(ctx);
    await elsewhere.login(mod);
    const page = await (await browser.get('/admin/account')).text();
    expect(page).toContain('Change your password');
    expect(page).toContain(mod.email);
    const csrf = await browser.csrf('/admin/account');
    const fresh = 'a brand new passphrase';

    const differ = await browser.post('/admin/account', { _csrf: csrf, currentPassword: testPassword, newPassword: fresh, confirmPassword: `${fresh}!` });
    expect(differ.status).toBe(400);
    expect(await differ.text()).toContain('The two new passwords differ.');
    const wrong = await browser.post('/admin/account', { _csrf: csrf, currentPassword: 'not my password', newPassword: fresh, confirmPassword: fresh });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain('Your current password is not right.');
    const noToken = await browser.post('/admin/account', { currentPassword: testPassword, newPassword: fresh, confirmPassword: fresh });
    expect(noToken.status).toBe(403);

    const done = await browser.post('/admin/account', { _csrf: csrf, currentPassword: testPassword, newPassword: fresh, confirmPassword: fresh });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/admin/account?done=password');
    // This browser stays logged in; the other session is over; the new password logs in, the old does not.
    expect((await browser.get(`/admin/sites/${site.slug}/queue/pending`)).status).toBe(200);
    expect((await elsewhere.get(`/admin/sites/${site.slug}/queue/pending`)).headers.get('location')).toMatch(/^\/admin\/login/);
    const old = await new FormClient(ctx).post('/admin/login', { email: mod.email, password: testPassword, next: '/admin' });
    expect(old.status).not.toBe(303);
    expect((await new FormClient(ctx).post('/admin/login', { email: mod.email, password: fresh, next: '/admin' })).status).toBe(303);

    // The admin makes the moderator an admin from the accounts page.
    const admin = new FormClient(ctx);
    await admin.login(adminAccount);
    const adminCsrf = await admin.csrf('/admin/moderators');
    expect((await admin.post(`/admin/moderators/${mod.id}`, { _csrf: adminCsrf, do: 'role', role: 'admin' })).status).toBe(303);
    expect((await ctx.handle.db.selectFrom('moderators').select('role').where('id', '=', mod.id).executeTakeFirstOrThrow()).role).toBe('admin');
    expect((await admin.post(`/admin/moderators/${mod.id}`, { _csrf: adminCsrf, do: 'role', role: 'owner' })).status).toBe(400);
  });

  it('lets an admin look up, download and erase a reader\'s data on the privacy page; a moderator may not', async () => {
    const site = await createSite(ctx);
    const reader = 'erase.me@example.org';
    const posted = await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { author: { name: 'Erase Me', email: reader }, body: 'Please forget me later.' }), { 'x-forwarded-for': '198.51.100.23' });
    expect(posted.status).toBe(201);
    const admin = new FormClient(ctx);
    await admin.login(adminAccount);
    const page = await (await admin.get(`/admin/sites/${site.slug}/privacy?email=${encodeURIComponent(reader)}`)).text();
    expect(page).toContain('By using this form you agree');
    expect(page).toMatch(/<td>form<\/td>\s*<td>version 1/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;

    const download = await admin.post(`/admin/sites/${site.slug}/privacy/export`, { _csrf: csrf, email: reader });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="parley-.+-reader-data\.json"$/);
    expect(JSON.stringify(await download.json())).toContain('Please forget me later.');

    const unconfirmed = await admin.post(`/admin/sites/${site.slug}/privacy/erase`, { _csrf: csrf, email: reader });
    expect(unconfirmed.status).toBe(400);
    expect(await ctx.handle.db.selectFrom('comments').select('author_email').where('site_id', '=', site.id).executeTakeFirstOrThrow()).toEqual({ author_email: reader });
    const erased = await admin.post(`/admin/sites/${site.slug}/privacy/erase`, { _csrf: csrf, email: reader, confirm: '1' });
    expect(erased.status).toBe(200);
    expect(await erased.text()).toMatch(/Erased: 1 comments anonymised/);
    expect(await ctx.handle.db.selectFrom('comments').select(['author_email', 'ip']).where('site_id', '=', site.id).executeTakeFirstOrThrow()).toEqual({ author_email: null, ip: null });

    // A moderator of the site sees no privacy page and can neither download nor erase.
    const mod = await createModerator(ctx, { siteIds: [site.id] });
    const moderator = new FormClient(ctx);
    await moderator.login(mod);
    expect((await moderator.get(`/admin/sites/${site.slug}/privacy`)).status).toBe(403);
    const modCsrf = await moderator.csrf(`/admin/sites/${site.slug}/settings`);
    expect((await moderator.post(`/admin/sites/${site.slug}/privacy/export`, { _csrf: modCsrf, email: reader })).status).toBe(403);
    expect((await moderator.post(`/admin/sites/${site.slug}/privacy/erase`, { _csrf: modCsrf, email: reader, confirm: '1' })).status).toBe(403);
  });

  it('shows a moderator of another site 404 for every page and action of this site', async () => {
    const site = await createSite(ctx);
    const other = await createSite(ctx);
    const c = await seedComment(ctx, site);
    const outsider = await createModerator(ctx, { siteIds: [other.id] });
    const browser = new FormClient(ctx);
    await browser.login(outsider);
    for (const path of [`/admin/sites/${site.slug}/queue/pending`, `/admin/sites/${site.slug}/bans`, `/admin/sites/${site.slug}/audit`, `/admin/sites/${site.slug}/settings`, `/admin/sites/${site.slug}/thread?key=refusenik-qa`]) {
      expect((await browser.get(path)).status, path).toBe(404);
    }
    const csrf = await browser.csrf(`/admin/sites/${other.slug}/queue/pending`);
    expect((await browser.post(`/admin/comments/${c.id}/action`, { _csrf: csrf, action: 'approve', back: '/admin' })).status).toBe(404);
    expect((await browser.get('/admin/moderators')).status).toBe(403);
    const row = await ctx.handle.db.selectFrom('comments').select('status').where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
  });
});
