import type { Flag } from '../types.js';
import type { AkismetChecker, AkismetParams } from './client.js';
import { akismetFlagCodes, akismetParamsFromFlag, akismetVerdictFlag } from './phase.js';

// Comments held because Akismet did not answer are asked again in the background,
// backing off so an outage is not hammered, until a day has passed; after that the
// comment simply stays in the queue for a person (it was never published unchecked).
// Everything here is free of the database: a job loads the due comments, calls
// runRecheck outside any transaction, and applies the step it returns.

export const firstRecheckDelayMs = 60_000;
export const maxRecheckDelayMs = 60 * 60_000;
/** After this long without an answer, stop asking and leave the comment to a moderator. */
export const giveUpAfterMs = 24 * 60 * 60_000;

/** Delay before recheck number `attempt` (0 for the first): 1 min, 2, 4, … capped at 1 h. */
export function nextRecheckDelay(attempt: number): number {
  const n = Math.max(0, Math.floor(attempt));
  // 2^6 min already exceeds the cap; stopping there keeps the power from overflowing.
  return Math.min(maxRecheckDelayMs, firstRecheckDelayMs * 2 ** Math.min(n, 6));
}

/** Asks Akismet again about a deferred comment, telling it why (`recheck_reason=retry`). */
export async function recheckDeferred(checker: AkismetChecker, params: AkismetParams): Promise<'spam' | 'ham' | 'unavailable'> {
  try {
    return await checker.check({ ...params, recheck_reason: 'retry' });
  } catch {
    // The reason was recorded when the comment was deferred; a retry only needs to know it failed again.
    return 'unavailable';
  }
}

/** A deferred comment's recheck state: what to persist next to the comment. */
export interface DeferredRecheck {
  params: AkismetParams;
  deferredAt: Date;
  /** Rechecks tried so far. */
  attempts: number;
  nextAt: Date;
}

/** The recheck to schedule for a pipeline outcome, or null when it was not deferred. */
export function deferredRecheckFromFlags(flags: readonly Flag[]): DeferredRecheck | null {
  const flag = flags.find((f) => f.code === akismetFlagCodes.deferred);
  const params = flag && akismetParamsFromFlag(flag);
  if (!flag || !params) return null;
  const raw = flag.evidence?.deferredAt;
  const deferredAt = typeof raw === 'string' && !Number.isNaN(Date.parse(raw)) ? new Date(raw) : new Date();
  return { params, deferredAt, attempts: 0, nextAt: new Date(deferredAt.getTime() + nextRecheckDelay(0)) };
}

/**
 * What to do with the comment after one recheck:
 * - `spam`: Akismet says spam: move it to spam, adding `flag`;
 * - `ham`: Akismet is satisfied: release it as the rest of the pipeline would (see the wiring notes), adding `flag`;
 * - `retry`: still no answer: persist `attempts` and `nextAt`;
 * - `give-up`: a day without an answer: stop rechecking; the comment stays held for a person, adding `flag`.
 */
export type RecheckStep =
  | { kind: 'spam'; flag: Flag }
  | { kind: 'ham'; flag: Flag }
  | { kind: 'retry'; attempts: number; nextAt: Date }
  | { kind: 'give-up'; flag: Flag };

export async function runRecheck(checker: AkismetChecker, deferred: DeferredRecheck, now: Date): Promise<RecheckStep> {
  const result = await recheckDeferred(checker, deferred.params);
  if (result !== 'unavailable') return { kind: result, flag: akismetVerdictFlag(result, deferred.params) };
  const attempts = deferred.attempts + 1;
  const nextAt = new Date(now.getTime() + nextRecheckDelay(attempts));
  if (nextAt.getTime() - deferred.deferredAt.getTime() > giveUpAfterMs) {
    return {
      kind: 'give-up',
      flag: {
        code: 'spam-check-abandoned',
        reason: 'Akismet gave no answer for a day; this comment was never spam-checked and waits for a moderator.',
        evidence: { params: deferred.params, deferredAt: deferred.deferredAt.toISOString(), attempts },
      },
    };
  }
  return { kind: 'retry', attempts, nextAt };
}
