import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/db.js';
import { commentPayload, createSite, createTestContext, postJson, type TestContext } from '../support/app.js';

describe.each(backends)('bad input to the public API on %s', (backend) => {
  let ctx: TestContext;
  let site: Awaited<ReturnType<typeof createSite>>;
  beforeAll(async () => {
    ctx = await createTestContext(backend, { phases: [] });
    site = await createSite(ctx);
  });
  afterAll(async () => ctx?.close());

  const storedCount = async () => {
    const row = await ctx.handle.db.selectFrom('comments').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  };

  async function expectRefused(res: Response, status: number, code: string, field?: string) {
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    if (field) expect(body.error.field).toBe(field);
  }

  const cases: Array<[string, () => unknown, number, string, string?]> = [
    ['a missing name', () => commentPayload(site, { author: { email: 'a@example.com' } }), 400, 'validation_failed', 'author.name'],
    ['a name of spaces only', () => commentPayload(site, { author: { name: '   ', email: 'a@example.com' } }), 400, 'validation_failed', 'author.name'],
    ['a name over 100 characters', () => commentPayload(site, { author: { name: 'n'.repeat(101), email: 'a@example.com' } }), 400, 'validation_failed', 'author.name'],
    ['a bad email', () => commentPayload(site, { author: { name: 'A', email: 'not-an-email' } }), 400, 'validation_failed', 'author.email'],
    ['an empty body after trimming', () => commentPayload(site, { body: ' \n\t ' }), 400, 'validation_failed', 'body'],
    ['a body over 10,000 characters', () => commentPayload(site, { body: 'x'.repeat(10_001) }), 400, 'validation_failed', 'body'],
    ['a NUL byte in the body', () => commentPayload(site, { body: 'hello\u0000world' }), 400, 'validation_failed', 'body'],
    ['a NUL byte in the page URL', () => commentPayload(site, { url: 'https://example.com/a\u0000b' }), 400, 'validation_failed', 'url'],
    ['a NUL byte in the website', () => commentPayload(site, { author: { name: 'A', email: 'a@example.com', website: 'https://example.com/\u0000' } }), 400, 'validation_failed', 'author.website'],
    ['a NUL byte in the honeypot', () => commentPayload(site, { honeypot: 'x\u0000' }), 400, 'validation_failed', 'honeypot'],
    ['half a surrogate pair in the body', () => commentPayload(site, { body: 'broken \uD800 text' }), 400, 'validation_failed', 'body'],
    ['half a surrogate pair in the thread key', () => commentPayload(site, { thread: 'key\uDC00' }), 400, 'validation_failed', 'thread'],
    ['a body of zero-width characters only', () => commentPayload(site, { body: '\u200B\u200C\u200D\u2060\uFEFF' }), 400, 'validation_failed', 'body'],
    ['a name of zero-width characters and soft hyphens only', () => commentPayload(site, { author: { name: '\u200B\u00AD\u200E', email: 'a@example.com' } }), 400, 'validation_failed', 'author.name'],
    ['an escape character in the name', () => commentPayload(site, { author: { name: 'A\u001b[31m', email: 'a@example.com' } }), 400, 'validation_failed', 'author.name'],
    ['a website that is not http(s)', () => commentPayload(site, { author: { name: 'A', email: 'a@example.com', website: 'javascript:alert(1)' } }), 400, 'validation_failed', 'author.website'],
    ['a thread key over 512 characters', () => commentPayload(site, { thread: 'k'.repeat(513) }), 400, 'validation_failed', 'thread'],
    ['consent not accepted', () => commentPayload(site, { consent: { policyVersion: 1, accepted: false } }), 422, 'consent_required', 'consent.accepted'],
    ['no consent at all', () => ({ ...commentPayload(site), consent: undefined }), 400, 'validation_failed', 'consent'],
    ['an outdated policy version', () => commentPayload(site, { consent: { policyVersion: 99, accepted: true } }), 422, 'policy_outdated', 'consent.policyVersion'],
    ['an unknown site', () => commentPayload({ slug: 'no-such-site', policyVersion: 1 }), 404, 'unknown_site', 'site'],
    ['a parent that does not exist', () => commentPayload(site, { parentId: '999999999' }), 422, 'invalid_parent', 'parentId'],
    ['a parent id that is not a number', () => commentPayload(site, { parentId: "1; drop table comments" }), 400, 'validation_failed', 'parentId'],
  ];

  it.each(cases)('refuses %s and stores nothing', async (_name, payload, status, code, field) => {
    const before = await storedCount();
    await expectRefused(await postJson(ctx.app, '/api/v1/comments', payload()), status, code, field);
    expect(await storedCount()).toBe(before);
  });

  it('keeps emoji made of joined characters (a zero-width joiner is not a control character)', async () => {
    const res = await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'emoji', author: { name: 'Ana \u{1F469}\u200D\u{1F4BB}', email: 'ana@example.com' }, body: 'Family: \u{1F468}\u200D\u{1F469}\u200D\u{1F467}' }));
    expect(res.status).toBe(201);
    expect((await res.json()).comment.author.name).toBe('Ana \u{1F469}\u200D\u{1F4BB}');
  });

  it('strips carriage returns rather than refusing them', async () => {
    const res = await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'crlf', body: 'line one\r\nline two' }));
    expect(res.status).toBe(201);
    expect((await res.json()).comment.body).toBe('line one\nline two');
  });

  it('refuses malformed JSON', async () => {
    await expectRefused(await postJson(ctx.app, '/api/v1/comments', '{"site": '), 400, 'invalid_json');
  });

  it('refuses a body that is not JSON', async () => {
    const res = await ctx.app.request('/api/v1/comments', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'site=x' });
    await expectRefused(res, 415, 'unsupported_media_type');
  });

  it('refuses a body over 64 KiB', async () => {
    const before = await storedCount();
    const res = await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { body: 'y'.repeat(70_000) }));
    await expectRefused(res, 413, 'payload_too_large');
    expect(await storedCount()).toBe(before);
  });

  it('refuses a reply whose parent is in another thread', async () => {
    const other = await (await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'other-article' }))).json();
    const before = await storedCount();
    const res = await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'this-article', parentId: other.comment.id }));
    await expectRefused(res, 422, 'invalid_parent', 'parentId');
    expect(await storedCount()).toBe(before);
  });

  it('refuses comments on a closed thread with 409', async () => {
    await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'to-close' }));
    await ctx.handle.db.updateTable('threads').set({ closed: true }).where('site_id', '=', site.id).where('key', '=', 'to-close').execute();
    const before = await storedCount();
    await expectRefused(await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'to-close' })), 409, 'thread_closed', 'thread');
    expect(await storedCount()).toBe(before);
  });

  it.each([['0'], ['101'], ['abc'], ['2.5']])('refuses limit=%s', async (limit) => {
    const res = await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=t&limit=${limit}`);
    await expectRefused(res, 400, 'validation_failed', 'limit');
  });

  it('refuses a forged or tampered cursor', async () => {
    for (let i = 0; i < 3; i++) await postJson(ctx.app, '/api/v1/comments', commentPayload(site, { thread: 'paged', body: `c${i}`, author: { name: 'A', email: `p${i}@example.com` } }));
    const page = await (await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=paged&limit=1`)).json();
    expect(page.nextCursor).toBeTruthy();
    const [payload, sig] = (page.nextCursor as string).split('.');
    const forgedPayload = Buffer.from(JSON.stringify(['oldest', '2000-01-01T00:00:00.000Z', '1', 0])).toString('base64url');
    for (const bad of [`${forgedPayload}.${sig}`, `${payload}.AAAA`, 'garbage', `${payload}`, "' or 1=1 --"]) {
      const res = await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=paged&limit=1&cursor=${encodeURIComponent(bad)}`);
      await expectRefused(res, 400, 'invalid_cursor', 'cursor');
    }
    // A cursor issued for one sort order is not accepted for another.
    const res = await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=paged&limit=1&sort=newest&cursor=${encodeURIComponent(page.nextCursor)}`);
    await expectRefused(res, 400, 'invalid_cursor');
  });

  it('refuses more than 100 thread keys in a counts request', async () => {
    const qs = Array.from({ length: 101 }, (_, i) => `thread=t${i}`).join('&');
    await expectRefused(await ctx.app.request(`/api/v1/counts?site=${site.slug}&${qs}`), 400, 'validation_failed', 'thread');
  });

  it('answers 404 in JSON for unknown sites and endpoints', async () => {
    await expectRefused(await ctx.app.request('/api/v1/counts?site=nope&thread=a'), 404, 'unknown_site');
    await expectRefused(await ctx.app.request('/api/v1/sites/nope/policy'), 404, 'unknown_site');
    await expectRefused(await ctx.app.request('/api/v1/nothing-here'), 404, 'not_found');
  });
});
