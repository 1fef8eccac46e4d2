import type { Flag, Phase } from '../types.js';
import { AkismetUnavailable, buildAkismetParams, type AkismetChecker, type AkismetParams } from './client.js';

/** Flag codes this phase writes; the recheck job and moderator actions look for them. */
export const akismetFlagCodes = {
  spam: 'akismet_spam',
  ham: 'akismet_ham',
  deferred: 'spam-check-deferred',
} as const;

/**
 * Asks Akismet about the comment as earlier phases rewrote it. Spam ends the run;
 * ham is recorded (with the exact fields sent, so a moderator can report a miss).
 * When Akismet does not answer, the comment is held with `spam-check-deferred`:
 * an outage must neither publish unchecked comments nor lose them.
 * No checker (no key configured) or a site that turned Akismet off: the phase does nothing.
 */
export function akismetPhase(checker: AkismetChecker | null, options: { blogLang?: string; isTest?: boolean } = {}): Phase {
  return {
    name: 'akismet',
    async run({ submission, settings, body, now }) {
      if (!checker || !settings.akismet.enabled) return;
      const params = buildAkismetParams(submission, body, options);
      try {
        const verdict = await checker.check(params);
        if (verdict === 'spam') {
          const flag = akismetVerdictFlag('spam', params);
          return { flags: [flag], decision: { status: 'spam', reason: flag.reason } };
        }
        return { flags: [akismetVerdictFlag('ham', params)] };
      } catch (error) {
        // The client turns every failure into AkismetUnavailable; anything else is a bug,
        // and the comment is still safer held than published or dropped.
        const problem = error instanceof AkismetUnavailable
          ? error
          : new AkismetUnavailable('unexpected', error instanceof Error ? error.message : String(error));
        const flag = deferredFlag(params, problem, now);
        return { flags: [flag], decision: { status: 'hold', reason: flag.reason } };
      }
    },
  };
}

/** The flag for an Akismet answer; the recheck job uses it too, so both read the same. */
export function akismetVerdictFlag(verdict: 'spam' | 'ham', params: AkismetParams): Flag {
  return verdict === 'spam'
    ? { code: akismetFlagCodes.spam, reason: 'Akismet classified this comment as spam.', evidence: { params } }
    : { code: akismetFlagCodes.ham, reason: 'Akismet found no spam in this comment.', evidence: { params } };
}

function deferredFlag(params: AkismetParams, error: AkismetUnavailable, now: Date): Flag {
  const why: Record<AkismetUnavailable['kind'], string> = {
    timeout: 'it did not answer in time',
    network: 'it could not be reached',
    http: `it answered with an error${error.details.status ? ` (HTTP ${error.details.status})` : ''}`,
    invalid: 'it refused the request (API key or a required field)',
    unexpected: 'its answer was not understood',
  };
  return {
    code: akismetFlagCodes.deferred,
    reason: `Held for a spam check: Akismet did not give an answer (${why[error.kind]}); it will be asked again.`,
    evidence: { params, error: error.toJSON(), deferredAt: now.toISOString() },
  };
}

/**
 * The Akismet fields stored in one of this phase's flags (evidence.params), or null when
 * the flag is not one of them or is malformed (evidence is stored JSON).
 */
export function akismetParamsFromFlag(flag: Flag): AkismetParams | null {
  if (!(Object.values(akismetFlagCodes) as string[]).includes(flag.code)) return null;
  const params = flag.evidence?.params;
  if (!params || typeof params !== 'object') return null;
  const p = params as Record<string, unknown>;
  const ok = typeof p.user_ip === 'string' && typeof p.comment_content === 'string' &&
    typeof p.comment_author === 'string' && typeof p.comment_author_email === 'string' &&
    (p.comment_type === 'comment' || p.comment_type === 'reply');
  return ok ? (params as AkismetParams) : null;
}
