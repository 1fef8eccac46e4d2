/**
 * Measures the local moderation rules against labelled comments.
 *
 *   npx tsx scripts/eval-moderation.ts [--file F.csv] [--verbose]
 *
 * Runs the real pipeline with default settings, no Akismet, in-memory lookups
 * (no history, no bans, nothing posted before) and a valid form token issued
 * 20 s earlier, i.e. a reader who used the widget normally. The CSV has a
 * header row with at least `body,label` (labels: genuine, spam, abuse) and
 * optionally `author,email,website`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildPhases } from '../src/moderation/phases/index.js';
import { issueFormToken } from '../src/moderation/phases/formToken.js';
import { runPipeline } from '../src/moderation/pipeline.js';
import { defaultModerationSettings } from '../src/moderation/settings.js';
import type { Decision } from '../src/moderation/types.js';
import { inMemoryLookups } from '../tests/moderation/support/inMemoryLookups.js';

export const LABELS = ['genuine', 'spam', 'abuse'] as const;
export type Label = (typeof LABELS)[number];

export interface LabelledComment {
  body: string;
  label: Label;
  author: string;
  email: string;
  website: string | null;
}

export interface ClassResult {
  count: number;
  publish: number;
  hold: number;
  spam: number;
  reject: number;
  /** Share held, marked spam or rejected: the rate that matters for spam and abuse. */
  notPublishedShare: number;
  publishedShare: number;
}

export interface Miss {
  label: Label;
  decision: Decision;
  reason: string;
  body: string;
}

export interface EvalReport {
  classes: Record<Label, ClassResult>;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of this process per comment: the cost without the waits a busy machine adds to wall time. */
  cpuP50Ms: number;
  cpuP99Ms: number;
  misses: Miss[];
}

export const DEFAULT_DATA_FILE = fileURLToPath(new URL('../tests/moderation/data/labelled.csv', import.meta.url));

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"' && field === '') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

export function parseLabelledCsv(text: string): LabelledComment[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const column = (name: string) => header.findIndex((h) => h.trim().toLowerCase() === name);
  const [bodyAt, labelAt, authorAt, emailAt, websiteAt] = ['body', 'label', 'author', 'email', 'website'].map(column);
  if (bodyAt === undefined || bodyAt < 0 || labelAt === undefined || labelAt < 0) throw new Error('The CSV needs a header row with "body" and "label" columns.');
  return rows.map((row, i) => {
    const label = row[labelAt]?.trim() as Label;
    if (!LABELS.includes(label)) throw new Error(`Row ${i + 2}: unknown label "${row[labelAt]}".`);
    const cell = (at: number | undefined) => (at !== undefined && at >= 0 ? row[at]?.trim() ?? '' : '');
    return {
      body: row[bodyAt] ?? '',
      label,
      author: cell(authorAt) || `Reader ${i + 1}`,
      email: cell(emailAt) || `reader${i + 1}@example.org`,
      website: cell(websiteAt) || null,
    };
  });
}

const SECRET = 'evaluation-form-secret';

