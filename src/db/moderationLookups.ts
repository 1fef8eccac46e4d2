import crypto from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { AuthorHistory, Ban, ModerationLookups } from '../moderation/types.js';
import type { Database } from './schema.js';

/**
 * The hash duplicates are found by: the normalised body, case and spacing folded.
 * Only runs of spaces and other whitespace are rewritten (a single space already is what
 * it becomes): the same result as replacing every /\s+/, four times faster on prose,
 * which an import of 100,000 comments notices.
 */
export function bodyHash(body: string): string {
  return crypto.createHash('sha256').update(body.toLowerCase().replace(/\s{2,}|[^\S ]/g, ' ').trim()).digest('hex');
}

/**
 * Answers read ahead of the pipeline, in the same round trip as the site (see
 * findPostingContext): each is used only when a phase asks exactly that question
 * (same address, same window start, same body), else the lookup asks the database as before.
 * Round trips are what a post costs most; four lookups one after another were four.
 */
export interface PrefetchedAnswers {
  recentByIp?: { ip: string; since: number; count: number };
  /** `email` lower-cased, as the lookup compares it. */
  recentByEmail?: { email: string; since: number; count: number };
  sameBody?: { hash: string; since: number; count: number };
  bans?: Ban[];
  /** `email` lower-cased, as the lookup compares it. */
  authorHistory?: { email: string; history: AuthorHistory };
}

/**
 * What to read ahead. The windows are what the phases will most likely ask: the rate-limit
 * window is fixed; the duplicate window and whether the author's history is needed come from
 * the site's settings as last seen (a guess, checked when the phase asks).
 */
export interface LookupQuestions {
  ip: string | null;
  email: string;
  now: Date;
  rateSince: Date;
  /** The body as the phases will see it (normalised), or null not to read duplicates ahead. */
  body: string | null;
  duplicateSince: Date | null;
  authorHistory: boolean;
}

/**
 * The lookups as select-list items over a site id (a column of the query they join):
 * scalar subqueries, each one index range like the lookups below. Aliases start with `lk_`.
 */
export function lookupSelections(siteId: RawBuilder<unknown>, q: LookupQuestions): RawBuilder<unknown>[] {
  const items: RawBuilder<unknown>[] = [];
  const email = q.email.trim().toLowerCase();
  if (q.ip) {
    items.push(sql`(select count(*)::int from comments where site_id = ${siteId} and ip = ${opaque(q.ip, 'inet')} and created_at >= ${opaque(q.rateSince, 'timestamptz')}) as lk_ip`);
  }
  if (email) {
    items.push(sql`(select count(*)::int from comments where site_id = ${siteId} and lower(author_email) = ${opaque(email, 'text')} and created_at >= ${opaque(q.rateSince, 'timestamptz')}) as lk_email`);
  }
  if (q.body !== null && q.duplicateSince) {
    items.push(sql`(select count(*)::int from comments where site_id = ${siteId} and body_hash = ${opaque(bodyHash(q.body), 'text')} and created_at >= ${opaque(q.duplicateSince, 'timestamptz')}) as lk_body`);
  }
  items.push(sql`(select coalesce(json_agg(json_build_object('kind', b.kind, 'value', b.value, 'reason', b.reason)), '[]'::json)
    from bans b where b.site_id = ${siteId} and (b.expires_at is null or b.expires_at > ${opaque(q.now, 'timestamptz')})) as lk_bans`);
  if (q.authorHistory) {
    items.push(sql`(select coalesce(json_object_agg(h.status, h.n), '{}'::json)
      from (select status, count(*)::int as n from comments where site_id = ${siteId} and lower(author_email) = ${opaque(q.email.toLowerCase(), 'text')} group by status) h) as lk_history`);
  }
  return items;
}

/**
 * A value the planner cannot see (an uncorrelated sub-select, evaluated once per run, still
 * an index condition). The posting context query is a prepared statement
 * (preparedStatements.ts), and PostgreSQL keeps a generic plan for one only when it looks no
 * dearer than the plans made for the actual values. With the values visible it never does:
 * a specific address or a window ending now is estimated at one row, the generic plan at
 * dozens, so every post was planned afresh. Worse, planning `created_at >= <now - 10 min>`,
 * beyond the column's histogram, probes the index for the newest value, which under a stream
 * of inserts costs more than the query: on the 1M-comment bench database PostgreSQL spent
 * 4.7 ms of CPU per post planned afresh and 1.3 ms on the generic plan. Hidden, the estimates
 * are the same either way, so the generic plan is kept after five runs (tested in
 * tests/core/preparedStatements.test.ts). The lookups are index ranges whatever the values.
 */
