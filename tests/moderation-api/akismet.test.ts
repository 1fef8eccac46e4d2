import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildAkismetParams, createAkismetChecker } from '../../src/moderation/akismet/client.js';
import { akismetVerdictFlag } from '../../src/moderation/akismet/phase.js';
import type { ModerationRecord } from '../../src/moderation/types.js';
import { startAkismetServer, type AkismetTestServer } from '../support/akismetServer.js';
import { backends } from '../support/db.js';
import { createSite, type TestContext } from '../support/app.js';
import { call, createModerationContext, createModerator, login, seedComment, type Session } from './support.js';

function recordWith(verdict: 'spam' | 'ham', body: string): ModerationRecord {
  const params = buildAkismetParams(
    {
      siteId: '1', siteSlug: 's', threadKey: 'refusenik-qa', threadUrl: 'https://www.altfilmguide.com/refusenik-qa/', parentId: null, isEdit: false,
      author: { name: 'Sondra', email: 'sondra@example.com', website: null }, body, ip: '198.51.100.7', userAgent: 'TestBrowser/1.0', referrer: null,
      honeypot: null, formToken: null, receivedAt: new Date('2030-01-01T12:00:00Z'),
    },
    body,
    { isTest: true },
  );
  const flag = akismetVerdictFlag(verdict, params);
  return {
    decision: verdict === 'spam' ? 'spam' : 'publish',
    reason: flag.reason,
    decidedBy: verdict === 'spam' ? 'akismet' : 'pipeline',
    flags: [flag],
    phases: [{ phase: 'akismet', ms: 3, flags: [flag], rewrote: false }],
    totalMs: 3,
  };
}

describe.each(backends)('moderator decisions teach Akismet, against a local Akismet server, on %s', (backend) => {
  let server: AkismetTestServer;
  let ctx: TestContext;
  let admin: Session;
  beforeAll(async () => {
    server = await startAkismetServer();
    const akismet = createAkismetChecker({ key: server.key, blog: 'http://parley.test', protocol: server.endpoint.protocol, host: server.endpoint.host, timeoutMs: 1000 });
    ctx = await createModerationContext(backend, { akismet });
    admin = await login(ctx, await createModerator(ctx, { role: 'admin' }));
  });
  beforeEach(async () => server.reset());
  afterAll(async () => {
    await ctx?.close();
    await server?.stop();
  });

  it('sends submit-spam with the data checked at the time when a moderator marks spam a comment Akismet passed', async () => {
    const site = await createSite(ctx);
    const record = recordWith('ham', 'Cheap watches at my site.');
    const c = await seedComment(ctx, site, { status: 'published', body: 'Cheap watches at my site.', moderation: record });
    const res = await call(ctx, admin, 'POST', `/api/v1/moderation/comments/${c.id}/spam`, {});
    expect(await res.json()).toMatchObject({ status: 'spam', akismet: 'spam-reported' });
    const sent = server.requestsTo('submit-spam');
    expect(sent).toHaveLength(1);
    const params = record.flags[0]!.evidence!.params as Record<string, string>;
    expect(sent[0]!.params).toMatchObject({
      user_ip: params.user_ip, user_agent: params.user_agent, comment_author: 'Sondra', comment_author_email: 'sondra@example.com',
      comment_content: 'Cheap watches at my site.', comment_date_gmt: params.comment_date_gmt, permalink: params.permalink, is_test: 'true',
    });
    expect(server.requestsTo('submit-ham')).toHaveLength(0);
    const audit = await ctx.handle.db.selectFrom('audit_log').selectAll().where('target', '=', `comment:${c.id}`).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: 'akismet_submit_spam', details: { ok: true } });
  });

  it('sends submit-ham when a moderator approves (or un-spams) a comment Akismet called spam', async () => {
    const site = await createSite(ctx);
    const a = await seedComment(ctx, site, { status: 'spam', body: 'A real question about the film.', moderation: recordWith('spam', 'A real question about the film.') });
    const b = await seedComment(ctx, site, { status: 'spam', body: 'Another real one.', moderation: recordWith('spam', 'Another real one.') });
    expect(await (await call(ctx, admin, 'POST', `/api/v1/moderation/comments/${a.id}/approve`, {})).json()).toMatchObject({ status: 'published', akismet: 'ham-reported' });
    expect(await (await call(ctx, admin, 'POST', `/api/v1/moderation/comments/${b.id}/not-spam`, {})).json()).toMatchObject({ status: 'published', akismet: 'ham-reported' });
    expect(server.requestsTo('submit-ham').map((r) => r.params.comment_content)).toEqual(['A real question about the film.', 'Another real one.']);
  });

  it('sends nothing for decisions that agree with Akismet, or for comments Akismet never saw', async () => {
    const site = await createSite(ctx);
    const agreed = await seedComment(ctx, site, { status: 'spam', moderation: recordWith('spam', 'x') });
    const unseen = await seedComment(ctx, site, { status: 'pending' });
    await call(ctx, admin, 'POST', `/api/v1/moderation/comments/${agreed.id}/reject`, {});
    await call(ctx, admin, 'POST', `/api/v1/moderation/comments/${unseen.id}/spam`, {});
    expect(server.requests.filter((r) => r.path !== '/1.1/comment-check')).toEqual([]);
  });

  it('still takes the decision when Akismet is down, and records that the feedback failed', async () => {
    const site = await createSite(ctx);
    const c = await seedComment(ctx, site, { status: 'published', moderation: recordWith('ham', 'Spam it missed.') });
    await server.setFailure('error500');
    const res = await call(ctx, admin, 'POST', `/api/v1/moderation/comments/${c.id}/spam`, {});
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'spam', akismet: 'failed' });
    const audit = await ctx.handle.db.selectFrom('audit_log').selectAll().where('target', '=', `comment:${c.id}`).executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ ok: false });
  });
});
