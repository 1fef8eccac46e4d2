import { afterAll, beforeAll } from 'vitest';
import { hashPassword } from '../../src/auth/passwords.js';
import { applyCountChange, insertComment } from '../../src/db/comments.js';
import { appendModerationEvent } from '../../src/db/moderationEvents.js';
import { bodyHash } from '../../src/db/moderationLookups.js';
import type { Comment, CommentStatus } from '../../src/db/schema.js';
import { upsertThread } from '../../src/db/threads.js';
import type { ModerationRecord } from '../../src/moderation/types.js';
import type { ModeratorRole } from '../../src/db/authSchema.js';
import { insertModerator, setModeratorSites } from '../../src/db/moderators.js';
import type { ServiceOptions } from '../../src/services/buildServices.js';
import { createTestContext, postJson, type TestContext } from '../support/app.js';
import type { Backend } from '../support/db.js';

/** The real app (moderation routes included) on a fresh database, with no moderation phases unless given. */
export async function createModerationContext(backend: Backend, opts: ServiceOptions & { env?: Record<string, string> } = {}): Promise<TestContext> {
  return createTestContext(backend, { phases: [], ...opts });
}

/**
 * For a describe block: a moderation context and a logged-in admin, made before its tests
 * and closed after. Read the fields inside tests (they are filled by then).
 */
export function withAdminSession(backend: Backend): { ctx: TestContext; admin: Session; adminAccount: TestModerator } {
  const state = {} as { ctx: TestContext; admin: Session; adminAccount: TestModerator };
  beforeAll(async () => {
    state.ctx = await createModerationContext(backend);
    state.adminAccount = await createModerator(state.ctx, { role: 'admin' });
    state.admin = await login(state.ctx, state.adminAccount);
  });
  afterAll(async () => state.ctx?.close());
  return state;
}

export const testPassword = 'correct horse battery staple';
let seq = 0;

export interface TestModerator {
  id: string;
  email: string;
  password: string;
}

/** A moderator account written straight to the database (the API for accounts has its own tests). */
export async function createModerator(ctx: TestContext, opts: { role?: ModeratorRole; siteIds?: string[]; email?: string } = {}): Promise<TestModerator> {
  const email = opts.email ?? `mod-${Date.now().toString(36)}-${++seq}@example.com`;
  const m = (await insertModerator(ctx.handle.db, { email, passwordHash: await hashPassword(testPassword), role: opts.role ?? 'moderator', displayName: `Mod ${seq}` }))!;
  if (opts.siteIds?.length) await ctx.handle.db.transaction().execute((trx) => setModeratorSites(trx, m.id, opts.siteIds!));
  return { id: m.id, email, password: testPassword };
}

/** A logged-in browser-ish client: the session cookie and the CSRF token it was given. */
export interface Session {
  cookie: string;
  csrf: string;
}

export async function login(ctx: TestContext, m: Pick<TestModerator, 'email' | 'password'>): Promise<Session> {
  const res = await postJson(ctx.app, '/api/v1/auth/login', { email: m.email, password: m.password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0]!;
  const body = (await res.json()) as { csrfToken: string };
  return { cookie, csrf: body.csrfToken };
}

/** A JSON request as a logged-in moderator (cookie + CSRF header), or anonymous when `session` is null. */
export async function call(ctx: TestContext, session: Session | null, method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...extraHeaders };
  if (session) {
    headers.cookie = session.cookie;
    headers['x-csrf-token'] = session.csrf;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  return ctx.app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

export interface SeedComment {
  thread?: string;
  body?: string;
  status?: CommentStatus;
  name?: string;
  email?: string;
  ip?: string | null;
  userAgent?: string | null;
  parentId?: string | null;
  moderation?: ModerationRecord | null;
  createdAt?: Date;
}

/**
 * A comment as the pipeline would have stored it (row, first moderation event, counts),
 * with exactly the status and moderation record a test needs.
 */
export async function seedComment(ctx: TestContext, site: { id: string }, c: SeedComment = {}): Promise<Comment> {
  const status = c.status ?? 'pending';
  const at = c.createdAt ?? new Date();
  return ctx.handle.db.transaction().execute(async (trx) => {
    const thread = await upsertThread(trx, site.id, c.thread ?? 'refusenik-qa', { url: 'https://www.altfilmguide.com/refusenik-qa/', title: 'Refusenik Q&A' });
    const parent = c.parentId ? await trx.selectFrom('comments').selectAll().where('id', '=', c.parentId).executeTakeFirstOrThrow() : undefined;
    const body = c.body ?? 'Where can I find this film to show my group?';
    const row = await insertComment(trx, {
      site_id: site.id,
      thread_id: thread.id,
      parent_id: parent?.id ?? null,
      root_id: parent ? (parent.root_id ?? parent.id) : null,
      depth: parent ? parent.depth + 1 : 0,
      author_name: c.name ?? 'Sondra',
      author_email: c.email ?? 'sondra@example.com',
      author_website: null,
      author_avatar: 'abc123',
      body,
      body_hash: bodyHash(body),
      status,
      ip: c.ip === undefined ? '198.51.100.7' : c.ip,
      user_agent: c.userAgent === undefined ? 'TestBrowser/1.0' : c.userAgent,
      referrer: null,
      moderation: c.moderation === null ? null : JSON.stringify(c.moderation ?? heldRecord()),
      edit_token_hash: null,
      external_id: null,
      created_at: at,
      edited_at: null,
      status_changed_at: at,
    });
    await appendModerationEvent(trx, { siteId: site.id, commentId: row.id, actor: 'pipeline:test', action: 'submitted', from: null, to: status, reason: 'seeded', at });
    await applyCountChange(trx, row, null, status);
    return row;
  });
}

/** A record as the blocklists phase writes it when a suspect word holds a comment. */
export function heldRecord(words = ['dvd']): ModerationRecord {
  const flag = { code: 'suspect_word', reason: `Uses a word this site reviews before publishing: ${words.map((w) => `"${w}"`).join(', ')}.`, evidence: { list: 'suspect', words, fields: ['body'] } };
  return {
    decision: 'hold',
    reason: flag.reason,
    decidedBy: 'blocklists',
    flags: [flag],
    phases: [{ phase: 'blocklists', ms: 1, flags: [flag], rewrote: false, decision: { status: 'hold', reason: flag.reason } }],
    totalMs: 1,
  };
}

export async function publicBodies(ctx: TestContext, site: { slug: string }, thread = 'refusenik-qa'): Promise<string[]> {
  const page = await (await ctx.app.request(`/api/v1/comments?site=${site.slug}&thread=${encodeURIComponent(thread)}`)).json();
  const out: string[] = [];
  const walk = (list: { body: string; replies: unknown[] }[]) => {
    for (const c of list) {
      out.push(c.body);
      walk(c.replies as { body: string; replies: unknown[] }[]);
    }
  };
  walk(page.comments);
  return out;
}
