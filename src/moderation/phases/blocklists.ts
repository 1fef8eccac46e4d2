import type { Flag, Phase, PhaseInput, PhaseResult } from '../types.js';
import { wordListMatcher } from '../text/wordListMatcher.js';
import { describeBan, findMatchingBan } from './bans.js';
import { normaliseAuthorName } from './normalise.js';

// The site owner's own word: bans and word lists are explicit decisions, so
// they run before the heuristics and their verdict is final. This phase runs
// before links are stripped, so a banned word inside a URL still counts.

type ListName = 'banned' | 'suspect';

interface WordHit {
  words: string[];
  fields: string[];
}

function scannedFields(input: PhaseInput): Record<string, string> {
  return {
    body: input.body,
    authorName: normaliseAuthorName(input.submission.author.name).text,
    website: input.website ?? '',
  };
}

function findListedWords(words: readonly string[], fields: Record<string, string>): WordHit | null {
  if (words.length === 0) return null;
  const matcher = wordListMatcher(words);
  const found = new Set<string>();
  const where: string[] = [];
  for (const [field, text] of Object.entries(fields)) {
    const hits = text === '' ? [] : matcher.find(text);
    if (hits.length > 0) where.push(field);
    for (const hit of hits) found.add(hit);
  }
  return found.size > 0 ? { words: [...found], fields: where } : null;
}

function wordFlag(list: ListName, hit: WordHit): Flag {
  const quoted = hit.words.map((word) => `"${word}"`).join(', ');
  return {
    code: list === 'banned' ? 'banned_word' : 'suspect_word',
    reason: list === 'banned'
      ? `Uses ${hit.words.length === 1 ? 'a word' : 'words'} this site bans: ${quoted}.`
      : `Uses ${hit.words.length === 1 ? 'a word' : 'words'} this site reviews before publishing: ${quoted}.`,
    evidence: { list, words: hit.words, fields: hit.fields },
  };
}

export const blocklistsPhase: Phase = {
  name: 'blocklists',
  async run(input): Promise<PhaseResult | void> {
    const { submission } = input;
    const ban = findMatchingBan(await input.lookups.activeBans(), submission.author.email, submission.ip);
    if (ban) {
      const reason = describeBan(ban);
      return {
        flags: [{ code: 'banned_commenter', reason, evidence: { kind: ban.kind, value: ban.value, banReason: ban.reason } }],
        decision: { status: 'reject', reason },
      };
    }

    const fields = scannedFields(input);
    const banned = findListedWords(input.settings.words.banned, fields);
    if (banned) {
      const flag = wordFlag('banned', banned);
      return { flags: [flag], decision: { status: 'reject', reason: flag.reason } };
    }
    const suspect = findListedWords(input.settings.words.suspect, fields);
    if (suspect) {
      const flag = wordFlag('suspect', suspect);
      return { flags: [flag], decision: { status: 'hold', reason: flag.reason } };
    }
  },
};
