import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openPostgres, type DatabaseHandle } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { testDatabaseUrl } from '../support/db.js';

// Running the real command-line interface (`npm run cli -- …`, i.e. `node --import tsx
// src/cli/index.ts …`) as child processes against a PostgreSQL database of the run's own.

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtures = path.resolve(projectRoot, '../shared/fixtures');
const cliEntry = 'src/cli/index.ts';

export interface CliDatabase {
  name: string;
  url: string;
  handle: DatabaseHandle;
  drop(): Promise<void>;
}

/** A new database on the test PostgreSQL server, migrated here so the commands never race to do it. */
export async function createCliDatabase(): Promise<CliDatabase> {
  const name = `parley_cli_${Date.now().toString(36)}_${process.pid}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  const handle = await openPostgres(url.href, { max: 4 });
  await migrateToLatest(handle.db);
  return {
    name,
    url: url.href,
    handle,
    async drop() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: testDatabaseUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** The environment a command runs in: this run's database and nothing inherited that would change what it does. */
export function cliEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['DATABASE_URL', 'READ_DATABASE_URL', 'PARLEY_ADMIN_PASSWORD', 'AKISMET_KEY', 'SMTP_URL', 'PUBLIC_URL', 'DATA_DIR', 'NODE_OPTIONS']) delete env[k];
  return { ...env, DATABASE_URL: databaseUrl, PUBLIC_URL: 'http://parley.test', ...extra };
}

// A process costs one to three seconds of CPU, mostly loading modules: more at once than this
// only slows each down. Commands on a test's critical path go first.
const maxRunning = 8;
let running = 0;
const waiting: { urgent: Array<() => void>; normal: Array<() => void> } = { urgent: [], normal: [] };

async function withSlot<T>(urgent: boolean, work: () => Promise<T>): Promise<T> {
  if (running >= maxRunning) await new Promise<void>((resolve) => waiting[urgent ? 'urgent' : 'normal'].push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.urgent.shift() ?? waiting.normal.shift();
    if (next) next(); // the slot passes on
    else running--;
  }
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  /** Ahead of the others waiting for a slot. */
  urgent?: boolean;
  timeoutMs?: number;
}

export interface CliResult {
  /** null when killed (timed out). */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const describeRun = (args: string[], r: CliResult) =>
  `cli ${args.join(' ')} → exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** Runs one command with stdin a pipe (not a terminal). Never rejects on a non-zero exit. */
export function runCli(args: string[], opts: RunOptions & { stdin?: string }): Promise<CliResult & { describe(): string }> {
  return withSlot(!!opts.urgent, () => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, ...args], { cwd: projectRoot, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => {}); // the command may exit before reading it
    child.stdin.end(opts.stdin ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 90_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const r: CliResult = { code, stdout, stderr, timedOut };
      resolve({ ...r, describe: () => describeRun(args, r) });
    });
  }));
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface TerminalStep {
  /** Written once the output shows this text (counted after what earlier steps waited for). */
  waitFor: string;
  write: string;
}

/**
 * Runs one command in a real pseudo-terminal (util-linux `script -qec CMD /dev/null`), typing
 * each step's text once its prompt shows, as a person at a terminal would. The process is
 * killed when it has printed nothing for `idleMs` after the last step (it is waiting for
 * input nobody will type) or after `timeoutMs` in all.
 */
export function runCliInTerminal(
  args: string[],
  opts: RunOptions & { steps: TerminalStep[]; idleMs?: number },
): Promise<CliResult & { describe(): string }> {
  const command = [process.execPath, '--import', 'tsx', cliEntry, ...args].map(shellQuote).join(' ');
  return withSlot(!!opts.urgent, () => new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd: projectRoot, env: { ...opts.env, SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let step = 0;
    let searchFrom = 0;
    let idle: NodeJS.Timeout | undefined;
    child.stdin.on('error', () => {});
    const kill = () => {
      timedOut = true;
      child.kill('SIGTERM');
    };
    const armIdle = () => {
      if (step < opts.steps.length) return;
      clearTimeout(idle);
      idle = setTimeout(kill, opts.idleMs ?? 10_000);
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      while (step < opts.steps.length) {
        const s = opts.steps[step]!;
        const at = stdout.indexOf(s.waitFor, searchFrom);
        if (at < 0) break;
        searchFrom = at + s.waitFor.length;
        step++;
        child.stdin.write(s.write);
      }
      armIdle();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(kill, opts.timeoutMs ?? 90_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      clearTimeout(idle);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(idle);
      child.stdin.destroy();
      // `script` may still exit 0 when its session was killed: a kill always reads as "no exit code".
      const r: CliResult = { code: timedOut ? null : code, stdout, stderr, timedOut };
      resolve({ ...r, describe: () => describeRun(args, r) });
    });
  }));
}

/**
 * Starts work now and hands back its promise, already marked as handled so a failure is
 * reported by the test that awaits it rather than as an unhandled rejection.
 */
export function started<T>(work: () => Promise<T>): Promise<T> {
  const p = work();
  p.catch(() => {});
  return p;
}
