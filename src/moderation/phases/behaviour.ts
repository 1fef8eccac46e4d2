import { ModerationRefusal, type Flag, type Phase, type PhaseInput, type PhaseResult } from '../types.js';
import { verifyFormToken } from './formToken.js';

export { issueFormToken, verifyFormToken, type FormTokenCheck } from './formToken.js';

// How the comment was sent, not what it says: the cheapest and most reliable
// bot signals, checked before any text analysis.

/** Rate limits count posts in this window (posting reads these counts ahead with the site: see postComment.ts). */
export const RATE_WINDOW_MINUTES = 10;
// The lookups only count posts, they do not say when the oldest one leaves
// the window, so we tell the client the worst case: the whole window.
const RETRY_AFTER_SECONDS = RATE_WINDOW_MINUTES * 60;

const PROBLEM_WORDS = {
  missing: 'was sent without',
  malformed: 'carried a malformed',
  bad_signature: 'carried a forged or foreign',
  expired: 'carried an expired (over 24 h old)',
  from_the_future: 'carried a future-dated',
} as const;

function minutesAgo(now: Date, minutes: number): Date {
  return new Date(now.getTime() - minutes * 60_000);
}

/** Throws when this IP or email has already posted the allowed number of times in ten minutes. */
async function enforceRateLimits(input: PhaseInput): Promise<void> {
  const { submission, settings, lookups, now } = input;
  const since = minutesAgo(now, RATE_WINDOW_MINUTES);
  const { maxPostsPerIpPer10Min, maxPostsPerEmailPer10Min } = settings.behaviour;
  if (submission.ip && (await lookups.countRecentByIp(submission.ip, since)) >= maxPostsPerIpPer10Min) {
    throw new ModerationRefusal(
      'rate_limited',
      `Too many comments from your network in the last ${RATE_WINDOW_MINUTES} minutes. Please wait a few minutes and try again.`,
      RETRY_AFTER_SECONDS,
    );
  }
  const email = submission.author.email.trim();
  if (email && (await lookups.countRecentByEmail(email, since)) >= maxPostsPerEmailPer10Min) {
    throw new ModerationRefusal(
      'rate_limited',
      `Too many comments from your email address in the last ${RATE_WINDOW_MINUTES} minutes. Please wait a few minutes and try again.`,
      RETRY_AFTER_SECONDS,
    );
  }
}

export const behaviourPhase: Phase = {
  name: 'behaviour',
  async run(input): Promise<PhaseResult | void> {
    const { submission, settings, lookups, now } = input;
    const flags: Flag[] = [];

    // Edits change an existing comment: no new post to count, and the edit form
    // is not the comment form, so it carries neither token nor honeypot.
    if (!submission.isEdit) {
      await enforceRateLimits(input);

      const honeypot = submission.honeypot?.trim() ?? '';
      if (honeypot !== '') {
        const reason = 'The hidden "leave this empty" field was filled in: readers never see it, form-filling bots fill every field.';
        return {
          flags: [{ code: 'honeypot', reason, evidence: { value: honeypot.slice(0, 200) } }],
          decision: { status: 'spam', reason },
        };
      }

      const token = verifyFormToken(input.formSecret, submission.formToken, now);
      if (!token.valid) {
        // Flag only: API clients and no-JavaScript readers post without the
        // widget's token. spamSignals adds it to its score, so it only tips a
        // comment that already looks like spam.
        flags.push({
          code: 'no_form_token',
          reason: `The comment ${PROBLEM_WORDS[token.problem]} form token, so how long the form was open is unknown.`,
          evidence: { problem: token.problem },
        });
      } else if (token.ageSeconds < settings.behaviour.minSecondsToSubmit) {
        const seconds = Math.round(token.ageSeconds * 10) / 10;
        const reason = `Sent ${seconds} s after the form was shown; people need at least ${settings.behaviour.minSecondsToSubmit} s to write a comment.`;
        flags.push({ code: 'too_fast', reason, evidence: { seconds, minimumSeconds: settings.behaviour.minSecondsToSubmit } });
        return { flags, decision: { status: 'hold', reason } };
      }
    }

    const windowMinutes = settings.behaviour.duplicateWindowMinutes;
    const sameBody = await lookups.countSameBody(input.body, minutesAgo(now, windowMinutes));
    if (sameBody > 0) {
      const reason = `The same text was posted ${sameBody} time${sameBody === 1 ? '' : 's'} in the last ${windowMinutes} minutes.`;
      flags.push({ code: 'duplicate', reason, evidence: { count: sameBody, windowMinutes } });
      return { flags, decision: { status: 'hold', reason } };
    }

    return { flags };
  },
};
