// The benchmark: seeds (once) a 10,000- and a 1,000,000-comment database on PostgreSQL, starts the
// real server on each, drives it with autocannon from a separate process and prints what issue 7 asks.
//
//   npx tsx bench/run.ts [--connections 20] [--duration 10] [--warmup 3] [--only small|large]
//                        [--encoding gzip|identity] [--no-explain] [--scenarios first,deep,counts,post]
//
// Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432), the server holding
// the bench databases parley_bench_small and parley_bench (kept between runs; what a run posts is
// removed again).

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildWidget } from '../scripts/build-widget.js';
import { explainAll } from './explain.js';
import type { LoadConfig, LoadResult } from './load.js';
import { busyCores, cpuSecondsOf, machine, machineTicks, memoryOf, postgresCpuSeconds, repoRoot, startServer } from './proc.js';
import { BENCH_SITE, HOT_THREAD, PROFILES, ensureSeeded, resetPosted, databaseUrl, totalComments, type Profile, type SeedInfo } from './seed.js';

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '20' },
    'post-connections': { type: 'string' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    only: { type: 'string' },
    encoding: { type: 'string', default: 'gzip' },
    'no-explain': { type: 'boolean', default: false },
    scenarios: { type: 'string' },
  },
});
const CONNECTIONS = Number(args.connections);
const POST_CONNECTIONS = Number(args['post-connections'] ?? args.connections);
const DURATION = Number(args.duration);
const WARMUP = Number(args.warmup);
// What a browser sends: the server compresses JSON, and that is part of the work it does per read.
const READ_HEADERS: Record<string, string> = args.encoding === 'identity' ? {} : { 'accept-encoding': 'gzip, deflate, br' };

type ScenarioId = 'first' | 'deep' | 'counts' | 'post';
const ALL_SCENARIOS: Array<{ id: ScenarioId; label: string }> = [
  { id: 'first', label: 'a. first page of hot thread' },
  { id: 'deep', label: 'b. page 100 of hot thread' },
  { id: 'counts', label: 'c. counts for 50 threads' },
  { id: 'post', label: 'd. post a comment' },
];
// --scenarios post (or first,counts, ...): run only these, e.g. to measure posting alone.
const wanted = args.scenarios?.split(',').map((s) => s.trim()).filter(Boolean);
for (const w of wanted ?? []) {
  if (!ALL_SCENARIOS.some((s) => s.id === w)) throw new Error(`--scenarios: unknown scenario "${w}" (first, deep, counts, post)`);
}
const SCENARIOS = wanted ? ALL_SCENARIOS.filter((s) => wanted.includes(s.id)) : ALL_SCENARIOS;

interface Measured extends LoadResult {
  peakMiB: number;
  rssMiB: number;
  /** CPU over the measured seconds, as a share of one core. */
  serverCpu: number;
  postgresCpu: number;
  otherCpu: number;
  /** Published (201) versus held (202) among posts. */
  published?: number;
  held?: number;
}

const t0 = Date.now();
const log = (m: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);

/**
 * The machine is shared (other work may run on it): before each scenario, wait until it is
 * nearly idle, up to a limit. What still ran meanwhile shows in the "other CPU" column.
 */
async function waitForQuiet(maxMs = 20_000, threshold = 0.3): Promise<number> {
  const started = Date.now();
  let busy = await busyCores(1000);
  while (busy > threshold && Date.now() - started < maxMs) busy = await busyCores(1000);
  if (busy > threshold) log(`  the machine is still busy (${busy.toFixed(2)} cores in use by others); measuring anyway`);
  else if (Date.now() - started > 2000) log(`  waited ${((Date.now() - started) / 1000).toFixed(0)} s for the machine to be quiet`);
  return busy;
}

