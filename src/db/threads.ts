import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Thread } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function findThread(db: Db, siteId: string, key: string): Promise<Thread | undefined> {
  return db.selectFrom('threads').selectAll().where('site_id', '=', siteId).where('key', '=', key).executeTakeFirst();
}

export async function findThreadById(db: Db, id: string): Promise<Thread | undefined> {
  return db.selectFrom('threads').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Creates the thread on its first comment. Two first comments racing both end up
 * with the same row: the upsert fills url and title only where they are missing.
 */
export async function upsertThread(
  trx: Transaction<Database>,
  siteId: string,
  key: string,
  meta: { url: string | null; title: string | null },
): Promise<Thread> {
  return trx
    .insertInto('threads')
    .values({ site_id: siteId, key, url: meta.url, title: meta.title, last_comment_at: null })
    .onConflict((oc) =>
      oc.columns(['site_id', 'key']).doUpdateSet({
        url: sql`coalesce(threads.url, excluded.url)`,
        title: sql`coalesce(threads.title, excluded.title)`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Keeps the published count current; called in the transaction that changes a status. */
export async function adjustThreadCount(trx: Transaction<Database>, threadId: string, delta: number, at: Date | null): Promise<void> {
  if (delta === 0) return;
  await trx
    .updateTable('threads')
    .set({
      comment_count: sql`greatest(comment_count + ${delta}, 0)`,
      ...(at && delta > 0 ? { last_comment_at: at } : {}),
    })
    .where('id', '=', threadId)
    .execute();
}

/** Published comment counts for many thread keys in one query; unknown keys are absent. */
export async function countsForKeys(db: Db, siteId: string, keys: string[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('threads')
    .select(['key', 'comment_count'])
    .where('site_id', '=', siteId)
    .where('key', 'in', keys)
    .execute();
  return new Map(rows.map((r) => [r.key, r.comment_count]));
}

export async function setThreadClosed(db: Db, threadId: string, closed: boolean): Promise<void> {
  // Reopening is a decision to keep the thread open, also past the site's auto-close age.
  await db.updateTable('threads').set({ closed, keep_open: !closed }).where('id', '=', threadId).execute();
}
