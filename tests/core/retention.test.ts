import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredData } from '../../src/jobs/retention.js';
import { runJobOnce } from '../../src/jobs/scheduler.js';
import { scrubParams } from '../../src/db/retention.js';
import { backends } from '../support/db.js';
import { commentPayload, createSite, createTestContext, postJson, type TestContext } from '../support/app.js';

const DAY = 86_400_000;

describe.each(backends)('retention on %s', (backend) => {
  let ctx: TestContext;
  let now = new Date('2026-03-01T00:00:00Z');
  beforeAll(async () => {
    ctx = await createTestContext(backend, { phases: [], clock: () => now, env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => ctx?.close());

  async function post(site: Awaited<ReturnType<typeof createSite>>, at: Date, body: string, ip: string) {
    now = at;
    const res = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { body, author: { name: 'R', email: `${body.replace(/\W/g, '')}@example.com` } }), { 'x-forwarded-for': ip, 'user-agent': 'UA/1' })).json();
    return res.comment.id as string;
  }

  it('erases IPs and user agents after the retention period and removes old spam and rejected comments, nothing else', async () => {
    const site = await createSite(ctx);
    const t0 = new Date('2026-03-01T00:00:00Z');
    const old = await post(site, t0, 'old one', '198.51.100.1');
    const recent = await post(site, new Date(t0.getTime() + 20 * DAY), 'recent one', '198.51.100.2');
    const oldSpam = await post(site, t0, 'old spam', '198.51.100.3');
    const newSpam = await post(site, new Date(t0.getTime() + 25 * DAY), 'new spam', '198.51.100.4');
    const oldRejected = await post(site, t0, 'old rejected', '198.51.100.5');
    // A moderation record carrying the Akismet params (IP included) as the phase stores them.
    await ctx.handle.db.updateTable('comments').set({ moderation: JSON.stringify({ flags: [{ code: 'akismet_ham', reason: 'ok', evidence: { params: { user_ip: '198.51.100.1', user_agent: 'UA/1', comment_content: 'old one' } } }] }) }).where('id', '=', old).execute();
    await ctx.handle.db.updateTable('comments').set({ status: 'spam', status_changed_at: t0 }).where('id', 'in', [oldSpam]).execute();
    await ctx.handle.db.updateTable('comments').set({ status: 'spam', status_changed_at: new Date(t0.getTime() + 25 * DAY) }).where('id', '=', newSpam).execute();
    await ctx.handle.db.updateTable('comments').set({ status: 'rejected', status_changed_at: t0 }).where('id', '=', oldRejected).execute();

    now = new Date(t0.getTime() + 31 * DAY);
    const report = await purgeExpiredData(ctx.services);
    expect(report).toMatchObject({ spamDeleted: 1, rejectedDeleted: 1 });

    const rows = await ctx.handle.db.selectFrom('comments').select(['id', 'ip', 'user_agent', 'moderation']).where('site_id', '=', site.id).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(old)).toMatchObject({ ip: null, user_agent: null });
    expect(JSON.stringify(byId.get(old)!.moderation)).not.toContain('198.51.100.1');
    expect(JSON.stringify(byId.get(old)!.moderation)).toContain('comment_content');
    expect(byId.get(recent)).toMatchObject({ ip: '198.51.100.2', user_agent: 'UA/1' });
    expect(byId.has(oldSpam)).toBe(false);
    expect(byId.has(oldRejected)).toBe(false);
    expect(byId.get(newSpam)).toBeDefined();

    const consents = await ctx.handle.db.selectFrom('consent_records').select(['comment_id', 'ip', 'user_agent', 'email_hash', 'policy_version']).where('site_id', '=', site.id).execute();
    const consentFor = (id: string) => consents.find((c) => c.comment_id === id);
    expect(consentFor(old)).toMatchObject({ ip: null, user_agent: null, policy_version: 1 });
    expect(consentFor(recent)).toMatchObject({ ip: '198.51.100.2' });
    // Consent records outlive the comments they covered: the proof stays.
    expect(consents).toHaveLength(5);
  });

  it('records each scheduled run and what it did', async () => {
    const report = await runJobOnce(ctx.services, { name: 'retention', everyMs: 1, run: purgeExpiredData });
    expect(report).toMatchObject({ sites: expect.any(Number) });
    const run = await ctx.handle.db.selectFrom('job_runs').selectAll().where('job', '=', 'retention').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(run.report).toMatchObject({ sites: expect.any(Number), spamDeleted: expect.any(Number) });
  });
});

describe('scrubParams', () => {
  it('drops IP, user agent and referrer from every params object and keeps the rest', () => {
    const record = { flags: [{ evidence: { params: { user_ip: '1.2.3.4', user_agent: 'x', referrer: 'r', blog: 'b' } } }], phases: [{ flags: [{ evidence: { params: { user_ip: '1.2.3.4' } } }] }] };
    expect(scrubParams(record)).toEqual({ flags: [{ evidence: { params: { blog: 'b' } } }], phases: [{ flags: [{ evidence: { params: {} } }] }] });
  });
});
