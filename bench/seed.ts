// Seeds the benchmark databases on PostgreSQL, set-based, unless they are already seeded.
//
//   npx tsx bench/seed.ts [small|large|all] [--force]
//
// parley_bench:       1,000,000 comments over 10,000 threads; the hot thread `hot` has 20,000.
// parley_bench_small:    10,000 comments over 100 threads; `hot` has 9,500.
//
// Both hot threads have the same shape per page (2 replies for every 3 top-level comments,
// replies down to depth 6), so the small/large ratio of a page read measures the size of the
// database, not a heavier page. BENCH_DATABASE_URL names the server (default
// postgres://postgres@127.0.0.1:5432); the database name is ours.

import { pathToFileURL } from 'node:url';
import path from 'node:path';
import pg from 'pg';
import { openPostgres } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { bodyHash } from '../src/db/moderationLookups.js';
import { getOrCreateSecret } from '../src/db/secrets.js';
import { addPolicyVersion, insertSite } from '../src/db/sites.js';
import { avatarSeed } from '../src/services/postComment.js';
import { author, bodyLength, commentBody, prng } from './text.js';

/** Bump when the shape of the data changes: an older seed is then dropped and rebuilt. */
const SEED_VERSION = 6;
export const BENCH_SITE = 'bench';
export const HOT_THREAD = 'hot';

export interface Profile {
  name: 'small' | 'large';
  database: string;
  /** The hot thread: top-level comments, then replies at depth 1..6. */
  hot: { top: number; replies: readonly [number, number, number, number, number, number] };
  /** Every other thread: keys t00001…, comments spread unevenly over them. */
  others: { threads: number; comments: number; spread: number };
}

export const PROFILES: Record<Profile['name'], Profile> = {
  small: {
    name: 'small',
    database: 'parley_bench_small',
    hot: { top: 5_700, replies: [1_900, 950, 475, 238, 142, 95] },
    others: { threads: 99, comments: 500, spread: 0.8 },
  },
  large: {
    name: 'large',
    database: 'parley_bench',
    hot: { top: 12_000, replies: [4_000, 2_000, 1_000, 500, 300, 200] },
    others: { threads: 9_999, comments: 980_000, spread: 1.0 },
  },
};

export function totalComments(p: Profile): number {
  return p.hot.top + p.hot.replies.reduce((a, b) => a + b, 0) + p.others.comments;
}

/** Share of a thread's comments at depth 1..6 (the rest are top-level): ~30% replies. */
const REPLY_SHARE = [0.16, 0.07, 0.035, 0.02, 0.01, 0.005] as const;

export const MODERATION = {
  behaviour: { maxPostsPerIpPer10Min: 1_000_000, maxPostsPerEmailPer10Min: 1_000_000, minSecondsToSubmit: 0, duplicateWindowMinutes: 0 },
  akismet: { enabled: false },
};

const POLICY_TEXT = 'Be kind. Comments are moderated after publication; links are removed. We keep your email to reach you about your comment.';
const CONSENT_TEXT = 'I have read the comment policy and agree that my name, email and comment are stored.';

export function serverUrl(): string {
  return process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432';
}

export function databaseUrl(database: string): string {
  const u = new URL(serverUrl());
  u.pathname = `/${database}`;
  return u.href;
}

export interface SeedInfo {
  profile: Profile['name'];
  url: string;
  siteId: string;
  policyVersion: number;
  comments: number;
  /** The highest comment id the seed wrote: anything above was posted by a benchmark. */
  maxCommentId: string;
  threads: number;
  hotTopLevelVisible: number;
}

type Log = (msg: string) => void;

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function readMarker(url: string): Promise<SeedInfo | null> {
  try {
    return await withClient(url, async (c) => {
      const t = await c.query(`select to_regclass('bench_seed') as t`);
      if (!t.rows[0].t) return null;
      const r = await c.query(`select info from bench_seed where version = $1`, [SEED_VERSION]);
      return r.rows[0] ? ({ ...r.rows[0].info, url } as SeedInfo) : null;
    });
  } catch (e) {
    if ((e as { code?: string }).code === '3D000') return null; // no such database
    throw e;
  }
}

