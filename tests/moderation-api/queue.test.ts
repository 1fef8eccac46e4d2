import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/db.js';
import { createSite, type TestContext } from '../support/app.js';
import { call, createModerationContext, createModerator, heldRecord, login, seedComment, type Session } from './support.js';

describe.each(backends)('moderation queues on %s', (backend) => {
  let ctx: TestContext;
  let admin: Session;
  beforeAll(async () => {
    ctx = await createModerationContext(backend);
    admin = await login(ctx, await createModerator(ctx, { role: 'admin' }));
  });
  afterAll(async () => ctx?.close());

  it('shows a held comment with what a moderator needs: email, IP, parent, history, flags with evidence, reports', async () => {
    const site = await createSite(ctx);
    const parent = await seedComment(ctx, site, { status: 'published', body: 'Is it on DVD?', name: 'Bo', email: 'bo@example.com' });
    await seedComment(ctx, site, { status: 'spam', email: 'Sondra@Example.com' });
    await seedComment(ctx, site, { status: 'published' });
    const held = await seedComment(ctx, site, { parentId: parent.id, body: 'Your library may have the DVD.', ip: '203.0.113.9', userAgent: 'Lynx/2.9' });

    const res = await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/queues/pending`);
    expect(res.status).toBe(200);
    const page = await res.json();
    expect(page.counts).toEqual({ pending: 1, reported: 0, spam: 1, rejected: 0, published: 2, deleted: 0 });
    expect(page.items).toHaveLength(1);
    const item = page.items[0];
    expect(item).toMatchObject({
      id: held.id,
      status: 'pending',
      body: 'Your library may have the DVD.',
      thread: { key: 'refusenik-qa', title: 'Refusenik Q&A' },
      author: { name: 'Sondra', email: 'sondra@example.com', ip: '203.0.113.9', userAgent: 'Lynx/2.9' },
      parent: { id: parent.id, authorName: 'Bo', body: 'Is it on DVD?', status: 'published' },
      history: { published: 1, pending: 1, spam: 1, rejected: 0 },
      moderation: { decision: 'hold', decidedBy: 'blocklists', flags: [{ code: 'suspect_word', evidence: { words: ['dvd'] } }] },
      reports: [],
    });
  });

  it('filters by thread, author email, IP and flag code', async () => {
    const site = await createSite(ctx);
    const a = await seedComment(ctx, site, { thread: 'a', email: 'ann@example.com', ip: '192.0.2.1' });
    const b = await seedComment(ctx, site, { thread: 'b', email: 'bob@example.com', ip: '192.0.2.2', moderation: { ...heldRecord(), flags: [{ code: 'links_held', reason: 'Links.' }] } });
    const ids = async (query: string) => (await (await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/queues/pending?${query}`)).json()).items.map((i: { id: string }) => i.id);
    expect(await ids('thread=a')).toEqual([a.id]);
    expect(await ids('email=BOB@example.com')).toEqual([b.id]);
    expect(await ids('ip=192.0.2.1')).toEqual([a.id]);
    expect(await ids('flag=links_held')).toEqual([b.id]);
    expect(await ids('flag=suspect_word')).toEqual([a.id]);
    expect((await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/queues/pending?ip=not-an-ip`)).status).toBe(400);
  });

  it('pages newest or oldest first by keyset, without repeats or gaps', async () => {
    const site = await createSite(ctx);
    const ids: string[] = [];
    const base = Date.parse('2030-03-01T00:00:00Z');
    for (let i = 0; i < 7; i++) ids.push((await seedComment(ctx, site, { body: `Held ${i}`, createdAt: new Date(base + (i % 3) * 1000) })).id);
    const byTime = [...ids].sort((x, y) => {
      const tx = base + (ids.indexOf(x) % 3) * 1000;
      const ty = base + (ids.indexOf(y) % 3) * 1000;
      return tx - ty || Number(x) - Number(y);
    });
    for (const [sort, expected] of [['oldest', byTime], ['newest', [...byTime].reverse()]] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/moderation/sites/${site.slug}/queues/pending?sort=${sort}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await (await call(ctx, admin, 'GET', url)).json();
        seen.push(...page.items.map((i: { id: string }) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(expected);
    }
    const bad = await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/queues/pending?cursor=forged.cursor`);
    expect(bad.status).toBe(400);
  });

  it('shows one comment with its whole moderation history, and a thread with every status', async () => {
    const site = await createSite(ctx);
    const c = await seedComment(ctx, site, { thread: 'history' });
    await seedComment(ctx, site, { thread: 'history', status: 'spam', body: 'Buy now' });
    await call(ctx, admin, 'POST', `/api/v1/moderation/comments/${c.id}/approve`, { reason: 'Fine.' });
    const detail = await (await call(ctx, admin, 'GET', `/api/v1/moderation/comments/${c.id}`)).json();
    expect(detail.item.status).toBe('published');
    expect(detail.events.map((e: { action: string }) => e.action)).toEqual(['submitted', 'approve']);
    const thread = await (await call(ctx, admin, 'GET', `/api/v1/moderation/sites/${site.slug}/thread?key=history`)).json();
    expect(thread.items.map((i: { status: string }) => i.status)).toEqual(['published', 'spam']);
  });
});
