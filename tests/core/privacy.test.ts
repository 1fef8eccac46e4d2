import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src/mail/mailer.js';
import { erasePersonData } from '../../src/services/dataSubject.js';
import { backends } from '../support/db.js';
import { commentPayload, createSite, createTestContext, postJson, type TestContext } from '../support/app.js';
import { mailText, startSmtpServer } from '../support/smtpServer.js';

/** Every text-like column of every table in the test database, searched for a string. */
async function findAnywhere(ctx: TestContext, needle: string): Promise<string[]> {
  const columns = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and data_type in ('text', 'jsonb', 'json', 'inet', 'character varying', 'ARRAY')`.execute(ctx.handle.db);
  const hits: string[] = [];
  for (const { table_name, column_name } of columns.rows) {
    const found = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table_name)} where ${sql.ref(column_name)}::text ilike ${'%' + needle + '%'}`.execute(ctx.handle.db);
    if (found.rows[0]!.n > 0) hits.push(`${table_name}.${column_name}`);
  }
  return hits;
}

describe.each(backends)("readers' data: export and erasure on %s", (backend) => {
  let ctx: TestContext;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    ctx = await createTestContext(backend, { phases: [], env: { TRUST_PROXY: '1' }, mailer: createSmtpMailer(smtp.url, 'Parley <no-reply@parley.test>') });
  });
  afterAll(async () => {
    await ctx?.close();
    await smtp?.stop();
  });

  async function seedPerson(site: Awaited<ReturnType<typeof createSite>>, email: string, name: string, ip: string) {
    const top = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'gdpr', body: 'My view on the film', author: { name, email, website: 'https://zora.example/' } }), { 'x-forwarded-for': ip })).json();
    await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'gdpr', body: 'A reply to Zora', parentId: top.comment.id, author: { name: 'Other', email: 'other@example.com' } }), { 'x-forwarded-for': '192.0.2.99' });
    await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'gdpr-2', body: 'Another thought', author: { name, email } }), { 'x-forwarded-for': ip });
    await ctx.handle.db.insertInto('bans').values({ site_id: site.id, kind: 'email', value: email, reason: 'test ban', created_by: 'moderator:1', expires_at: null }).execute();
    return top.comment.id as string;
  }

  it('erases name, email and IP from every table, keeps replies in place and the proof of consent', async () => {
    const site = await createSite(ctx);
    const email = 'zora.unique@example.net';
    const topId = await seedPerson(site, email, 'Zora Quintavalle', '203.0.113.201');
    expect(await findAnywhere(ctx, 'zora.unique')).not.toEqual([]);

    const report = await erasePersonData(ctx.services, site, email, 'moderator:1');
    expect(report).toMatchObject({ commentsAnonymised: 2, commentsTextRemoved: 2, consentRecordsReduced: 2, bansRemoved: 1 });

    expect(await findAnywhere(ctx, 'zora.unique')).toEqual([]);
    expect(await findAnywhere(ctx, 'Quintavalle')).toEqual([]);
    expect(await findAnywhere(ctx, '203.0.113.201')).toEqual([]);

    const page = await (await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=gdpr`)).json();
    expect(page.comments[0]).toMatchObject({ id: topId, deleted: true, author: { name: 'deleted' } });
    expect(page.comments[0].replies[0].body).toBe('A reply to Zora');
    const consents = await ctx.handle.db.selectFrom('consent_records').select(['email', 'email_hash', 'policy_version']).where('site_id', '=', site.id).where('email', 'is', null).execute();
    expect(consents).toHaveLength(2);
    expect(consents[0]!.email_hash).toMatch(/^[0-9a-f]{64}$/);
    const logged = await ctx.handle.db.selectFrom('erasures').selectAll().where('site_id', '=', site.id).execute();
    expect(logged).toHaveLength(1);
  });

  it('confirms a self-service export through the link mailed to the address', async () => {
    const site = await createSite(ctx);
    const email = 'exporter@example.net';
    await seedPerson(site, email, 'Ex Porter', '203.0.113.202');
    const res = await postJson(ctx.app, `/api/v1/sites/${site.slug}/data-requests`, { email, kind: 'export' });
    expect(res.status).toBe(202);
    const mail = smtp.messages.find((m) => m.to.includes(email));
    expect(mail).toBeDefined();
    const link = /http:\/\/parley\.test(\/privacy\/confirm\?token=[\w-]+)/.exec(mailText(mail!.raw));
    expect(link).not.toBeNull();
    const token = new URL(link![1]!, 'http://x').searchParams.get('token')!;

    const confirmPage = await ctx.app.request(link![1]!);
    expect(confirmPage.status).toBe(200);
    expect(await confirmPage.text()).toContain('Download my data');
    const download = await ctx.app.request('/privacy/confirm', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` });
    expect(download.headers.get('content-disposition')).toContain('attachment');
    const doc = await download.json();
    expect(doc.email).toBe(email);
    expect(doc.comments).toHaveLength(2);
    expect(doc.comments[0]).toMatchObject({ name: 'Ex Porter', ip: '203.0.113.202', status: 'published' });
    expect(doc.consentRecords).toHaveLength(2);
    expect(doc.consentRecords[0].policyText).toBe('Be kind. Links are removed.');
    expect(doc.bans).toHaveLength(1);
    // The link works once.
    const again = await ctx.app.request('/privacy/confirm', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` });
    expect(again.status).toBe(410);
  });

  it('confirms a self-service erasure through the mailed link', async () => {
    const site = await createSite(ctx);
    const email = 'eraser@example.net';
    await seedPerson(site, email, 'Era Ser', '203.0.113.203');
    await postJson(ctx.app, `/api/v1/sites/${site.slug}/data-requests`, { email, kind: 'erase' });
    const mail = smtp.messages.find((m) => m.to.includes(email))!;
    const token = /token=([\w-]+)/.exec(mailText(mail.raw))![1]!;
    const done = await ctx.app.request('/privacy/confirm', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` });
    expect(done.status).toBe(200);
    expect(await findAnywhere(ctx, 'eraser@example.net')).toEqual([]);
  });

  it("starts a request from the site's 'Your data' page, with no JavaScript, and refuses what it should", async () => {
    const site = await createSite(ctx);
    const email = 'pager@example.net';
    await seedPerson(site, email, 'Pa Ger', '203.0.113.204');
    const form = await ctx.app.request(`/privacy/${site.slug}`);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain(`action="/privacy/${site.slug}"`);
    expect(html).toContain('name="kind" value="erase"');
    expect((await ctx.app.request('/privacy/no-such-site')).status).toBe(404);

    const send = (body: string, headers: Record<string, string> = {}) =>
      ctx.app.request(`/privacy/${site.slug}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
    const bad = await send('email=not-an-address&kind=export');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('valid email address');
    expect((await send(`email=${encodeURIComponent(email)}`)).status).toBe(400);
    const crossSite = await send(`email=${encodeURIComponent(email)}&kind=erase`, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(smtp.messages.filter((m) => m.to.includes(email))).toHaveLength(0);

    const sent = await send(`email=${encodeURIComponent(email)}&kind=erase`, { origin: 'http://localhost' });
    expect(sent.status).toBe(202);
    expect(await sent.text()).toContain('Check your email');
    const mail = smtp.messages.find((m) => m.to.includes(email))!;
    const token = /token=([\w-]+)/.exec(mailText(mail.raw))![1]!;
    const done = await ctx.app.request('/privacy/confirm', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` });
    expect(done.status).toBe(200);
    expect(await findAnywhere(ctx, email)).toEqual([]);
  });

  it('says clearly when no SMTP is configured', async () => {
    const noMail = await createTestContext(backend, { phases: [], mailer: null });
    try {
      const site = await createSite(noMail);
      const res = await postJson(noMail.app, `/api/v1/sites/${site.slug}/data-requests`, { email: 'a@example.com', kind: 'export' });
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.error.code).toBe('email_unavailable');
      expect(body.error.message).toContain('site owner');
      const page = await noMail.app.request(`/privacy/${site.slug}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a%40example.com&kind=export' });
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('site owner');
    } finally {
      await noMail.close();
    }
  });
});