/** Seeds the profile's database unless a seed of this version is there; returns what it holds. */
export async function ensureSeeded(profile: Profile, opts: { force?: boolean; log?: Log } = {}): Promise<SeedInfo> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const url = databaseUrl(profile.database);
  if (!opts.force) {
    const marker = await readMarker(url);
    if (marker && marker.comments === totalComments(profile)) return marker;
  }
  const admin = databaseUrl('postgres');
  await withClient(admin, async (c) => {
    await c.query(`drop database if exists ${profile.database} with (force)`);
    await c.query(`create database ${profile.database}`);
  });
  const started = Date.now();
  log(`seeding ${profile.database}: ${totalComments(profile).toLocaleString('en')} comments…`);
  const info = await seed(profile, url, log);
  log(`seeded ${profile.database} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return info;
}

interface ThreadPlan {
  key: string;
  /** Seconds before the seed's "now" the article was published. */
  age: number;
  /** Mean delay of a top-level comment after the article, seconds. */
  topMean: number;
  levels: number[]; // [top, d1..d6]
}

function planThreads(p: Profile): ThreadPlan[] {
  const rand = prng(7);
  const day = 86_400;
  const plans: ThreadPlan[] = [{ key: HOT_THREAD, age: 7 * day, topMean: 12 * 3600, levels: [p.hot.top, ...p.hot.replies] }];
  // Unevenly popular articles: log-normal weights, scaled to the exact total (largest remainder), at least one each.
  const n = p.others.threads;
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const weights = Array.from({ length: n }, () => Math.exp(p.others.spread * gauss()));
  const sum = weights.reduce((a, b) => a + b, 0);
  const spare = p.others.comments - n;
  const exact = weights.map((w) => (w / sum) * spare);
  const counts = exact.map((x) => 1 + Math.floor(x));
  let missing = p.others.comments - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; missing > 0; k++, missing--) counts[order[k % n]![1]]! += 1;
  for (let i = 0; i < n; i++) {
    const total = counts[i]!;
    const replies = REPLY_SHARE.map((f) => Math.floor(total * f));
    const top = total - replies.reduce((a, b) => a + b, 0);
    plans.push({ key: `t${String(i + 1).padStart(5, '0')}`, age: 10 * day + Math.floor(rand() * 720 * day), topMean: 8 * 3600, levels: [top, ...replies] });
  }
  return plans;
}

async function seed(profile: Profile, url: string, log: Log): Promise<SeedInfo> {
  // Schema through the project's own migrator; site and policy through its own functions.
  const handle = await openPostgres(url, { max: 2 });
  let siteId: string;
  let policyVersion: number;
  let avatarSecret: string;
  try {
    await migrateToLatest(handle.db);
    const site = await insertSite(handle.db, { slug: BENCH_SITE, name: 'Benchmark Gazette', moderation: MODERATION });
    const policy = await handle.db.transaction().execute((trx) => addPolicyVersion(trx, site.id, POLICY_TEXT, CONSENT_TEXT));
    siteId = site.id;
    policyVersion = policy.version;
    avatarSecret = await getOrCreateSecret(handle.db, 'avatar');
  } finally {
    await handle.close();
  }

  const plans = planThreads(profile);
  const rand = prng(11);
  // Pools the set-based insert picks from: bodies (word-level random prose) and authors.
  const BODIES = profile.name === 'large' ? 20_000 : 5_000;
  const bodies = Array.from({ length: BODIES }, () => commentBody(rand, bodyLength(rand)));
  const AUTHORS = profile.name === 'large' ? 20_000 : 2_000;
  const authors = Array.from({ length: AUTHORS }, (_, i) => author(rand, i));
  const userAgents = [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
    'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  ];

  return withClient(url, async (c) => {
    const step = async (label: string, text: string, params: unknown[] = []) => {
      const t = Date.now();
      const r = await c.query(text, params);
      log(`  ${label}: ${r.rowCount ?? 0} rows, ${((Date.now() - t) / 1000).toFixed(1)} s`);
      return r;
    };
    await c.query(`set maintenance_work_mem = '512MB'`);
    await c.query(`set work_mem = '256MB'`);
    await c.query(`select setseed(0.42)`);
    const now = new Date();

    await step('threads', `
      insert into threads (site_id, key, url, title, created_at)
      select $1, k, 'https://news.example.org/' || k || '/', 'Article ' || k, $2::timestamptz - make_interval(secs => a)
      from unnest($3::text[], $4::float8[]) as p(k, a)`,
    [siteId, now, plans.map((p) => p.key), plans.map((p) => p.age)]);

    await c.query(`create unlogged table bench_plan (thread_id bigint primary key, top_mean float8 not null, n int[] not null)`);
    await c.query(`
      insert into bench_plan select t.id, p.m, string_to_array(p.n, ',')::int[]
      from unnest($2::text[], $3::float8[], $4::text[]) as p(k, m, n) join threads t on t.site_id = $1 and t.key = p.k`,
    [siteId, plans.map((p) => p.key), plans.map((p) => p.topMean), plans.map((p) => p.levels.join(','))]);

    await c.query(`create unlogged table bench_bodies (idx int primary key, body text not null, body_hash text not null)`);
    await c.query(`insert into bench_bodies select i - 1, b, h from unnest($1::text[], $2::text[]) with ordinality as x(b, h, i)`,
      [bodies, bodies.map(bodyHash)]);
    await c.query(`create unlogged table bench_authors (idx int primary key, name text not null, email text not null, avatar text not null, ip inet not null, ua text not null)`);
    await c.query(`insert into bench_authors select i - 1, n, e, a, ip::inet, ua from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) with ordinality as x(n, e, a, ip, ua, i)`, [
      authors.map((a) => a.name),
      authors.map((a) => a.email),
      authors.map((a) => avatarSeed(avatarSecret, siteId, a.email)),
      authors.map((_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`),
      authors.map((_, i) => userAgents[i % userAgents.length]!),
    ]);

    // Every comment first lands in a staging table with a staging id (sid); real ids are
    // assigned at the end in created_at order, as a live site would have assigned them.
    await c.query(`create unlogged table bench_stage (
      sid bigint primary key, thread_id bigint not null, parent_sid bigint, root_sid bigint, depth int not null,
      seq int not null, created_at timestamptz not null, status text not null, pick int not null)`);
    await c.query(`create sequence bench_sid`);
    // Status: the first comment of each level of each thread is published (so the next level
    // has a parent); otherwise 93% published, 1.5% deleted, 2.5% pending, 2.5% spam, 0.5% rejected.
    // The data is what the retention job leaves (so it finds nothing to do mid-benchmark): no spam
    // older than 14 days nor rejected older than 29 (those would have been purged; they are
    // published here instead), and IP addresses only on comments of the last 29 days.
    const status = `case when seq = 1 or r < 0.93 then 'published' when r < 0.945 then 'deleted' when r < 0.97 then 'pending'
      when r < 0.995 then case when ts > $1::timestamptz - interval '14 days' then 'spam' else 'published' end
      else case when ts > $1::timestamptz - interval '29 days' then 'rejected' else 'published' end end`;
    await step('top-level comments', `
      insert into bench_stage
      select nextval('bench_sid'), thread_id, null, null, 0, seq, ts, ${status}, pick
      from (
        select p.thread_id, g.seq, random() as r, floor(random() * 2147483647)::int as pick,
               date_trunc('milliseconds', t.created_at + make_interval(secs => least(-ln(1 - random()) * p.top_mean, 3 * 86400) + 1)) as ts
        from bench_plan p join threads t on t.id = p.thread_id cross join generate_series(1, p.n[1]) as g(seq)
        offset 0
      ) x`, [now]);
    for (let d = 1; d <= 6; d++) {
      // One level per statement: each reply picks a random visible parent one level up in its thread.
      await step(`replies at depth ${d}`, `
        with par as (
          select sid, thread_id, coalesce(root_sid, sid) as root_sid, created_at,
                 row_number() over (partition by thread_id order by sid) as rn
          from bench_stage where depth = $2 - 1 and status in ('published', 'deleted')
        ), pc as (
          select thread_id, count(*) as cnt from par group by thread_id
        ), want as (
          select p.thread_id, g.seq, 1 + floor(random() * pc.cnt)::int as rn, -ln(1 - random()) as e, random() as r,
                 floor(random() * 2147483647)::int as pick
          from bench_plan p join pc on pc.thread_id = p.thread_id cross join generate_series(1, p.n[$2 + 1]) as g(seq)
          offset 0
        )
        insert into bench_stage
        select nextval('bench_sid'), thread_id, parent_sid, root_sid, $2, seq, ts, ${status}, pick
        from (
          select w.thread_id, par.sid as parent_sid, par.root_sid, w.seq, w.r, w.pick,
                 date_trunc('milliseconds', par.created_at + make_interval(secs => least(w.e * 3600, 12 * 3600) + 1)) as ts
          from want w join par on par.thread_id = w.thread_id and par.rn = w.rn
          offset 0
        ) x`,
      [now, d]);
    }

    await step('reply counts', `create unlogged table bench_rc as
      select parent_sid, count(*)::int as n from bench_stage where status = 'published' and parent_sid is not null group by parent_sid`);
    await c.query(`alter table bench_rc add primary key (parent_sid)`);
    const base = (await c.query(`select coalesce(max(id), 0)::bigint as m from comments`)).rows[0].m as string;
    await step('ids in time order', `create unlogged table bench_map as
      select sid, $1::bigint + row_number() over (order by created_at, sid) as id from bench_stage`, [base]);
    await c.query(`alter table bench_map add primary key (sid)`);

    // Bulk load: drop the secondary indexes (their definitions are read back from the catalog,
    // so they come back exactly as the migrations made them) and skip the FK triggers (the data
    // is consistent by construction); then one insert in id order, then the indexes rebuilt by sort.
    const indexes = (await c.query(`
      select indexname, indexdef from pg_indexes
      where schemaname = current_schema() and tablename = 'comments'
        and indexname not in (select conname from pg_constraint where conrelid = 'comments'::regclass)`)).rows as Array<{ indexname: string; indexdef: string }>;
    for (const ix of indexes) await c.query(`drop index ${ix.indexname}`);
    let replica = true;
    try {
      await c.query(`set session_replication_role = replica`);
    } catch {
      replica = false; // not a superuser: FK checks run, slower but the same result
    }
    await step(`comments${replica ? ' (FK triggers skipped)' : ''}`, `
      insert into comments (id, site_id, thread_id, parent_id, root_id, depth, author_name, author_email, author_website,
        author_avatar, body, body_hash, status, reply_count, report_count, ip, user_agent, referrer, moderation,
        edit_token_hash, external_id, created_at, edited_at, status_changed_at)
      overriding system value
      select m.id, $1, s.thread_id, pm.id, rm.id, s.depth, a.name, a.email,
             case when s.pick % 17 = 0 then 'https://blog.example.com/' || a.idx else null end,
             a.avatar, b.body, b.body_hash, s.status, coalesce(rc.n, 0), 0,
             case when s.created_at > $2::timestamptz - interval '29 days' then a.ip end,
             case when s.created_at > $2::timestamptz - interval '29 days' then a.ua end,
             null, null, null, null,
             s.created_at,
             case when s.pick % 23 = 0 then s.created_at + make_interval(secs => 60 + s.pick % 600) else null end,
             s.created_at + case when s.status in ('published') then interval '0' else interval '2 hours' end
      from bench_stage s
      join bench_map m on m.sid = s.sid
      left join bench_map pm on pm.sid = s.parent_sid
      left join bench_map rm on rm.sid = s.root_sid
      left join bench_rc rc on rc.parent_sid = s.sid
      join bench_bodies b on b.idx = s.pick % ${BODIES}
      join bench_authors a on a.idx = (s.pick / ${BODIES}) % ${AUTHORS}
      order by m.id`, [siteId, now]);
    if (replica) await c.query(`set session_replication_role = origin`);
    for (const ix of indexes) await step(`index ${ix.indexname}`, ix.indexdef);
    await c.query(`select setval(pg_get_serial_sequence('comments', 'id'), (select max(id) from comments))`);

    await step('thread counts', `
      update threads t set comment_count = x.n, last_comment_at = x.last
      from (select thread_id, count(*) filter (where status = 'published')::int as n,
                   max(created_at) filter (where status = 'published') as last
            from bench_stage group by thread_id) x
      where t.id = x.thread_id`);
    // What a benchmark run resets to after posting (see resetPosted).
    await c.query(`create table bench_thread_counts as select id, comment_count, last_comment_at from threads where site_id = $1`, [siteId]);
    for (const t of ['bench_plan', 'bench_bodies', 'bench_authors', 'bench_stage', 'bench_rc', 'bench_map']) await c.query(`drop table ${t}`);
    await c.query(`drop sequence bench_sid`);
    await step('vacuum (freeze, analyze)', `vacuum (freeze, analyze) comments`);
    await c.query(`vacuum analyze threads`);
    await c.query(`vacuum analyze sites`);

    const counts = (await c.query(`
      select (select count(*)::int from comments where site_id = $1) as comments,
             (select max(id)::text from comments where site_id = $1) as max_id,
             (select count(*)::int from threads where site_id = $1) as threads,
             (select count(*)::int from comments c join threads t on t.id = c.thread_id
               where t.key = $2 and t.site_id = $1 and c.parent_id is null and c.status in ('published', 'deleted')) as hot_visible`,
    [siteId, HOT_THREAD])).rows[0];
    if (counts.comments !== totalComments(profile)) throw new Error(`seeded ${counts.comments} comments, expected ${totalComments(profile)}`);
    await checkConsistency(c, siteId);
    const info: SeedInfo = {
      profile: profile.name,
      url,
      siteId,
      policyVersion,
      comments: counts.comments,
      maxCommentId: counts.max_id,
      threads: counts.threads,
      hotTopLevelVisible: counts.hot_visible,
    };
    await c.query(`create table bench_seed (version int primary key, info jsonb not null, seeded_at timestamptz not null default now())`);
    await c.query(`insert into bench_seed (version, info) values ($1, $2)`, [SEED_VERSION, JSON.stringify({ ...info, url: undefined })]);
    return info;
  });
}