/** PostgreSQL processes doing our work: the backends of this database and the shared auxiliary processes. */
async function postgresPids(database: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: databaseUrl('postgres'), connectionTimeoutMillis: 5_000, query_timeout: 5_000 });
  c.on('error', () => {});
  try {
    await c.connect();
    const r = await c.query(`select pid from pg_stat_activity where datname = $1 or backend_type <> 'client backend'`, [database]);
    return r.rows.map((row: { pid: number }) => row.pid);
  } catch (e) {
    log(`  could not list PostgreSQL processes (${String(e)}); PG CPU is not measured for this scenario`);
    return [];
  } finally {
    await c.end().catch(() => {});
  }
}

/** Runs bench/load.ts in its own process; samples CPU counters over exactly the measured part. */
async function runLoadProcess(cfg: LoadConfig, serverPid: number, database: string): Promise<Omit<Measured, 'peakMiB' | 'rssMiB'>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench/load.ts'), JSON.stringify(cfg)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let start: { server: number; pg: Map<number, number>; ticks: { busy: number; total: number }; at: number } | null = null;
    let pids: number[] = [];
    let sampling: Promise<void> | null = null;
    // Per PostgreSQL process, so one that exits mid-measurement (an idle pool connection closed)
    // is left out rather than subtracting its whole life's CPU.
    const sample = () => ({ server: cpuSecondsOf(serverPid), pg: new Map(pids.map((pid) => [pid, postgresCpuSeconds([pid])])), ticks: machineTicks(), at: Date.now() });
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (!sampling && out.includes('"event":"measuring"')) {
        sampling = postgresPids(database).then((p) => {
          pids = p;
          start = sample();
        });
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    // A watchdog: the load generator stops by itself after warm-up + duration.
    const watchdog = setTimeout(() => {
      log(`  the load generator did not finish in time; stopping it`);
      child.kill('SIGKILL');
    }, ((cfg.warmup ?? 0) + cfg.duration + 60) * 1000);
    child.on('exit', async (code) => {
      clearTimeout(watchdog);
      await sampling;
      const end = sample();
      if (code !== 0 || !start) return reject(new Error(`load generator exited ${code}: ${err || out}`));
      const result = JSON.parse(out.trim().split('\n').pop()!) as LoadResult;
      const seconds = (end.at - start.at) / 1000;
      const cores = os.availableParallelism();
      const busyCores = ((end.ticks.busy - start.ticks.busy) / (end.ticks.total - start.ticks.total)) * cores;
      const serverCpu = (end.server - start.server) / seconds;
      let pgSeconds = 0;
      for (const [pid, before] of start.pg) {
        const after = end.pg.get(pid) ?? 0;
        if (after >= before) pgSeconds += after - before;
      }
      const postgresCpu = pgSeconds / seconds;
      resolve({ ...result, serverCpu, postgresCpu, otherCpu: Math.max(0, busyCores - serverCpu - postgresCpu - result.loadCpu) });
    });
  });
}

