import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/db.js';
import { commentPayload, createSite, createTestContext, postJson, type TestContext } from '../support/app.js';

// The site's rules as a reader meets them: each phase through POST /api/v1/comments, the real
// pipeline (Akismet off: no key) and a real database, checked in what the answer says and in
// what was stored with its reasons.
describe.each(backends)('the moderation pipeline through POST /api/v1/comments on %s', (backend) => {
  let ctx: TestContext;
  let site: Awaited<ReturnType<typeof createSite>>;
  let n = 0;
  beforeAll(async () => {
    ctx = await createTestContext(backend, { env: { TRUST_PROXY: '1' } });
    // No wait for the form token: the tests post at machine speed (the rule has its own tests).
    site = await createSite(ctx, { moderation: { words: { banned: ['casino'], suspect: ['dvd'] }, behaviour: { minSecondsToSubmit: 0 } } });
  });
  afterAll(async () => ctx?.close());

  // A different reader and address per post, so rate limits and history never link the cases.
  // Each with the form token the widget fetches when a reader starts writing.
  const post = async (over: Record<string, unknown>) => {
    n++;
    const { token } = await (await ctx.app.request(`/api/v1/sites/${site.slug}/form-token`)).json();
    const payload = commentPayload(site, { author: { name: `Reader ${n}`, email: `reader${n}@example.com` }, formToken: token, ...over });
    const res = await postJson(ctx.app, '/api/v1/comments', payload, { 'x-forwarded-for': `192.0.2.${n}` });
    const body = await res.json();
    const row = await ctx.handle.db.selectFrom('comments').select(['status', 'body', 'moderation']).where('id', '=', body.comment.id).executeTakeFirstOrThrow();
    const record = row.moderation as { flags: { code: string }[] };
    return { status: res.status, stored: row.status, body: row.body, codes: record.flags.map((f) => f.code) };
  };

  it('publishes an ordinary comment', async () => {
    expect(await post({ body: 'The interviews with the refuseniks themselves were the heart of it.' })).toMatchObject({ status: 201, stored: 'published' });
  });

  it('removes links, leaving a marker, and publishes the rest', async () => {
    const r = await post({ body: 'We saw it at our film festival last spring, and the interviews stayed with us for weeks. The distributor lists more screenings at murdev.com if your group wants one.' });
    expect(r).toMatchObject({ status: 201, stored: 'published' });
    expect(r.body).not.toContain('murdev');
    expect(r.body).toContain('[link removed]');
    expect(r.codes).toContain('links_removed');
  });

  it('rejects a banned word even with zero-width characters inside it, answering like a held comment', async () => {
    const r = await post({ body: 'Best ca\u200Bsino bonus of the year, honestly.' });
    expect(r.status).toBe(202);
    expect(['rejected', 'spam']).toContain(r.stored);
    expect(r.codes).toContain('banned_word');
    expect(r.codes).toContain('invisible_characters_removed');
  });

  it('holds a suspect word for a moderator', async () => {
    const r = await post({ body: 'Is there a DVD release with the extra interviews?' });
    expect(r).toMatchObject({ status: 202, stored: 'pending' });
    expect(r.codes).toContain('suspect_word');
  });

  it('holds an insult aimed at a person', async () => {
    const r = await post({ body: 'You are an idiot if you think this film is propaganda.' });
    expect(r).toMatchObject({ status: 202, stored: 'pending' });
    expect(r.codes).toContain('insult');
  });

  it('marks spam a filled honeypot', async () => {
    const r = await post({ body: 'A perfectly normal comment about the film.', honeypot: 'http://bot.example' });
    expect(r).toMatchObject({ status: 202, stored: 'spam' });
    expect(r.codes).toContain('honeypot');
  });

  it('holds the same text posted again within minutes', async () => {
    const body = `The scene at the airport made me cry, every time ${Date.now()}.`;
    expect((await post({ body })).stored).toBe('published');
    const again = await post({ body, thread: 'another-article' });
    expect(again).toMatchObject({ status: 202, stored: 'pending' });
    expect(again.codes).toContain('duplicate');
  });
});
