import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/db.js';
import { createSite, postJson, type TestContext } from '../support/app.js';
import { call, createModerationContext, createModerator, login, publicBodies, seedComment, type Session } from './support.js';

describe.each(backends)('reader reports on %s', (backend) => {
  let ctx: TestContext;
  let admin: Session;
  beforeAll(async () => {
    ctx = await createModerationContext(backend, { env: { TRUST_PROXY: '1' } });
    admin = await login(ctx, await createModerator(ctx, { role: 'admin' }));
  });
  afterAll(async () => ctx?.close());

  const report = (id: string, body: unknown, ip = '198.51.100.1', ua = 'Reader/1.0') =>
    postJson(ctx.app, `/api/v1/comments/${id}/reports`, body, { 'x-forwarded-for': ip, 'user-agent': ua });

  it('takes one report per reader per comment', async () => {
    const site = await createSite(ctx);
    const c = await seedComment(ctx, site, { status: 'published' });
    const first = await report(c.id, { reason: 'abuse', note: 'Insults another reader.' });
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ reported: true });
    const again = await report(c.id, { reason: 'spam' });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('already_reported');
    // Another browser, or a made-up email, from the same address is the same reporter: one
    // person must not be able to reach the threshold alone.
    expect((await report(c.id, { reason: 'spam' }, '198.51.100.1', 'Other/2.0')).status).toBe(409);
    expect((await report(c.id, { reason: 'spam', email: 'someone-else@example.com' }, '198.51.100.1', 'Third/3.0')).status).toBe(409);
    expect((await report(c.id, { reason: 'spam' }, '198.51.100.2')).status).toBe(201);
    const row = await ctx.handle.db.selectFrom('reports').selectAll().where('comment_id', '=', c.id).orderBy('id').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ reason: 'abuse', note: 'Insults another reader.' });
    expect(row.reporter_key).toMatch(/^[0-9a-f]{64}$/);
    expect(row.reporter_key).not.toContain('198.51.100.1');
  });

  it('refuses bad reasons, and comments that are not published', async () => {
    const site = await createSite(ctx);
    const held = await seedComment(ctx, site, { status: 'pending' });
    const published = await seedComment(ctx, site, { status: 'published' });
    expect((await report(published.id, { reason: 'boring' })).status).toBe(400);
    expect((await report(held.id, { reason: 'spam' })).status).toBe(404);
    expect((await report('987654321', { reason: 'spam' })).status).toBe(404);
  });

  it("hides a comment after the site's threshold of reports and puts it in the reported queue until a moderator decides", async () => {
    const site = await createSite(ctx, { reportThreshold: 2 });
    const c = await seedComment(ctx, site, { status: 'published', body: 'Contested.' });
    await report(c.id, { reason: 'misinformation' }, '192.0.2.10');
    let queue = await (await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/queues/reported`)).json();
    expect(queue.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([[c.id, 'published']]);
    expect(await publicBodies(ctx, site)).toEqual(['Contested.']);

    await report(c.id, { reason: 'off-topic', note: 'Nothing to do with the film.' }, '192.0.2.11');
    expect(await publicBodies(ctx, site)).toEqual([]);
    queue = await (await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/queues/reported`)).json();
    expect(queue.counts).toMatchObject({ reported: 1, pending: 0 });
    expect(queue.items[0]).toMatchObject({ id: c.id, status: 'pending', openReports: 2 });
    expect(queue.items[0].reports.map((r: { reason: string }) => r.reason)).toEqual(['misinformation', 'off-topic']);
    const hidden = await ctx.handle.db.selectFrom('moderation_events').selectAll().where('comment_id', '=', c.id).where('actor', '=', 'readers').executeTakeFirstOrThrow();
    expect(hidden).toMatchObject({ action: 'hidden_by_reports', from_status: 'published', to_status: 'pending' });

    // A moderator keeps it: published again, the reports are closed, and it leaves the queue.
    expect((await call(ctx, admin, 'POST', `/api/v1/moderation/comments/${c.id}/approve`, {})).status).toBe(200);
    expect(await publicBodies(ctx, site)).toEqual(['Contested.']);
    queue = await (await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/queues/reported`)).json();
    expect(queue.items).toEqual([]);
    // One new report does not hide it again at once: the count starts over.
    expect((await report(c.id, { reason: 'abuse' }, '192.0.2.12')).status).toBe(201);
    expect(await publicBodies(ctx, site)).toEqual(['Contested.']);
  });

  it('dismisses reports on a comment that was never hidden when a moderator approves it', async () => {
    const site = await createSite(ctx);
    const c = await seedComment(ctx, site, { status: 'published' });
    await report(c.id, { reason: 'spam' }, '192.0.2.20');
    const res = await (await call(ctx, admin, 'POST', `/api/v1/moderation/comments/${c.id}/approve`, {})).json();
    expect(res).toMatchObject({ status: 'published', changed: false });
    const counts = (await (await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/counts`)).json()).counts;
    expect(counts.reported).toBe(0);
    const event = await ctx.handle.db.selectFrom('moderation_events').selectAll().where('comment_id', '=', c.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(event.action).toBe('reports_dismissed');
  });

  it('rate limits reports per IP, counted in the database', async () => {
    const site = await createSite(ctx, { reportThreshold: 1000 });
    const comments = [];
    for (let i = 0; i < 11; i++) comments.push(await seedComment(ctx, site, { status: 'published', body: `Comment ${i}` }));
    const statuses = [];
    for (const c of comments) statuses.push((await report(c.id, { reason: 'spam' }, '203.0.113.50')).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
    expect(statuses[10]).toBe(429);
  });

  it('refuses reports from pages on origins the site does not allow', async () => {
    const site = await createSite(ctx, { allowedOrigins: ['https://www.altfilmguide.com'] });
    const c = await seedComment(ctx, site, { status: 'published' });
    expect((await postJson(ctx.app, `/api/v1/comments/${c.id}/reports`, { reason: 'spam' }, { origin: 'https://evil.example', 'x-forwarded-for': '192.0.2.30' })).status).toBe(403);
    expect((await postJson(ctx.app, `/api/v1/comments/${c.id}/reports`, { reason: 'spam' }, { origin: 'https://www.altfilmguide.com', 'x-forwarded-for': '192.0.2.30' })).status).toBe(201);
  });
});