async function pageUrls(base: string): Promise<{ first: string; deep: string; counts: string; firstCount: number; deepCount: number }> {
  const first = `${base}/api/v1/comments?site=${BENCH_SITE}&thread=${HOT_THREAD}&limit=50`;
  let url = first;
  let body: { comments: unknown[]; nextCursor: string | null } = { comments: [], nextCursor: null };
  let firstCount = 0;
  // Walk 99 nextCursor hops, as a reader paging through would: the 100th page's URL is what we measure.
  for (let page = 1; page <= 100; page++) {
    if (page > 1) {
      if (!body.nextCursor) throw new Error(`the hot thread has no page ${page}`);
      url = `${first}&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    const res = await fetch(url);
    if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    body = (await res.json()) as typeof body;
    if (page === 1) firstCount = body.comments.length;
  }
  const keys = Array.from({ length: 50 }, (_, i) => `thread=t${String(i + 1).padStart(5, '0')}`).join('&');
  const counts = `${base}/api/v1/counts?site=${BENCH_SITE}&${keys}`;
  const check = (await (await fetch(counts)).json()) as { counts: Record<string, number> };
  if (Object.keys(check.counts).length !== 50) throw new Error('counts did not answer 50 threads');
  return { first, deep: url, counts, firstCount, deepCount: body.comments.length };
}

interface ProfileResult {
  profile: Profile;
  info: SeedInfo;
  results: Partial<Record<ScenarioId, Measured>>;
  pageSizes: { first: number; deep: number };
  startPeakMiB: number;
}

async function benchProfile(profile: Profile, widgetDir: string): Promise<ProfileResult> {
  const info = await ensureSeeded(profile, { log });
  const removed = await resetPosted(info);
  if (removed) log(`${profile.database}: removed ${removed} comments an earlier run posted`);
  log(`${profile.database}: starting the server`);
  const server = await startServer({ DATABASE_URL: info.url, TRUST_PROXY: '1', WIDGET_DIR: widgetDir });
  const startedAt = Date.now();
  try {
    const urls = await pageUrls(server.base);
    const startPeakMiB = memoryOf(server.pid).peakMiB;
    // The scheduler's first jobs (retention, Akismet recheck) run 5–10 s after start: let them pass.
    const settle = 12_000 - (Date.now() - startedAt);
    if (settle > 0) await new Promise((r) => setTimeout(r, settle));
    const threads = Array.from({ length: profile.others.threads }, (_, i) => `t${String(i + 1).padStart(5, '0')}`);
    const results: ProfileResult['results'] = {};
    for (const s of SCENARIOS) {
      const cfg: LoadConfig =
        s.id === 'post'
          ? { url: `${server.base}/api/v1/comments`, connections: POST_CONNECTIONS, duration: DURATION, warmup: WARMUP, post: { site: BENCH_SITE, policyVersion: info.policyVersion, threads } }
          : { url: urls[s.id], connections: CONNECTIONS, duration: DURATION, warmup: WARMUP, headers: READ_HEADERS };
      await waitForQuiet();
      log(`${profile.database}: ${s.label} (${cfg.connections} connections, ${WARMUP} s warm-up, ${DURATION} s)`);
      const r = await runLoadProcess(cfg, server.pid, profile.database);
      const mem = memoryOf(server.pid);
      results[s.id] = {
        ...r,
        ...mem,
        ...(s.id === 'post' ? { published: r.statusCodes['201'] ?? 0, held: r.statusCodes['202'] ?? 0 } : {}),
      };
    }
    return { profile, info, results, pageSizes: { first: urls.firstCount, deep: urls.deepCount }, startPeakMiB };
  } catch (e) {
    const tail = server.output().trim().split('\n').slice(-20).join('\n');
    throw new Error(`${e instanceof Error ? e.message : String(e)}${tail ? `\nserver output:\n${tail}` : ''}`);
  } finally {
    await server.stop();
    const removed = await resetPosted(info);
    log(`${profile.database}: server stopped; removed the ${removed} comments the run posted`);
  }
}

// ---------------------------------------------------------------------------------------------
// Printing

const f0 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en'));
const f1 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(1));
const f2 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(2));
const pct = (n: number | undefined) => (n === undefined ? '–' : `${Math.round(n * 100)}%`);

function table(rows: string[][], align: Array<'l' | 'r'>): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => (align[i] === 'l' ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  const sep = '|' + widths.map((w, i) => (align[i] === 'l' ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}

function printResults(all: ProfileResult[]): string[] {
  const out: string[] = [];
  const by = (name: Profile['name']) => all.find((r) => r.profile.name === name);
  const small = by('small');
  const large = by('large');
  // Side by side: the figures issue 7 asks for.
  const names = all.map((p) => p.profile.name);
  const sideHeader = ['scenario', ...all.flatMap((p) => [`${p.profile.name} req/s`, `${p.profile.name} p50 ms`, `${p.profile.name} p99 ms`, `${p.profile.name} non-2xx+err`, `${p.profile.name} peak RSS MiB`])];
  if (small && large) sideHeader.push('growth p50 (large/small)', 'growth req/s (small/large)');
  const side: string[][] = [sideHeader];
  for (const s of SCENARIOS) {
    const row = [s.label];
    for (const p of all) {
      const r = p.results[s.id];
      row.push(f0(r?.rps), f2(r?.p50), f2(r?.p99), f0(r && r.non2xx + r.errors + r.timeouts), f0(r?.peakMiB));
    }
    if (small && large) {
      const a = small.results[s.id];
      const b = large.results[s.id];
      row.push(a && b && s.id !== 'post' ? f2(b.p50 / a.p50) : '–', a && b && s.id !== 'post' ? f2(a.rps / b.rps) : '–');
    }
    side.push(row);
  }
  out.push(`Results (${names.join(' and ')}):`);
  out.push(table(side, ['l', ...Array<'r'>(sideHeader.length - 1).fill('r')]));
  out.push('', 'Detail:');
  const header = ['scenario', 'database', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'KB/resp', 'server CPU', 'PG CPU', 'loadgen CPU', 'other CPU', 'server ms/req', 'PG ms/req', 'peak RSS MiB', 'RSS MiB'];
  const rows: string[][] = [header];
  for (const s of SCENARIOS) {
    for (const p of all) {
      const r = p.results[s.id];
      if (!r) continue;
      rows.push([
        s.label, `${p.profile.name} (${(totalComments(p.profile) / 1000).toLocaleString('en')}k)`, f0(r.rps), f2(r.p50), f2(r.p99), f1(r.max),
        f0(r.non2xx), f0(r.errors + r.timeouts), f1(r.bytesPerResponse / 1024), pct(r.serverCpu), pct(r.postgresCpu), pct(r.loadCpu), pct(r.otherCpu),
        f2((r.serverCpu * 1000) / r.rps), f2((r.postgresCpu * 1000) / r.rps), f0(r.peakMiB), f0(r.rssMiB),
      ]);
    }
  }
  out.push(table(rows, ['l', 'l', ...Array<'r'>(header.length - 2).fill('r')]));
  out.push(
    `CPU columns: share of one core over the measured seconds (the machine has ${os.availableParallelism()}); "other" is every other process on the machine ` +
      '(anything well above 0% means the figures were taken on a busy machine). ms/req: CPU time per request in the server process and in PostgreSQL.',
  );
  for (const p of all) {
    const post = p.results.post;
    if (post) out.push(`${p.profile.name}: posts answered 201 published ${f0(post.published)}, 202 held ${f0(post.held)}, other ${f0(post.requests - (post.published ?? 0) - (post.held ?? 0))}; first page ${p.pageSizes.first} and page 100 ${p.pageSizes.deep} top-level comments; server peak RSS before the load ${f0(p.startPeakMiB)} MiB.`);
  }

  if (small && large) {
    out.push('', 'Growth from 10k to 1M comments (large / small; ≤ 1.30 wanted):');
    const g: string[][] = [['read', 'p50 large/small', 'req/s small/large', 'p99 large/small']];
    for (const s of SCENARIOS.filter((x) => x.id !== 'post')) {
      const a = small.results[s.id];
      const b = large.results[s.id];
      if (a && b) g.push([s.label, f2(b.p50 / a.p50), f2(a.rps / b.rps), f2(b.p99 / a.p99)]);
    }
    out.push(table(g, ['l', 'r', 'r', 'r']));
  }
  out.push('', 'Deep page against the first page (page 100 / page 1; ≤ 1.20 wanted):');
  const d: string[][] = [['database', 'p50 deep/first', 'req/s first/deep']];
  for (const p of all) {
    const a = p.results.first;
    const b = p.results.deep;
    if (a && b) d.push([p.profile.name, f2(b.p50 / a.p50), f2(a.rps / b.rps)]);
  }
  out.push(table(d, ['l', 'r', 'r']));

  // Targets are judged on the 1M-comment database (and the growth ones on both).
  const t = large ?? small!;
  const tr = t.results;
  const verdict = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'MET' : 'NOT MET');
  const targets: Array<[string, string, boolean | undefined]> = [
    ['first page ≥ 3,000 req/s', `${f0(tr.first?.rps)} req/s`, tr.first && tr.first.rps >= 3000],
    ['first page p99 < 25 ms', `${f2(tr.first?.p99)} ms`, tr.first && tr.first.p99 < 25],
    ['deep page within 1.2x of first (p50 and req/s)', `${f2(tr.deep && tr.first && tr.deep.p50 / tr.first.p50)}x / ${f2(tr.deep && tr.first && tr.first.rps / tr.deep.rps)}x`,
      tr.deep && tr.first && tr.deep.p50 / tr.first.p50 <= 1.2 && tr.first.rps / tr.deep.rps <= 1.2],
    ['counts ≥ 5,000 req/s', `${f0(tr.counts?.rps)} req/s`, tr.counts && tr.counts.rps >= 5000],
    ['posting ≥ 500/s (2xx)', `${f0(tr.post && (tr.post.published! + tr.post.held!) / tr.post.seconds)} /s`, tr.post && (tr.post.published! + tr.post.held!) / tr.post.seconds >= 500],
  ];
  if (small && large) {
    for (const s of SCENARIOS.filter((x) => x.id !== 'post')) {
      const a = small.results[s.id];
      const b = large.results[s.id];
      if (!a || !b) continue;
      const worst = Math.max(b.p50 / a.p50, a.rps / b.rps);
      targets.push([`growth 10k→1M ≤ 1.3x: ${s.label.slice(3)}`, `${f2(worst)}x (worse of p50 and req/s)`, worst <= 1.3]);
    }
  }
  out.push('', `Targets (issue 7), on the ${t.profile.name} database:`);
  out.push(table([['target', 'measured', 'verdict'], ...targets.map(([a, b, c]) => [a, b, verdict(c)])], ['l', 'r', 'l']));
  return out;
}

async function header(): Promise<string[]> {
  const m = machine();
  let nproc = String(m.cores);
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    /* os.availableParallelism() it is */
  }
  const c = new pg.Client({ connectionString: databaseUrl('postgres') });
  await c.connect();
  const version = (await c.query(`select current_setting('server_version') as v`)).rows[0].v as string;
  // current_setting gives the value with its unit (128MB), as postgresql.conf would write it.
  const settings = (await c.query(`select name, current_setting(name) as value from pg_settings where name in ('shared_buffers', 'max_connections', 'synchronous_commit', 'work_mem') order by name`)).rows
    .map((r: { name: string; value: string }) => `${r.name}=${r.value}`)
    .join(', ');
  await c.end();
  return [
    `Parley benchmark, ${new Date().toISOString()}`,
    `machine: nproc ${nproc}, ${m.cpu}, ${m.memoryGiB} GiB memory, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at start`,
    `software: Node ${m.node}, PostgreSQL ${version} (${settings}) on the same machine; server, PostgreSQL and load generator share the cores`,
    `load: autocannon in its own process, ${CONNECTIONS} connections for reads and ${POST_CONNECTIONS} for posts, ${WARMUP} s warm-up then ${DURATION} s measured per scenario; reads send ${READ_HEADERS['accept-encoding'] ? `Accept-Encoding: ${READ_HEADERS['accept-encoding']}` : 'no Accept-Encoding'} and no If-None-Match (every request is a full read)`,
  ];
}

async function main() {
  const lines = await header();
  for (const l of lines) console.log(l);
  const widgetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-widget-'));
  try {
    await buildWidget({ outdir: widgetDir });
    const names = args.only ? [args.only as Profile['name']] : (['small', 'large'] as const);
    const all: ProfileResult[] = [];
    for (const name of names) {
      const profile = PROFILES[name];
      if (!profile) throw new Error(`--only must be small or large`);
      all.push(await benchProfile(profile, widgetDir));
    }
    console.log('');
    for (const l of printResults(all)) console.log(l);
    console.log(`\nThe whole run took ${((Date.now() - t0) / 1000).toFixed(0)} s.`);
    if (!args['no-explain']) {
      const large = all.find((r) => r.profile.name === 'large') ?? all[0]!;
      console.log('');
      console.log(await explainAll(large.info));
    }
  } finally {
    fs.rmSync(widgetDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exitCode = 1;
});
