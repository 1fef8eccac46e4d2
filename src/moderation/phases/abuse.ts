import type { Flag, Phase, PhaseResult } from '../types.js';
import { countWords, straightenApostrophes } from '../text/fold.js';
import { findQuotedRanges, isInsideRanges, textOutsideRanges } from '../text/quotes.js';
import { findAbusivePhrases, isBareInsult, type AbuseHit } from './abuseLexicon.js';
import { LINK_PLACEHOLDER, EMAIL_PLACEHOLDER } from './links.js';
import { findProfanity, type ProfanityHit } from './profanity.js';

// The seed site zaps "abusive, inflammatory" comments. Severity decides:
// threats, slurs, hate and the harshest name-calling are rejected; milder
// name-calling, explicit language, heavy swearing and shouting are held for a
// person. A swear word on its own is published with a flag: readers quote
// "Frankly, my dear, I don't give a damn" and call an ending "shit" in
// otherwise civil arguments, and the site removes abuse, not bad language.

type Verdict = { status: 'hold' | 'reject'; reason: string; rank: number };

const SHOUTING_MIN_LETTERS = 20;
const SHOUTING_UPPERCASE_SHARE = 0.7;
const REPEAT_RUN_LENGTH = 8;
const REPEAT_KEEP = 3;
/** Below this many words of their own, the commenter is speaking through the quote. */
const MIN_OWN_WORDS_FOR_QUOTE_CONTEXT = 3;
const HEAVY_SWEARING_COUNT = 3;
const HEAVY_SWEARING_SHARE = 0.25;
/** Held even alone: the one English swear word most readers take as abuse in itself. */
const STRONGEST_SWEARS = new Set(['cunt']);

// Digits are left alone: 100000000 is a number, not a stretched character.
const REPEATED_RUN = new RegExp(String.raw`([^\d\s])\1{${REPEAT_RUN_LENGTH - 1},}`, 'gu');

function collapseRepeatedCharacters(body: string): { text: string; runs: { char: string; length: number }[] } {
  const runs: { char: string; length: number }[] = [];
  const text = body.replace(REPEATED_RUN, (run: string, char: string) => {
    runs.push({ char, length: [...run].length });
    return char.repeat(REPEAT_KEEP);
  });
  return { text, runs };
}

function shoutingShare(body: string): { share: number; letters: number } {
  const text = body.replaceAll(LINK_PLACEHOLDER, '').replaceAll(EMAIL_PLACEHOLDER, '');
  let letters = 0;
  let upper = 0;
  for (const char of text) {
    const lower = char.toLowerCase();
    const upperCase = char.toUpperCase();
    if (lower === upperCase) continue;
    letters++;
    if (char === upperCase) upper++;
  }
  return { share: letters === 0 ? 0 : upper / letters, letters };
}

