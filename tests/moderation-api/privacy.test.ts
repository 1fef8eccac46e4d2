import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/db.js';
import { commentPayload, createSite, postJson, type TestContext } from '../support/app.js';
import { call, createModerationContext, createModerator, login, type Session } from './support.js';

describe.each(backends)("admins and readers' data on %s", (backend) => {
  let ctx: TestContext;
  let admin: Session;
  beforeAll(async () => {
    ctx = await createModerationContext(backend, { phases: [], env: { TRUST_PROXY: '1' } });
    admin = await login(ctx, await createModerator(ctx, { role: 'admin' }));
  });
  afterAll(async () => ctx?.close());

  it('shows the consent record behind a comment and lists records by email, also after erasure', async () => {
    const site = await createSite(ctx);
    const email = 'consenting.reader@example.org';
    const posted = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { author: { name: 'Reader', email } }), { 'x-forwarded-for': '198.51.100.61', 'user-agent': 'UA/2' })).json();

    const res = await call(ctx, admin, 'GET', `/api/v1/moderation/comments/${posted.comment.id}/consent`);
    expect(res.status).toBe(200);
    const { records } = await res.json();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ basis: 'form', policyVersion: 1, email, ip: '198.51.100.61', userAgent: 'UA/2', consentText: expect.stringContaining('storage and handling') });

    const byEmail = await (await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/consents?email=${encodeURIComponent(email.toUpperCase())}`)).json();
    expect(byEmail.records.map((r: { commentId: string }) => r.commentId)).toEqual([posted.comment.id]);

    const exported = await (await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/data-export`, { email })).json();
    expect(exported.comments).toHaveLength(1);

    const erased = await (await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/data-erasure`, { email })).json();
    expect(erased).toMatchObject({ commentsAnonymised: 1, consentRecordsReduced: 1 });
    // The proof stays, findable by the address's hash, without the address itself.
    const after = await (await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/consents?email=${encodeURIComponent(email)}`)).json();
    expect(after.records).toHaveLength(1);
    expect(after.records[0]).toMatchObject({ email: null, ip: null, userAgent: null, policyVersion: 1 });
    const log = await ctx.handle.db.selectFrom('erasures').select('requested_by').where('site_id', '=', site.id).executeTakeFirstOrThrow();
    expect(log.requested_by).toMatch(/^moderator:\d+$/);
  });
});
