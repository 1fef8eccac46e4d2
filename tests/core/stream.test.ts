import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/db.js';
import { commentPayload, createSite, createTestContext, postJson, type TestContext } from '../support/app.js';

interface SseEvent { id?: string; event?: string; data?: string }

/** Reads SSE frames from a response body until `count` events (not comments) arrived. */
async function readEvents(res: Response, count: number, timeoutMs = 5000): Promise<SseEvent[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  while (events.length < count && Date.now() < deadline) {
    const { value, done } = await Promise.race([
      reader.read(),
      new Promise<{ value: undefined; done: true }>((r) => setTimeout(() => r({ value: undefined, done: true }), deadline - Date.now())),
    ]);
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let idx;
    while ((idx = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 2);
      const e: SseEvent = {};
      for (const line of frame.split('\n')) {
        const m = /^(id|event|data): ?(.*)$/.exec(line);
        if (m) e[m[1] as keyof SseEvent] = m[2];
      }
      if (e.event) events.push(e);
    }
  }
  await reader.cancel();
  return events;
}

describe.each(backends)('live updates over SSE on %s', (backend) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(backend, { phases: [] });
  });
  afterAll(async () => ctx?.close());

  it('sends a newly published comment to a reader of that thread only', async () => {
    const site = await createSite(ctx);
    const res = await ctx.app.request(`/api/v1/stream?site=${site.slug}&thread=live`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reading = readEvents(res, 2);
    await new Promise((r) => setTimeout(r, 50));
    await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'elsewhere', body: 'Not for this stream' }));
    const posted = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'live', body: 'Hello, live readers' }))).json();
    const events = await reading;
    expect(events[0]!.event).toBe('ready');
    expect(events[1]!.event).toBe('comment.published');
    const data = JSON.parse(events[1]!.data!);
    expect(data).toMatchObject({ id: posted.comment.id, body: 'Hello, live readers' });
    expect(JSON.stringify(data)).not.toContain('sondra@example.com');
  });

  it('replays what a reader missed after Last-Event-ID', async () => {
    const site = await createSite(ctx);
    const first = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'resume', body: 'one' }))).json();
    const firstEvent = await ctx.handle.db.selectFrom('moderation_events').select('id').where('comment_id', '=', first.comment.id).executeTakeFirstOrThrow();
    const second = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'resume', body: 'two', author: { name: 'T', email: 't@example.com' } }))).json();
    await ctx.app.request(`/api/v1/comments/${first.comment.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${first.editToken}` } });
    const res = await ctx.app.request(`/api/v1/stream?site=${site.slug}&thread=resume`, { headers: { 'last-event-id': firstEvent.id } });
    const events = await readEvents(res, 3);
    expect(events.map((e) => e.event)).toEqual(['ready', 'comment.published', 'comment.removed']);
    expect(JSON.parse(events[1]!.data!).id).toBe(second.comment.id);
    expect(JSON.parse(events[2]!.data!)).toEqual({ id: first.comment.id });
  });

  it('refuses a stream for an unknown site', async () => {
    const res = await ctx.app.request('/api/v1/stream?site=nope&thread=x');
    expect(res.status).toBe(404);
  });
});