/** The invariants the app keeps, checked once on the fresh seed. */
async function checkConsistency(c: pg.Client, siteId: string): Promise<void> {
  const problems = (await c.query(`
    select
      (select count(*)::int from comments r join comments p on p.id = r.parent_id
        where r.site_id = $1 and (r.depth <> p.depth + 1 or r.thread_id <> p.thread_id or r.root_id <> coalesce(p.root_id, p.id) or r.created_at <= p.created_at)) as bad_tree,
      (select count(*)::int from comments where site_id = $1 and ((parent_id is null) <> (depth = 0) or (parent_id is null) <> (root_id is null) or depth > 6)) as bad_depth,
      (select count(*)::int from comments p
        left join (select parent_id, count(*) as n from comments where status = 'published' and parent_id is not null group by parent_id) x on x.parent_id = p.id
        where p.site_id = $1 and p.reply_count <> coalesce(x.n, 0)) as bad_reply_count,
      (select count(*)::int from threads t
        left join (select thread_id, count(*) as n, max(created_at) as last from comments where status = 'published' group by thread_id) x on x.thread_id = t.id
        where t.site_id = $1 and (t.comment_count <> coalesce(x.n, 0) or t.last_comment_at is distinct from x.last)) as bad_thread_count,
      (select count(*)::int from comments where site_id = $1 and created_at <> date_trunc('milliseconds', created_at)) as not_ms`,
  [siteId])).rows[0] as Record<string, number>;
  const bad = Object.entries(problems).filter(([, n]) => n > 0);
  if (bad.length) throw new Error(`seed is inconsistent: ${bad.map(([k, n]) => `${k}=${n}`).join(', ')}`);
}

