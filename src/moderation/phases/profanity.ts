import { DataSet, RegExpMatcher, englishDataset, englishRecommendedTransformers, pattern } from 'obscenity';

/**
 * obscenity finds the words (with its leetspeak and stretched-letter
 * transformers); this module decides what they mean on a film site, where
 * "The Rape of Europa", "Pussy Riot", "Moby Dick" and "I Am Not Your Negro"
 * are titles and sex is a subject, not an offence.
 */
export type ProfanityTier =
  /** Attacks a group of people: rejected. */
  | 'slur'
  /** Sexually explicit vocabulary that film talk rarely needs: held. */
  | 'explicit'
  /** Swearing: published with a flag unless heavy or aimed at someone. */
  | 'profanity'
  /** Slurs in some mouths, titles or reclaimed words in others ("Dyke Hard", "I Am Not Your Negro"): flagged only. */
  | 'contextual'
  /** Plain words for what films depict (sex, rape, incest): not flagged. */
  | 'descriptive';

const TIERS: Record<string, ProfanityTier> = {
  nigger: 'slur', kike: 'slur', chink: 'slur', chingchong: 'slur', fag: 'slur', tranny: 'slur', retard: 'slur',
  abeed: 'slur', africoon: 'slur', arabush: 'slur', boonga: 'slur',
  negro: 'contextual', dyke: 'contextual', spastic: 'contextual', abo: 'contextual',
  blowjob: 'explicit', handjob: 'explicit', gangbang: 'explicit', deepthroat: 'explicit', dildo: 'explicit',
  buttplug: 'explicit', fisting: 'explicit', doggystyle: 'explicit', 'double penetration': 'explicit',
  lubejob: 'explicit', felch: 'explicit', 'finger bang': 'explicit', jizz: 'explicit', cum: 'explicit', 'jerk off': 'explicit',
  sex: 'descriptive', porn: 'descriptive', rape: 'descriptive', incest: 'descriptive', anal: 'descriptive',
  anus: 'descriptive', penis: 'descriptive', vagina: 'descriptive', semen: 'descriptive', orgasm: 'descriptive',
  masturbate: 'descriptive', ejaculate: 'descriptive', bestiality: 'descriptive', scat: 'descriptive',
  hooker: 'descriptive', boob: 'descriptive', tit: 'descriptive', orgy: 'descriptive', hentai: 'descriptive',
  fellatio: 'descriptive',
};

/** Whole words that contain a listed word but are not it (names, places, plants). */
const INNOCENT_WORDS = new Set([
  'fagin', 'fagerholm', 'cockpit', 'cockpits', 'pissarro', 'shiitake', 'shiite', 'shiites', 'penistone',
  'retardant', 'retardants', 'retardation', 'niggardly', 'scunthorpe', 'anusha',
]);
/** Idioms and Latin that contain a listed word. */
const INNOCENT_CONTEXTS = [/\bchinks? in (?:the|his|her|their|its|my|your|our) armou?r/giu, /\b(?:magna|summa|cum) cum laude|\bcum laude/giu, /\w-cum-\w/giu];

// The English dataset knows "tranny" but not its plural spelling "trannies".
const dataset = new DataSet<{ originalWord: string }>()
  .addAll(englishDataset)
  .addPhrase((phrase) => phrase.setMetadata({ originalWord: 'tranny' }).addPattern(pattern`tranie`));
const matcher = new RegExpMatcher({ ...dataset.build(), ...englishRecommendedTransformers });

export interface ProfanityHit {
  /** The dataset's word ("fuck"), whatever the spelling. */
  word: string;
  /** As written ("f*ck"). */
  written: string;
  tier: ProfanityTier;
  start: number;
  end: number;
  /** Capitalised mid-sentence or followed by another capitalised word: a title or a name ("Dick Tracy"). */
  looksLikeName: boolean;
}

function wordAround(text: string, start: number, end: number): { word: string; start: number; end: number } {
  let from = start;
  let to = end;
  while (from > 0 && /[\p{L}\p{N}@$!*]/u.test(text[from - 1]!)) from--;
  while (to < text.length && /[\p{L}\p{N}@$!*]/u.test(text[to]!)) to++;
  return { word: text.slice(from, to), start: from, end: to };
}

function looksLikeName(text: string, start: number, written: string): boolean {
  if (!/^\p{Lu}/u.test(written) || written === written.toUpperCase()) return false;
  const before = text.slice(0, start).trimEnd();
  const sentenceStart = before === '' || /[.!?:"“(\n]$/.test(before);
  const nextWord = /^[\s'’s]*([\p{L}]+)/u.exec(text.slice(start + written.length));
  const nextIsCapitalised = nextWord !== null && /^\p{Lu}/u.test(nextWord[1]!);
  return !sentenceStart || nextIsCapitalised;
}

function insideInnocentContext(text: string, start: number, end: number): boolean {
  return INNOCENT_CONTEXTS.some((pattern) => {
    for (const m of text.matchAll(pattern)) {
      if (start >= m.index && end <= m.index + m[0].length) return true;
    }
    return false;
  });
}

export function findProfanity(text: string): ProfanityHit[] {
  const hits: ProfanityHit[] = [];
  let lastEnd = -1;
  for (const payload of matcher.getAllMatches(text, true)) {
    const { phraseMetadata, startIndex, endIndex } = dataset.getPayloadWithPhraseMetadata(payload);
    const word = phraseMetadata?.originalWord ?? text.slice(startIndex, endIndex + 1).toLowerCase();
    const around = wordAround(text, startIndex, endIndex + 1);
    // obscenity reports overlapping patterns for one word ("sh1t" twice).
    if (around.start < lastEnd) continue;
    if (INNOCENT_WORDS.has(around.word.toLowerCase()) || insideInnocentContext(text, around.start, around.end)) continue;
    lastEnd = around.end;
    hits.push({
      word,
      written: around.word,
      tier: TIERS[word] ?? 'profanity',
      start: around.start,
      end: around.end,
      looksLikeName: looksLikeName(text, around.start, around.word),
    });
  }
  return hits;
}
