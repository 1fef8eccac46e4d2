import type { Kysely } from 'kysely';
import { countHits, deleteHits, recordHit } from '../db/throttle.js';
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

/**
 * One attempt at something guessable (a password): counted before it is checked, not after a
 * failure, so attempts sent in parallel see each other and no burst gets more than the limit
 * through. Counting our own hit, a bucket is full past its limit. A refused attempt checked
 * nothing and does not push the lockout further out. Returns the hits' ids, for the caller to
 * take back when the attempt succeeds.
 */
export async function takeAttempt(db: Kysely<Database>, rules: ThrottleRule[], now: Date, message: string): Promise<string[]> {
  const hits = await countAgainst(db, rules, now);
  try {
    await assertNotThrottled(db, rules.map((r) => ({ ...r, limit: r.limit + 1 })), now, message);
  } catch (e) {
    await deleteHits(db, hits);
    throw e;
  }
  return hits;
}

/** Records a hit in every rule's bucket; returns the hits' ids (to take them back). */
export async function countAgainst(db: Kysely<Database>, rules: ThrottleRule[], now: Date): Promise<string[]> {
  const ids: string[] = [];
  for (const rule of rules) ids.push(await recordHit(db, rule.bucket, now));
  return ids;
}
