/**
 * Phrases that attack people rather than films. Disagreement is welcome on
 * the site ("you're wrong about the pacing", "this review is nonsense"); what
 * it removes is abuse aimed at a person: name-calling in the second person or
 * at the writer, threats and death wishes, and hate against groups.
 *
 * Rules read lower-cased text with straight apostrophes. Name-calling about a
 * third person is left alone on purpose: "Lloyd is an idiot" is film talk.
 */
export type AbuseCategory = 'insult' | 'threat' | 'hate';
export type AbuseSeverity = 'hold' | 'reject';

export interface AbuseRule {
  category: AbuseCategory;
  severity: AbuseSeverity;
  pattern: RegExp;
  /** "Shut up", "get lost": rude, but not name-calling, so they never add up to a rejection. */
  dismissive?: boolean;
}

export interface AbuseHit {
  category: AbuseCategory;
  severity: AbuseSeverity;
  text: string;
  start: number;
  end: number;
  dismissive?: boolean;
}

const words = (list: readonly string[]) => list.join('|');

/** Nouns that insult a person. Plurals are added by the patterns. */
const PERSON_INSULTS = [
  'idiot', 'moron', 'imbecile', 'cretin', 'dumbass', 'dumb ass', 'dimwit', 'halfwit', 'nitwit', 'numpty', 'loser',
  'scumbag', 'lowlife', 'buffoon', 'degenerate', 'subhuman', 'snowflake', 'dickhead', 'asshole', 'arsehole',
  'douche', 'douchebag', 'tosser', 'pillock', 'wanker', 'twat', 'bastard', 'cunt', 'whore', 'slut', 'retard',
  'piece of shit', 'piece of crap', 'piece of garbage', 'piece of trash', 'waste of space', 'waste of oxygen',
  'waste of skin', 'waste of air', 'brainwashed sheep', 'sheep', 'clown', 'jerk', 'fool', 'hack', 'troll', 'bitch', 'prick',
  'dick', 'pig', 'nobody', 'shit', 'cow',
];
/** Of these, the ones that are also verbs ("you fool no one", "you hack away") need a clear vocative. */
const VERB_LIKE_INSULTS = new Set(['clown', 'jerk', 'fool', 'hack', 'troll', 'bitch', 'prick', 'dick', 'pig', 'nobody', 'sheep', 'shit', 'cow']);
/** Words for a person that are only insulting when said of one ("you are garbage"). */
const THING_INSULTS = ['scum', 'trash', 'garbage', 'disgrace', 'joke', 'vermin', 'parasite', 'filth'];
const INSULTING_ADJECTIVES = [
  'stupid', 'dumb', 'pathetic', 'worthless', 'useless', 'brainless', 'clueless', 'braindead', 'brain dead', 'idiotic',
  'moronic', 'retarded', 'disgusting', 'deranged', 'delusional', 'talentless', 'fat', 'ugly', 'gutless', 'spineless',
  'brain-dead', 'dumbest', 'stupidest',
];
/** Words that may sit between "you're a" and the insult. */
const MODIFIERS = [
  'a', 'an', 'such', 'so', 'too', 'very', 'pretty', 'way too', 'incredibly', 'clearly', 'obviously', 'the', 'total',
  'complete', 'absolute', 'utter', 'real', 'little', 'big', 'old', 'just', 'really', 'truly', 'nothing but', 'all', 'bunch of', 'lot of', 'fucking', 'fuckin', 'f\\*+ing', 'freaking', 'frigging',
  'bloody', 'damn', 'damned', 'goddamn', 'pretentious', 'ignorant', 'miserable', 'lefty', 'leftist', 'right-wing',
  'woke', 'brainwashed', 'sad', 'pitiful', ...INSULTING_ADJECTIVES,
];

const PROFANE_INSULT = /\b(?:fuck\w*|f\*+\w*|shit\w*|cunts?|twats?|wankers?|pricks?|dicks?|dickheads?|assholes?|arseholes?|bastards?|bitch\w*|whores?|sluts?)\b/;
const DEHUMANISING = /\b(?:subhuman|vermin|parasites?|scum\w*|waste of|piece of|filth)\b/;

