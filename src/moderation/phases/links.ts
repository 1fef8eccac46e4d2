import type { Flag, Phase, PhaseResult } from '../types.js';
import { findLinks, hostOf, isHostAllowed, type FoundLink } from './linkDetection.js';

// The seed site's rule: "links found in submitted comments will generally be
// deleted". Stripping (the default) keeps the comment and drops only the link,
// so a reader who answers "where can I find this film?" with a URL is still
// published; the originals stay in the flag for a moderator to restore.

export const LINK_PLACEHOLDER = '[link removed]';
export const EMAIL_PLACEHOLDER = '[email removed]';

const MAX_LINKS_IN_EVIDENCE = 50;

function replacementFor(link: FoundLink): string {
  if (link.kind === 'email') return EMAIL_PLACEHOLDER;
  // Keep the words of "[the trailer](https://…)" unless they are an address themselves.
  const label = link.label ?? '';
  if (label !== '' && findLinks(label).length === 0) return `${label} ${LINK_PLACEHOLDER}`;
  return LINK_PLACEHOLDER;
}

function removeLinks(body: string, links: readonly FoundLink[]): string {
  let result = '';
  let cursor = 0;
  for (const link of links) {
    result += body.slice(cursor, link.start) + replacementFor(link);
    cursor = link.end;
  }
  return result + body.slice(cursor);
}

function listForReason(items: readonly string[]): string {
  const shown = items.slice(0, 5).map((item) => (item.length > 80 ? `${item.slice(0, 77)}…` : item));
  return shown.join(', ') + (items.length > 5 ? ` and ${items.length - 5} more` : '');
}

export const linksPhase: Phase = {
  name: 'links',
  run(input): PhaseResult | void {
    const { policy, allowlist } = input.settings.links;
    if (policy === 'allow') return;

    const links = findLinks(input.body).filter((link) => !isHostAllowed(link.host, allowlist));
    const website = input.website && !isHostAllowed(hostOf(input.website), allowlist) ? input.website : null;
    if (links.length === 0 && website === null) return;

    const raws = links.map((link) => link.raw);
    const hosts = [...new Set(links.map((link) => link.host).filter((host): host is string => host !== null))];

    if (policy === 'hold') {
      const held = website ? [...raws, `${website} (website)`] : raws;
      return {
        flags: [{
          code: 'links_held',
          reason: `This site holds comments with links for a moderator; found ${held.length}.`,
          evidence: { links: raws.slice(0, MAX_LINKS_IN_EVIDENCE), hosts, website },
        }],
        decision: { status: 'hold', reason: `Contains links, which this site reviews before publishing: ${listForReason(held)}.` },
      };
    }

    const flags: Flag[] = [];
    const result: PhaseResult = { flags };
    if (links.length > 0) {
      result.body = removeLinks(input.body, links);
      flags.push({
        code: 'links_removed',
        reason: `Removed ${links.length} link${links.length === 1 ? '' : 's'} from the comment, as the site's policy asks.`,
        evidence: {
          removed: raws.slice(0, MAX_LINKS_IN_EVIDENCE),
          hosts,
          count: links.length,
          obfuscated: links.filter((link) => link.kind === 'obfuscated').length,
        },
      });
    }
    if (website !== null) {
      result.website = null;
      flags.push({
        code: 'website_removed',
        reason: "Removed the author's website link, as the site's link policy asks.",
        evidence: { website },
      });
    }
    return result;
  },
};
