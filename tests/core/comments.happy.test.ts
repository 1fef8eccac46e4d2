import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/db.js';
import { commentPayload, createSite, createTestContext, postJson, type TestContext } from '../support/app.js';

describe.each(backends)('public comments API on %s', (backend) => {
  let ctx: TestContext;
  beforeAll(async () => {
    // The pipeline has its own suites; here it is empty so these tests speak only of the core.
    ctx = await createTestContext(backend, { phases: [] });
  });
  afterAll(async () => ctx?.close());

  it('creates the thread on the first comment and publishes it with 201', async () => {
    const site = await createSite(ctx);
    const res = await postJson(ctx.app, '/api/v1/comments', commentPayload(site));
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.status).toBe('published');
    expect(body.comment.body).toBe('Where can I find this film to show my group?');
    expect(body.editToken).toMatch(/^[\w-]{20,}$/);

    const list = await (await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=refusenik-qa`)).json();
    expect(list.thread).toMatchObject({ key: 'refusenik-qa', title: 'Refusenik Q&A', url: 'https://www.altfilmguide.com/refusenik-qa/', closed: false, commentCount: 1 });
    expect(list.comments.map((c: { id: string }) => c.id)).toEqual([body.comment.id]);
  });

  it('stores a consent record with the comment, pointing at the policy version and its hash', async () => {
    const site = await createSite(ctx);
    const res = await postJson(ctx.app, '/api/v1/comments', commentPayload(site), { 'user-agent': 'TestBrowser/1.0' });
    const { comment } = await res.json();
    const record = await ctx.handle.db.selectFrom('consent_records').selectAll().where('comment_id', '=', comment.id).executeTakeFirstOrThrow();
    const policy = await ctx.handle.db.selectFrom('policy_versions').selectAll().where('site_id', '=', site.id).executeTakeFirstOrThrow();
    expect(record).toMatchObject({ basis: 'form', policy_version: 1, policy_hash: policy.hash, email: 'sondra@example.com', user_agent: 'TestBrowser/1.0', consent_text: policy.consent_text });
    expect(record.email_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('nests replies under their parents and counts them', async () => {
    const site = await createSite(ctx);
    const top = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { body: 'Top' }))).json();
    const reply = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { body: 'Reply', parentId: top.comment.id, author: { name: 'Bo', email: 'bo@example.com' } }))).json();
    const deeper = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { body: 'Deeper', parentId: reply.comment.id, author: { name: 'Cy', email: 'cy@example.com' } }))).json();
    expect(deeper.comment.parentId).toBe(reply.comment.id);

    const list = await (await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=refusenik-qa`)).json();
    expect(list.thread.commentCount).toBe(3);
    expect(list.comments).toHaveLength(1);
    expect(list.comments[0].replies[0].body).toBe('Reply');
    expect(list.comments[0].replies[0].replies[0].body).toBe('Deeper');
    expect(list.comments[0].moreReplies).toBe(0);
  });

  it('pages the direct replies of one comment with parent=ID (for "more replies")', async () => {
    const site = await createSite(ctx);
    const top = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'more', body: 'Top' }))).json();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'more', body: `Reply ${i}`, parentId: top.comment.id, author: { name: `M${i}`, email: `m${i}@example.com` } }))).json();
      ids.push(r.comment.id);
    }
    await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'more', body: 'Nested', parentId: ids[0], author: { name: 'N', email: 'n@example.com' } }));
    const first = await (await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=more&parent=${top.comment.id}&limit=2`)).json();
    expect(first.comments.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
    expect(first.comments[0]).toMatchObject({ parentId: top.comment.id, replies: [], moreReplies: 1 });
    const second = await (await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=more&parent=${top.comment.id}&limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)).json();
    expect(second.comments.map((c: { id: string }) => c.id)).toEqual([ids[2]]);
    expect(second.nextCursor).toBeNull();
  });

  it('pages top-level comments with cursors, oldest and newest first, without repeats or gaps', async () => {
    const site = await createSite(ctx);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { body: `Comment ${i}`, author: { name: `R${i}`, email: `r${i}@example.com` } }))).json();
      ids.push(r.comment.id);
    }
    for (const [sort, expected] of [['oldest', ids], ['newest', [...ids].reverse()]] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/comments?site=${site.slug}&thread=refusenik-qa&sort=${sort}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await (await ctx.app.request(url)).json();
        seen.push(...page.comments.map((c: { id: string }) => c.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual(expected);
      expect(pages).toBe(3);
    }
  });

  it('sorts by most replies with sort=top', async () => {
    const site = await createSite(ctx);
    const quiet = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { body: 'Quiet' }))).json();
    const busy = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { body: 'Busy', author: { name: 'B', email: 'b@example.com' } }))).json();
    await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { body: 'A reply', parentId: busy.comment.id, author: { name: 'C', email: 'c@example.com' } }));
    const page = await (await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=refusenik-qa&sort=top`)).json();
    expect(page.comments.map((c: { id: string }) => c.id)).toEqual([busy.comment.id, quiet.comment.id]);
  });

  it('answers an unknown thread with an empty list, not an error', async () => {
    const site = await createSite(ctx);
    const res = await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=never-commented`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ comments: [], nextCursor: null, thread: { key: 'never-commented', commentCount: 0 } });
  });

  it('counts many threads in one request, unknown ones as 0', async () => {
    const site = await createSite(ctx);
    await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'a' }));
    await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'a', body: 'second one', author: { name: 'X', email: 'x@example.com' } }));
    await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'b' }));
    const res = await ctx.app.request(`/api/v1/counts?site=${site.slug}&thread=a&thread=b&thread=c`);
    expect(await res.json()).toEqual({ counts: { a: 2, b: 1, c: 0 } });
    const single = await ctx.app.request(`/api/v1/counts?site=${site.slug}&thread=a`);
    expect(await single.json()).toEqual({ counts: { a: 2 } });
  });

  it('serves the current policy with its consent sentence', async () => {
    const site = await createSite(ctx);
    const res = await ctx.app.request(`/api/v1/sites/${site.slug}/policy`);
    const body = await res.json();
    expect(body.policy.version).toBe(1);
    expect(body.policy.consentText).toContain('storage and handling of your data');
    expect(body.policy.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(body.editWindowMinutes).toBe(15);
  });

  it('keeps every concurrent post to one thread and the count right', async () => {
    const site = await createSite(ctx);
    const n = 25;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'busy', body: `Concurrent ${i}`, author: { name: `P${i}`, email: `p${i}@example.com` } })),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(n).fill(201));
    const thread = await ctx.handle.db.selectFrom('threads').selectAll().where('site_id', '=', site.id).where('key', '=', 'busy').execute();
    expect(thread).toHaveLength(1);
    expect(thread[0]!.comment_count).toBe(n);
    const stored = await ctx.handle.db.selectFrom('comments').select((eb) => eb.fn.countAll<string>().as('n')).where('thread_id', '=', thread[0]!.id).executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(n);
    const consents = await ctx.handle.db.selectFrom('consent_records').select((eb) => eb.fn.countAll<string>().as('n')).where('site_id', '=', site.id).executeTakeFirstOrThrow();
    expect(Number(consents.n)).toBe(n);
  });

  it('answers /healthz when the database answers', async () => {
    const res = await ctx.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('describes the API in OpenAPI generated from the validating schemas', async () => {
    const doc = await (await ctx.app.request('/api/v1/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/comments', '/counts', '/sites/{site}/policy']));
    const newComment = doc.components.schemas.NewComment;
    expect(newComment.required).toEqual(expect.arrayContaining(['site', 'thread', 'author', 'body', 'consent']));
    expect(newComment.properties.body.maxLength).toBe(10000);
  });
});
