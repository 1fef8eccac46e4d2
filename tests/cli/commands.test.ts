import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/auth/passwords.js';
import { emailHash } from '../../src/db/consentRecords.js';
import type { CommentStatus, Database, Site } from '../../src/db/schema.js';
import { addPolicyVersion, insertSite, policyHash } from '../../src/db/sites.js';
import { cliEnv, createCliDatabase, fixtures, runCli, runCliInTerminal, started, type CliDatabase, type CliResult } from './support.js';

// The command-line interface (`npm run cli -- <command>`) run for real: each command is a
// child process (`node --import tsx src/cli/index.ts …`) against a PostgreSQL database created
// for this run. A process costs seconds of CPU, so every command is started in beforeAll (eight
// run at a time, the longest chain first: support.ts) and each test awaits its own; commands
// that must see another's result, or must not run beside it, are chained. What a command
// leaves in the database is read with kysely, right after it ran where later commands touch
// the same rows.

type Run = CliResult & { describe(): string };
type Db = Kysely<Database>;

const DAY = 86_400_000;
/** A test may wait for commands started long before it, on a machine busy with other work. */
const waitLimit = 150_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
const wxr = path.join(fixtures, 'wxr/theme-unit-test-data.xml');
const disqusXml = path.join(fixtures, 'disqus/isso_disqus.xml');

let cli: CliDatabase;
let db: Db;
let env: NodeJS.ProcessEnv;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-'));

/** Every command's outcome (and what the database held right after), started in beforeAll. */
let jobs: ReturnType<typeof startCommands>;

// ---------------------------------------------------------------------------------------------
// Seeding (in this process, so only the commands under test are spawned)

async function seedSite(slug: string): Promise<Site> {
  return db.transaction().execute(async (trx) => {
    const site = await insertSite(trx, { slug, name: `Site ${slug}` });
    await addPolicyVersion(trx, site.id, 'Be civil.', 'I agree to the storage of my comment.');
    return { ...site, current_policy_version: 1 };
  });
}

