import readline from 'node:readline';
import { Writable } from 'node:stream';
import { minPasswordLength } from '../auth/passwords.js';
import { loadConfig } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import { ApiError } from '../http/errors.js';
import { createAccount } from '../services/moderationAccounts.js';
import { parseCommandArgs } from './args.js';

export const summary = 'Create an admin account: --email <address> [--password <password>] [--name <display name>]';

const usage = `Usage: npm run cli -- create-admin --email you@example.com [--password '…'] [--name 'Your Name']
Without --password, asks for it (hidden) when run in a terminal; PARLEY_ADMIN_PASSWORD also works.`;

/**
 * Asks each question in turn without echoing the answers (a password never shows on screen or
 * in shell history). One interface for all of them, read as a queue of lines: answers pasted
 * or piped in one write arrive together, and a second interface would never see the second.
 */
async function promptHidden(questions: string[]): Promise<string[]> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
  const lines = rl[Symbol.asyncIterator]();
  const answers: string[] = [];
  try {
    for (const question of questions) {
      process.stdout.write(question);
      muted = true;
      const next = await lines.next();
      muted = false;
      process.stdout.write('\n');
      if (next.done) break;
      answers.push(next.value);
    }
    return answers;
  } finally {
    rl.close();
  }
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(args, { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } }, usage);
  if ('exit' in parsed) return parsed.exit;
  const { values } = parsed;
  const email = values.email?.trim();
  if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    process.stderr.write(`--email is required and must be an email address.\n${usage}\n`);
    return 2;
  }
  let password = values.password ?? process.env.PARLEY_ADMIN_PASSWORD;
  if (password === undefined) {
    if (!process.stdin.isTTY) {
      process.stderr.write(`No --password given and no terminal to ask in.\n${usage}\n`);
      return 2;
    }
    const [first, again] = await promptHidden(['Password: ', 'Password again: ']);
    if (first === undefined || again === undefined) {
      process.stderr.write('No password given.\n');
      return 2;
    }
    password = first;
    if (password !== again) {
      process.stderr.write('The passwords differ.\n');
      return 2;
    }
  }
  if (password.length < minPasswordLength) {
    process.stderr.write(`The password needs at least ${minPasswordLength} characters.\n`);
    return 2;
  }

  const config = loadConfig();
  const handle = await openDatabase(config);
  try {
    await migrateToLatest(handle.db);
    const account = await createAccount(handle.db, 'cli', { email, password, role: 'admin', displayName: values.name?.trim() || email.split('@')[0]!, sites: [] }, new Date());
    process.stdout.write(`Created admin ${account.email} (id ${account.id}). Log in at ${config.publicUrl}/admin\n`);
    return 0;
  } catch (e) {
    if (e instanceof ApiError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await handle.close();
  }
}
