import fs from 'node:fs';
import readline from 'node:readline';
import type { Kysely } from 'kysely';
import type { ConsentRecord, Database, Site } from '../db/schema.js';
import { ImportFileError, type ImportConsent, type ImportRecord } from '../import/records.js';

// Parley's own export: JSON Lines, one import record per line, so both directions
// stream and the reader is the same writer every importer feeds.

const HEADER = { format: 'parley-export', version: 1 } as const;

/**
 * Streams a site's policy versions, threads and comments (all statuses but rejected; personal
 * data included: it is the site's), each comment with its consent record, so a site moved to
 * another server keeps the proof of what each commenter agreed to.
 */
export async function* exportSiteRecords(db: Kysely<Database>, site: Pick<Site, 'id' | 'slug' | 'name'>): AsyncGenerator<string> {
  // Read here, not taken from the caller's row, which may be older than the site's last policy change.
  const current = await db.selectFrom('sites').select('current_policy_version').where('id', '=', site.id).executeTakeFirst();
  yield JSON.stringify({ ...HEADER, site: { slug: site.slug, name: site.name }, exportedAt: new Date().toISOString() });
  const policies = await db.selectFrom('policy_versions').selectAll().where('site_id', '=', site.id).orderBy('version').execute();
  for (const p of policies) {
    yield JSON.stringify({
      type: 'policy', version: p.version, text: p.text, consentText: p.consent_text, hash: p.hash,
      createdAt: p.created_at.toISOString(), current: p.version === current?.current_policy_version,
    });
  }
  let lastThread = '0';
  for (;;) {
    const threads = await db.selectFrom('threads').selectAll().where('site_id', '=', site.id).where('id', '>', lastThread).orderBy('id').limit(500).execute();
    if (!threads.length) break;
    for (const t of threads) {
      yield JSON.stringify({ type: 'thread', externalId: t.id, key: t.key, url: t.url, title: t.title, createdAt: t.created_at.toISOString() });
    }
    lastThread = threads[threads.length - 1]!.id;
  }
  let lastComment = '0';
  for (;;) {
    const rows = await db.selectFrom('comments').selectAll().where('site_id', '=', site.id).where('id', '>', lastComment).orderBy('id').limit(1000).execute();
    if (!rows.length) break;
    // Each comment's first consent record (the one made when it was posted or imported).
    const consents = new Map<string, ConsentRecord>();
    const records = await db.selectFrom('consent_records').selectAll().where('comment_id', 'in', rows.map((c) => c.id)).orderBy('id').execute();
    for (const r of records) if (r.comment_id && !consents.has(r.comment_id)) consents.set(r.comment_id, r);
    for (const c of rows) {
      if (c.status === 'rejected') continue; // not part of the site's conversation
      const consent = consents.get(c.id);
      yield JSON.stringify({
        type: 'comment',
        externalId: c.id,
        threadExternalId: c.thread_id,
        parentExternalId: c.parent_id,
        author: { name: c.author_name, email: c.author_email, website: c.author_website },
        ip: c.ip,
        userAgent: c.user_agent,
        createdAt: c.created_at.toISOString(),
        body: c.body,
        status: c.status,
        kind: 'comment',
        consent: consent
          ? {
              basis: consent.basis, policyVersion: consent.policy_version, policyHash: consent.policy_hash, consentText: consent.consent_text,
              ip: consent.ip, userAgent: consent.user_agent, createdAt: consent.created_at.toISOString(),
            }
          : null,
      });
    }
    lastComment = rows[rows.length - 1]!.id;
  }
}

/** Reads a Parley export back as import records. */
export async function* readParleyExport(path: string): AsyncGenerator<ImportRecord> {
  if (!fs.existsSync(path)) throw new ImportFileError(`${path}: no such file`);
  const lines = readline.createInterface({ input: fs.createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let first = true;
  let lineNo = 0;
  // Parents are exported by our ids, which become the import's external ids.
  for await (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line);
    } catch {
      if (first) throw new ImportFileError(`${path} is not a Parley export (line 1 is not JSON)`);
      yield { type: 'skip', externalId: null, reason: `line ${lineNo} is not valid JSON` };
      continue;
    }
    if (first) {
      first = false;
      if (value.format !== HEADER.format) throw new ImportFileError(`${path} is not a Parley export`);
      continue;
    }
    if (value.type === 'policy') {
      const version = value.version;
      const createdAt = new Date(String(value.createdAt));
      if (!Number.isInteger(version) || typeof value.text !== 'string' || typeof value.consentText !== 'string' || Number.isNaN(createdAt.getTime())) {
        yield { type: 'skip', externalId: null, reason: `line ${lineNo} is not a complete policy version` };
        continue;
      }
      yield { type: 'policy', version: version as number, text: value.text, consentText: value.consentText, createdAt, current: value.current === true };
    } else if (value.type === 'thread' && typeof value.key === 'string' && value.externalId != null) {
      yield { type: 'thread', externalId: String(value.externalId), key: value.key, url: (value.url as string) ?? null, title: (value.title as string) ?? null, createdAt: value.createdAt ? new Date(value.createdAt as string) : null };
    } else if (value.type === 'comment' && typeof value.body === 'string' && value.externalId != null && value.threadExternalId != null) {
      const author = (value.author ?? {}) as { name?: string; email?: string | null; website?: string | null };
      const createdAt = new Date(String(value.createdAt));
      if (Number.isNaN(createdAt.getTime())) {
        yield { type: 'skip', externalId: String(value.externalId), reason: `comment ${String(value.externalId)} has no valid date` };
        continue;
      }
      yield {
        type: 'comment',
        externalId: String(value.externalId),
        threadExternalId: String(value.threadExternalId),
        parentExternalId: value.parentExternalId == null ? null : String(value.parentExternalId),
        author: { name: author.name ?? 'Anonymous', email: author.email ?? null, website: author.website ?? null },
        ip: (value.ip as string) ?? null,
        userAgent: (value.userAgent as string) ?? null,
        createdAt,
        body: value.body,
        status: (['published', 'pending', 'spam', 'deleted'].includes(String(value.status)) ? value.status : 'pending') as 'published',
        kind: 'comment',
        ...consentOf(value.consent),
      };
    } else {
      yield { type: 'skip', externalId: null, reason: `line ${lineNo} is not a policy, thread or comment record` };
    }
  }
}

/** A comment's consent record as exported, or nothing when it has none or it is incomplete. */
function consentOf(raw: unknown): { consent?: ImportConsent } {
  if (!raw || typeof raw !== 'object') return {};
  const c = raw as Record<string, unknown>;
  const createdAt = new Date(String(c.createdAt));
  if ((c.basis !== 'form' && c.basis !== 'imported') || Number.isNaN(createdAt.getTime())) return {};
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    consent: {
      basis: c.basis,
      policyVersion: Number.isInteger(c.policyVersion) ? (c.policyVersion as number) : null,
      policyHash: text(c.policyHash),
      consentText: text(c.consentText),
      ip: text(c.ip),
      userAgent: text(c.userAgent),
      createdAt,
    },
  };
}