async function seedThread(site: Site, key: string, commentCount = 0): Promise<string> {
  const row = await db
    .insertInto('threads')
    .values({ site_id: site.id, key, url: `https://example.com/${key}`, title: key, comment_count: commentCount, last_comment_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

interface SeedComment {
  status: CommentStatus;
  body: string;
  createdAt: Date;
  statusChangedAt?: Date;
  parentId?: string;
  rootId?: string;
  depth?: number;
  replyCount?: number;
  name?: string;
  email?: string | null;
  website?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  referrer?: string | null;
}

async function seedComment(site: Site, threadId: string, c: SeedComment): Promise<string> {
  const row = await db
    .insertInto('comments')
    .values({
      site_id: site.id,
      thread_id: threadId,
      parent_id: c.parentId ?? null,
      root_id: c.rootId ?? c.parentId ?? null,
      depth: c.depth ?? (c.parentId ? 1 : 0),
      reply_count: c.replyCount ?? 0,
      author_name: c.name ?? 'Reader',
      author_email: c.email ?? null,
      author_website: c.website ?? null,
      body: c.body,
      status: c.status,
      ip: c.ip ?? null,
      user_agent: c.userAgent ?? null,
      referrer: c.referrer ?? null,
      created_at: c.createdAt,
      status_changed_at: c.statusChangedAt ?? c.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function seedConsent(site: Site, commentId: string, c: { email: string; ip: string | null; userAgent: string | null; at: Date }): Promise<string> {
  const row = await db
    .insertInto('consent_records')
    .values({
      site_id: site.id, comment_id: commentId, basis: 'form', policy_version: 1, policy_hash: 'h', consent_text: 'I agree to the storage of my comment.',
      email: c.email, email_hash: emailHash(c.email), ip: c.ip, user_agent: c.userAgent, created_at: c.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

// ---------------------------------------------------------------------------------------------
// What the tests read back

const statusCounts = async (siteId: string) =>
  Object.fromEntries(
    (await db.selectFrom('comments').select(['status', sql<number>`count(*)::int`.as('n')]).where('site_id', '=', siteId).groupBy('status').execute()).map((r) => [r.status, r.n]),
  );

/** What an import left in a site. */
async function importState(siteId: string) {
  const comments = await db.selectFrom('comments').select(['id', 'external_id', 'parent_id', 'depth', 'status', 'reply_count']).where('site_id', '=', siteId).orderBy('id').execute();
  const consent = await db.selectFrom('consent_records').select(['basis', 'comment_id']).where('site_id', '=', siteId).execute();
  const threads = await db.selectFrom('threads').select(['key', 'comment_count']).where('site_id', '=', siteId).orderBy('key').execute();
  const trueReplyCounts = await sql<{ wrong: number }>`
    select count(*)::int as wrong from comments c
    where c.site_id = ${siteId} and c.reply_count <> (select count(*) from comments r where r.parent_id = c.id and r.status = 'published')`.execute(db);
  return {
    ids: comments.map((c) => c.id),
    statuses: await statusCounts(siteId),
    replies: comments.filter((c) => c.parent_id !== null).length,
    maxDepth: Math.max(0, ...comments.map((c) => c.depth)),
    consentBases: consent.map((c) => c.basis),
    consentWithoutComment: consent.filter((c) => c.comment_id === null).length,
    threads,
    publishedInThreads: threads.reduce((n, t) => n + t.comment_count, 0),
    wrongReplyCounts: trueReplyCounts.rows[0]!.wrong,
  };
}

/** A site's comments keyed the way a Parley export names them, for comparing a source with its copy. */
async function commentShape(siteId: string, keyOf: (c: { id: string; external_id: string | null }) => string) {
  const rows = await db
    .selectFrom('comments as c')
    .innerJoin('threads as t', 't.id', 'c.thread_id')
    .leftJoin('comments as p', 'p.id', 'c.parent_id')
    .select([
      'c.id', 'c.external_id', 'p.id as parent_id', 'p.external_id as parent_external_id', 't.key as thread', 'c.status', 'c.body', 'c.depth',
      'c.author_name', 'c.author_email', 'c.author_website', 'c.created_at',
    ])
    .where('c.site_id', '=', siteId)
    .execute();
  return Object.fromEntries(
    rows.map((r) => [
      keyOf(r),
      {
        thread: r.thread, status: r.status, body: r.body, depth: r.depth, name: r.author_name, email: r.author_email, website: r.author_website,
        createdAt: r.created_at.toISOString(),
        parent: r.parent_id === null ? null : keyOf({ id: r.parent_id, external_id: r.parent_external_id }),
      },
    ]),
  );
}

/** Every row of a table for a site, as JSON text: personal data must not appear anywhere in it. */
const rowsAsText = async (table: 'comments' | 'consent_records' | 'moderation_events', siteId: string) =>
  (await sql<{ t: string }>`select row_to_json(x)::text as t from ${sql.table(table)} x where x.site_id = ${siteId}`.execute(db)).rows.map((r) => r.t.toLowerCase()).join('\n');

// ---------------------------------------------------------------------------------------------
// The people and data the privacy commands act on

const ann = { email: 'Ann.Author@Example.COM', address: 'ann.author@example.com', name: 'Ann Author', ip: '198.51.100.7', ua: 'AnnBrowser/1.0', website: 'https://ann.example' };
const bob = { email: 'bob@example.com', name: 'Bob Builder', ip: '198.51.100.8', ua: 'BobBrowser/2.0' };
let people: { site: Site; thread: string; a1: string; b1: string; a2: string; elsewhereSite: Site; elsewhere: string };

async function seedPeople() {
  const site = await seedSite('people');
  const thread = await seedThread(site, 'town-hall', 2);
  const now = ago(0.01);
  const a1 = await seedComment(site, thread, { status: 'published', body: 'Ann opens the discussion.', createdAt: now, name: ann.name, email: ann.email, website: ann.website, ip: ann.ip, userAgent: ann.ua, replyCount: 1 });
  const b1 = await seedComment(site, thread, { status: 'published', body: 'Bob answers Ann.', createdAt: now, parentId: a1, name: bob.name, email: bob.email, ip: bob.ip, userAgent: bob.ua });
  const a2 = await seedComment(site, thread, { status: 'pending', body: 'Ann replies to Bob.', createdAt: now, parentId: b1, rootId: a1, depth: 2, name: ann.name, email: ann.email, ip: ann.ip, userAgent: ann.ua });
  for (const [id, who] of [[a1, ann], [b1, bob], [a2, ann]] as const) await seedConsent(site, id, { email: who.email, ip: who.ip, userAgent: who.ua, at: now });
  await db.insertInto('bans').values({ site_id: site.id, kind: 'email', value: ann.address, reason: 'cooling off', created_by: 'cli' }).execute();
  // The same person on another site: neither command may reach it.
  const elsewhereSite = await seedSite('people-elsewhere');
  const otherThread = await seedThread(elsewhereSite, 'elsewhere', 1);
  const elsewhere = await seedComment(elsewhereSite, otherThread, { status: 'published', body: 'Ann writes on another site.', createdAt: now, name: ann.name, email: ann.email, ip: '198.51.100.99' });
  await seedConsent(elsewhereSite, elsewhere, { email: ann.email, ip: '198.51.100.99', userAgent: ann.ua, at: now });
  people = { site, thread, a1, b1, a2, elsewhereSite, elsewhere };
}

// ---------------------------------------------------------------------------------------------
// Data for retention: some due for removal, some not yet

let purge: { site: Site; thread: string; spamDue: string; spamDueWithReply: string; replyToSpam: string; spamKept: string; rejectedDue: string; rejectedKept: string; oldPublished: string; newPublished: string; oldConsent: string; newConsent: string };

async function seedPurge() {
  const site = await seedSite('purge-site');
  const thread = await seedThread(site, 'old-news', 3);
  const spamDue = await seedComment(site, thread, { status: 'spam', body: 'Cheap watches, due', createdAt: ago(16), ip: '192.0.2.10' });
  const spamDueWithReply = await seedComment(site, thread, { status: 'spam', body: 'Cheap pills, due, replied to', createdAt: ago(20), name: 'Spammer', email: 'spam@spam.example', replyCount: 1 });
  const replyToSpam = await seedComment(site, thread, { status: 'published', body: 'Is this spam?', createdAt: ago(1), parentId: spamDueWithReply });
  const spamKept = await seedComment(site, thread, { status: 'spam', body: 'Spam of two weeks ago', createdAt: ago(14) });
  const rejectedDue = await seedComment(site, thread, { status: 'rejected', body: 'Rejected a month ago', createdAt: ago(35), statusChangedAt: ago(31) });
  const rejectedKept = await seedComment(site, thread, { status: 'rejected', body: 'Rejected four weeks ago', createdAt: ago(29) });
  const oldPublished = await seedComment(site, thread, { status: 'published', body: 'Forty days old', createdAt: ago(40), ip: '192.0.2.20', userAgent: 'OldBrowser/1', referrer: 'https://ref.example/a' });
  const newPublished = await seedComment(site, thread, { status: 'published', body: 'Two days old', createdAt: ago(2), ip: '192.0.2.21', userAgent: 'NewBrowser/1' });
  const oldConsent = await seedConsent(site, oldPublished, { email: 'old@example.com', ip: '192.0.2.20', userAgent: 'OldBrowser/1', at: ago(40) });
  const newConsent = await seedConsent(site, newPublished, { email: 'new@example.com', ip: '192.0.2.21', userAgent: 'NewBrowser/1', at: ago(2) });
  await db
    .insertInto('data_requests')
    .values([
      { site_id: site.id, kind: 'export', email: 'late@example.com', token_hash: 'expired-token', created_at: ago(3), expires_at: ago(1) },
      { site_id: site.id, kind: 'erase', email: 'soon@example.com', token_hash: 'valid-token', created_at: ago(0), expires_at: new Date(Date.now() + DAY) },
    ])
    .execute();
  purge = { site, thread, spamDue, spamDueWithReply, replyToSpam, spamKept, rejectedDue, rejectedKept, oldPublished, newPublished, oldConsent, newConsent };
}

const purgeState = async () => ({
  comments: await db.selectFrom('comments').select(['id', 'status', 'body', 'author_name', 'author_email', 'parent_id', 'ip', 'user_agent', 'referrer']).where('site_id', '=', purge.site.id).execute(),
  consents: await db.selectFrom('consent_records').select(['id', 'ip', 'user_agent', 'email']).where('site_id', '=', purge.site.id).execute(),
  dataRequests: await db.selectFrom('data_requests').select('token_hash').where('site_id', '=', purge.site.id).execute(),
  jobRuns: await db.selectFrom('job_runs').select(['job', 'report']).where('job', '=', 'retention').execute(),
});

// ---------------------------------------------------------------------------------------------
// Every command, started at once where they are independent

const passwords = { flag: 'flag-password-1234', env: 'env-password-5678', duplicate: 'another-password-9', tty: 'Tty-Secret-Pass-42', first: 'First-Secret-111', second: 'Second-Secret-222', pasted: 'Pasted-Secret-333' };

type Sites = Record<'wp' | 'disqus' | 'roundTrip' | 'copy', Site>;

function startCommands(sites: Sites) {
  const run = (args: string[], extra: Record<string, string> = {}) => runCli(args, { env: cliEnv(cli.url, extra) });
  // The chain purge → imports → export → import parley is the longest: its commands go first.
  const urgent = (args: string[]) => runCli(args, { env, urgent: true });
  const inTerminal = (args: string[], lines: Array<[prompt: string, text: string]>) =>
    runCliInTerminal(args, { env, steps: lines.map(([waitFor, write]) => ({ waitFor, write })), idleMs: 15_000 });

  // Retention acts on every site, so it runs before any import brings in old comments with IP
  // addresses (whose removal it would report).
  const purgeRun = started(async () => {
    const result = await urgent(['purge']);
    return { result, after: await purgeState() };
  });
  // Then --help, with something due for removal in place again. (It purges: see its test. So the
  // WordPress and Disqus imports wait for it, and the round trip compares nothing it could touch.)
  const purgeHelp = started(async () => {
    const { after } = await purgeRun;
    const dueAgain = await seedComment(purge.site, purge.thread, { status: 'spam', body: 'Spam due when asking for help', createdAt: ago(20) });
    const help = await urgent(['purge', '--help']);
    return { after, dueAgain, help, afterHelp: await purgeState() };
  });

  const importTwice = (source: 'wordpress' | 'disqus', file: string, site: Site) =>
    started(async () => {
      await purgeHelp.catch(() => {});
      const first = await urgent(['import', source, file, '--site', site.slug]);
      const afterFirst = await importState(site.id);
      const second = await urgent(['import', source, file, '--site', site.slug]);
      const afterSecond = await importState(site.id);
      return { first, afterFirst, second, afterSecond };
    });
  const imports = { wordpress: importTwice('wordpress', wxr, sites.wp), disqus: importTwice('disqus', disqusXml, sites.disqus) };

  // The WordPress export with its pings, given a spam, a rejected and a deleted comment, out and into another site.
  const roundTrip = started(async () => {
    await purgeRun.catch(() => {});
    // The flag before the file: a lenient parser took the file's name as the flag's value.
    const withPings = await urgent(['import', 'wordpress', '--include-pings', wxr, '--site', sites.roundTrip.slug]);
    const afterImport = await importState(sites.roundTrip.id);
    const leaves = await db
      .selectFrom('comments as c')
      .select('c.id')
      .where('c.site_id', '=', sites.roundTrip.id)
      .where('c.status', '=', 'published')
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('comments as r').select('r.id').whereRef('r.parent_id', '=', 'c.id'))))
      .orderBy('c.id')
      .limit(3)
      .execute();
    const [spam, rejected, deleted] = leaves.map((l) => l.id) as [string, string, string];
    const now = new Date(); // not due for removal by retention (nor by `purge --help`)
    await db.updateTable('comments').set({ status: 'spam', status_changed_at: now }).where('id', '=', spam).execute();
    await db.updateTable('comments').set({ status: 'rejected', status_changed_at: now }).where('id', '=', rejected).execute();
    await db.updateTable('comments').set({ status: 'deleted', status_changed_at: now, body: '' }).where('id', '=', deleted).execute();
    const file = path.join(tmp, 'round trip.jsonl');
    const exported = await urgent(['export', '--site', sites.roundTrip.slug, '--out', file]);
    const imported = await urgent(['import', 'parley', file, '--site', sites.copy.slug]);
    return {
      withPings, afterImport, file, exported, imported, changed: { spam, rejected, deleted },
      source: await commentShape(sites.roundTrip.id, (c) => `parley:${c.id}`),
      copy: await commentShape(sites.copy.id, (c) => c.external_id ?? `no external id (${c.id})`),
      sourceThreads: await db.selectFrom('threads').select(['key', 'url', 'title']).where('site_id', '=', sites.roundTrip.id).orderBy('key').execute(),
      copyThreads: await db.selectFrom('threads').select(['key', 'url', 'title', 'comment_count']).where('site_id', '=', sites.copy.id).orderBy('key').execute(),
    };
  });

  // Both answers in one write: while that hangs it waits out its idle time, so it starts early.
  const pasted = started(() => inTerminal(['create-admin', '--email', 'pasted@example.com'], [['Password: ', `${passwords.pasted}\n${passwords.pasted}\n`]]));
  const withFlag = started(() => run(['create-admin', '--email', 'Admin.One@Example.com', '--password', passwords.flag, '--name', 'Ada Admin']));
  const admin = {
    pasted,
    withFlag,
    // The same address in other letters, once the first exists.
    duplicate: started(async () => {
      await withFlag;
      return run(['create-admin', '--email', 'ADMIN.ONE@example.com', '--password', passwords.duplicate]);
    }),
    withEnv: started(() => run(['create-admin', '--email', 'env.admin@example.com'], { PARLEY_ADMIN_PASSWORD: passwords.env })),
    noTerminal: started(() => run(['create-admin', '--email', 'nobody@example.com'])),
    tooShort: started(() => run(['create-admin', '--email', 'short@example.com', '--password', 'short'])),
    terminal: started(() => inTerminal(['create-admin', '--email', 'tty.admin@example.com'], [['Password: ', `${passwords.tty}\n`], ['Password again: ', `${passwords.tty}\n`]])),
    mismatch: started(() => inTerminal(['create-admin', '--email', 'mismatch@example.com'], [['Password: ', `${passwords.first}\n`], ['Password again: ', `${passwords.second}\n`]])),
  };

  const dispatcher = {
    help: started(() => run(['--help'])),
    unknown: started(() => run(['frobnicate', '--site', 'x'])),
    unknownFlag: started(() => run(['export', '--site', 'x', '--format', 'csv'])),
    strayWord: started(() => run(['import', 'wordpress', 'a.xml', 'b.xml', '--site', 'x'])),
  };

  const blog = started(() => run(['create-site', '--slug', 'cli-blog', '--name', 'CLI Blog', '--origin', 'https://blog.example', '--origin=http://localhost:4000']));
  const site = {
    blog,
    badSlug: started(() => run(['create-site', '--slug', 'Bad_Slug', '--name', 'Bad'])),
    reserved: started(() => run(['create-site', '--slug', 'confirm', '--name', 'Confirm'])),
    badOrigin: started(() => run(['create-site', '--slug', 'cli-bad-origin', '--name', 'Bad Origin', '--origin', 'https://blog.example/comments'])),
    existing: started(async () => {
      await blog;
      return run(['create-site', '--slug', 'cli-blog', '--name', 'Another Name', '--origin', 'https://other.example']);
    }),
  };

  const person = started(async () => {
    const exported = await run(['export-person', '--site', 'people', '--email', ann.address]);
    const erased = await run(['erase-person', '--site', 'people', '--email', 'ANN.AUTHOR@example.com']);
    return { exported, erased };
  });

  return {
    dispatcher, admin, site, purgeRun, purgeHelp, person, imports, roundTrip,
    all: [...Object.values(dispatcher), ...Object.values(admin), ...Object.values(site), purgeRun, purgeHelp, person, ...Object.values(imports), roundTrip] as Promise<unknown>[],
  };
}

let sites: Sites;

beforeAll(async () => {
  cli = await createCliDatabase();
  db = cli.handle.db;
  env = cliEnv(cli.url);
  await Promise.all([seedPeople(), seedPurge()]);
  const [wp, disqus, roundTrip, copy] = (await Promise.all(['wp', 'dq', 'wp-pings', 'wp-copy'].map((slug) => seedSite(slug)))) as [Site, Site, Site, Site];
  sites = { wp, disqus, roundTrip, copy };
  jobs = startCommands(sites);
}, 60_000);

afterAll(async () => {
  // No command may still be writing when its database goes.
  if (jobs) await Promise.allSettled(jobs.all);
  await cli?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const expectExit = (r: Run, code: number) => expect(r.code, r.describe()).toBe(code);
const moderator = (email: string) => db.selectFrom('moderators').selectAll().where('email', '=', email).executeTakeFirst();

// ---------------------------------------------------------------------------------------------

describe('the dispatcher', { timeout: waitLimit }, () => {
  // (The summaries are not imported from src/cli: loading those modules here costs seconds.)
  const commands: Array<[name: string, summary: RegExp]> = [
    ['create-admin', /^Create an admin account: --email <address> \[--password <password>\]/], ['create-site', /--slug SLUG --name NAME \[--origin/],
    ['erase-person', /--site SLUG --email ADDRESS: .*GDPR art\. 17/], ['export', /--site SLUG \[--out FILE\]/],
    ['export-person', /--site SLUG --email ADDRESS: .*GDPR art\. 15/], ['import', /wordpress\|disqus\|parley FILE --site SLUG/], ['purge', /retention/],
  ];

  it('--help lists every command, one a line with its summary, and exits 0', async () => {
    const r = await jobs.dispatcher.help;
    expectExit(r, 0);
    expect(r.stderr).toBe('');
    const [usage, blank, heading, ...lines] = r.stdout.trimEnd().split('\n');
    expect([usage, blank, heading]).toEqual(['Usage: npm run cli -- <command> [options]', '', 'Commands:']);
    expect(lines.map((l) => l.match(/^  (\S+)  /)?.[1])).toEqual(commands.map(([name]) => name));
    lines.forEach((line, i) => expect(line.replace(/^  \S+  /, '')).toMatch(commands[i]![1]));
  });

  it('an unknown command exits 2 and says so on stderr, with the commands there are', async () => {
    const r = await jobs.dispatcher.unknown;
    expectExit(r, 2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Unknown command "frobnicate"\.\n/);
    for (const [name] of commands) expect(r.stderr).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('a command refuses an option it does not know, and a word too many, with its usage (exit 2)', async () => {
    const flag = await jobs.dispatcher.unknownFlag;
    expectExit(flag, 2);
    expect(flag.stdout).toBe('');
    expect(flag.stderr).toMatch(/Unknown option '--format'/);
    expect(flag.stderr).toContain('Usage: npm run cli -- export --site SLUG');
    const stray = await jobs.dispatcher.strayWord;
    expectExit(stray, 2);
    expect(stray.stderr).toMatch(/Unexpected argument 'b\.xml'/);
    expect(stray.stderr).toContain('Usage: npm run cli -- import wordpress|disqus|parley FILE');
  });
});

describe('create-admin', { timeout: waitLimit }, () => {
  it('creates an admin with --password: lower-cased email, display name, a hash that verifies, an audit entry', async () => {
    const r = await jobs.admin.withFlag;
    expectExit(r, 0);
    const m = await moderator('admin.one@example.com');
    expect(m).toMatchObject({ role: 'admin', display_name: 'Ada Admin', disabled_at: null });
    expect(r.stdout).toBe(`Created admin admin.one@example.com (id ${m!.id}). Log in at http://parley.test/admin\n`);
    expect(m!.password_hash).not.toContain(passwords.flag);
    expect(await verifyPassword(passwords.flag, m!.password_hash)).toBe(true);
    expect(await verifyPassword(passwords.duplicate, m!.password_hash)).toBe(false);
    const audit = await db.selectFrom('audit_log').select(['actor', 'action']).where('target', '=', `moderator:${m!.id}`).execute();
    expect(audit).toEqual([{ actor: 'cli', action: 'account_created' }]);
  });

  it('takes the password from PARLEY_ADMIN_PASSWORD, and the name from the address when none is given', async () => {
    const r = await jobs.admin.withEnv;
    expectExit(r, 0);
    const m = await moderator('env.admin@example.com');
    expect(m).toMatchObject({ role: 'admin', display_name: 'env.admin' });
    expect(await verifyPassword(passwords.env, m!.password_hash)).toBe(true);
    expect(r.stdout + r.stderr).not.toContain(passwords.env);
  });

  it('without a password and without a terminal to ask in, exits 2 with a clear message and creates nothing', async () => {
    const r = await jobs.admin.noTerminal;
    expectExit(r, 2);
    expect(r.stderr).toMatch(/^No --password given and no terminal to ask in\./);
    expect(r.stderr).toContain('PARLEY_ADMIN_PASSWORD');
    expect(await moderator('nobody@example.com')).toBeUndefined();
  });

  it('refuses a password under 10 characters (exit 2) and creates nothing', async () => {
    const r = await jobs.admin.tooShort;
    expectExit(r, 2);
    expect(r.stderr).toBe('The password needs at least 10 characters.\n');
    expect(await moderator('short@example.com')).toBeUndefined();
  });

  it('refuses an address that has an account already, in any letter case (exit 1), and keeps the first password', async () => {
    const r = await jobs.admin.duplicate;
    expectExit(r, 1);
    expect(r.stderr).toBe('An account with this email already exists.\n');
    expect(r.stdout).toBe('');
    const rows = await db.selectFrom('moderators').select('password_hash').where(sql<boolean>`lower(email) = 'admin.one@example.com'`).execute();
    expect(rows).toHaveLength(1);
    expect(await verifyPassword(passwords.flag, rows[0]!.password_hash)).toBe(true);
  });

  it('asks twice for the password in a terminal, without echoing it, and creates the account', async () => {
    const r = await jobs.admin.terminal;
    expectExit(r, 0);
    expect(r.stdout).toContain('Password: ');
    expect(r.stdout).toContain('Password again: ');
    expect(r.stdout).toMatch(/Created admin tty\.admin@example\.com \(id \d+\)/);
    expect(r.stdout + r.stderr).not.toContain(passwords.tty);
    const m = await moderator('tty.admin@example.com');
    expect(m?.role).toBe('admin');
    expect(await verifyPassword(passwords.tty, m!.password_hash)).toBe(true);
  });

  it('in a terminal, two different passwords exit 2 and create nothing', async () => {
    const r = await jobs.admin.mismatch;
    expectExit(r, 2);
    expect(r.stdout).toContain('The passwords differ.');
    expect(r.stdout + r.stderr).not.toContain(passwords.first);
    expect(r.stdout + r.stderr).not.toContain(passwords.second);
    expect(await moderator('mismatch@example.com')).toBeUndefined();
  });

  // Both answers in one write (a paste, or typing ahead of the second prompt): promptHidden's
  // first readline interface reads both lines, answers its question with the first and drops
  // the second when it closes; the second prompt's new interface waits for input that never comes.
  it('in a terminal, takes both answers when they arrive together', async () => {
    const r = await jobs.admin.pasted;
    expect(r.timedOut, `hung waiting for the second password\n${r.describe()}`).toBe(false);
    expectExit(r, 0);
    expect(r.stdout + r.stderr).not.toContain(passwords.pasted);
    const m = await moderator('pasted@example.com');
    expect(m && (await verifyPassword(passwords.pasted, m.password_hash))).toBe(true);
  });
});

describe('create-site', { timeout: waitLimit }, () => {
  const siteRow = (slug: string) => db.selectFrom('sites').selectAll().where('slug', '=', slug).executeTakeFirst();
  const policies = (siteId: string) => db.selectFrom('policy_versions').selectAll().where('site_id', '=', siteId).execute();

  it('creates a site with its origins and policy version 1 (the default policy and consent sentence)', async () => {
    const r = await jobs.site.blog;
    expectExit(r, 0);
    expect(r.stdout).toBe('Created site cli-blog. Embed it with data-site="cli-blog".\n');
    const s = await siteRow('cli-blog');
    expect(s).toMatchObject({ name: 'CLI Blog', allowed_origins: ['https://blog.example', 'http://localhost:4000'], current_policy_version: 1 });
    const [p, ...more] = await policies(s!.id);
    expect(more).toEqual([]);
    expect(p!.version).toBe(1);
    expect(p!.text).toMatch(/^Be civil and stay on topic\./);
    expect(p!.consent_text).toMatch(/^By using this form you agree/);
    expect(p!.hash).toBe(policyHash(p!.text, p!.consent_text));
  });

  it('refuses a bad slug (exit 2, usage) and creates nothing', async () => {
    const r = await jobs.site.badSlug;
    expectExit(r, 2);
    expect(r.stderr).toMatch(/^Usage: npm run cli -- create-site/);
    expect(r.stderr).toContain('lowercase letters, digits and dashes');
    expect(await db.selectFrom('sites').select('id').where(sql<boolean>`lower(slug) like 'bad%'`).execute()).toEqual([]);
  });

  it('refuses a slug that Parley\'s own addresses use (/privacy/confirm) and creates nothing', async () => {
    const r = await jobs.site.reserved;
    expectExit(r, 2);
    expect(r.stderr).toContain('Cannot use "confirm" as a slug: "confirm" is reserved');
    expect(await siteRow('confirm')).toBeUndefined();
  });

  it('refuses an origin with a path (exit 2) and creates nothing', async () => {
    const r = await jobs.site.badOrigin;
    expectExit(r, 2);
    expect(r.stderr).toBe('"https://blog.example/comments" is not an origin (scheme://host[:port], no path).\n');
    expect(await siteRow('cli-bad-origin')).toBeUndefined();
  });

  it('refuses a slug that exists (exit 1) and changes nothing of the existing site', async () => {
    const r = await jobs.site.existing;
    expectExit(r, 1);
    expect(r.stderr).toBe('A site "cli-blog" exists already.\n');
    const s = await siteRow('cli-blog');
    expect(s).toMatchObject({ name: 'CLI Blog', allowed_origins: ['https://blog.example', 'http://localhost:4000'], current_policy_version: 1 });
    expect(await policies(s!.id)).toHaveLength(1);
  });
});

describe('purge', { timeout: waitLimit }, () => {
  it('removes what is due, reports it, records the run, and keeps what is not due yet', async () => {
    const { result: r, after } = await jobs.purgeRun;
    expectExit(r, 0);
    expect(r.stdout).toMatch(/^Retention applied to \d+ site\(s\): /);
    expect(r.stdout).toContain(
      'IP and user agent erased from 1 comments and 1 consent records; 2 spam and 1 rejected comments removed; 1 expired data requests dropped.',
    );
    const byId = new Map(after.comments.map((c) => [c.id, c]));
    // Spam older than 15 days: gone; with a reply, an empty placeholder keeping the reply in place.
    expect(byId.has(purge.spamDue)).toBe(false);
    expect(byId.get(purge.spamDueWithReply)).toMatchObject({ status: 'deleted', body: '', author_name: 'deleted', author_email: null });
    expect(byId.get(purge.replyToSpam)).toMatchObject({ status: 'published', parent_id: purge.spamDueWithReply });
    expect(byId.get(purge.spamKept)?.status).toBe('spam');
    // Rejected after 30 days.
    expect(byId.has(purge.rejectedDue)).toBe(false);
    expect(byId.get(purge.rejectedKept)?.status).toBe('rejected');
    // IP addresses, user agents and referrers after 30 days; the comment stays.
    expect(byId.get(purge.oldPublished)).toMatchObject({ status: 'published', body: 'Forty days old', ip: null, user_agent: null, referrer: null });
    expect(byId.get(purge.newPublished)).toMatchObject({ ip: '192.0.2.21', user_agent: 'NewBrowser/1' });
    const consents = new Map(after.consents.map((c) => [c.id, c]));
    expect(consents.get(purge.oldConsent)).toMatchObject({ ip: null, user_agent: null, email: 'old@example.com' });
    expect(consents.get(purge.newConsent)).toMatchObject({ ip: '192.0.2.21', user_agent: 'NewBrowser/1' });
    expect(after.dataRequests).toEqual([{ token_hash: 'valid-token' }]);
    expect(after.jobRuns).toHaveLength(1);
    expect(after.jobRuns[0]!.report).toMatchObject({ spamDeleted: 2, rejectedDeleted: 1, commentsIpErased: 1, consentIpErased: 1, expiredDataRequests: 1 });
  });

  it('--help prints its usage and removes nothing', async () => {
    const { help, after, afterHelp, dueAgain } = await jobs.purgeHelp;
    expectExit(help, 0);
    expect(help.stdout).toMatch(/usage/i);
    expect(help.stdout).not.toMatch(/^Retention applied/m);
    expect(afterHelp.comments.map((c) => c.id)).toContain(dueAgain);
    expect(afterHelp.jobRuns).toHaveLength(after.jobRuns.length);
  });
});

describe('export-person and erase-person', { timeout: waitLimit }, () => {
  type Export = { email: string; site: { slug: string }; comments: Array<Record<string, unknown>>; consentRecords: Array<Record<string, unknown>>; bans: Array<Record<string, unknown>> };

  it("export-person prints, as JSON only, the person's comments, consent records and bans on that site, and nobody else's data", async () => {
    const { exported: r } = await jobs.person;
    expectExit(r, 0);
    const doc = JSON.parse(r.stdout) as Export;
    expect(doc.email).toBe(ann.address);
    expect(doc.site.slug).toBe('people');
    expect(doc.comments.map((c) => c.id).sort()).toEqual([people.a1, people.a2].sort());
    expect(doc.comments.find((c) => c.id === people.a2)).toMatchObject({ name: ann.name, email: ann.email, ip: ann.ip, userAgent: ann.ua, status: 'pending', parentId: people.b1, thread: 'town-hall', body: 'Ann replies to Bob.' });
    expect(doc.consentRecords).toHaveLength(2);
    expect(doc.consentRecords.every((c) => c.ip === ann.ip && c.basis === 'form' && c.policyVersion === 1)).toBe(true);
    expect(doc.bans).toMatchObject([{ kind: 'email', value: ann.address, reason: 'cooling off' }]);
    for (const other of [bob.email, bob.name, bob.ip, bob.ua, 'Bob answers Ann.', 'Ann writes on another site.', '198.51.100.99']) expect(r.stdout).not.toContain(other);
  });

  it('erase-person removes the email, name, website, IP and user agent from comments and consent records; replies keep their place', async () => {
    const { erased: r } = await jobs.person;
    expectExit(r, 0);
    expect(r.stdout).toBe('Erased: 2 comments anonymised (2 with text removed), 2 consent records reduced to proof, 1 bans removed.\n');

    const comments = new Map((await db.selectFrom('comments').selectAll().where('site_id', '=', people.site.id).execute()).map((c) => [c.id, c]));
    expect(comments.size).toBe(3);
    for (const id of [people.a1, people.a2]) {
      expect(comments.get(id)).toMatchObject({ status: 'deleted', author_name: 'deleted', author_email: null, author_website: null, author_avatar: null, ip: null, user_agent: null, body: '' });
    }
    // Bob's reply to Ann stays under her (now empty) comment, and hers stays under his.
    expect(comments.get(people.b1)).toMatchObject({ status: 'published', parent_id: people.a1, author_name: bob.name, author_email: bob.email, ip: bob.ip, body: 'Bob answers Ann.' });
    expect(comments.get(people.a2)!.parent_id).toBe(people.b1);

    for (const table of ['comments', 'consent_records', 'moderation_events'] as const) {
      const text = await rowsAsText(table, people.site.id);
      for (const personal of [ann.address, ann.name.toLowerCase(), ann.ip, ann.ua.toLowerCase(), ann.website]) expect(text, `${table} still holds ${personal}`).not.toContain(personal);
    }
    const consents = await db.selectFrom('consent_records').selectAll().where('site_id', '=', people.site.id).execute();
    const hers = consents.filter((c) => c.email_hash === emailHash(ann.address));
    expect(hers).toHaveLength(2);
    for (const c of hers) expect(c).toMatchObject({ email: null, ip: null, user_agent: null, policy_version: 1, basis: 'form' });
    expect(consents.find((c) => c.comment_id === people.b1)).toMatchObject({ email: bob.email, ip: bob.ip });

    expect(await db.selectFrom('bans').select('id').where('site_id', '=', people.site.id).execute()).toEqual([]);
    expect(await db.selectFrom('erasures').select(['email_hash', 'requested_by', 'comments_affected']).where('site_id', '=', people.site.id).execute()).toEqual([
      { email_hash: emailHash(ann.address), requested_by: 'admin:cli', comments_affected: 2 },
    ]);
    // Her published comment no longer counts; Bob's does.
    expect((await db.selectFrom('threads').select('comment_count').where('id', '=', people.thread).executeTakeFirstOrThrow()).comment_count).toBe(1);
    // The other site is untouched.
    expect(await db.selectFrom('comments').select(['author_email', 'ip', 'body']).where('id', '=', people.elsewhere).executeTakeFirst()).toEqual({
      author_email: ann.email, ip: '198.51.100.99', body: 'Ann writes on another site.',
    });
  });
});

describe('import', { timeout: waitLimit }, () => {
  const count = (n: number) => new RegExp(`\\b${n}\\b`);
  // The report's wording may change: a number near a word, either way round.
  const near = (word: string, n: number) => new RegExp(`${word}\\D{0,40}\\b${n}\\b|\\b${n}\\b\\D{0,40}${word}`, 'i');

  it('imports the WordPress export: the report matches the database (statuses, threads, reply links, consent basis)', async () => {
    const { first: r, afterFirst: s } = (await jobs.imports.wordpress);
    expectExit(r, 0);
    expect(s.ids).toHaveLength(29);
    expect(s.statuses).toEqual({ published: 26, pending: 3 });
    expect(s.consentBases).toEqual(Array(29).fill('imported'));
    expect(s.consentWithoutComment).toBe(0);
    expect(s.replies).toBe(10);
    expect(s.maxDepth).toBe(9);
    expect(s.publishedInThreads).toBe(26);
    expect(s.wrongReplyCounts).toBe(0);
    // The printed report, loosely: its numbers and the reasons for the 4 pings and trackbacks left out.
    expect(r.stdout).toMatch(count(s.ids.length));
    expect(r.stdout).toMatch(count(s.threads.length));
    expect(r.stdout).toMatch(near('skipped', 4));
    expect(r.stdout).toMatch(/trackback/);
    expect(r.stdout).toMatch(/pingback/);
  });

  it('running the same WordPress import again adds nothing and says the comments were there already', async () => {
    const { second: r, afterFirst, afterSecond } = (await jobs.imports.wordpress);
    expectExit(r, 0);
    expect(afterSecond).toEqual(afterFirst);
    expect(r.stdout).toMatch(near('imported', 0));
    expect(r.stdout).toMatch(near('already', 29));
  });

  it('imports the Disqus export: deleted post as placeholder, replies linked, skips reported; twice adds nothing', async () => {
    const { first, afterFirst: s, second, afterSecond } = (await jobs.imports.disqus);
    expectExit(first, 0);
    expect(s.statuses).toEqual({ published: 4, deleted: 1 });
    expect(s.replies).toBe(2);
    expect(s.consentBases).toEqual(Array(5).fill('imported'));
    expect(s.publishedInThreads).toBe(4);
    expect(first.stdout).toMatch(count(5));
    expect(first.stdout).toMatch(near('skipped', 2));
    expect(first.stdout).toMatch(/orphan/i);
    expectExit(second, 0);
    expect(afterSecond).toEqual(s);
    expect(second.stdout).toMatch(near('already', 5));
  });
});

describe('import --include-pings, export, then import parley into another site', { timeout: waitLimit }, () => {
  it('imports pings and trackbacks too with --include-pings', async () => {
    const { withPings: r, afterImport } = await jobs.roundTrip;
    expectExit(r, 0);
    expect(afterImport.ids).toHaveLength(33);
    expect(afterImport.statuses).toEqual({ published: 30, pending: 3 });
    expect(r.stdout).toMatch(/\b33\b/);
  });

  it('export writes a Parley export file (rejected comments left out) and says how many records', async () => {
    const { exported: r, file, source, sourceThreads } = await jobs.roundTrip;
    expectExit(r, 0);
    expect(r.stdout).toBe('');
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'parley-export', version: 1, site: { slug: 'wp-pings' } });
    const exportedComments = Object.values(source).filter((c) => c.status !== 'rejected').length;
    expect(exportedComments).toBe(32);
    // The header, the site's policy version (the one create-site gave it), its threads and comments.
    const policies = lines.map((l) => JSON.parse(l)).filter((v) => v.type === 'policy');
    expect(policies).toEqual([expect.objectContaining({ version: 1, current: true })]);
    expect(lines).toHaveLength(1 + policies.length + sourceThreads.length + exportedComments);
    expect(r.stderr).toBe(`Wrote ${lines.length - 1} records to ${file}.\n`);
  });

  it('import parley makes a copy with the same threads, comments, authors, statuses and parent links', async () => {
    const { imported: r, source, copy, sourceThreads, copyThreads, changed } = await jobs.roundTrip;
    expectExit(r, 0);
    const expected = Object.fromEntries(Object.entries(source).filter(([, c]) => c.status !== 'rejected'));
    expect(copy).toEqual(expected);
    expect(copy[`parley:${changed.rejected}`]).toBeUndefined();
    expect(copy[`parley:${changed.spam}`]?.status).toBe('spam');
    expect(copy[`parley:${changed.deleted}`]?.status).toBe('deleted');
    expect(Object.values(copy).filter((c) => c.parent !== null).length).toBeGreaterThanOrEqual(9);
    expect(Math.max(...Object.values(copy).map((c) => c.depth))).toBe(9);
    expect(copyThreads.map(({ key, url, title }) => ({ key, url, title }))).toEqual(sourceThreads);
    for (const t of copyThreads) expect(t.comment_count).toBe(Object.values(copy).filter((c) => c.thread === t.key && c.status === 'published').length);
    expect(r.stdout).toMatch(/\b32\b/);
  });
});
