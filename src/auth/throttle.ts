import type { Kysely } from 'kysely';
import { countHits, recordHit } from '../db/throttle.js';
import type { Database } from '../db/schema.js';
import { ApiError } from '../http/errors.js';

export interface ThrottleRule {
  bucket: string;
  /** Hits allowed within the window; the next one is refused. */
  limit: number;
  windowMs: number;
}

/**
 * Refuses with 429 and Retry-After when any rule's bucket is full. Counted in the
 * database, so a client spreading attempts over several instances gains nothing.
 */
export async function assertNotThrottled(db: Kysely<Database>, rules: ThrottleRule[], now: Date, message: string): Promise<void> {
  let retryAfterMs = 0;
  for (const rule of rules) {
    const { n, oldest } = await countHits(db, rule.bucket, new Date(now.getTime() - rule.windowMs));
    if (n >= rule.limit) retryAfterMs = Math.max(retryAfterMs, (oldest?.getTime() ?? now.getTime()) + rule.windowMs - now.getTime());
  }
  if (retryAfterMs > 0) {
    throw new ApiError('rate_limited', message, undefined, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) });
  }
}

/** Records a hit in every rule's bucket; returns the hits' ids (to take them back). */
export async function countAgainst(db: Kysely<Database>, rules: ThrottleRule[], now: Date): Promise<string[]> {
  const ids: string[] = [];
  for (const rule of rules) ids.push(await recordHit(db, rule.bucket, now));
  return ids;
}