const CLEAR_PERSON = String.raw`(?:${words(PERSON_INSULTS.filter((word) => !VERB_LIKE_INSULTS.has(word)))})(?:e?s)?`;
const VERB_LIKE_PERSON = String.raw`(?:${words([...VERB_LIKE_INSULTS])})(?:e?s)?`;
const PERSON = String.raw`(?:${CLEAR_PERSON}|${VERB_LIKE_PERSON})`;
const THING = String.raw`(?:${words(THING_INSULTS)})s?`;
const ADJECTIVE = String.raw`(?:${words(INSULTING_ADJECTIVES)})`;
const MODS = String.raw`(?:(?:${words(MODIFIERS)})\s+){0,4}`;
const YOU = String.raw`\b(?:you|u|ya|y'all)`;
const YOU_GROUP = String.raw`${YOU}(?:\s+(?:and\s+your\s+\w+(?:\s+\w+)?|people|guys|lot|all|two|both|folks))?`;
const ARE = String.raw`(?:\s+(?:really|truly|clearly|obviously|honestly|seriously))?(?:'re|re|\s+are|\s+r)\s+`;
const WRITER = String.raw`\b(?:(?:the\s+)?(?:author|writer|reviewer|critic|interviewer|op|admin|webmaster|site owner|editor)|(?:the\s+)?(?:person|guy|man|woman|idiot|clown|moron)\s+who\s+wrote\s+(?:this|that)(?:\s+\w+)?|whoever\s+wrote\s+(?:this|that)(?:\s+\w+)?)`;
/** After a verb-like insult, only an ending makes it a name ("you fool!", not "you fool no one"). */
const VOCATIVE_END = String.raw`(?=\s*(?:[.,!?;:)]|$|and\b|who\b|like\b))`;
const GROUPS = String.raw`(?:jews|jewish people|muslims|arabs|immigrants|refugees|blacks|black people|gays|gay people|lesbians|trans people|women|mexicans|asians|chinese|russians|ukrainians|israelis|palestinians|christians|catholics|gypsies|roma|zionists|africans|indians|latinos|foreigners)`;
const rule = (category: AbuseCategory, severity: AbuseSeverity, source: string, dismissive = false): AbuseRule => ({
  category,
  severity,
  pattern: new RegExp(source, 'g'),
  ...(dismissive ? { dismissive } : {}),
});

