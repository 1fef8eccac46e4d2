import type { Kysely, Transaction } from 'kysely';
import type { ApiToken, Moderator, Session } from './authSchema.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewSession {
  tokenHash: string;
  moderatorId: string;
  csrfToken: string;
  ip: string | null;
  userAgent: string | null;
  at: Date;
  expiresAt: Date;
}

export async function insertSession(db: Db, s: NewSession): Promise<Session> {
  return db
    .insertInto('sessions')
    .values({
      token_hash: s.tokenHash,
      moderator_id: s.moderatorId,
      csrf_token: s.csrfToken,
      ip: s.ip,
      user_agent: s.userAgent,
      created_at: s.at,
      last_seen_at: s.at,
      expires_at: s.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The unexpired session behind a token hash, with its (enabled) moderator. */
export async function findLiveSession(db: Db, tokenHash: string, now: Date): Promise<{ session: Session; moderator: Moderator } | undefined> {
  const session = await db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!session) return undefined;
  const moderator = await db
    .selectFrom('moderators')
    .selectAll()
    .where('id', '=', session.moderator_id)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return moderator ? { session, moderator } : undefined;
}

export async function touchSession(db: Db, id: string, at: Date, expiresAt: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at, expires_at: expiresAt }).where('id', '=', id).execute();
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

/** Disabling an account ends its sessions at once; a password change ends all but the one that made it. */
export async function deleteSessionsOf(db: Db, moderatorId: string, except: { tokenHash: string } | null = null): Promise<void> {
  let q = db.deleteFrom('sessions').where('moderator_id', '=', moderatorId);
  if (except) q = q.where('token_hash', '<>', except.tokenHash);
  await q.execute();
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}

export async function insertApiToken(db: Db, t: { tokenHash: string; name: string; moderatorId: string; at: Date }): Promise<ApiToken> {
  return db
    .insertInto('api_tokens')
    .values({ token_hash: t.tokenHash, name: t.name, moderator_id: t.moderatorId, created_at: t.at, last_used_at: null, revoked_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findLiveApiToken(db: Db, tokenHash: string): Promise<{ token: ApiToken; moderator: Moderator } | undefined> {
  const token = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
  if (!token) return undefined;
  const moderator = await db
    .selectFrom('moderators')
    .selectAll()
    .where('id', '=', token.moderator_id)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return moderator ? { token, moderator } : undefined;
}

export async function markApiTokenUsed(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

export async function listApiTokens(db: Db, moderatorId: string): Promise<ApiToken[]> {
  return db.selectFrom('api_tokens').selectAll().where('moderator_id', '=', moderatorId).orderBy('id', 'desc').execute();
}

/** Returns whether a live token of this moderator was revoked. */
export async function revokeApiToken(db: Db, moderatorId: string, id: string, at: Date): Promise<boolean> {
  const rows = await db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('moderator_id', '=', moderatorId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length > 0;
}
