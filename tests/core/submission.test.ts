import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSubmission, insertSubmissions, readPostingContexts, ThreadClosedError, type NewSubmission } from '../../src/db/submission.js';
import { backends, testDatabaseUrl } from '../support/db.js';
import { newSubmission } from '../support/submissions.js';
import { createSite, createTestContext, type TestContext } from '../support/app.js';

// The one-statement write behind POST /comments: what it must do atomically.
describe.each(backends)('writing submissions in one statement on %s', (backend) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(backend, { phases: [] });
  });
  afterAll(async () => ctx?.close());

  const now = new Date('2026-11-28T12:00:00.000Z');
  const submission = (siteId: string, thread: string, over: Partial<NewSubmission['comment']> = {}, closedIfCreatedBefore: Date | null = null) =>
    newSubmission(siteId, thread, over, { now, closedIfCreatedBefore });

  const rowsOf = async (siteId: string) => {
    const db = ctx.handle.db;
    const comments = await db.selectFrom('comments').select(['id', 'status', 'reply_count', 'thread_id']).where('site_id', '=', siteId).orderBy('id').execute();
    const consents = await db.selectFrom('consent_records').select(['comment_id', 'basis', 'email_hash', 'policy_version']).where('site_id', '=', siteId).execute();
    const events = await db.selectFrom('moderation_events').select(['comment_id', 'action', 'to_status']).where('site_id', '=', siteId).execute();
    const threads = await db.selectFrom('threads').select(['key', 'comment_count', 'last_comment_at', 'closed']).where('site_id', '=', siteId).orderBy('key').execute();
    return { comments, consents, events, threads };
  };

  it('creates the thread, the comment, its consent record and event, and counts a published reply on its parent', async () => {
    const site = await createSite(ctx);
    const top = await insertSubmission(ctx.handle.db, submission(site.id, 'new-thread'));
    expect(top.event_id).toMatch(/^\d+$/);
    const reply = await insertSubmission(ctx.handle.db, submission(site.id, 'new-thread', { parent_id: top.id, root_id: top.id, depth: 1 }));
    await insertSubmission(ctx.handle.db, submission(site.id, 'new-thread', { status: 'pending', parent_id: top.id, root_id: top.id, depth: 1 }));
    const r = await rowsOf(site.id);
    expect(r.comments.map((c) => [c.status, c.reply_count])).toEqual([['published', 1], ['published', 0], ['pending', 0]]);
    expect(r.consents).toHaveLength(3);
    expect(r.consents.every((c) => c.basis === 'form' && c.policy_version === 1 && /^[0-9a-f]{64}$/.test(c.email_hash ?? ''))).toBe(true);
    expect(r.events.map((e) => e.comment_id).sort()).toEqual(r.comments.map((c) => c.id).sort());
    expect(r.threads).toHaveLength(1);
    expect(r.threads[0]!.comment_count).toBe(2);
    expect(r.threads[0]!.last_comment_at?.toISOString()).toBe(now.toISOString());
    expect(reply.thread_id).toBe(top.thread_id);
  });

  it('writes nothing at all into a thread closed meanwhile, or past the auto-close age', async () => {
    const site = await createSite(ctx);
    await insertSubmission(ctx.handle.db, submission(site.id, 'closing'));
    await sql`update threads set closed = true where key = 'closing' and site_id = ${site.id}`.execute(ctx.handle.db);
    const before = await rowsOf(site.id);
    await expect(insertSubmission(ctx.handle.db, submission(site.id, 'closing'))).rejects.toBeInstanceOf(ThreadClosedError);

    await insertSubmission(ctx.handle.db, submission(site.id, 'old'));
    await sql`update threads set created_at = ${new Date(now.getTime() - 40 * 86_400_000)} where key = 'old' and site_id = ${site.id}`.execute(ctx.handle.db);
    const aged = await rowsOf(site.id);
    await expect(insertSubmission(ctx.handle.db, submission(site.id, 'old', {}, new Date(now.getTime() - 30 * 86_400_000)))).rejects.toBeInstanceOf(ThreadClosedError);
    expect(await rowsOf(site.id)).toEqual(aged);
    expect(aged.comments.length).toBe(before.comments.length + 1);
    expect(aged.threads.find((t) => t.key === 'closing')).toMatchObject({ comment_count: 1, closed: true });
  });

  it('writes a batch across threads in one statement: totals per thread and parent, nothing for a closed thread', async () => {
    const site = await createSite(ctx);
    const db = ctx.handle.db;
    const parent = await insertSubmission(db, submission(site.id, 'busy', { edit_token_hash: 'p0' }));
    await insertSubmission(db, submission(site.id, 'shut', { edit_token_hash: 'p1' }));
    await sql`update threads set closed = true where key = 'shut' and site_id = ${site.id}`.execute(db);
    const later = new Date(now.getTime() + 5_000);
    const reply = { parent_id: parent.id, root_id: parent.id, depth: 1 };
    const batch: NewSubmission[] = [
      submission(site.id, 'busy', { ...reply, edit_token_hash: 'b0', body: 'first reply' }),
      submission(site.id, 'shut', { edit_token_hash: 'b1' }),
      submission(site.id, 'fresh', { edit_token_hash: 'b2', status: 'pending' }),
      submission(site.id, 'busy', { ...reply, edit_token_hash: 'b3', body: 'second reply', created_at: later }),
      submission(site.id, 'busy', { ...reply, edit_token_hash: 'b4', status: 'pending' }),
      { ...submission(site.id, 'fresh', { edit_token_hash: 'b5', status: 'pending' }), akismetRecheck: { params: '{"comment_content":"x"}', deferredAt: now, nextAt: later } },
    ];
    const rows = await insertSubmissions(db, batch);

    expect(rows.map((r) => r?.body ?? null)).toEqual(['first reply', null, batch[2]!.comment.body, 'second reply', batch[4]!.comment.body, batch[5]!.comment.body]);
    expect(rows.map((r) => r?.status ?? null)).toEqual(['published', null, 'pending', 'published', 'pending', 'pending']);
    const written = rows.filter((r) => r !== null);
    expect(new Set(written.map((r) => r.event_id)).size).toBe(5);
    expect(rows[0]!.thread_id).toBe(parent.thread_id);
    expect(rows[2]!.thread_id).toBe(rows[5]!.thread_id);

    const r = await rowsOf(site.id);
    expect(r.threads.map((t) => [t.key, t.comment_count, t.closed])).toEqual([['busy', 3, false], ['fresh', 0, false], ['shut', 1, true]]);
    expect(r.threads.find((t) => t.key === 'busy')!.last_comment_at?.toISOString()).toBe(later.toISOString());
    expect(r.threads.find((t) => t.key === 'fresh')!.last_comment_at).toBeNull();
    expect(r.comments.find((c) => c.id === parent.id)!.reply_count).toBe(2);
    // Each written comment has its own consent record and event, and nothing was written for the closed thread.
    expect(r.comments).toHaveLength(2 + 5);
    expect(r.consents.map((c) => c.comment_id).sort()).toEqual(r.comments.map((c) => c.id).sort());
    expect(r.events.map((e) => [e.comment_id, e.to_status]).sort()).toEqual(r.comments.map((c) => [c.id, c.status]).sort());
    const rechecks = await db.selectFrom('akismet_rechecks').select('comment_id').where('comment_id', 'in', written.map((w) => w.id)).execute();
    expect(rechecks.map((x) => x.comment_id)).toEqual([rows[5]!.id]);
  });

  it('reads several posts\' contexts in one statement, each answer in its place', async () => {
    const site = await createSite(ctx);
    const db = ctx.handle.db;
    const top = await insertSubmission(db, submission(site.id, 'ctx-thread', { ip: '198.51.100.4' }));
    const at = new Date(now.getTime() + 1000);
    const lookups = (ip: string | null) => ({ ip, email: 'Sondra@Example.com', now: at, rateSince: new Date(now.getTime() - 600_000), body: null, duplicateSince: null, authorHistory: true });
    const answers = await readPostingContexts(db, [
      { slug: site.slug, threadKey: 'ctx-thread', parentId: top.id, lookups: lookups('198.51.100.4') },
      { slug: 'no-such-site', threadKey: 'ctx-thread' },
      { slug: site.slug, threadKey: 'not-yet', lookups: lookups(null) },
      { slug: site.slug, threadKey: 'ctx-thread', parentId: '99999999999999999999' },
    ]);
    expect(answers).toHaveLength(4);
    expect(answers[0]).toMatchObject({ site: { id: site.id, slug: site.slug }, policy: { version: 1 }, thread: { id: top.thread_id, closed: false } });
    expect(answers[0]!.parent).toEqual({ id: top.id, thread_id: top.thread_id, status: 'published', root_id: null, depth: 0 });
    expect(answers[0]!.answers.recentByIp?.count).toBe(1);
    expect(answers[0]!.answers.recentByEmail?.count).toBe(1);
    expect(answers[0]!.answers.authorHistory?.history).toEqual({ published: 1, pending: 0, spam: 0, rejected: 0 });
    expect(answers[1]).toBeUndefined();
    expect(answers[2]).toMatchObject({ thread: null, parent: null });
    expect(answers[2]!.answers.recentByIp).toBeUndefined();
    expect(answers[2]!.answers.bans).toEqual([]);
    // An id past bigint's range names no comment; nothing was asked, so nothing is read ahead.
    expect(answers[3]).toMatchObject({ parent: null, answers: {} });
  });

  it('refuses a batch whose rows it could not tell apart', async () => {
    const site = await createSite(ctx);
    await expect(insertSubmissions(ctx.handle.db, [submission(site.id, 'twins', { edit_token_hash: 'same' }), submission(site.id, 'twins', { edit_token_hash: 'same' })])).rejects.toThrow(/distinct edit_token_hash/);
    expect((await rowsOf(site.id)).comments).toHaveLength(0);
  });

  it('queues an Akismet recheck with the comment when asked', async () => {
    const site = await createSite(ctx);
    const held = await insertSubmission(ctx.handle.db, {
      ...submission(site.id, 'deferred', { status: 'pending' }),
      akismetRecheck: { params: JSON.stringify({ comment_content: 'x' }), deferredAt: now, nextAt: new Date(now.getTime() + 60_000) },
    });
    const rechecks = await ctx.handle.db.selectFrom('akismet_rechecks').selectAll().where('comment_id', '=', held.id).execute();
    expect(rechecks).toHaveLength(1);
    expect(rechecks[0]!.attempts).toBe(0);
    expect((await rowsOf(site.id)).threads[0]!.comment_count).toBe(0);
  });

  // LISTEN needs a connection of its own, which the PostgreSQL backend gives; PGlite's runs in-process.
  it.runIf(backend === 'postgres')('sends the live notice of a published comment with the write, and none for a held one or a refused write', async () => {
    const channel = `parley_test_${process.pid}_${Date.now()}`;
    const listener = new pg.Client({ connectionString: testDatabaseUrl });
    await listener.connect();
    const notices: unknown[] = [];
    listener.on('notification', (m) => notices.push(JSON.parse(m.payload!)));
    try {
      await listener.query(`listen ${listener.escapeIdentifier(channel)}`);
      const site = await createSite(ctx);
      const notify = { channel };
      const published = await insertSubmission(ctx.handle.db, { ...submission(site.id, 'live'), notify });
      await insertSubmission(ctx.handle.db, { ...submission(site.id, 'live', { status: 'pending' }), notify });
      // A batch sends one notice per published comment in it.
      const [one, , two] = await insertSubmissions(ctx.handle.db, [
        { ...submission(site.id, 'live', { edit_token_hash: 'n1' }), notify },
        { ...submission(site.id, 'live', { edit_token_hash: 'n2', status: 'pending' }), notify },
        { ...submission(site.id, 'other', { edit_token_hash: 'n3' }), notify },
      ]);
      await sql`update threads set closed = true where key = 'live' and site_id = ${site.id}`.execute(ctx.handle.db);
      await expect(insertSubmission(ctx.handle.db, { ...submission(site.id, 'live'), notify })).rejects.toBeInstanceOf(ThreadClosedError);
      // A marker after them: when it arrives, anything the writes sent has arrived before it.
      await sql`select pg_notify(${channel}, '"end"')`.execute(ctx.handle.db);
      await expect.poll(() => notices.at(-1), { timeout: 5000 }).toBe('end');
      expect(notices).toEqual([
        { id: published.event_id, type: 'comment.published', siteId: site.id, threadKey: 'live', commentId: published.id },
        { id: one!.event_id, type: 'comment.published', siteId: site.id, threadKey: 'live', commentId: one!.id },
        { id: two!.event_id, type: 'comment.published', siteId: site.id, threadKey: 'other', commentId: two!.id },
        'end',
      ]);
    } finally {
      await listener.end();
    }
  });
});