function opaque(value: unknown, type: 'text' | 'inet' | 'timestamptz'): RawBuilder<unknown> {
  return sql`(select ${value}::${sql.raw(type)})`;
}

const parsedJson = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

/** The answers `lookupSelections` read, from the row (its `lk_` columns). */
export function lookupAnswers(row: Record<string, unknown>, q: LookupQuestions): PrefetchedAnswers {
  const answers: PrefetchedAnswers = {};
  if (typeof row.lk_ip === 'number' && q.ip) answers.recentByIp = { ip: q.ip, since: q.rateSince.getTime(), count: row.lk_ip };
  if (typeof row.lk_email === 'number') answers.recentByEmail = { email: q.email.trim().toLowerCase(), since: q.rateSince.getTime(), count: row.lk_email };
  if (typeof row.lk_body === 'number' && q.body !== null && q.duplicateSince) {
    answers.sameBody = { hash: bodyHash(q.body), since: q.duplicateSince.getTime(), count: row.lk_body };
  }
  if (row.lk_bans !== undefined && row.lk_bans !== null) answers.bans = parsedJson(row.lk_bans) as Ban[];
  if (row.lk_history !== undefined && row.lk_history !== null) {
    const counts = parsedJson(row.lk_history) as Record<string, number>;
    const history: AuthorHistory = { published: 0, pending: 0, spam: 0, rejected: 0 };
    for (const [status, n] of Object.entries(counts)) if (status in history) history[status as keyof AuthorHistory] = Number(n);
    answers.authorHistory = { email: q.email.toLowerCase(), history };
  }
  return answers;
}

/**
 * What the moderation phases may ask, answered from the database. Every answer is
 * shared by all instances (no process memory), so limits hold behind a load balancer.
 * `prefetched`: answers read ahead in the posting query, used when the question matches.
 */
export function databaseLookups(db: Kysely<Database>, siteId: string, email: string, now: () => Date, prefetched: PrefetchedAnswers = {}): ModerationLookups {
  const lowerEmail = email.toLowerCase();
  const ahead = prefetched;
  return {
    async authorHistory(): Promise<AuthorHistory> {
      if (ahead.authorHistory && ahead.authorHistory.email === lowerEmail) return { ...ahead.authorHistory.history };
      const rows = await db
        .selectFrom('comments')
        .select(['status', sql<number>`count(*)::int`.as('n')])
        .where('site_id', '=', siteId)
        .where(sql<string>`lower(author_email)`, '=', lowerEmail)
        .groupBy('status')
        .execute();
      const history: AuthorHistory = { published: 0, pending: 0, spam: 0, rejected: 0 };
      for (const r of rows) if (r.status in history) history[r.status as keyof AuthorHistory] = r.n;
      return history;
    },
    async countSameBody(body, since) {
      const hash = bodyHash(body);
      const a = ahead.sameBody;
      if (a && a.hash === hash && a.since === since.getTime()) return a.count;
      const row = await db
        .selectFrom('comments')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('site_id', '=', siteId)
        .where('body_hash', '=', hash)
        .where('created_at', '>=', since)
        .executeTakeFirstOrThrow();
      return row.n;
    },
    async activeBans(): Promise<Ban[]> {
      if (ahead.bans) return ahead.bans.map((b) => ({ ...b }));
      return db
        .selectFrom('bans')
        .select(['kind', 'value', 'reason'])
        .where('site_id', '=', siteId)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now())]))
        .execute();
    },
    async countRecentByIp(ip, since) {
      const a = ahead.recentByIp;
      if (a && a.ip === ip && a.since === since.getTime()) return a.count;
      const row = await db
        .selectFrom('comments')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('site_id', '=', siteId)
        .where('ip', '=', ip)
        .where('created_at', '>=', since)
        .executeTakeFirstOrThrow();
      return row.n;
    },
    async countRecentByEmail(address, since) {
      const a = ahead.recentByEmail;
      if (a && a.email === address.toLowerCase() && a.since === since.getTime()) return a.count;
      const row = await db
        .selectFrom('comments')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('site_id', '=', siteId)
        .where(sql<string>`lower(author_email)`, '=', address.toLowerCase())
        .where('created_at', '>=', since)
        .executeTakeFirstOrThrow();
      return row.n;
    },
  };
}
