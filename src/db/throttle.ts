import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function recordHit(db: Db, bucket: string, at: Date): Promise<string> {
  const row = await db.insertInto('throttle_hits').values({ bucket, created_at: at }).returning('id').executeTakeFirstOrThrow();
  return String(row.id);
}

export async function deleteHits(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length) await db.deleteFrom('throttle_hits').where('id', 'in', [...ids]).execute();
}

/** How many hits a bucket has since `since`, and when the oldest of them happened. */
export async function countHits(db: Db, bucket: string, since: Date): Promise<{ n: number; oldest: Date | null }> {
  const row = await db
    .selectFrom('throttle_hits')
    .select([sql<number>`count(*)::int`.as('n'), sql<Date | null>`min(created_at)`.as('oldest')])
    .where('bucket', '=', bucket)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return { n: row.n, oldest: row.oldest ? new Date(row.oldest) : null };
}

export async function clearHits(db: Db, bucket: string): Promise<void> {
  await db.deleteFrom('throttle_hits').where('bucket', '=', bucket).execute();
}

/** Old hits count for nothing; a periodic job (or the next login) may drop them. */
export async function deleteHitsBefore(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('throttle_hits').where('created_at', '<', before).execute();
}
