import { sql, type Kysely, type Transaction } from 'kysely';
import type { Ban, BansTable, Comment, Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function listBans(db: Db, siteId: string): Promise<Ban[]> {
  return db.selectFrom('bans').selectAll().where('site_id', '=', siteId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export async function findBan(db: Db, siteId: string, id: string): Promise<Ban | undefined> {
  return db.selectFrom('bans').selectAll().where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
}

export interface NewBan {
  siteId: string;
  kind: BansTable['kind'];
  value: string;
  reason: string | null;
  createdBy: string;
  expiresAt: Date | null;
}

export async function insertBan(db: Db, b: NewBan): Promise<Ban> {
  return db
    .insertInto('bans')
    .values({ site_id: b.siteId, kind: b.kind, value: b.value, reason: b.reason, created_by: b.createdBy, expires_at: b.expiresAt })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteBan(db: Db, siteId: string, id: string): Promise<Ban | undefined> {
  return db.deleteFrom('bans').where('site_id', '=', siteId).where('id', '=', id).returningAll().executeTakeFirst();
}

/**
 * The site's published and held comments a ban covers, locked for the caller's
 * transaction (the pipeline's matcher re-checks each in the service).
 */
export async function commentsCoveredByBan(trx: Transaction<Database>, siteId: string, kind: BansTable['kind'], value: string, limit: number): Promise<Comment[]> {
  let q = trx.selectFrom('comments').selectAll().where('site_id', '=', siteId).where('status', 'in', ['published', 'pending']);
  const v = value.trim().toLowerCase();
  if (kind === 'email') q = q.where(sql<string>`lower(author_email)`, '=', v);
  else if (kind === 'email_domain') {
    const domain = v.replace(/^[@.]+/, '');
    q = q.where((eb) => eb.or([eb(sql<string>`lower(split_part(author_email, '@', 2))`, '=', domain), eb(sql<string>`lower(author_email)`, 'like', `%.${domain.replace(/[%_\\]/g, '\\$&')}`)]));
  } else if (kind === 'ip') q = q.where(sql<boolean>`ip = ${v}::inet`);
  else q = q.where(sql<boolean>`ip <<= ${v}::inet`);
  return q.orderBy('id').limit(limit).forUpdate().execute();
}