/** "I loved Shut Up and Sing": a capitalised phrase mid-sentence is a title, not the commenter's words. */
function looksLikeTitle(original: string, start: number, end: number): boolean {
  const span = original.slice(start, end).trim();
  const words = span.match(/\p{L}[\p{L}'’]*/gu) ?? [];
  if (words.length === 0 || span === span.toUpperCase()) return false;
  if (!words.every((word) => /^\p{Lu}/u.test(word) || /^(?:and|or|the|a|an|of|to|in|on|up)$/.test(word))) return false;
  const before = original.slice(0, start).trimEnd();
  return before !== '' && !/[.!?:"“(\n]$/.test(before);
}

const quote = (text: string) => `"${text.length > 80 ? `${text.slice(0, 77)}…` : text}"`;

export const abusePhase: Phase = {
  name: 'abuse',
  run(input): PhaseResult | void {
    if (!input.settings.abuse.enabled) return;

    const flags: Flag[] = [];
    const verdicts: Verdict[] = [];
    const collapsed = collapseRepeatedCharacters(input.body);
    const body = collapsed.text;
    if (collapsed.runs.length > 0) {
      flags.push({
        code: 'repeated_characters',
        reason: `Shortened ${collapsed.runs.length} run${collapsed.runs.length === 1 ? '' : 's'} of ${REPEAT_RUN_LENGTH} or more repeated characters to ${REPEAT_KEEP}.`,
        evidence: { runs: collapsed.runs },
      });
    }

    const lowered = undoLeetspeak(straightenApostrophes(body.toLowerCase()));
    const quotedInBody = findQuotedRanges(body);
    const quotedInLowered = lowered.length === body.length ? quotedInBody : findQuotedRanges(lowered);
    const quotesAreContext = countWords(textOutsideRanges(body, quotedInBody)) >= MIN_OWN_WORDS_FOR_QUOTE_CONTEXT;
    const quotedStrongLanguage: string[] = [];

    // Phrases: insults, threats, hate.
    const ownPhrases: AbuseHit[] = [];
    for (const hit of findAbusivePhrases(body, lowered)) {
      if (lowered.length === body.length && looksLikeTitle(body, hit.start, hit.end)) continue;
      if (quotesAreContext && isInsideRanges(quotedInLowered, hit.start, hit.end)) quotedStrongLanguage.push(hit.text);
      else ownPhrases.push(hit);
    }
    if (ownPhrases.length === 0 && isBareInsult(body, lowered)) {
      ownPhrases.push({ category: 'insult', severity: 'hold', text: lowered.trim(), start: 0, end: lowered.length });
    }
    // Two separate bouts of name-calling read as a tirade, not a slip.
    const insults = ownPhrases.filter((hit) => hit.category === 'insult');
    if (insults.length >= 2 && insults.some((hit) => !hit.dismissive)) for (const hit of insults) hit.severity = 'reject';
    for (const [category, code, describe, rank] of [
      ['threat', 'threat', 'Threatens or wishes harm on someone', 5],
      ['hate', 'hate_speech', 'Attacks a group of people', 4],
      ['insult', 'insult', 'Insults a person', 3],
    ] as const) {
      const hits = ownPhrases.filter((hit) => hit.category === category);
      if (hits.length === 0) continue;
      const phrases = hits.map((hit) => hit.text);
      const severity = hits.some((hit) => hit.severity === 'reject') ? 'reject' : 'hold';
      flags.push({ code, reason: `${describe}: ${phrases.map(quote).join(', ')}.`, evidence: { phrases, severity } });
      verdicts.push({ status: severity, reason: `${describe}: ${quote(phrases[0]!)}.`, rank: severity === 'reject' ? rank + 10 : rank });
    }

    // Words: slurs, explicit language, swearing.
    const profanity = findProfanity(body);
    const quotedWord = (hit: ProfanityHit) => quotesAreContext && isInsideRanges(quotedInBody, hit.start, hit.end);
    const slurs = profanity.filter((hit) => hit.tier === 'slur');
    const contextual = profanity.filter((hit) => hit.tier === 'contextual' && !hit.looksLikeName);
    const explicit = profanity.filter((hit) => hit.tier === 'explicit' && !hit.looksLikeName && !quotedWord(hit));
    const swears = profanity.filter((hit) => hit.tier === 'profanity' && !hit.looksLikeName);
    const ownSwears = swears.filter((hit) => !quotedWord(hit));
    quotedStrongLanguage.push(...swears.filter(quotedWord).map((hit) => hit.written));

    if (slurs.length > 0) {
      const written = slurs.map((hit) => hit.written);
      const allQuoted = slurs.every(quotedWord);
      flags.push({
        code: 'slur',
        reason: allQuoted ? `Quotes a slur: ${written.map(quote).join(', ')}.` : `Uses a slur: ${written.map(quote).join(', ')}.`,
        evidence: { words: written, listed: slurs.map((hit) => hit.word), quoted: allQuoted },
      });
      verdicts.push(allQuoted
        ? { status: 'hold', reason: `Quotes a slur (${quote(written[0]!)}); a moderator should judge the context.`, rank: 6 }
        : { status: 'reject', reason: `Uses a slur: ${quote(written[0]!)}.`, rank: 14 });
    }
    if (contextual.length > 0) {
      const written = contextual.map((hit) => hit.written);
      flags.push({
        code: 'sensitive_term',
        reason: `Uses a word that is a slur in some contexts and a title or reclaimed word in others: ${written.map(quote).join(', ')}.`,
        evidence: { words: written },
      });
      if (ownPhrases.length > 0) {
        verdicts.push({ status: 'reject', reason: `Uses ${quote(written[0]!)} alongside abuse aimed at people.`, rank: 13 });
      }
    }
    if (explicit.length > 0) {
      const written = explicit.map((hit) => hit.written);
      flags.push({ code: 'sexual_content', reason: `Sexually explicit language: ${written.map(quote).join(', ')}.`, evidence: { words: written } });
      verdicts.push({ status: 'hold', reason: `Sexually explicit language: ${quote(written[0]!)}.`, rank: 2 });
    }
    if (ownSwears.length > 0) {
      const written = ownSwears.map((hit) => hit.written);
      const share = ownSwears.length / Math.max(1, countWords(body));
      const heavy = ownSwears.length >= HEAVY_SWEARING_COUNT || (ownSwears.length >= 2 && share >= HEAVY_SWEARING_SHARE);
      const strongest = ownSwears.find((hit) => STRONGEST_SWEARS.has(hit.word));
      flags.push({
        code: 'profanity',
        reason: `Swears ${ownSwears.length} time${ownSwears.length === 1 ? '' : 's'}: ${written.map(quote).join(', ')}.`,
        evidence: { words: written, count: ownSwears.length, share: Math.round(share * 100) / 100 },
      });
      if (heavy) verdicts.push({ status: 'hold', reason: `Heavy swearing: ${ownSwears.length} swear words (${written.slice(0, 5).join(', ')}).`, rank: 1 });
      else if (strongest) verdicts.push({ status: 'hold', reason: `Uses ${quote(strongest.written)}, which this site reviews before publishing.`, rank: 1 });
    }
    if (quotedStrongLanguage.length > 0) {
      flags.push({
        code: 'quoted_strong_language',
        reason: `Strong language appears only inside quotation marks (quoting a film or a person): ${quotedStrongLanguage.map(quote).join(', ')}.`,
        evidence: { quoted: quotedStrongLanguage },
      });
    }

    const shouting = shoutingShare(body);
    if (shouting.letters >= SHOUTING_MIN_LETTERS && shouting.share >= SHOUTING_UPPERCASE_SHARE) {
      const percent = Math.round(shouting.share * 100);
      const reason = `Written mostly in capitals (${percent}% of ${shouting.letters} letters), which reads as shouting.`;
      flags.push({ code: 'shouting', reason, evidence: { uppercaseShare: percent / 100, letters: shouting.letters } });
      verdicts.push({ status: 'hold', reason, rank: 0 });
    }

    const result: PhaseResult = { flags };
    if (body !== input.body) result.body = body;
    const strongest = verdicts.sort((a, b) => b.rank - a.rank)[0];
    if (strongest) result.decision = { status: strongest.status, reason: strongest.reason };
    return result;
  },
};

// Digits and symbols standing for letters inside a word ("1d10t", "m0ron", "@ss"): read as the
// letters for the phrase rules. One character for one, so positions still match the body.
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
const LEET_IN_WORD = /(?<=\p{L}[013457@$]*)[013457@$]|[013457@$](?=[013457@$]*\p{L})/gu;

export function undoLeetspeak(lowered: string): string {
  return lowered.replace(LEET_IN_WORD, (c) => LEET[c] ?? c);
}
