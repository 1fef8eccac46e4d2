import type { Phase, PhaseResult } from '../types.js';

// The site's chosen level of trust. Runs last, so a comment held here has
// already been through every other check and carries all their flags.

export const siteModePhase: Phase = {
  name: 'siteMode',
  async run(input): Promise<PhaseResult | void> {
    const { mode } = input.settings;
    if (mode === 'pre') {
      const reason = 'This site reviews every comment before it is published (pre-moderation).';
      return { flags: [{ code: 'pre_moderation', reason }], decision: { status: 'hold', reason } };
    }
    if (mode === 'first-time') {
      // WordPress's default: once a moderator approves one comment from an
      // address, that address is trusted.
      const history = await input.lookups.authorHistory();
      if (history.published === 0) {
        const reason = "This site reviews a commenter's first comment; this email address has no published comment yet.";
        return {
          flags: [{ code: 'first_time_commenter', reason, evidence: { ...history } }],
          decision: { status: 'hold', reason },
        };
      }
    }
  },
};
