import type { AkismetChecker } from '../akismet/client.js';
import { akismetPhase } from '../akismet/phase.js';
import type { Phase } from '../types.js';
import { abusePhase } from './abuse.js';
import { behaviourPhase } from './behaviour.js';
import { blocklistsPhase } from './blocklists.js';
import { linksPhase } from './links.js';
import { normalisePhase } from './normalise.js';
import { siteModePhase } from './siteMode.js';
import { spamSignalsPhase } from './spamSignals.js';

/** Services some phases need; built once by the composition root. */
export interface PhaseDeps {
  /** Akismet, when the server has a key; without one the local signals decide alone. */
  akismet?: AkismetChecker | null;
  blogLang?: string;
}

/**
 * The site's rules, in the order they run. Reading this list is reading the rules.
 *
 * 1. normalise: every later rule sees one canonical text, with no invisible
 *    characters hiding words from it.
 * 2. behaviour: rate limits, honeypot, form timing and duplicates look at how
 *    the comment was sent, cost almost nothing, and stop bots before any text
 *    analysis; the duplicate check needs the normalised body.
 * 3. blocklists: the site owner's explicit bans and word lists are final, and
 *    run before links are stripped so a banned word inside a URL still counts.
 * 4. links: strips (or holds) links per the site's policy, so the text checks
 *    after it read the commenter's words, not URLs.
 * 5. abuse: insults, threats, slurs, shouting.
 * 6. spamSignals: scores self-promotion, reading what links and behaviour
 *    recorded (links removed, missing form token).
 * 7. [Akismet slot] the Akismet phase (another module) goes here, from deps:
 *    after the local checks, so comments they already decide never reach the
 *    network, and before siteMode, so its verdict is recorded on comments
 *    pre-moderation holds anyway.
 * 8. siteMode: pre-moderation and first-time holds run last, so a held comment
 *    carries every other phase's flags for the moderator.
 */
export function buildPhases(deps: PhaseDeps = {}): Phase[] {
  return [
    normalisePhase,
    behaviourPhase,
    blocklistsPhase,
    linksPhase,
    abusePhase,
    spamSignalsPhase,
    akismetPhase(deps.akismet ?? null, { blogLang: deps.blogLang ?? 'en' }),
    siteModePhase,
  ];
}
