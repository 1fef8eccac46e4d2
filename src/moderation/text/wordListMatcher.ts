import { foldForMatching } from './fold.js';

/**
 * Matches a site's own word list the way people try to dodge it: any case,
 * accents ("späm"), leetspeak ("5p4m", "$pam"), letters spaced or dotted
 * apart ("s p a m", "s.p.a.m"), stretched letters ("spaaaam"), and a plural
 * ending. Always whole words: "ass" must not match "class" or "assess".
 */

// Each letter also stands for the characters people swap in for it.
const LOOKALIKES: Record<string, string> = {
  a: 'a4@', b: 'b8', e: 'e3', g: 'g9', i: 'i1!|', l: 'l1|', o: 'o0', s: 's5$', t: 't7+', z: 'z2',
};

const WORD_CHAR = String.raw`\p{L}\p{N}`;

// Single characters separated by spaces or dots ("s p a m", "s.p.a.m", "s-p-a-m")
// are joined before matching. Only single characters: joining whole words would
// read "as soon" as "assoon".
const SPACED_OUT = new RegExp(
  String.raw`(?<![${WORD_CHAR}@$])(?:[${WORD_CHAR}@$][\s._\-*·|/\\]{1,3}){2,}[${WORD_CHAR}@$](?![${WORD_CHAR}@$])`,
  'gu',
);

function escapeClassChar(char: string): string {
  return /[\\\]\[^-]/.test(char) ? `\\${char}` : char;
}

function letterClass(letter: string): string {
  const chars = LOOKALIKES[letter] ?? letter;
  if (chars.length === 1) return /[\p{L}\p{N}]/u.test(chars) ? chars : `\\${chars}`;
  return `[${[...chars].map(escapeClassChar).join('')}]`;
}

/** Pattern for one listed word or phrase, already folded. */
function wordPattern(folded: string): string {
  const parts: string[] = [];
  const chars = [...folded];
  for (let i = 0; i < chars.length; ) {
    const char = chars[i]!;
    if (/\s/.test(char)) {
      parts.push(String.raw`[\s\p{P}\p{S}]+`);
      while (i < chars.length && /\s/.test(chars[i]!)) i++;
      continue;
    }
    let run = 1;
    while (chars[i + run] === char) run++;
    const cls = /[\p{L}\p{N}]/u.test(char) ? letterClass(char) : char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    // "ss" must stay at least two letters (so "ass" never matches "as"), but may stretch.
    parts.push(run === 1 ? `${cls}+` : `${cls}{${run},}`);
    i += run;
  }
  return parts.join(String.raw`[._\-*'’]?`);
}

export interface WordListMatcher {
  /** Listed words found in the text, as listed (not as written). */
  find(text: string): string[];
}

function compile(words: readonly string[]): WordListMatcher {
  const listed = words.map((word) => word.trim()).filter((word) => word !== '');
  const folded = listed.map((word) => foldForMatching(word));
  if (listed.length === 0) return { find: () => [] };
  const alternatives = folded.map((word) => `(${wordPattern(word)}(?:e?s)?)`).join('|');
  const regex = new RegExp(String.raw`(?<![${WORD_CHAR}@$])(?:${alternatives})(?![${WORD_CHAR}])`, 'gu');
  return {
    find(text) {
      const prepared = foldForMatching(text).replace(SPACED_OUT, (run) => run.replace(/[\s._\-*·|/\\]+/g, ''));
      const found = new Set<string>();
      for (const match of prepared.matchAll(regex)) {
        const index = match.findIndex((group, i) => i > 0 && group !== undefined);
        if (index > 0) found.add(listed[index - 1]!);
      }
      return [...found];
    },
  };
}

// Settings arrive per request; a site's lists rarely change, so compile once per list.
const cache = new Map<string, WordListMatcher>();
const CACHE_LIMIT = 200;

export function wordListMatcher(words: readonly string[]): WordListMatcher {
  const key = words.join('\u0000');
  let matcher = cache.get(key);
  if (!matcher) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    matcher = compile(words);
    cache.set(key, matcher);
  }
  return matcher;
}