export const ABUSE_RULES: readonly AbuseRule[] = [
  // Name-calling aimed at the reader or at the writer.
  rule('insult', 'hold', String.raw`${YOU_GROUP}${ARE}${MODS}(?:${PERSON}|${THING}|${ADJECTIVE})\b`),
  rule('insult', 'hold', String.raw`\bare\s+(?:you|u)\s+${MODS}(?:${PERSON}|${ADJECTIVE})\b`),
  rule('insult', 'hold', String.raw`${YOU_GROUP}\s+${MODS}${CLEAR_PERSON}\b`),
  rule('insult', 'hold', String.raw`${YOU_GROUP}\s+${MODS}${VERB_LIKE_PERSON}\b${VOCATIVE_END}`),
  rule('insult', 'hold', String.raw`${WRITER}\s+(?:is|was|must be|sounds like|seems like)\s+${MODS}(?:${PERSON}|${THING}|${ADJECTIVE})\b`),
  // "What an idiot the brother is" is about a character; "What a moron." is aimed at someone.
  rule('insult', 'hold', String.raw`\bwhat\s+an?\s+(?:(?:${words(MODIFIERS)})\s+){0,2}(?:${CLEAR_PERSON}\b|${VERB_LIKE_PERSON}\b${VOCATIVE_END})(?!\s+(?:the|that|this|his|her|he|she|they|him|their|its)\b)`),
  rule('insult', 'hold', String.raw`\b${ADJECTIVE}\s+${PERSON}\b(?<!\bshit)`),
  rule('insult', 'hold', String.raw`\b(?:is|are|was)\s+${MODS}(?:${THING}|${ADJECTIVE})\s+and so (?:are|were) (?:you|u)\b`),
  rule('insult', 'hold', String.raw`\bdeserves? to rot\b`),
  rule('insult', 'hold', String.raw`\bbunch of\s+(?:\w+\s+){0,2}${PERSON}\b`),
  rule('insult', 'hold', String.raw`\b(?:shut (?:the (?:hell|fuck|f\*+|heck) )?up|shut (?:your|ur) (?:mouth|face|trap|gob|pie ?hole)|stfu|go to hell|get lost|piss off|grow a pair|get a life|shut it|(?:nobody|no one|no-one) (?:asked|cares|wants (?:you|u|your)|likes (?:you|u)|gives a (?:damn|shit|fuck))|who asked you|crawl back (?:under|into|to)|get off (?:the internet|this site|my screen)|go back to (?:your|ur) (?:cave|basement|hole))\b`, true),
  // Abuse that leaves no room for a reading in good faith.
  rule('insult', 'reject', String.raw`\b(?:fuck (?:you|u|off|yourself|ya)|eat shit|suck my (?:dick|cock|balls)|(?:your (?:mother|mom|mum)|you) should(?: have|'ve) (?:been )?(?:aborted|swallowed|drowned)|go back to (?:your (?:own )?country|where you came from|africa|israel|mexico|china|russia|poland))\b`),
  // Death wishes and threats. Imperatives must start a sentence ("Kill yourself.",
  // not "don't kill yourself looking for the DVD"), and bare "kill you" is left
  // out: "the last ten minutes will kill you" is how people praise a film.
  rule('threat', 'reject', String.raw`(?:^|[.!?,;]\s*)(?:go |just |please |pls |now )?(?:and )?(?:die(?: in a \w+| already| slowly| alone)?|kill (?:yourself|urself|ur ?self|your ?self)|hang yourself|drop dead|jump (?:off|from) a (?:bridge|cliff|building|roof)|jump in front of a (?:train|bus))(?=\s*(?:[.!?,;]|$|you\b|u\b|loser|idiot|moron))`),
  rule('threat', 'reject', String.raw`\b(?:go (?:and )?(?:die|kill yourself|hang yourself)|kys|(?:get|catch) cancer and die|hope (?:you|u) (?:die|get (?:cancer|raped|shot|hit)|rot|burn|suffer)|hope (?:your|ur) \w+(?: \w+)? (?:burns?|dies?|gets? (?:raped|shot|cancer))|(?:you|u) deserve to (?:die|(?:be|get) (?:raped|shot|killed|hanged|beaten|hurt|punched|slapped|stabbed))|(?:want|wanna) to kill (?:you|u)|(?:hope|wish) (?:you|u) (?:\w+ ){0,5}(?<!before (?:you|u) )(?:die|dies|drop dead)\b)\b`),
  rule('threat', 'reject', String.raw`\b(?:i|we)(?:'ll|'d| will| would|'m going to| am going to|'m gonna| am gonna| gonna|'re going to| are going to)\s+(?:\w+\s+)?(?:(?:find|hunt|come for|hunt down)\s+(?:you|u|ya)(?!\s+(?:a|an|the|one|some|it|that|this|those|these|more|another)\b)|(?:kill|hurt|beat|shoot|stab|murder|rape|burn|slap|punch|strangle|choke|break|smash)\s+(?:you|u|ya|your)(?!\s+to\s+(?:it|the)\b))\b`),
  rule('threat', 'reject', String.raw`\b(?:(?:know|found out|find out) where (?:you|u) live|watch (?:your|ur) back|(?:i'll|i will|we'll|we will|i'm going to|i'm gonna|gonna) make (?:you|u) (?:regret|pay|suffer)|you(?:'ll| will) pay for (?:this|that)|see what happens to (?:you|u)|put a bullet in (?:your|ur|you|the (?:director|author|writer|reviewer)'?s?)|(?:beat|knock) (?:some )?sense into (?:you|u)|(?:shoot|stab|rape|lynch|behead) (?:you|u|y'all)|make sure (?:you|u) never (?:write|post|comment|work|speak) again|someone (?:should|needs to|ought to|will|is going to|is gonna) (?:\w+ ){0,2}(?:hurt|kill|shoot|stab|burn|beat|punch|slap|rape|find) (?:you|u|your|ya))\b`),
  rule('threat', 'reject', String.raw`\b(?:you|u|people like (?:you|them|that|this)|all of (?:you|them)|these people|those people|the (?:author|director|writer|reviewer|critic|filmmaker|interviewer)(?: of (?:this|that) \w+)?)\s+(?:all\s+)?(?:should|ought to|deserves? to|needs? to|must)\s+(?:all\s+)?(?:be\s+)?(?:\w+\s+and\s+(?:then\s+)?(?:be\s+)?)?(?:shot|hanged|hung|killed|gassed|lynched|executed|raped|burned|burnt|beaten|exterminated|put down)\b`),
  // Harm wished or urged on a third person: "someone should shoot the director", "I hope he dies".
  // Held, not rejected: a person judges whether it is a threat or talk about a story, and
  // film words are left alone ("shoot the director's cut", "shoot the director an email").
  rule('threat', 'hold', String.raw`\b(?:someone|somebody|anyone|anybody|people|we)\s+(?:should|needs? to|ought to|oughta|has to|have to|must|will|is going to|is gonna)\s+(?:\w+\s+){0,2}?(?:hurt|kill|shoot|stab|burn|beat|punch|slap|rape|lynch|hang|behead|strangle)\s+(?:him|her|them|the\s+(?:director|author|writer|reviewer|critic|filmmaker|interviewer|actor|actress|producer)|(?:that|this)\s+(?:guy|man|woman|idiot|moron|clown|hack))\b(?!['’]s|\s+(?:cut|scene|sequel|film|movie|script|version|ending)|\s+(?:a|an)\s+(?:quick\s+)?(?:message|email|e-mail|note|line|text|dm|question|look))`),
  rule('threat', 'hold', String.raw`\b(?:i\s+)?hope\s+(?:he|she|they|the\s+(?:director|author|writer|reviewer|critic|filmmaker|actor|actress|producer))\s+(?:\w+\s+){0,2}?(?:dies|die|gets?\s+(?:shot|killed|stabbed|raped|cancer|hit by a (?:bus|car|train))|drops?\s+dead|rots?\s+in\s+hell|burns?\s+in\s+hell)\b`),
  // Calls to kill a group; "the guards gas the prisoners" describes a film.
  rule('threat', 'reject', String.raw`\b(?:gas (?:them|'em) all|(?:should|must|need to|ought to|let's|lets|we will|we'll|time to) (?:gas|exterminate|eradicate|wipe out) (?:them|the \w+|all))\b`),
  // Hate against groups: denial and glorification are rejected; conspiracy tropes are held for a person to judge.
  rule('hate', 'reject', String.raw`\b(?:(?:hitler|the nazis) (?:was|were) right|holohoax|(?:the )?holocaust (?:never happened|(?:is|was) (?:a )?(?:lie|hoax|myth|fake|fraud|exaggerated)))\b`),
  rule('hate', 'reject', String.raw`\b(?:filthy|dirty|disgusting|subhuman)\s+${GROUPS}\b|\b${GROUPS}\s+are\s+(?:all\s+)?(?:parasites|vermin|subhuman|cockroaches|rats|animals|a plague|a disease|a cancer|scum|filth)\b`),
  rule('hate', 'hold', String.raw`\b(?:the )?(?:jews|jewish people|zionists)\s+(?:\w+\s+)?(?:control|controls|run|runs|own|owns)\s+(?:\w+\s+){0,3}(?:hollywood|media|banks|world|everything|government|industry|studios|press|news)\b|\b(?:zionist|jewish) (?:media|propaganda|lies|agenda|garbage|trash|lobby|money)\b|\b${GROUPS}\s+(?:shouldn't|should not|should never)\s+be allowed\b`),
];

