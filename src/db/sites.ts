import crypto from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, PolicyVersion, Site } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function findSiteBySlug(db: Db, slug: string): Promise<Site | undefined> {
  return db.selectFrom('sites').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function findSiteById(db: Db, id: string): Promise<Site | undefined> {
  return db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listSites(db: Db): Promise<Site[]> {
  return db.selectFrom('sites').selectAll().orderBy('slug').execute();
}

export async function findCurrentPolicy(db: Db, site: Pick<Site, 'id' | 'current_policy_version'>): Promise<PolicyVersion | undefined> {
  if (site.current_policy_version === null) return undefined;
  return db
    .selectFrom('policy_versions')
    .selectAll()
    .where('site_id', '=', site.id)
    .where('version', '=', site.current_policy_version)
    .executeTakeFirst();
}

/** Every origin any site allows: what CORS answers preflights with. */
export async function listAllowedOrigins(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('sites').select('allowed_origins').execute();
  return rows.flatMap((r) => r.allowed_origins);
}

export interface NewSite {
  slug: string;
  name: string;
  allowedOrigins?: string[];
  moderation?: unknown;
  editWindowMinutes?: number;
  reportThreshold?: number;
}

/**
 * Slugs a site may not take: they are fixed path segments beside `/:site` routes
 * (`/privacy/confirm` beside `/privacy/:site`), so such a site's pages would be unreachable.
 */
export const RESERVED_SITE_SLUGS: ReadonlySet<string> = new Set(['confirm']);

/** Why a slug cannot name a site, or null when it can. */
export function siteSlugProblem(slug: string): string | null {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) return 'a slug is 1 to 63 lowercase letters, digits and dashes, starting with a letter or digit';
  if (RESERVED_SITE_SLUGS.has(slug)) return `"${slug}" is reserved (it is part of Parley's own addresses)`;
  return null;
}

export async function insertSite(db: Db, site: NewSite): Promise<Site> {
  const problem = siteSlugProblem(site.slug);
  if (problem) throw new Error(`Cannot create site "${site.slug}": ${problem}.`);
  return db
    .insertInto('sites')
    .values({
      slug: site.slug,
      name: site.name,
      allowed_origins: site.allowedOrigins ?? [],
      moderation: JSON.stringify(site.moderation ?? {}),
      current_policy_version: null,
      auto_close_days: null,
      ...(site.editWindowMinutes !== undefined ? { edit_window_minutes: site.editWindowMinutes } : {}),
      ...(site.reportThreshold !== undefined ? { report_threshold: site.reportThreshold } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function policyHash(text: string, consentText: string): string {
  return crypto.createHash('sha256').update(text).update('\u0000').update(consentText).digest('hex');
}

/**
 * Saves a new policy version and makes it current. Old versions stay: consent
 * records keep pointing at the text their author accepted.
 */
export async function addPolicyVersion(trx: Transaction<Database>, siteId: string, text: string, consentText: string): Promise<PolicyVersion> {
  // Lock the site row so two admins saving at once get consecutive versions. After the
  // highest version, not the current one: an import may have added older ones after it.
  await trx.selectFrom('sites').select('id').where('id', '=', siteId).forUpdate().executeTakeFirstOrThrow();
  const version = await nextPolicyVersion(trx, siteId);
  const row = await trx
    .insertInto('policy_versions')
    .values({ site_id: siteId, version, text, consent_text: consentText, hash: policyHash(text, consentText) })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx.updateTable('sites').set({ current_policy_version: version }).where('id', '=', siteId).execute();
  return row;
}

async function nextPolicyVersion(db: Db, siteId: string): Promise<number> {
  const row = await db.selectFrom('policy_versions').select(sql<number>`coalesce(max(version), 0)::int`.as('max')).where('site_id', '=', siteId).executeTakeFirstOrThrow();
  return row.max + 1;
}

/**
 * A policy version from another site's export (moving a site between servers): the version
 * with the same text and consent sentence when the site has one, else a new version after
 * its highest, dated as the original. Its number here is returned, for the consent records
 * that point at it. A site that nobody has agreed to anything on yet (the policy create-site
 * gave it) takes the export's current policy as its own.
 */
export async function importPolicyVersion(
  db: Kysely<Database>,
  siteId: string,
  p: { text: string; consentText: string; createdAt: Date; current: boolean },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const site = await trx.selectFrom('sites').select(['id', 'current_policy_version']).where('id', '=', siteId).forUpdate().executeTakeFirstOrThrow();
    const hash = policyHash(p.text, p.consentText);
    const same = await trx.selectFrom('policy_versions').select('version').where('site_id', '=', siteId).where('hash', '=', hash).orderBy('version').executeTakeFirst();
    const version = same?.version ?? (await nextPolicyVersion(trx, siteId));
    if (!same) {
      await trx.insertInto('policy_versions').values({ site_id: siteId, version, text: p.text, consent_text: p.consentText, hash, created_at: p.createdAt }).execute();
    }
    if (p.current && site.current_policy_version !== version) {
      const agreed = await trx.selectFrom('consent_records').select('id').where('site_id', '=', siteId).where('basis', '=', 'form').limit(1).executeTakeFirst();
      if (!agreed) await trx.updateTable('sites').set({ current_policy_version: version }).where('id', '=', siteId).execute();
    }
    return version;
  });
}
