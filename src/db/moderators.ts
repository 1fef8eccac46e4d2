import type { Kysely, Transaction } from 'kysely';
import type { Moderator, ModeratorRole } from './authSchema.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function findModeratorByEmail(db: Db, email: string): Promise<Moderator | undefined> {
  return db.selectFrom('moderators').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}

export async function findModeratorById(db: Db, id: string): Promise<Moderator | undefined> {
  return db.selectFrom('moderators').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listModerators(db: Db): Promise<Moderator[]> {
  return db.selectFrom('moderators').selectAll().orderBy('email').execute();
}

export interface NewModerator {
  email: string;
  passwordHash: string;
  role: ModeratorRole;
  displayName: string;
}

/** Returns undefined when the email is taken. */
export async function insertModerator(db: Db, m: NewModerator): Promise<Moderator | undefined> {
  return db
    .insertInto('moderators')
    .values({ email: m.email.trim().toLowerCase(), password_hash: m.passwordHash, role: m.role, display_name: m.displayName })
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateModerator(
  db: Db,
  id: string,
  patch: { role?: ModeratorRole; displayName?: string; disabledAt?: Date | null; passwordHash?: string },
): Promise<Moderator | undefined> {
  if (Object.values(patch).every((v) => v === undefined)) return findModeratorById(db, id);
  return db
    .updateTable('moderators')
    .set({
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
      ...(patch.disabledAt !== undefined ? { disabled_at: patch.disabledAt } : {}),
      ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** The ids of the sites a moderator was given (admins see every site regardless). */
export async function listModeratorSiteIds(db: Db, moderatorId: string): Promise<string[]> {
  const rows = await db.selectFrom('moderator_sites').select('site_id').where('moderator_id', '=', moderatorId).execute();
  return rows.map((r) => r.site_id);
}

export async function listSiteAssignments(db: Db): Promise<Map<string, string[]>> {
  const rows = await db.selectFrom('moderator_sites').select(['moderator_id', 'site_id']).execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.moderator_id, [...(out.get(r.moderator_id) ?? []), r.site_id]);
  return out;
}

/** Replaces a moderator's sites with exactly these. */
export async function setModeratorSites(trx: Transaction<Database>, moderatorId: string, siteIds: string[]): Promise<void> {
  await trx.deleteFrom('moderator_sites').where('moderator_id', '=', moderatorId).execute();
  if (siteIds.length) {
    await trx.insertInto('moderator_sites').values(siteIds.map((site_id) => ({ moderator_id: moderatorId, site_id }))).execute();
  }
}

export async function countActiveAdmins(db: Db): Promise<number> {
  const row = await db
    .selectFrom('moderators')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