/**
 * Removes what a benchmark posted (comments above the seed's last id, their consent records
 * and moderation events) and restores the thread counts, so every run reads the same data.
 */
export async function resetPosted(info: SeedInfo): Promise<number> {
  return withClient(info.url, async (c) => {
    await c.query('begin');
    await c.query(`delete from consent_records where site_id = $1`, [info.siteId]);
    await c.query(`delete from moderation_events where site_id = $1`, [info.siteId]);
    await c.query(`delete from akismet_rechecks where comment_id > $1`, [info.maxCommentId]);
    const gone = await c.query(`delete from comments where site_id = $1 and id > $2`, [info.siteId, info.maxCommentId]);
    await c.query(`
      update threads t set comment_count = s.comment_count, last_comment_at = s.last_comment_at
      from bench_thread_counts s where s.id = t.id and (t.comment_count, t.last_comment_at) is distinct from (s.comment_count, s.last_comment_at)`);
    await c.query(`delete from threads where site_id = $1 and id not in (select id from bench_thread_counts)`, [info.siteId]);
    await c.query('commit');
    if ((gone.rowCount ?? 0) > 0) await c.query(`vacuum analyze comments, threads, consent_records, moderation_events`);
    return gone.rowCount ?? 0;
  });
}

async function main() {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const which = args.find((a) => !a.startsWith('--')) ?? 'all';
  const names = which === 'all' ? (['small', 'large'] as const) : [which as Profile['name']];
  for (const name of names) {
    const profile = PROFILES[name];
    if (!profile) throw new Error(`unknown profile "${name}" (small, large or all)`);
    const info = await ensureSeeded(profile, { force });
    console.log(JSON.stringify(info));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
