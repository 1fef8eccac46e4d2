import { beforeAll, describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../src/services/liveEvents.js';
import { backends } from '../support/db.js';
import { commentPayload, createSite, postJson, type TestContext } from '../support/app.js';
import { call, createModerator, login, publicBodies, seedComment, type Session, type TestModerator, withAdminSession } from './support.js';

describe.each(backends)('moderator actions on %s', (backend) => {
  const setup = withAdminSession(backend);
  let ctx: TestContext, admin: Session, adminAccount: TestModerator;
  beforeAll(() => ({ ctx, admin, adminAccount } = setup));

  const act = (id: string, action: string, reason?: string) => call(ctx, admin, 'POST', `/api/v1/moderation/comments/${id}/${action}`, reason ? { reason } : {});

  it('approves a held comment: published in the public API, counted, logged with who and why, and sent to live readers', async () => {
    const site = await createSite(ctx);
    const held = await seedComment(ctx, site, { body: 'Held for a word.' });
    const heard: LiveEvent[] = [];
    const off = ctx.services.live.subscribe(site.id, 'refusenik-qa', (e) => heard.push(e));
    const res = await act(held.id, 'approve', 'The word was fine here.');
    off();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: held.id, from: 'pending', status: 'published', changed: true });
    expect(await publicBodies(ctx, site)).toEqual(['Held for a word.']);
    const thread = await ctx.handle.db.selectFrom('threads').select('comment_count').where('id', '=', held.thread_id).executeTakeFirstOrThrow();
    expect(thread.comment_count).toBe(1);
    const event = await ctx.handle.db.selectFrom('moderation_events').selectAll().where('comment_id', '=', held.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(event).toMatchObject({ actor: `moderator:${adminAccount.id}`, action: 'approve', from_status: 'pending', to_status: 'published', reason: 'The word was fine here.' });
    expect(heard).toEqual([expect.objectContaining({ type: 'comment.published', commentId: held.id, id: event.id })]);
  });

  it('rejects, marks spam, restores from spam to published with not-spam, deletes and restores', async () => {
    const site = await createSite(ctx);
    const c = await seedComment(ctx, site, { status: 'published', body: 'Visible.' });
    expect((await (await act(c.id, 'reject')).json()).status).toBe('rejected');
    expect(await publicBodies(ctx, site)).toEqual([]);
    expect((await (await act(c.id, 'spam')).json()).status).toBe('spam');
    expect((await (await act(c.id, 'not-spam')).json()).status).toBe('published');
    expect(await publicBodies(ctx, site)).toEqual(['Visible.']);
    expect((await (await act(c.id, 'delete')).json()).status).toBe('deleted');
    const restored = await (await act(c.id, 'restore')).json();
    expect(restored).toMatchObject({ from: 'deleted', status: 'published' });
    expect(await publicBodies(ctx, site)).toEqual(['Visible.']);
    const actions = await ctx.handle.db.selectFrom('moderation_events').select(['action', 'from_status', 'to_status']).where('comment_id', '=', c.id).orderBy('id').execute();
    expect(actions.map((a) => `${a.action}:${a.from_status}->${a.to_status}`)).toEqual([
      'submitted:null->published', 'reject:published->rejected', 'spam:rejected->spam', 'not-spam:spam->published', 'delete:published->deleted', 'restore:deleted->published',
    ]);
  });

  it('refuses actions that do not apply with 409, and changes nothing', async () => {
    const site = await createSite(ctx);
    const c = await seedComment(ctx, site, { status: 'pending' });
    for (const action of ['not-spam', 'restore']) {
      const res = await act(c.id, action);
      expect(res.status).toBe(409);
      expect((await res.json()).error.code).toBe('conflict');
    }
    expect((await call(ctx, admin, 'POST', `/api/v1/moderation/comments/${c.id}/frobnicate`, {})).status).toBe(400);
    const row = await ctx.handle.db.selectFrom('comments').select('status').where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
  });

  it('edits the text and keeps the original in the moderation log', async () => {
    const site = await createSite(ctx);
    const c = await seedComment(ctx, site, { status: 'published', body: 'You absolute idiot, it is on DVD.' });
    const res = await call(ctx, admin, 'PATCH', `/api/v1/moderation/comments/${c.id}`, { body: 'It is on DVD.', reason: 'Removed an insult.' });
    expect(res.status).toBe(200);
    expect(await publicBodies(ctx, site)).toEqual(['It is on DVD.']);
    const event = await ctx.handle.db.selectFrom('moderation_events').selectAll().where('comment_id', '=', c.id).where('action', '=', 'edited').executeTakeFirstOrThrow();
    expect(event.details).toEqual({ previousBody: 'You absolute idiot, it is on DVD.' });
    expect(event.actor).toBe(`moderator:${adminAccount.id}`);
  });

  it('acts on many comments at once and reports each one that could not be done', async () => {
    const site = await createSite(ctx);
    const other = await createSite(ctx);
    const a = await seedComment(ctx, site, { body: 'One' });
    const b = await seedComment(ctx, site, { body: 'Two' });
    const spam = await seedComment(ctx, site, { status: 'deleted', body: 'Gone' });
    const moderator = await login(ctx, await createModerator(ctx, { siteIds: [site.id] }));
    const elsewhere = await seedComment(ctx, other, { body: 'Not yours' });
    const res = await call(ctx, moderator, 'POST', '/api/v1/moderation/comments/bulk', { action: 'approve', ids: [a.id, b.id, spam.id, elsewhere.id, '999999999'] });
    expect(res.status).toBe(200);
    const { results } = await res.json();
    expect(results.map((r: { id: string; ok: boolean; error?: { code: string } }) => [r.id, r.ok, r.error?.code])).toEqual([
      [a.id, true, undefined], [b.id, true, undefined], [spam.id, false, 'conflict'], [elsewhere.id, false, 'not_found'], ['999999999', false, 'not_found'],
    ]);
    expect((await publicBodies(ctx, site)).sort()).toEqual(['One', 'Two']);
    const untouched = await ctx.handle.db.selectFrom('comments').select('status').where('id', '=', elsewhere.id).executeTakeFirstOrThrow();
    expect(untouched.status).toBe('pending');
  });

  it('closes and reopens a thread: the public API refuses new comments meanwhile', async () => {
    const site = await createSite(ctx);
    await seedComment(ctx, site, { status: 'published', thread: 'closing' });
    const close = await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/threads/close`, { thread: 'closing', reason: 'Flame war.' });
    expect(close.status).toBe(200);
    const refused = await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'closing' }));
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.code).toBe('thread_closed');
    await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/threads/reopen`, { thread: 'closing' });
    expect((await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'closing' }))).status).toBe(201);
    expect((await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/threads/close`, { thread: 'never-was' })).status).toBe(404);
  });

  it('shows a thread past the auto-close age as closed, and reopening it lets readers post again until it is closed', async () => {
    const site = await createSite(ctx);
    const seeded = await seedComment(ctx, site, { status: 'pending', thread: 'old-story' });
    await ctx.handle.db.updateTable('sites').set({ auto_close_days: 30 }).where('id', '=', site.id).execute();
    await ctx.handle.db.updateTable('threads').set({ created_at: new Date(Date.now() - 40 * 86_400_000) }).where('site_id', '=', site.id).where('key', '=', 'old-story').execute();
    const post = () => postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'old-story', body: `Still relevant ${Math.random()}` }));

    expect((await post()).status).toBe(409);
    const thread = await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/thread?key=old-story`);
    expect((await thread.json()).thread.closed).toBe(true);
    const item = await call(ctx, admin, 'GET', `/api/v1/moderation/comments/${seeded.id}`);
    expect((await item.json()).item.thread.closed).toBe(true);

    await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/threads/reopen`, { thread: 'old-story' });
    expect((await post()).status).toBe(201);
    expect((await (await call(ctx, admin, 'GET', `/api/v1/moderation/comments/${seeded.id}`)).json()).item.thread.closed).toBe(false);
    const publicRead = await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=old-story`);
    expect((await publicRead.json()).thread.closed).toBe(false);

    await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/threads/close`, { thread: 'old-story' });
    await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/threads/reopen`, { thread: 'old-story' });
    expect((await post()).status).toBe(201);
  });
});
