import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recheckDeferredComments } from '../../src/jobs/akismetRecheck.js';
import { createAkismetChecker } from '../../src/moderation/akismet/client.js';
import { backends } from '../support/db.js';
import { commentPayload, createSite, createTestContext, postJson, type TestContext } from '../support/app.js';
import { guaranteedSpamAuthor, startAkismetServer, type AkismetTestServer } from '../support/akismetServer.js';
import { call, createModerator, login } from '../moderation-api/support.js';

describe.each(backends)('Akismet through POST /api/v1/comments on %s', (backend) => {
  let ctx: TestContext;
  let akismet: AkismetTestServer;
  let now = new Date();
  beforeAll(async () => {
    akismet = await startAkismetServer();
    const checker = createAkismetChecker({ key: akismet.key, blog: 'http://parley.test', ...akismet.endpoint, timeoutMs: 400, isTest: true });
    ctx = await createTestContext(backend, { akismet: checker, clock: () => now, env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => {
    await ctx?.close();
    await akismet?.stop();
  });
  beforeEach(async () => {
    await akismet.reset();
    now = new Date();
  });

  const statusOf = async (id: string) => (await ctx.handle.db.selectFrom('comments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  it('marks what Akismet calls spam as spam, answering 202 like a held comment, with everything Akismet wants sent', async () => {
    const site = await createSite(ctx);
    const res = await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { author: { name: guaranteedSpamAuthor, email: 'x@example.com' }, body: 'The archive footage in this documentary is astonishing.' }), { 'x-forwarded-for': '203.0.113.9', 'user-agent': 'Reader/1.0', referer: 'https://www.altfilmguide.com/refusenik-qa/' });
    expect(res.status).toBe(202);
    const { comment } = await res.json();
    expect(await statusOf(comment.id)).toBe('spam');
    const sent = akismet.requestsTo('comment-check')[0]!.params;
    expect(sent).toMatchObject({ user_ip: '203.0.113.9', user_agent: 'Reader/1.0', referrer: 'https://www.altfilmguide.com/refusenik-qa/', comment_type: 'comment', comment_author: guaranteedSpamAuthor, permalink: 'https://www.altfilmguide.com/refusenik-qa/', is_test: expect.anything() });
  });

  it('names each site to Akismet by its own front page, and the server only for a site without an address', async () => {
    const film = await createSite(ctx, { allowedOrigins: ['https://www.altfilmguide.com', 'https://staging.altfilmguide.com'] });
    const bare = await createSite(ctx);
    for (const site of [film, bare]) {
      const res = await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { body: `A comment on ${site.slug}.` }), { 'x-forwarded-for': '203.0.113.10' });
      expect(res.status).toBe(201);
    }
    const [first, second] = akismet.requestsTo('comment-check');
    expect(first!.params.blog).toBe('https://www.altfilmguide.com/');
    expect(second!.params.blog).toBe('http://parley.test');
    // Stored with the check, so a moderator's later report names the same site.
    const stored = await ctx.handle.db.selectFrom('comments').select('moderation').where('site_id', '=', film.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored.moderation)).toContain('"blog":"https://www.altfilmguide.com/"');
  });

  it('holds the comment with spam-check-deferred when Akismet hangs, then publishes it when a recheck gets an answer', async () => {
    const site = await createSite(ctx);
    await akismet.setFailure('hang');
    const res = await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { body: 'Where can I find a screening of this film near Boston?' }), { 'x-forwarded-for': '203.0.113.10' });
    expect(res.status).toBe(202);
    const { comment } = await res.json();
    expect(await statusOf(comment.id)).toBe('pending');
    const stored = await ctx.handle.db.selectFrom('comments').select('moderation').where('id', '=', comment.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored.moderation)).toContain('spam-check-deferred');

    // Still down at the first retry: it waits longer.
    await akismet.setFailure('error500');
    now = new Date(now.getTime() + 2 * 60_000);
    expect(await recheckDeferredComments(ctx.services)).toMatchObject({ checked: 1, retried: 1 });
    expect(await statusOf(comment.id)).toBe('pending');

    await akismet.setFailure('none');
    now = new Date(now.getTime() + 10 * 60_000);
    expect(await recheckDeferredComments(ctx.services)).toMatchObject({ checked: 1, released: 1 });
    expect(await statusOf(comment.id)).toBe('published');
    expect(akismet.requestsTo('comment-check').at(-1)!.params.recheck_reason).toBe('retry');
    const page = await (await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=refusenik-qa`)).json();
    expect(page.comments.map((c: { id: string }) => c.id)).toContain(comment.id);
  });

  it('never publishes unchecked when Akismet refuses connections or answers 500', async () => {
    const site = await createSite(ctx);
    for (const [i, mode] of (['refuse', 'error500'] as const).entries()) {
      await akismet.setFailure(mode);
      const res = await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { body: `A thoughtful question number ${i} about the film's sources.`, author: { name: 'Q', email: `q${i}@example.com` } }), { 'x-forwarded-for': `203.0.113.${20 + i}` });
      expect(res.status).toBe(202);
      expect(await statusOf((await res.json()).comment.id)).toBe('pending');
    }
    const queued = await ctx.handle.db.selectFrom('akismet_rechecks').select('comment_id').execute();
    expect(queued.length).toBeGreaterThanOrEqual(2);
  });

  it('rechecks the text as edited, not as first posted, when an edit comes while Akismet is down', async () => {
    const site = await createSite(ctx);
    await akismet.setFailure('hang');
    const res = await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { body: 'Is there a screening of this film in Haifa?' }), { 'x-forwarded-for': '203.0.113.30' });
    expect(res.status).toBe(202);
    const { comment, editToken } = await res.json();
    const edited = await ctx.app.request(`/api/v1/comments/${comment.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${editToken}`, 'x-forwarded-for': '203.0.113.30' },
      body: JSON.stringify({ body: 'Is there a screening of this film in Haifa? Also: best online casino bonus today' }),
    });
    expect(edited.status).toBe(200);
    expect(await statusOf(comment.id)).toBe('pending');

    await akismet.setFailure('none');
    akismet.setSpamRule((params) => /casino/i.test(params.comment_content ?? ''));
    now = new Date(now.getTime() + 10 * 60_000);
    await recheckDeferredComments(ctx.services);
    const sent = akismet.requestsTo('comment-check').at(-1)!.params;
    expect(sent.comment_content).toContain('casino');
    expect(await statusOf(comment.id)).toBe('spam');
    expect(await ctx.handle.db.selectFrom('akismet_rechecks').select('comment_id').where('comment_id', '=', comment.id).execute()).toEqual([]);
  });

  // The whole chain: the pipeline's real check stores what it sent, and a moderator's later
  // decision against Akismet's verdict sends that same data back as feedback.
  it('teaches Akismet with the data of the real check when a moderator overrules it', async () => {
    const site = await createSite(ctx);
    const admin = await login(ctx, await createModerator(ctx, { role: 'admin' }));
    const passed = await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { body: 'Lovely film; the score stayed with me for days afterwards.', author: { name: 'Wally', email: 'wally@example.com' } }), { 'x-forwarded-for': '203.0.113.40', 'user-agent': 'Passed/1.0' });
    expect(passed.status).toBe(201);
    const passedId = (await passed.json()).comment.id;
    const checked = akismet.requestsTo('comment-check').at(-1)!.params;

    const marked = await call(ctx, admin, 'POST', `/api/v1/moderation/comments/${passedId}/spam`, {});
    expect(await marked.json()).toMatchObject({ status: 'spam', akismet: 'spam-reported' });
    const spamSent = akismet.requestsTo('submit-spam');
    expect(spamSent).toHaveLength(1);
    for (const key of ['user_ip', 'user_agent', 'comment_author', 'comment_author_email', 'comment_content', 'comment_date_gmt', 'permalink']) {
      expect(spamSent[0]!.params[key], key).toBe(checked[key]);
    }

    const caught = await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { author: { name: guaranteedSpamAuthor, email: 'caught@example.com' }, body: 'A real question about the archive footage.' }), { 'x-forwarded-for': '203.0.113.41', 'user-agent': 'Caught/1.0' });
    expect(caught.status).toBe(202);
    const caughtId = (await caught.json()).comment.id;
    const caughtCheck = akismet.requestsTo('comment-check').at(-1)!.params;
    expect(await statusOf(caughtId)).toBe('spam');
    const unspammed = await call(ctx, admin, 'POST', `/api/v1/moderation/comments/${caughtId}/not-spam`, {});
    expect(unspammed.status).toBe(200);
    const hamSent = akismet.requestsTo('submit-ham');
    expect(hamSent).toHaveLength(1);
    expect(hamSent[0]!.params.comment_content).toBe(caughtCheck.comment_content);
    expect(hamSent[0]!.params.user_ip).toBe('203.0.113.41');
    expect(await statusOf(caughtId)).toBe('published');
  });
});