// Name-calling with someone on the receiving end in the same sentence:
// "only an imbecile would…", "what kind of idiot…", "everyone who liked this
// is an idiot", "the reviewer, what a moron". Without such a target the word
// is left alone ("Lloyd is an idiot" is about a character).
const STRONG_PERSON_INSULT = /\b(?:idiot|moron|imbecile|cretin|dumbass|dimwit|halfwit|nitwit|numpty|loser|scumbag|lowlife|buffoon|retard|dickhead|asshole|arsehole|douchebag|tosser|pillock|wanker|twat)(?:e?s)?\b/g;
const RECEIVING_END = /\b(?:you|your|you're|youre|u|ur|yourself|anyone who|everyone who|everybody who|whoever|people who|those who|only an?|what kind of|what sort of|author|writer|reviewer|critic|commenters?|admin|this site)\b/;
const SELF_DEPRECATION = /\b(?:i|i'm|im|i am|i was|i feel|i felt|me|myself|feel like|felt like|look like|looked like)\b[^.!?\n]{0,25}$/;

export function findReaderDirectedInsults(original: string, lowered: string): AbuseHit[] {
  const hits: AbuseHit[] = [];
  for (const sentence of lowered.matchAll(/[^.!?\n]+[.!?]*/g)) {
    if (!RECEIVING_END.test(sentence[0])) continue;
    for (const word of sentence[0].matchAll(STRONG_PERSON_INSULT)) {
      const start = sentence.index + word.index;
      const end = start + word[0].length;
      const before = lowered.slice(sentence.index, start);
      // "Have you seen The Idiot?" names a film; "maybe I'm an idiot" is about the writer.
      if (/^\p{Lu}/u.test(original.slice(start, end)) && before.trim() !== '') continue;
      if (SELF_DEPRECATION.test(before)) continue;
      // The span is the word, so a quoted insult still counts as quoted; the text is the sentence, for the moderator.
      hits.push({ category: 'insult', severity: 'hold', text: sentence[0].trim(), start, end });
      break;
    }
  }
  return hits;
}

/** True when the phrase names an insult so strong, or so dehumanising, that it is rejected rather than held. */
export function isSevereInsult(text: string): boolean {
  return PROFANE_INSULT.test(text) || DEHUMANISING.test(text);
}

const BARE_INSULT_WORD = new RegExp(String.raw`^(?:${PERSON}|${THING}|${ADJECTIVE}|you|what|an?|such|total|complete|absolute|utter)$`);

/**
 * "Moron." or "Pathetic!" as the whole comment, or a few words around a
 * strong insult ("Moron alert!"): aimed at whoever it replies to. Names keep
 * it about a character ("Lloyd, idiot").
 */
export function isBareInsult(original: string, lowered: string): boolean {
  const tokens = lowered.replace(/[^\p{L}\s'-]/gu, ' ').trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0 || tokens.length > 5) return false;
  if (tokens.every((token) => BARE_INSULT_WORD.test(token)) && tokens.some((token) => !/^(?:you|what|an?)$/.test(token))) return true;
  const namesSomeone = /(?<!(?:^|[.!?])\s*)\b\p{Lu}\p{Ll}/u.test(original.trim());
  return !namesSomeone && new RegExp(STRONG_PERSON_INSULT.source).test(lowered);
}

/** Abusive phrases in reading order; overlapping finds of one category count once, at their highest severity. */
export function findAbusivePhrases(original: string, lowered: string): AbuseHit[] {
  const hits: AbuseHit[] = findReaderDirectedInsults(original, lowered);
  for (const rule of ABUSE_RULES) {
    for (const match of lowered.matchAll(rule.pattern)) {
      const severity = rule.category === 'insult' && isSevereInsult(match[0]) ? 'reject' : rule.severity;
      const hit: AbuseHit = { category: rule.category, severity, text: match[0], start: match.index, end: match.index + match[0].length };
      if (rule.dismissive) hit.dismissive = true;
      hits.push(hit);
    }
  }
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: AbuseHit[] = [];
  for (const hit of hits) {
    const previous = merged.find((kept) => kept.category === hit.category && hit.start < kept.end && hit.end > kept.start);
    if (!previous) {
      merged.push({ ...hit });
      continue;
    }
    if (hit.end > previous.end) {
      previous.text = lowered.slice(previous.start, hit.end);
      previous.end = hit.end;
    }
    if (hit.severity === 'reject') previous.severity = 'reject';
    if (!hit.dismissive) delete previous.dismissive;
  }
  return merged;
}
