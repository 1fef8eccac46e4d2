import type { Flag, Phase, PhaseInput, PhaseResult } from '../types.js';
import { countWords, foldForMatching } from '../text/fold.js';
import { findLinks, hostOf } from './linkDetection.js';
import { EMAIL_PLACEHOLDER, LINK_PLACEHOLDER } from './links.js';
import { normaliseAuthorName } from './normalise.js';

// The seed site removes "spammy/self-promotional" comments. Without Akismet
// we still recognise the usual shapes: sales pitches, money-making and
// recovery scams, piracy sites, SEO outreach, "check out my channel", and the
// classic comment-spam triplet of generic praise, a keyword name and a
// website. No single weak signal decides; their weighted sum does, so a
// reader who links a trailer or asks where to buy the DVD is not caught.

/** At or above: spam. */
export const SPAM_SCORE = 6;
/** At or above: held for a moderator. */
export const HOLD_SCORE = 3.5;
/** Below this the signals are noise and not worth a flag. */
const FLAG_SCORE = 2;

interface Signal {
  signal: string;
  weight: number;
  matched?: string[];
}

interface PhraseRule {
  signal: string;
  weight: number;
  pattern: RegExp;
}

// Body phrases, read on accent-folded lower-case text. Words that films are
// also about (casino, hacker, insurance, loans, slots, poker) only count in
// the phrasing of an advert, so "Casino (1995)" or "the hacker in WarGames"
// score nothing.
const PHRASE_RULES: readonly PhraseRule[] = [
  { signal: 'piracy', weight: 3, pattern: /\b(?:full (?:movie|film)s? (?:online|free|download|hd|streaming|watch)|\w+ (?:19|20)\d\d (?:full (?:movie|film)|watch online|download|free)|(?:watch|stream|download)\w*\b[^.!?\n]{0,40}\b(?:online free|free online|for free online|in hd|hd quality|free hd|free download|no (?:registration|sign ?up))|free (?:movie|film)s? (?:online|download|streaming)|(?:movie|film) streaming free|123movies|putlocker|fmovies|gomovies|solarmovie|yesmovies|movies ?download|download (?:now|free|all)|hd download)\b/g },
  { signal: 'free_content_offer', weight: 2, pattern: /\b(?:free (?:movies|films|documentaries|subtitles|streaming)|(?:movies|films|documentaries) free\b)/g },
  { signal: 'money_making', weight: 2.5, pattern: /\b(?:earn(?:ing|ed)? (?:up to )?\$?\d[\d,.]*|earn from|make money|on autopilot|(?:earn|make|get|paid)\w* (?:up to |over |about )?\$\s?\d[\d,.]*\s?k?\s?(?:per|a|an|every) (?:day|hour|week|month|survey)|work(?:ing)? from home|passive income|financial freedom|get paid to|attract (?:money|wealth)|manifest\w* (?:money|wealth)|money while you sleep)\b/g },
  { signal: 'scam', weight: 3, pattern: /\b(?:bitcoin|crypto(?:currency|currencies)?|crypto (?:investment|trading|wallet)|forex|binary options?|trading (?:robot|bot|platform)|investment (?:platform|expert|manager)|recovery (?:expert|hacker|agent|specialist)|got (?:everything|it all|all my money|my (?:money|funds|savings)) back|lost (?:my|all my) (?:savings|money|funds) (?:to|in) |recover(?:ed)? (?:my|all my|your|lost) (?:funds|money|crypto)|(?:a|reliable|legit|professional|certified|genuine) hacker|spell ?caster|love spell|powerful spell|bring (?:back )?(?:my|your) (?:ex|lover|husband|wife)|brought my (?:ex|lover|husband|wife)|witch ?doctor|herbal (?:cure|medicine)|you have been selected|claim your (?:reward|prize)|gift card|next of kin|beneficiary|\d[\d.,]* million (?:usd|dollars|us dollars|euros?))\b/g },
  { signal: 'adult_pharma_gambling', weight: 2.5, pattern: /\b(?:viagra|cialis|pharmacy|no prescription|weight loss|lose \d+ (?:pounds|kg|lbs)|keto|cbd|online casinos?|casino (?:bonus|games?|online|site)|best casino|online slots?|slot machines?|huge jackpots?|free spins|online betting|sports betting|betting (?:tips|site|odds)|online poker|escorts?|hot singles|replicas|replica (?:watches|rolex|bags|handbags|sneakers|jerseys)|(?:payday|personal|quick|fast|instant|easy) loans?|need a loan|bad credit|credit rapide|(?:car|health|life|cheap) insurance|insurance quotes?|debt (?:relief|consolidation)|onlyfans|fansly|nudes|webcam girls?|cam girls?|fake ids?)\b/g },
  { signal: 'seo_outreach', weight: 3, pattern: /\b(?:seo (?:services?|experts?|agency|company|issues|strateg\w+|packages?|audit|optimi[sz]ation|ranking)|(?:your|our|my|fix|improve) seo|seo, ppc|backlinks?|do-?follow|guest posts?|sponsored posts?|traffic to your (?:site|website|blog)|rank(?:ing)? (?:well )?on google|first page of google|web ?development|website design|web design|we build websites|domain authority|da \d+\+? sites|speed optimi[sz]ation|(?:buy|get) (?:instagram |tiktok |youtube )?(?:followers|likes|views))\b/g },
  { signal: 'sales_pitch', weight: 1.5, pattern: /\b(?:buy (?:now|cheap|online)|cheap(?:est)? (?:price|prices|deals|rates)|best (?:price|prices|deals?)|lowest prices?|affordable (?:rates|prices|packages|plans)|free (?:quote|estimate|audit|trial|shipping|masterclass|webinar|consultation)|discount|\d+\s?% (?:off|de descuento|discount)|promo code|coupon|use code|order now|shop now|call now|buy now|this week only|today only|sign up (?:now|today|free|at|here)|apply (?:now|here|today)|register now|enroll (?:now|today)|limited (?:time|offer)|money back|guaranteed|24\/7|click here|learn more|start today|lifetime access|for just \$|only \$\d[\d,.]*|from \$\d[\d,.]*|we offer|we provide|our (?:\w+ )?(?:company|team|experts|services|institute|agency|offers)|call today|i(?:'m| am) selling|interested in buying|your price|for prices)\b/g },
  { signal: 'self_promotion', weight: 2.5, pattern: /\b(?:check(?:ed|ing)? out|visit|follow|subscribe to|watch and share|like and share|support)\b[^.!?\n]{0,30}\b(?:my|our) (?:new )?(?:youtube |tiktok |instagram )?(?:channel|blog|site|website|page|store|shop|video|videos|short film|film|podcast|ebook|book|novel|company|agency|services|profile)\b|\b(?:my|our) (?:new )?(?:youtube |tiktok |instagram )?(?:channel|blog|site|website|page|store|short film|podcast|ebook|book|novel)\b[^.!?\n]{0,60}\b(?:check(?:ed)? (?:it |them )?out|visit|subscribe|watch and share|share it|like and subscribe|left a comment|reviews appreciated)\b/g },
  { signal: 'subscribe_follow', weight: 2, pattern: /\b(?:like and subscribe|please subscribe|subscribe(?:d)?\b|follow me on|(?:link )?(?:in|on) my (?:bio|profile)|link (?:in|on) (?:my )?(?:bio|profile|website|site|channel)|support each other|visit (?:my|our) (?:site|website|blog|channel|page)|check out mine)\b/g },
  { signal: 'essay_mill', weight: 3, pattern: /\b(?:buy (?:an? )?essays?|essay writ\w*|custom essays?|assignment help|dissertation (?:help|writing)|plagiarism[- ]free|homework help)\b/g },
  { signal: 'own_product', weight: 1.5, pattern: /\bmy (?:new |latest |first )?(?:ebook|e-book|book|novel|album|course|app|product|short film|video essay|channel)\b(?! club| shelf|case)|\bi(?:'ve| have)? (?:just )?(?:written|wrote|published|released|made|directed|produced) (?:a|my) (?:new )?(?:novel|book|ebook|short film|documentary|video|video essay|album|course)\b/g },
  { signal: 'call_to_action', weight: 1, pattern: /\b(?:check(?:ed)? (?:it|this|them) out|please (?:watch|share|like|subscribe|visit|click|follow|support)|would love (?:it )?if you (?:guys )?(?:checked|watched|visited|subscribed|followed))\b/g },
  { signal: 'sold_elsewhere', weight: 1.5, pattern: /\b(?:available (?:now )?on (?:amazon|kindle)|on kindle|in paperback|search for '[^']+' by)\b/g },
  { signal: 'contact_offline', weight: 1.5, pattern: /\b(?:whatsapp|telegram|wechat|viber|dm me|message (?:me|him|her|us)|contact (?:me|him|her|us)|email (?:me|him|her|us)|reply to this comment|text me|reach (?:him|her|them|us|me) (?:on|at|via))\b/g },
  { signal: 'advance_fee', weight: 1.5, pattern: /\b(?:dear (?:friend|beloved|sir|madam)|widow|trustworthy person|urgently|donate to charity|congratulations!? you)\b/g },
  { signal: 'generic_praise', weight: 1, pattern: /\b(?:(?:great|nice|awesome|amazing|good|excellent|wonderful|informative|such a great) (?:post|article|blog|content|info|information|read|write-?up|share)|thanks? (?:you )?(?:so much )?for (?:sharing|posting|this (?:post|information|info))|very (?:informative|helpful|useful|nice)|keep (?:it up|up the good work|posting|sharing)|i (?:really )?(?:like|love|loved|enjoyed|appreciate) (?:your|this|the) (?:blog|post|article|site|effort|content)|bookmark(?:ed)?|useful (?:info|information)|well written|looking forward to (?:more|reading more)|i learned a lot|hope to read more|this (?:article|post) is (?:very )?(?:helpful|useful))\b/g },
  // A few pitches in the languages spam arrives in on an international film site.
  { signal: 'foreign_pitch', weight: 2.5, pattern: /(?:наш сайт|заходите|посетите|интернет-магазин|visitez|notre boutique|boutique en ligne|promotions? exceptionnel|лучшие цены|скидк|заработ|访问我们的网站|免费|visita nuestr|descuento|ofertas|tienda online|decouvrez nos|nos offres|sans justificatif|besuchen sie|gunstig|rabatt|visite nosso|desconto|promocao|visita il nostro|sconto)/g },
];

/** Words a person is rarely named after, but a business is. */
const BUSINESS_NAME_WORDS = new Set([
  'seo', 'services', 'service', 'agency', 'company', 'cheap', 'best', 'buy', 'online', 'casino', 'loans', 'loan', 'deals',
  'pharmacy', 'store', 'shop', 'marketing', 'digital', 'escort', 'escorts', 'course', 'institute', 'insurance', 'hosting',
  'repair', 'plumbing', 'remodeling', 'rentals', 'wholesale', 'jerseys', 'replica', 'watches', 'photographers', 'packers',
  'movers', 'bonus', 'slots', 'crypto', 'bitcoin', 'forex', 'essay', 'assignment', 'help', 'followers', 'cbd', 'keto',
  'pills', 'writing', 'quotes', 'academy', 'coach', 'pros', 'solutions', 'restoration', 'outreach', 'builder', 'booster',
  'rank', 'rewards', 'premium', 'accounts', 'publisher', 'survey', 'cash', 'jobs', 'income', 'passive', 'abundance',
  'expert', 'trader', 'boost', 'social', 'vpn', 'webdev', 'outlet', 'design', 'boutique', 'debt', 'relief', 'promo',
  'profits', 'winner', 'ремонт', 'credit', 'relojes', 'ofertas', '免费电影',
]);
/** Words a film blogger may well call themselves by ("Megan's Movie Reviews"), but piracy sites use too: weak alone. */
const FILM_SITE_NAME_WORDS = new Set([
  'movie', 'movies', 'reviews', 'watch', 'full', 'stream', 'hd', 'free', 'download', 'flix', 'docs', 'docu', 'hub', 'links',
  'blogger', 'subtitle', 'subtitles',
]);

/** Words in a website's host that sell something rather than describe a person or a film blog. */
const DOMAIN_KEYWORDS = [
  'pharmacy', 'casino', 'viagra', 'cialis', 'escort', 'replica', 'loans', 'essay', 'backlink', 'crypto', 'bitcoin', 'forex',
  'cheap', 'discount', 'deals', 'coupon', 'bonus', 'slots', 'betting', 'download', 'torrent', 'insurance', 'hosting',
  'plumbing', 'remodel', 'packers', 'movers', 'wholesale', 'jerseys', 'followers', 'marketing', 'agency', 'seo', 'cbd',
  'keto', 'pills', 'vpn', 'rank', 'booster', 'assignment', 'freemovies', 'moviesfree', 'hdmovies', 'stream', 'free',
  'jobs', 'cash', 'profit', 'outlet', 'debt', 'webdesign', 'promo', 'income', 'survey', 'credit', 'ofertas', 'deshevo', 'mianfei', 'singles', 'giveaway',
];
const CHEAP_ZONES = new Set(['xyz', 'top', 'online', 'site', 'club', 'shop', 'vip', 'icu', 'buzz', 'work', 'date', 'click', 'loan', 'bet', 'win', 'stream', 'download', 'biz', 'ru', 'cn']);
const URL_SHORTENERS = new Set(['bit.ly', 'tinyurl.com', 'goo.gl', 't.co', 'ow.ly', 'is.gd', 'cutt.ly', 'rebrand.ly', 'shorturl.at', 'tiny.cc', 'rb.gy']);

function phraseSignals(text: string): Signal[] {
  const signals: Signal[] = [];
  for (const rule of PHRASE_RULES) {
    const matched = [...new Set([...text.matchAll(rule.pattern)].map((m) => m[0]))];
    // A second and third phrase of the same kind add confidence, with diminishing weight.
    if (matched.length > 0) signals.push({ signal: rule.signal, weight: rule.weight * Math.min(2, 1 + 0.5 * (matched.length - 1)), matched });
  }
  return signals;
}

/** "refusenik full movie | refusenik 2007 watch online | …": a search-engine bait list, not a sentence. */
function keywordStuffing(body: string): Signal[] {
  const words = foldForMatching(body).match(/\p{L}{4,}/gu) ?? [];
  const counts = new Map<string, number>();
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  const [top, topCount] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  const separators = (body.match(/\s[|•]\s/g) ?? []).length;
  if ((topCount >= 4 && topCount / words.length >= 0.2) || separators >= 3) {
    return [{ signal: 'keyword_stuffing', weight: 2, matched: [top, `${separators} separators`] }];
  }
  return [];
}

function removedLinks(flags: PhaseInput['flags']): { raws: string[]; hosts: string[]; obfuscated: number } {
  const flag = flags.find((f) => f.code === 'links_removed');
  const evidence = (flag?.evidence ?? {}) as { removed?: string[]; hosts?: string[]; obfuscated?: number };
  return { raws: evidence.removed ?? [], hosts: evidence.hosts ?? [], obfuscated: evidence.obfuscated ?? 0 };
}

function domainKeywords(host: string): string[] {
  const bare = host.replace(/^www\./, '');
  return DOMAIN_KEYWORDS.filter((keyword) => bare.includes(keyword));
}

function hostSignals(hosts: readonly string[], label: string): Signal[] {
  const signals: Signal[] = [];
  const keywords = [...new Set(hosts.flatMap(domainKeywords))];
  if (keywords.length > 0) signals.push({ signal: `${label}_commercial_domain`, weight: keywords.length >= 2 ? 3 : 2, matched: keywords });
  const cheap = hosts.filter((host) => CHEAP_ZONES.has(host.slice(host.lastIndexOf('.') + 1)));
  if (cheap.length > 0) signals.push({ signal: `${label}_cheap_zone`, weight: 1, matched: cheap });
  const hyphenated = hosts.filter((host) => (host.split('.')[0]?.match(/-/g)?.length ?? 0) >= 2);
  if (hyphenated.length > 0) signals.push({ signal: `${label}_hyphenated_domain`, weight: 1, matched: hyphenated });
  const shortened = hosts.filter((host) => URL_SHORTENERS.has(host.replace(/^www\./, '')));
  if (shortened.length > 0) signals.push({ signal: 'url_shortener', weight: 1.5, matched: shortened });
  return signals;
}

function authorNameSignals(name: string): Signal[] {
  const tokens = foldForMatching(name).split(/[\s_.\-|,]+/).filter(Boolean);
  const business = tokens.filter((token) => BUSINESS_NAME_WORDS.has(token));
  const filmSite = tokens.filter((token) => FILM_SITE_NAME_WORDS.has(token));
  const weight = (business.length >= 2 ? 3 : business.length * 1.5) + Math.min(1, filmSite.length * 0.5);
  const signals: Signal[] = [];
  if (weight > 0) signals.push({ signal: 'keyword_author_name', weight: Math.min(3, weight), matched: [...business, ...filmSite] });
  if (findLinks(name).length > 0) signals.push({ signal: 'author_name_is_address', weight: 3, matched: [name] });
  if ((/\p{L}\d|\d\p{L}/u.test(name) || name.includes('_')) && !/\s/.test(name.trim())) signals.push({ signal: 'handle_like_author_name', weight: 0.5, matched: [name] });
  return signals;
}

function linkSignals(input: PhaseInput, ownWords: number): Signal[] {
  const removed = removedLinks(input.flags);
  const remaining = findLinks(input.body);
  const count = removed.raws.length + remaining.length;
  const hosts = [...removed.hosts, ...remaining.map((link) => link.host).filter((host): host is string => host !== null)];
  const signals: Signal[] = [];
  if (count > 0) signals.push({ signal: 'links', weight: Math.min(3, count), matched: [String(count)] });
  if (count > 0 && ownWords <= 7) signals.push({ signal: 'mostly_a_link', weight: ownWords <= 3 ? 3 : 2, matched: [`${ownWords} words besides links`] });
  if (removed.obfuscated > 0) signals.push({ signal: 'obfuscated_link', weight: 2, matched: [String(removed.obfuscated)] });
  signals.push(...hostSignals(hosts, 'link'));
  if (count > 0) {
    // Keywords in the link's path ("/free-iphone-giveaway") count like those in its host.
    const pathWords = [...new Set(removed.raws.flatMap((raw) => domainKeywords(raw.toLowerCase())))];
    const hostWords = new Set(hosts.flatMap(domainKeywords));
    const extra = pathWords.filter((word) => !hostWords.has(word));
    if (extra.length > 0) signals.push({ signal: 'commercial_link_path', weight: 1, matched: extra });
  }
  return signals;
}

export function scoreSpamSignals(input: PhaseInput): { score: number; signals: Signal[] } {
  const text = foldForMatching(input.body).replace(/[\u2018\u2019]/g, "'");
  const withoutPlaceholders = input.body.replaceAll(LINK_PLACEHOLDER, ' ').replaceAll(EMAIL_PLACEHOLDER, ' ');
  const ownWords = countWords(withoutPlaceholders.replace(/\S*(?:https?:\/\/|www\.)\S*/g, ' '));
  const website = input.submission.author.website;
  const websiteHost = website ? hostOf(website.trim()) : null;

  const signals: Signal[] = [
    ...phraseSignals(text),
    ...keywordStuffing(input.body),
    ...linkSignals(input, ownWords),
    ...authorNameSignals(normaliseAuthorName(input.submission.author.name).text),
    ...(websiteHost ? hostSignals([websiteHost], 'website') : []),
  ];
  if (input.body.includes(EMAIL_PLACEHOLDER)) signals.push({ signal: 'email_in_comment', weight: 1 });

  // Praise that could sit under any article, from someone advertising a site,
  // is the oldest comment spam there is.
  const praise = signals.find((s) => s.signal === 'generic_praise');
  const advertises = website !== null || signals.some((s) => s.signal === 'links');
  if (praise && advertises && ownWords < 40) signals.push({ signal: 'generic_praise_with_link', weight: 1.5 });
  if (input.flags.some((flag) => flag.code === 'no_form_token')) signals.push({ signal: 'no_form_token', weight: 1 });

  const score = Math.round(signals.reduce((sum, s) => sum + s.weight, 0) * 10) / 10;
  return { score, signals };
}

export const spamSignalsPhase: Phase = {
  name: 'spamSignals',
  run(input): PhaseResult | void {
    const { score, signals } = scoreSpamSignals(input);
    if (score < FLAG_SCORE) return;
    const names = signals.map((s) => s.signal.replaceAll('_', ' '));
    const flag: Flag = {
      code: 'spam_signals',
      reason: `Looks like spam or self-promotion (score ${score}): ${names.join(', ')}.`,
      evidence: { score, holdAt: HOLD_SCORE, spamAt: SPAM_SCORE, signals },
    };
    if (score >= SPAM_SCORE) return { flags: [flag], decision: { status: 'spam', reason: flag.reason } };
    if (score >= HOLD_SCORE) return { flags: [flag], decision: { status: 'hold', reason: flag.reason } };
    return { flags: [flag] };
  },
};
