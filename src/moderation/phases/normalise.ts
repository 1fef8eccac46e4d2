import type { Flag, Phase, PhaseResult } from '../types.js';

// Invisible characters hide words from every later rule ("s\u200Bpam" reads
// as "spam" but matches nothing) and bidi overrides make text display in a
// different order than it is stored. Neither belongs in a comment.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/g;

// Zero-width (non-)joiners are part of correct spelling in Persian, Arabic
// and Indic scripts, and ZWJ glues multi-person emoji together. We keep them
// there and remove them everywhere else, which is where evasion happens.
const JOINING_SCRIPT_LETTER =
  /^[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Myanmar}\p{Script=Khmer}]$/u;
const EMOJI_BEFORE_JOINER = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]$/u;
const EMOJI_AFTER_JOINER = /^\p{Extended_Pictographic}$/u;
const ZWNJ = '\u200C';
const ZWJ = '\u200D';

export interface CleanedText {
  text: string;
  /** Removed characters by code point label (`U+200B`), for the moderator. */
  removed: Record<string, number>;
  removedCount: number;
}

function codePointBefore(text: string, offset: number): string {
  const low = text.charCodeAt(offset - 1);
  if (low >= 0xdc00 && low <= 0xdfff && offset >= 2) return text.slice(offset - 2, offset);
  return text.slice(offset - 1, offset);
}

function codePointAfter(text: string, offset: number): string {
  const cp = text.codePointAt(offset);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

function joinerIsNeeded(char: string, before: string, after: string): boolean {
  if (char === ZWJ && EMOJI_BEFORE_JOINER.test(before) && EMOJI_AFTER_JOINER.test(after)) return true;
  if ((char === ZWJ || char === ZWNJ) && JOINING_SCRIPT_LETTER.test(before) && /^[\p{L}\p{M}]$/u.test(after)) return true;
  return false;
}

/** Removes invisible and direction-override characters, counting what went. */
export function removeInvisibleCharacters(text: string): CleanedText {
  const removed: Record<string, number> = {};
  let removedCount = 0;
  const cleaned = text.replace(INVISIBLE, (char: string, offset: number, whole: string) => {
    if (joinerIsNeeded(char, codePointBefore(whole, offset), codePointAfter(whole, offset + 1))) return char;
    const label = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    removed[label] = (removed[label] ?? 0) + 1;
    removedCount++;
    return '';
  });
  return { text: cleaned, removed, removedCount };
}

/** The body as stored: NFC, Unix newlines, at most one blank line in a row, trimmed. */
export function normaliseBody(body: string): CleanedText {
  const unified = body.normalize('NFC').replace(/\r\n?/g, '\n');
  const cleaned = removeInvisibleCharacters(unified);
  // A "blank" line may still hold spaces; three or more line breaks read as one gap.
  const text = cleaned.text.replace(/\n[ \t]*(?:\n[ \t]*){2,}/g, '\n\n').trim();
  return { ...cleaned, text };
}

/** Names are one line: NFC, no invisibles, single spaces. Later phases read names through this. */
export function normaliseAuthorName(name: string): CleanedText {
  const cleaned = removeInvisibleCharacters(name.normalize('NFC'));
  return { ...cleaned, text: cleaned.text.replace(/\s+/g, ' ').trim() };
}

export function normaliseWebsite(website: string | null): CleanedText & { website: string | null } {
  const cleaned = removeInvisibleCharacters((website ?? '').normalize('NFC'));
  const text = cleaned.text.trim();
  return { ...cleaned, text, website: text === '' ? null : text };
}

function mergeCounts(...counts: Record<string, number>[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const count of counts) {
    for (const [label, n] of Object.entries(count)) merged[label] = (merged[label] ?? 0) + n;
  }
  return merged;
}

export const normalisePhase: Phase = {
  name: 'normalise',
  run(input): PhaseResult {
    const body = normaliseBody(input.body);
    const name = normaliseAuthorName(input.submission.author.name);
    const website = normaliseWebsite(input.website);
    const total = body.removedCount + name.removedCount + website.removedCount;

    const flags: Flag[] = [];
    if (total > 0) {
      flags.push({
        code: 'invisible_characters_removed',
        reason: `Removed ${total} invisible or text-direction character${total === 1 ? '' : 's'} that could hide words from the other checks.`,
        evidence: {
          count: total,
          inBody: body.removedCount,
          inAuthorName: name.removedCount,
          inWebsite: website.removedCount,
          characters: mergeCounts(body.removed, name.removed, website.removed),
        },
      });
    }

    const result: PhaseResult = { body: body.text, website: website.website, flags };
    if (name.text !== input.submission.author.name) result.authorName = name.text;
    if (body.text === '') {
      result.decision = {
        status: 'reject',
        reason: 'The comment is empty once invisible characters and surrounding whitespace are removed.',
      };
    }
    return result;
  },
};
