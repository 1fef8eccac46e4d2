// EXPLAIN (ANALYZE, BUFFERS) of every query a public read runs, on the 1M-comment database.
//
//   npx tsx bench/explain.ts [small|large]
//
// The SQL is not copied: the app's own query functions run on a Kysely instance whose `log`
// captures each statement with its parameters, and those exact statements are explained.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { listRepliesForRoots, listTopLevelPage, type PageCursor } from '../src/db/comments.js';
import { databaseLookups } from '../src/db/moderationLookups.js';
import type { Database } from '../src/db/schema.js';
import { findCurrentPolicy, findSiteBySlug } from '../src/db/sites.js';
import { countsForKeys, findThread } from '../src/db/threads.js';
import { MAX_REPLY_DEPTH, REPLIES_PER_ROOT } from '../src/services/threadPage.js';
import { BENCH_SITE, HOT_THREAD, PROFILES, ensureSeeded, type SeedInfo } from './seed.js';

interface Captured {
  label: string;
  sql: string;
  params: readonly unknown[];
}

export interface ExplainedQuery extends Captured {
  plan: string;
  /** Indexes the plan reads, e.g. ["Index Scan using comments_thread_top on comments"]. */
  access: string[];
  seqScanOnComments: boolean;
  executionMs: number;
}

/** Runs the app's read path query functions, capturing each statement as the app sends it. */
async function captureQueries(url: string): Promise<Captured[]> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const captured: Captured[] = [];
  let label = '';
  let record = false;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query' && record) captured.push({ label, sql: event.query.sql, params: event.query.parameters });
    },
  });
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    label = name;
    record = true;
    try {
      return await fn();
    } finally {
      record = false;
    }
  };
  try {
    const site = await step('site by slug (every read)', () => findSiteBySlug(db, BENCH_SITE));
    if (!site) throw new Error('no bench site');
    const thread = await step('thread by key (thread page)', () => findThread(db, site.id, HOT_THREAD));
    if (!thread) throw new Error('no hot thread');
    const first = await step('first page: top-level comments', () => listTopLevelPage(db, thread.id, 'oldest', 50, null));
    await step('first page: replies (lateral, one query for 50 roots)', () =>
      listRepliesForRoots(db, first.slice(0, 50).map((r) => String(r.id)), REPLIES_PER_ROOT, MAX_REPLY_DEPTH));
    // 99 keyset hops, exactly as readThreadPage builds each next cursor.
    let page = first;
    for (let i = 2; i < 100; i++) {
      const last = page[49]!;
      const after: PageCursor = { createdAt: last.created_at, id: String(last.id), replyCount: last.reply_count };
      page = await listTopLevelPage(db, thread.id, 'oldest', 50, after);
    }
    const last = page[49]!;
    const deep = await step('page 100: top-level comments (keyset cursor)', () =>
      listTopLevelPage(db, thread.id, 'oldest', 50, { createdAt: last.created_at, id: String(last.id), replyCount: last.reply_count }));
    await step('page 100: replies (lateral)', () => listRepliesForRoots(db, deep.slice(0, 50).map((r) => String(r.id)), REPLIES_PER_ROOT, MAX_REPLY_DEPTH));
    for (const sort of ['newest', 'top'] as const) {
      await step(`first page, sort=${sort}: top-level comments`, () => listTopLevelPage(db, thread.id, sort, 50, null));
    }
    const keys = Array.from({ length: 50 }, (_, i) => `t${String(i + 1).padStart(5, '0')}`);
    await step('counts for 50 threads', () => countsForKeys(db, site.id, keys));
    // The posting path's lookups (moderation pipeline), for completeness.
    await step('post: current policy', () => findCurrentPolicy(db, site));
    const lookups = databaseLookups(db, site.id, 'Reader-1@example.net', () => new Date());
    const since = new Date(Date.now() - 10 * 60_000);
    await step('post: rate limit by IP', () => lookups.countRecentByIp('10.1.2.3', since));
    await step('post: rate limit by email', () => lookups.countRecentByEmail('Reader-1@example.net', since));
    await step('post: duplicate body', () => lookups.countSameBody('A new comment, never seen before.', since));
    await step('post: active bans', () => lookups.activeBans());
    return captured;
  } finally {
    await db.destroy();
  }
}

export async function explainQueries(url: string): Promise<ExplainedQuery[]> {
  const queries = await captureQueries(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: ExplainedQuery[] = [];
    for (const q of queries) {
      // Once plain (warm caches, as a running server's would be), then explained.
      await client.query(q.sql, q.params as unknown[]);
      const res = await client.query(`explain (analyze, buffers) ${q.sql}`, q.params as unknown[]);
      const plan = res.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      const access = [...new Set(plan.match(/(?:Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)(?: Backward)?(?: using \S+)? on \S+/g) ?? [])];
      out.push({
        ...q,
        plan,
        access,
        seqScanOnComments: /Seq Scan on comments\b/.test(plan),
        executionMs: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN),
      });
    }
    return out;
  } finally {
    await client.end();
  }
}

function formatParams(params: readonly unknown[]): string {
  const shown = params.slice(0, 6).map((p) => (p instanceof Date ? p.toISOString() : JSON.stringify(p)));
  return `[${shown.join(', ')}${params.length > 6 ? `, … ${params.length} in all` : ''}]`;
}

export async function explainAll(info: Pick<SeedInfo, 'url' | 'profile' | 'comments'>): Promise<string> {
  const explained = await explainQueries(info.url);
  const lines: string[] = [`EXPLAIN (ANALYZE, BUFFERS) of the read path on ${info.profile} (${info.comments.toLocaleString('en')} comments)`, ''];
  lines.push('| query | access path | execution ms | seq scan on comments |', '|:--|:--|--:|:--|');
  for (const q of explained) lines.push(`| ${q.label} | ${q.access.join('; ')} | ${q.executionMs.toFixed(3)} | ${q.seqScanOnComments ? 'YES' : 'no'} |`);
  const bad = explained.filter((q) => q.seqScanOnComments);
  lines.push('', bad.length ? `Seq Scan on comments in: ${bad.map((q) => q.label).join(', ')}` : 'No query scans the comments table sequentially.');
  for (const q of explained) {
    lines.push('', `-- ${q.label}`, `-- ${q.sql.replace(/\s+/g, ' ').trim()}`, `-- parameters ${formatParams(q.params)}`, q.plan);
  }
  return lines.join('\n');
}

async function main() {
  const name = (process.argv[2] ?? 'large') as keyof typeof PROFILES;
  const profile = PROFILES[name];
  if (!profile) throw new Error('usage: npx tsx bench/explain.ts [small|large]');
  const info = await ensureSeeded(profile);
  console.log(await explainAll(info));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}

