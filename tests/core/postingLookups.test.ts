import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertBan } from '../../src/db/bans.js';
import { databaseLookups, type LookupQuestions } from '../../src/db/moderationLookups.js';
import { findPostingContext } from '../../src/db/submission.js';
import { RATE_WINDOW_MINUTES } from '../../src/moderation/phases/behaviour.js';
import type { Services } from '../../src/services/context.js';
import { postComment, type PostCommentInput } from '../../src/services/postComment.js';
import { ApiError } from '../../src/http/errors.js';
import { backends } from '../support/db.js';
import { createSite, createTestContext, type TestContext } from '../support/app.js';
import { call, createModerator, login, seedComment, type Session } from '../moderation-api/support.js';

// POST /comments reads the site, its policy, the thread, the parent and the moderation
// pipeline's lookups (rate-limit counts, duplicates, bans, author history) in one query.
// The lookups are read ahead with the windows the site's settings had last time: these
// tests hold that every answer is the one the database gives at the moment of the post,
// also right after a moderator changed the settings, the policy or the bans.
describe.each(backends)('posting reads its lookups with the site on %s', (backend) => {
  let ctx: TestContext;
  let admin: Session;
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  beforeAll(async () => {
    // The real pipeline (the default phases), Akismet off (no key).
    ctx = await createTestContext(backend, { clock });
    admin = await login(ctx, await createModerator(ctx, { role: 'admin' }));
  });
  afterAll(async () => ctx?.close());

  let seq = 0;
  const input = (site: { slug: string; policyVersion: number }, over: Partial<PostCommentInput> = {}): PostCommentInput => {
    seq++;
    return {
      site: site.slug,
      thread: 'lookups',
      url: null,
      title: null,
      parentId: null,
      author: { name: `Reader ${seq}`, email: `reader-${seq}@example.com`, website: null },
      body: `Where can I find this film to show my group? Question number ${seq}.`,
      consent: { policyVersion: site.policyVersion, accepted: true },
      honeypot: null,
      formToken: null,
      ip: `198.51.100.${seq % 250}`,
      userAgent: 'Test/1.0',
      referrer: null,
      ...over,
    };
  };

  /** The services with a database handle that counts the statements sent through it. */
  const counting = (): { services: Services; statements: string[] } => {
    const statements: string[] = [];
    const db = ctx.services.db.withPlugin({
      transformQuery(args) {
        statements.push(args.node.kind);
        return args.node;
      },
      async transformResult(args) {
        return args.result;
      },
    });
    return { services: { ...ctx.services, db }, statements };
  };

  const settings = async (slug: string, patch: unknown) => {
    const res = await call(ctx, admin, 'PATCH', `/api/v1/moderation/sites/${slug}/settings`, patch);
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json();
  };

  const refusal = async (p: Promise<unknown>): Promise<ApiError> => {
    const e = await p.then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  };

  it('posts in two statements (context with lookups, then the write) once the site was seen; a reply too', async () => {
    const site = await createSite(ctx);
    const { services, statements } = counting();
    // The first post to a site does not know its duplicate window yet: that lookup is asked after.
    const first = await postComment(services, input(site));
    expect(first.status).toBe('published');
    expect(statements).toHaveLength(3);
    statements.length = 0;
    await postComment(services, input(site));
    expect(statements).toHaveLength(2);
    statements.length = 0;
    const reply = await postComment(services, input(site, { parentId: first.comment.id }));
    expect(reply.status).toBe('published');
    expect(statements).toHaveLength(2);
    const stored = await ctx.handle.db.selectFrom('comments').select(['parent_id', 'root_id', 'depth']).where('id', '=', reply.comment.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ parent_id: first.comment.id, root_id: first.comment.id, depth: 1 });
    const parent = await ctx.handle.db.selectFrom('comments').select('reply_count').where('id', '=', first.comment.id).executeTakeFirstOrThrow();
    expect(parent.reply_count).toBe(1);
  });

  it('answers each lookup read ahead exactly as the lookup itself does', async () => {
    const site = await createSite(ctx);
    const now = new Date();
    const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
    await seedComment(ctx, site, { status: 'published', email: 'Sam@Example.com', ip: '203.0.113.5', body: 'Same words', createdAt: minutesAgo(2) });
    await seedComment(ctx, site, { status: 'pending', email: 'sam@example.com', ip: '203.0.113.5', body: 'same   WORDS', createdAt: minutesAgo(5) });
    await seedComment(ctx, site, { status: 'spam', email: 'sam@example.com', ip: '203.0.113.6', body: 'Other words', createdAt: minutesAgo(30) });
    await seedComment(ctx, site, { status: 'published', email: 'kim@example.com', ip: '203.0.113.5', body: 'Same words', createdAt: minutesAgo(12) });
    await insertBan(ctx.handle.db, { siteId: site.id, kind: 'ip_range', value: '203.0.113.0/24', reason: 'Range', createdBy: 'test', expiresAt: null });
    await insertBan(ctx.handle.db, { siteId: site.id, kind: 'email', value: 'old@example.com', reason: null, createdBy: 'test', expiresAt: minutesAgo(1) });
    await insertBan(ctx.handle.db, { siteId: site.id, kind: 'email_domain', value: 'example.org', reason: null, createdBy: 'test', expiresAt: new Date(now.getTime() + 60_000) });

    for (const [ip, email, body, windowMinutes] of [
      ['203.0.113.5', 'SAM@example.com', 'Same words', 10],
      ['203.0.113.5', 'sam@example.com', 'Same words', 20],
      ['203.0.113.6', 'kim@example.com', 'Other words', 60],
      ['192.0.2.1', 'nobody@example.com', 'Never said', 10],
    ] as const) {
      const q: LookupQuestions = {
        ip,
        email,
        now,
        rateSince: minutesAgo(RATE_WINDOW_MINUTES),
        body,
        duplicateSince: minutesAgo(windowMinutes),
        authorHistory: true,
      };
      const context = await findPostingContext(ctx.handle.db, site.slug, 'lookups', { lookups: q });
      const ahead = databaseLookups(ctx.handle.db, site.id, email, () => now, context!.answers);
      const asked = databaseLookups(ctx.handle.db, site.id, email, () => now);
      const label = `${ip} ${email} ${body} ${windowMinutes}`;
      expect(await ahead.countRecentByIp(ip, q.rateSince), label).toBe(await asked.countRecentByIp(ip, q.rateSince));
      expect(await ahead.countRecentByEmail(email, q.rateSince), label).toBe(await asked.countRecentByEmail(email, q.rateSince));
      expect(await ahead.countSameBody(body, q.duplicateSince!), label).toBe(await asked.countSameBody(body, q.duplicateSince!));
      expect(await ahead.authorHistory(), label).toEqual(await asked.authorHistory());
      const byValue = (a: { value: string }, b: { value: string }) => a.value.localeCompare(b.value);
      expect((await ahead.activeBans()).sort(byValue), label).toEqual((await asked.activeBans()).sort(byValue));
    }
    // Something else asked (another window, another address) is asked of the database.
    const q: LookupQuestions = { ip: '203.0.113.5', email: 'sam@example.com', now, rateSince: minutesAgo(RATE_WINDOW_MINUTES), body: 'Same words', duplicateSince: minutesAgo(1), authorHistory: false };
    const context = await findPostingContext(ctx.handle.db, site.slug, 'lookups', { lookups: q });
    expect(context!.answers.sameBody?.count).toBe(0);
    const ahead = databaseLookups(ctx.handle.db, site.id, 'sam@example.com', () => now, context!.answers);
    expect(await ahead.countSameBody('Same words', minutesAgo(10))).toBe(2);
    expect(await ahead.countRecentByIp('203.0.113.6', minutesAgo(60))).toBe(1);
    expect(await ahead.authorHistory()).toEqual({ published: 1, pending: 1, spam: 1, rejected: 0 });
  });

  it('refuses with 429 from the counts read ahead, per address and per email', async () => {
    const site = await createSite(ctx);
    await settings(site.slug, { moderation: { behaviour: { maxPostsPerIpPer10Min: 2, maxPostsPerEmailPer10Min: 3 } } });
    const ip = '192.0.2.77';
    expect((await postComment(ctx.services, input(site, { ip }))).status).toBe('published');
    expect((await postComment(ctx.services, input(site, { ip }))).status).toBe('published');
    const e = await refusal(postComment(ctx.services, input(site, { ip })));
    expect(e.code).toBe('rate_limited');
    const author = { name: 'Pat', email: 'Pat@Example.com', website: null };
    for (let i = 0; i < 3; i++) expect((await postComment(ctx.services, input(site, { author }))).status).toBe('published');
    expect((await refusal(postComment(ctx.services, input(site, { author: { ...author, email: 'pat@example.COM' } })))).code).toBe('rate_limited');
    // The window moves on.
    offsetMs += (RATE_WINDOW_MINUTES + 1) * 60_000;
    expect((await postComment(ctx.services, input(site, { ip, author }))).status).toBe('published');
  });

  it('holds a duplicate within the window the site has now, also right after a moderator changed it', async () => {
    const site = await createSite(ctx);
    await settings(site.slug, { moderation: { behaviour: { duplicateWindowMinutes: 10 } } });
    const body = 'A sentence somebody posts twice about the film.';
    expect((await postComment(ctx.services, input(site, { body }))).status).toBe('published');
    offsetMs += 5 * 60_000;
    const again = await postComment(ctx.services, input(site, { body: `  ${body.toUpperCase()}  ` }));
    expect(again.status).toBe('pending');
    const stored = await ctx.handle.db.selectFrom('comments').select('moderation').where('id', '=', again.comment.id).executeTakeFirstOrThrow();
    expect((stored.moderation as { flags: Array<{ code: string }> }).flags.map((f) => f.code)).toContain('duplicate');

    // A shorter window: the posts 3 and 8 minutes ago no longer count.
    await settings(site.slug, { moderation: { behaviour: { duplicateWindowMinutes: 2 } } });
    offsetMs += 3 * 60_000;
    expect((await postComment(ctx.services, input(site, { body }))).status).toBe('published');
    // A longer one again: now they do.
    await settings(site.slug, { moderation: { behaviour: { duplicateWindowMinutes: 30 } } });
    expect((await postComment(ctx.services, input(site, { body: `${body} ` }))).status).toBe('pending');
  });

  it('rejects a commenter banned a moment ago, and not after the ban is lifted', async () => {
    const site = await createSite(ctx);
    const author = { name: 'Troll', email: 'troll@example.net', website: null };
    expect((await postComment(ctx.services, input(site, { author }))).status).toBe('published');
    const res = await call(ctx, admin, 'POST', `/api/v1/moderation/sites/${site.slug}/bans`, { kind: 'email_domain', value: 'example.net', reason: 'Trolls' });
    expect(res.status).toBe(201);
    const banned = await postComment(ctx.services, input(site, { author }));
    expect(banned.status).toBe('pending');
    const row = await ctx.handle.db.selectFrom('comments').select(['status', 'moderation']).where('id', '=', banned.comment.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('rejected');
    expect((row.moderation as { flags: Array<{ code: string }> }).flags.map((f) => f.code)).toContain('banned_commenter');
    const ban = (await res.json()) as { ban: { id: string } };
    expect((await call(ctx, admin, 'DELETE', `/api/v1/moderation/sites/${site.slug}/bans/${ban.ban.id}`)).status).toBe(200);
    expect((await postComment(ctx.services, input(site, { author }))).status).toBe('published');
  });

  it("holds a first-time commenter's comments until one was approved, in first-time mode set a moment ago", async () => {
    const site = await createSite(ctx);
    const author = { name: 'New', email: 'new@example.com', website: null };
    expect((await postComment(ctx.services, input(site, { author }))).status).toBe('published');
    await settings(site.slug, { moderation: { mode: 'first-time' } });
    const other = { name: 'Newer', email: 'newer@example.com', website: null };
    const held = await postComment(ctx.services, input(site, { author: other }));
    expect(held.status).toBe('pending');
    expect((await postComment(ctx.services, input(site, { author: other }))).status).toBe('pending');
    // The first address already has a published comment.
    expect((await postComment(ctx.services, input(site, { author }))).status).toBe('published');
    const approve = await call(ctx, admin, 'POST', `/api/v1/moderation/comments/${held.comment.id}/approve`, {});
    expect(approve.status, await approve.clone().text()).toBe(200);
    expect((await postComment(ctx.services, input(site, { author: { ...other, email: 'NEWER@example.com' } }))).status).toBe('published');
  });

  it('checks consent against the policy version published a moment ago', async () => {
    const site = await createSite(ctx);
    expect((await postComment(ctx.services, input(site))).status).toBe('published');
    const updated = (await settings(site.slug, { policy: { text: 'Be kind. Now with a new paragraph.' } })) as { policy: { version: number } };
    expect(updated.policy.version).toBe(site.policyVersion + 1);
    const outdated = await refusal(postComment(ctx.services, input(site)));
    expect(outdated.code).toBe('policy_outdated');
    const ok = await postComment(ctx.services, input({ slug: site.slug, policyVersion: updated.policy.version }));
    expect(ok.status).toBe('published');
    const consent = await ctx.handle.db.selectFrom('consent_records').select(['policy_version', 'policy_hash']).where('comment_id', '=', ok.comment.id).executeTakeFirstOrThrow();
    const policy = await ctx.handle.db.selectFrom('policy_versions').select('hash').where('site_id', '=', site.id).where('version', '=', updated.policy.version).executeTakeFirstOrThrow();
    expect(consent).toEqual({ policy_version: updated.policy.version, policy_hash: policy.hash });
  });

  it('refuses a parent id no comment can have as an invalid parent, not a server error', async () => {
    const site = await createSite(ctx);
    for (const parentId of ['9999999999999999999', '9223372036854775807', '0']) {
      expect((await refusal(postComment(ctx.services, input(site, { parentId })))).code).toBe('invalid_parent');
    }
    const other = await createSite(ctx);
    const elsewhere = await postComment(ctx.services, input(other));
    expect((await refusal(postComment(ctx.services, input(site, { parentId: elsewhere.comment.id })))).code).toBe('invalid_parent');
  });

  it('keeps the site settings seen per database, never across databases', async () => {
    // Two handles on different databases may hold sites with the same slug.
    const second = await createTestContext(backend, { clock });
    try {
      const a = await createSite(ctx, { slug: `shared-${backend}-${Date.now().toString(36)}` });
      const b = await createSite(second, { slug: a.slug, moderation: { behaviour: { duplicateWindowMinutes: 60 } } });
      const body = 'Said once on each site, then again.';
      expect((await postComment(ctx.services, input(a, { body }))).status).toBe('published');
      expect((await postComment(second.services, input(b, { body }))).status).toBe('published');
      offsetMs += 20 * 60_000;
      // Site a has the default 10-minute window; b keeps an hour.
      expect((await postComment(ctx.services, input(a, { body }))).status).toBe('published');
      expect((await postComment(second.services, input(b, { body }))).status).toBe('pending');
    } finally {
      await second.close();
    }
  });
});
