import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextReader, ThreadClosedError, type NewSubmission } from '../../src/db/submission.js';
import { SubmissionWriter, submissionWriter } from '../../src/db/submissionWriter.js';
import { backends, openTestDatabase } from '../support/db.js';
import { newSubmission } from '../support/submissions.js';
import { commentPayload, createSite, createTestContext, postJson, type TestContext } from '../support/app.js';

// Group commit: posts written at the same moment share one statement, and each still gets
// exactly its own answer.
describe.each(backends)('the submission writer on %s', (backend) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(backend, { phases: [] });
  });
  afterAll(async () => ctx?.close());

  const now = new Date('2026-11-29T06:00:00.000Z');
  let n = 0;
  const submission = (siteId: string, thread: string, over: Partial<NewSubmission['comment']> = {}) =>
    newSubmission(siteId, thread, { body: `comment ${n++}`, ...over }, { now });
  const commentsOf = (siteId: string) =>
    ctx.handle.db.selectFrom('comments').select(['id', 'body', 'thread_id']).where('site_id', '=', siteId).orderBy('id').execute();

  it('writes the posts that waited for a write in flight together, and answers each with its own row', async () => {
    const site = await createSite(ctx);
    const writer = new SubmissionWriter(ctx.handle.db, { maxInFlight: 1 });
    const first = writer.write(submission(site.id, 'together'));
    // These arrive while the first is being written: they wait, then go as one batch.
    const rest = Array.from({ length: 9 }, (_, i) => writer.write(submission(site.id, 'together', { body: `waiting ${i}` })));
    const rows = await Promise.all([first, ...rest]);

    expect(writer.stats).toEqual({ batches: 2, items: 10, largestBatch: 9, splits: 0 });
    expect(rows.slice(1).map((r) => r.body)).toEqual(Array.from({ length: 9 }, (_, i) => `waiting ${i}`));
    const stored = await commentsOf(site.id);
    expect(stored.map((c) => c.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(10);
    const thread = await ctx.handle.db.selectFrom('threads').select('comment_count').where('site_id', '=', site.id).executeTakeFirstOrThrow();
    expect(thread.comment_count).toBe(10);
  });

  it('fails only the post that broke its batch, writing the others one by one', async () => {
    const site = await createSite(ctx);
    const writer = new SubmissionWriter(ctx.handle.db, { maxInFlight: 1 });
    const lead = writer.write(submission(site.id, 'split'));
    const good1 = writer.write(submission(site.id, 'split', { body: 'good one' }));
    // A reply to a comment that does not exist: the foreign key refuses the whole statement.
    const bad = writer.write(submission(site.id, 'split', { parent_id: '999999999', root_id: '999999999', depth: 1 }));
    const good2 = writer.write(submission(site.id, 'split', { body: 'good two' }));
    const settled = await Promise.allSettled([lead, good1, bad, good2]);

    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[2] as PromiseRejectedResult).reason).toMatchObject({ code: '23503' });
    expect(writer.stats.splits).toBe(1);
    expect((await commentsOf(site.id)).map((c) => c.body).sort()).toEqual([(await lead).body, 'good one', 'good two'].sort());
  });

  it('refuses the post to a closed thread and writes the rest of its batch', async () => {
    const site = await createSite(ctx);
    const writer = new SubmissionWriter(ctx.handle.db, { maxInFlight: 1 });
    await writer.write(submission(site.id, 'shut'));
    await sql`update threads set closed = true where site_id = ${site.id} and key = 'shut'`.execute(ctx.handle.db);
    const lead = writer.write(submission(site.id, 'open'));
    const closed = writer.write(submission(site.id, 'shut', { body: 'too late' }));
    const open = writer.write(submission(site.id, 'open', { body: 'in time' }));
    const settled = await Promise.allSettled([lead, closed, open]);

    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(ThreadClosedError);
    expect(writer.stats).toMatchObject({ batches: 3, largestBatch: 2, splits: 0 });
    expect((await commentsOf(site.id)).map((c) => c.body)).not.toContain('too late');
  });

  it('fails every post of a batch, without retrying, when the database itself is gone', async () => {
    const handle = await openTestDatabase(backend);
    const site = await createSite({ ...ctx, handle });
    await handle.close();
    const writer = new SubmissionWriter(handle.db, { maxInFlight: 1 });
    const settled = await Promise.allSettled([0, 1, 2, 3].map(() => writer.write(submission(site.id, 'gone'))));
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    expect(writer.stats).toMatchObject({ batches: 2, largestBatch: 3, splits: 0 });
  });

  it('answers every reader posting at once through the API, each comment stored once with its consent record', async () => {
    const site = await createSite(ctx);
    const before = submissionWriter(ctx.handle.db).stats.items;
    const read = { ...contextReader(ctx.handle.db).stats };
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: `crowd-${i % 3}`, body: `Reader ${i} was here.`, author: { name: `Reader ${i}`, email: `r${i}@example.com` } })),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(24).fill(201));
    const answered = await Promise.all(responses.map((r) => r.json() as Promise<{ comment: { id: string; body: string } }>));
    expect(answered.map((a) => a.comment.body)).toEqual(Array.from({ length: 24 }, (_, i) => `Reader ${i} was here.`));
    expect(submissionWriter(ctx.handle.db).stats.items - before).toBe(24);
    // Their contexts were read in shared statements too.
    const reads = contextReader(ctx.handle.db).stats;
    expect(reads.items - read.items).toBe(24);
    expect(reads.batches - read.batches).toBeLessThan(24);

    const db = ctx.handle.db;
    const stored = await db.selectFrom('comments').select(['id', 'body']).where('site_id', '=', site.id).execute();
    expect(stored.map((c) => c.id).sort()).toEqual(answered.map((a) => a.comment.id).sort());
    const consents = await db.selectFrom('consent_records').select('comment_id').where('site_id', '=', site.id).execute();
    expect(consents.map((c) => c.comment_id).sort()).toEqual(stored.map((c) => c.id).sort());
    const threads = await db.selectFrom('threads').select(['key', 'comment_count']).where('site_id', '=', site.id).orderBy('key').execute();
    expect(threads).toEqual([0, 1, 2].map((i) => ({ key: `crowd-${i}`, comment_count: 8 })));
  });
});
