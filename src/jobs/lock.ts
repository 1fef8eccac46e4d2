import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/connect.js';

/** Runs `fn` only if no other instance is running the same job right now. */
export type JobLock = <T>(job: string, fn: () => Promise<T>) => Promise<{ ran: true; result: T } | { ran: false }>;

/**
 * On PostgreSQL, a session advisory lock held on one pooled connection while the job
 * runs on others: instances behind a load balancer never run a job twice at once, and
 * the job may make network calls without holding a transaction open.
 * PGlite is one process with one connection, so there is nothing to coordinate.
 */
export function createJobLock(handle: Pick<DatabaseHandle, 'db' | 'backend'>): JobLock {
  if (handle.backend === 'pglite') {
    return async (_job, fn) => ({ ran: true, result: await fn() });
  }
  return async (job, fn) =>
    handle.db.connection().execute(async (conn) => {
      const key = sql`hashtext(${`parley:${job}`})`;
      const got = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}) as locked`.execute(conn);
      if (!got.rows[0]?.locked) return { ran: false as const };
      try {
        return { ran: true as const, result: await fn() };
      } finally {
        await sql`select pg_advisory_unlock(${key})`.execute(conn);
      }
    });
}