async function moderate(comment: LabelledComment, index: number) {
  const now = new Date();
  return runPipeline(buildPhases(), {
    submission: {
      siteId: 'altfilmguide',
      siteSlug: 'altfilmguide',
      threadKey: 'refusenik-qa',
      threadUrl: 'https://altfilmguide.example/refusenik-qa',
      parentId: null,
      isEdit: false,
      author: { name: comment.author, email: comment.email, website: comment.website },
      body: comment.body,
      ip: `198.51.100.${index % 250}`,
      userAgent: 'Mozilla/5.0 (evaluation)',
      referrer: 'https://altfilmguide.example/refusenik-qa',
      honeypot: null,
      formToken: issueFormToken(SECRET, new Date(now.getTime() - 20_000)),
      receivedAt: now,
    },
    settings: defaultModerationSettings,
    lookups: inMemoryLookups(),
    formSecret: SECRET,
    now,
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Timed passes; each comment's time is its median over them. */
const TIMED_PASSES = 3;

export async function evaluate(comments: readonly LabelledComment[]): Promise<EvalReport> {
  // One untimed pass first, so JIT compilation and lazily built regexes are not counted as per-comment cost.
  for (const [i, comment] of comments.entries()) await moderate(comment, i);

  const classes = Object.fromEntries(
    LABELS.map((label) => [label, { count: 0, publish: 0, hold: 0, spam: 0, reject: 0, notPublishedShare: 0, publishedShare: 0 }]),
  ) as Record<Label, ClassResult>;
  const misses: Miss[] = [];
  for (const [i, comment] of comments.entries()) {
    const outcome = await moderate(comment, i);
    const decision = outcome.record.decision;
    const result = classes[comment.label];
    result.count++;
    result[decision]++;
    const wrong = comment.label === 'genuine' ? decision !== 'publish' : decision === 'publish';
    if (wrong) misses.push({ label: comment.label, decision, reason: outcome.record.reason, body: comment.body });
  }
  for (const result of Object.values(classes)) {
    result.publishedShare = result.count === 0 ? 0 : result.publish / result.count;
    result.notPublishedShare = result.count === 0 ? 0 : 1 - result.publishedShare;
  }

  // The median of a few runs per comment keeps a slow comment slow but drops
  // one-off pauses from other processes on a shared machine.
  const wall: number[][] = comments.map(() => []);
  const cpu: number[][] = comments.map(() => []);
  for (let pass = 0; pass < TIMED_PASSES; pass++) {
    for (const [i, comment] of comments.entries()) {
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      await moderate(comment, i);
      wall[i]!.push(performance.now() - started);
      const used = process.cpuUsage(cpuStart);
      cpu[i]!.push((used.user + used.system) / 1000);
    }
  }
  const medians = (runs: number[][]) => runs.map((times) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!).sort((a, b) => a - b);
  const timings = medians(wall);
  const cpuTimings = medians(cpu);
  return {
    classes,
    p50Ms: percentile(timings, 50),
    p99Ms: percentile(timings, 99),
    cpuP50Ms: percentile(cpuTimings, 50),
    cpuP99Ms: percentile(cpuTimings, 99),
    misses,
  };
}

export function formatReport(report: EvalReport): string {
  const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
  const lines = [
    '| class   | count | published | held | spam | rejected | not published directly |',
    '|---------|------:|----------:|-----:|-----:|---------:|-----------------------:|',
    ...LABELS.map((label) => {
      const c = report.classes[label];
      return `| ${label.padEnd(7)} | ${String(c.count).padStart(5)} | ${String(c.publish).padStart(9)} | ${String(c.hold).padStart(4)} | ${String(c.spam).padStart(4)} | ${String(c.reject).padStart(8)} | ${pct(c.notPublishedShare).padStart(22)} |`;
    }),
    '',
    `per comment (median of ${TIMED_PASSES} runs each): p50 ${report.p50Ms.toFixed(3)} ms, p99 ${report.p99Ms.toFixed(3)} ms wall clock;` +
      ` CPU time p50 ${report.cpuP50Ms.toFixed(3)} ms, p99 ${report.cpuP99Ms.toFixed(3)} ms`,
  ];
  return lines.join('\n');
}

async function main(argv: readonly string[]): Promise<void> {
  const fileAt = argv.indexOf('--file');
  const file = fileAt >= 0 && argv[fileAt + 1] ? argv[fileAt + 1]! : DEFAULT_DATA_FILE;
  const report = await evaluate(parseLabelledCsv(readFileSync(file, 'utf8')));
  console.log(formatReport(report));
  if (argv.includes('--verbose')) {
    for (const miss of report.misses) console.log(`\n[${miss.label} → ${miss.decision}] ${miss.reason}\n  ${miss.body}`);
  } else if (report.misses.length > 0) {
    console.log(`\n${report.misses.length} comments moderated against their label; --verbose lists them.`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
