import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
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
 * The questions as fields of one row of the posting context query's input (see
 * readPostingContexts): null where not asked. Values reach the statement as data, not as
 * parameters the planner could look at, which is what lets PostgreSQL keep one generic plan
 * for it (preparedStatements.ts): planned for the actual values, a new address or a window
 * ending now looks nearly free and the generic plan dear, so every post was planned afresh;
 * and planning `created_at >= <ten minutes ago>`, beyond the column's histogram, probes the
 * index for its newest entry, which under a stream of inserts costs more than the query. On
 * the 1M-comment bench database PostgreSQL spent 4.7 ms of CPU per post planned afresh and
 * 1.3 ms on the generic plan.
 */
export function lookupInput(q: LookupQuestions | null | undefined) {
  const email = q ? q.email.trim().toLowerCase() : '';
  return {
    lk_asked: q != null,
    lk_ip: q?.ip || null,
    lk_email: email || null,
    lk_rate_since: q?.rateSince ?? null,
    lk_body_hash: q && q.body !== null && q.duplicateSince ? bodyHash(q.body) : null,
    lk_duplicate_since: q?.duplicateSince ?? null,
    lk_at: q?.now ?? null,
    lk_history_email: q?.authorHistory ? q.email.toLowerCase() : null,
  };
}

/** The types of lookupInput's fields, for jsonb_to_recordset. */
export const LOOKUP_INPUT_TYPES = sql`lk_asked boolean, lk_ip inet, lk_email text, lk_rate_since timestamptz, lk_body_hash text,
  lk_duplicate_since timestamptz, lk_at timestamptz, lk_history_email text`;

/**
 * The lookups as select-list items over the input row `x` (lookupInput's fields) and the site
 * `s`: each an index range, run only when asked (a CASE runs its sub-select only when taken).
 * Aliases start with `lk_`.
 */
export const LOOKUP_SELECTIONS = sql`
  case when x.lk_ip is not null then (select count(*)::int from comments where site_id = s.id and ip = x.lk_ip and created_at >= x.lk_rate_since) end as lk_ip,
  case when x.lk_email is not null then (select count(*)::int from comments where site_id = s.id and lower(author_email) = x.lk_email and created_at >= x.lk_rate_since) end as lk_email,
  case when x.lk_body_hash is not null then (select count(*)::int from comments where site_id = s.id and body_hash = x.lk_body_hash and created_at >= x.lk_duplicate_since) end as lk_body,
  case when x.lk_asked then (select coalesce(json_agg(json_build_object('kind', b.kind, 'value', b.value, 'reason', b.reason)), '[]'::json)
    from bans b where b.site_id = s.id and (b.expires_at is null or b.expires_at > x.lk_at)) end as lk_bans,
  case when x.lk_history_email is not null then (select coalesce(json_object_agg(h.status, h.n), '{}'::json)
    from (select status, count(*)::int as n from comments where site_id = s.id and lower(author_email) = x.lk_history_email group by status) h) end as lk_history`;

const parsedJson = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

export type LookupInput = ReturnType<typeof lookupInput>;

/** The answers LOOKUP_SELECTIONS read (the row's `lk_` columns), each labelled with exactly what was asked. */
export function lookupAnswers(row: Record<string, unknown>, asked: LookupInput): PrefetchedAnswers {
  const answers: PrefetchedAnswers = {};
  if (!asked.lk_asked) return answers;
  const rateSince = asked.lk_rate_since?.getTime();
  if (typeof row.lk_ip === 'number' && asked.lk_ip && rateSince !== undefined) answers.recentByIp = { ip: asked.lk_ip, since: rateSince, count: row.lk_ip };
  if (typeof row.lk_email === 'number' && asked.lk_email && rateSince !== undefined) answers.recentByEmail = { email: asked.lk_email, since: rateSince, count: row.lk_email };
  if (typeof row.lk_body === 'number' && asked.lk_body_hash && asked.lk_duplicate_since) {
    answers.sameBody = { hash: asked.lk_body_hash, since: asked.lk_duplicate_since.getTime(), count: row.lk_body };
  }
  if (row.lk_bans !== undefined && row.lk_bans !== null) answers.bans = parsedJson(row.lk_bans) as Ban[];
  if (row.lk_history !== undefined && row.lk_history !== null && asked.lk_history_email) {
    const counts = parsedJson(row.lk_history) as Record<string, number>;
    const history: AuthorHistory = { published: 0, pending: 0, spam: 0, rejected: 0 };
    for (const [status, n] of Object.entries(counts)) if (status in history) history[status as keyof AuthorHistory] = Number(n);
    answers.authorHistory = { email: asked.lk_history_email, history };
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
