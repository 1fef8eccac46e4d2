import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Phase } from '../../src/moderation/types.js';
import { backends } from '../support/db.js';
import { commentPayload, createSite, createTestContext, postJson, type TestContext } from '../support/app.js';

// A stand-in rule so edits can be seen going through moderation again.
const holdsTheWordHold: Phase = {
  name: 'test-hold-word',
  run: ({ body }) => (/\bhold\b/i.test(body) ? { decision: { status: 'hold', reason: 'Contains "hold".' } } : undefined),
};

describe.each(backends)("authors' edits and deletions on %s", (backend) => {
  let ctx: TestContext;
  let now = new Date('2026-01-01T12:00:00Z');
  beforeAll(async () => {
    ctx = await createTestContext(backend, { phases: [holdsTheWordHold], clock: () => now });
  });
  afterAll(async () => ctx?.close());

  const patch = (id: string, token: string, body: unknown) =>
    ctx.app.request(`/api/v1/comments/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const del = (id: string, token: string) => ctx.app.request(`/api/v1/comments/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });

  it('lets the author edit within the window, keeps the old text in the log, and shows editedAt', async () => {
    const site = await createSite(ctx);
    const posted = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { body: 'Frist!' }))).json();
    now = new Date(now.getTime() + 5 * 60_000);
    const res = await patch(posted.comment.id, posted.editToken, { body: 'First, and a question: is it on DVD?' });
    expect(res.status).toBe(200);
    const edited = await res.json();
    expect(edited).toMatchObject({ status: 'published', comment: { body: 'First, and a question: is it on DVD?', editedAt: now.toISOString() } });
    const event = await ctx.handle.db.selectFrom('moderation_events').selectAll().where('comment_id', '=', posted.comment.id).where('action', '=', 'edited').executeTakeFirstOrThrow();
    expect(event.details).toEqual({ previousBody: 'Frist!' });
  });

  it('moderates an edit again: a published comment edited into something held is taken down', async () => {
    const site = await createSite(ctx);
    const posted = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'edit-hold' }))).json();
    const res = await patch(posted.comment.id, posted.editToken, { body: 'Please hold this one' });
    expect((await res.json()).status).toBe('pending');
    const page = await (await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=edit-hold`)).json();
    expect(page.comments).toEqual([]);
    expect(page.thread.commentCount).toBe(0);
  });

  it('refuses a wrong token and an edit after the window with 403', async () => {
    const site = await createSite(ctx);
    const posted = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site))).json();
    const wrong = await patch(posted.comment.id, 'not-the-token', { body: 'hijacked' });
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).error.code).toBe('forbidden');
    now = new Date(now.getTime() + 16 * 60_000);
    const late = await patch(posted.comment.id, posted.editToken, { body: 'too late' });
    expect(late.status).toBe(403);
    expect((await late.json()).error.code).toBe('edit_window_closed');
    const lateDelete = await del(posted.comment.id, posted.editToken);
    expect(lateDelete.status).toBe(403);
    const row = await ctx.handle.db.selectFrom('comments').select(['body', 'status']).where('id', '=', posted.comment.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ body: posted.comment.body, status: 'published' });
  });

  it('leaves a placeholder when a deleted comment has replies, and removes it entirely when not', async () => {
    const site = await createSite(ctx);
    const parent = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'del', body: 'Parent text' }))).json();
    const reply = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'del', body: 'A reply', parentId: parent.comment.id, author: { name: 'R', email: 'r@example.com' } }))).json();
    const lonely = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'del', body: 'Lonely', author: { name: 'L', email: 'l@example.com' } }))).json();
    expect((await del(parent.comment.id, parent.editToken)).status).toBe(200);
    expect((await del(lonely.comment.id, lonely.editToken)).status).toBe(200);
    const page = await (await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=del`)).json();
    expect(page.comments).toHaveLength(1);
    expect(page.comments[0]).toMatchObject({ id: parent.comment.id, deleted: true, body: '', author: { name: 'deleted' } });
    expect(page.comments[0].replies[0].id).toBe(reply.comment.id);
    expect(page.thread.commentCount).toBe(1);
    const stored = await ctx.handle.db.selectFrom('comments').select('body').where('id', '=', parent.comment.id).executeTakeFirstOrThrow();
    expect(stored.body).toBe('');
  });
});
