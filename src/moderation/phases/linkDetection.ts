import { LinkifyIt, type Match } from 'linkify-it';

export type LinkKind = 'url' | 'email' | 'markdown' | 'html' | 'obfuscated';

export interface FoundLink {
  kind: LinkKind;
  /** The text as the commenter wrote it. */
  raw: string;
  /** Lower-cased host name (or email domain), when one can be read. */
  host: string | null;
  start: number;
  end: number;
  /** Visible text of a markdown or HTML link, kept when the link goes. */
  label?: string;
}

// linkify-it's own list accepts every two-letter country zone and the classic
// generic ones; spam favours the cheap new zones, so we add the common ones.
const CHEAP_GENERIC_TLDS = [
  'xyz', 'top', 'online', 'site', 'club', 'store', 'live', 'vip', 'app', 'dev', 'stream', 'work',
  'date', 'click', 'link', 'space', 'website', 'tech', 'blog', 'news', 'icu', 'buzz', 'fun', 'win',
  'bet', 'casino', 'loan', 'download', 'review', 'party', 'today', 'life', 'world', 'agency',
  'digital', 'media', 'services', 'tube', 'porn', 'sex', 'movie', 'film',
];

const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: true }).tlds(CHEAP_GENERIC_TLDS, true);

// Extensions readers type as file names that happen to be country zones.
const FILE_EXTENSION_ZONES = new Set(['md', 'py', 'sh']);

// "the dot com bubble" is history, not a link.
const SPELLED_DOT_STOPWORDS = new Set(['the', 'a', 'an', 'this', 'that', 'polka', 'period', 'full', 'and', 'or']);

// Zones accepted after a spelled-out " dot " or a spaced " . ": common enough
// in spam, and not English words that end a sentence ("the end . so").
const SPELLED_DOT_ZONES = new Set([
  'com', 'net', 'org', 'info', 'biz', 'xyz', 'online', 'site', 'club', 'shop', 'store', 'stream',
  'live', 'top', 'vip', 'io', 'co', 'ru', 'cn', 'uk', 'fr', 'pl', 'br', 'tv', 'cc', 'su', 'ua',
  'nl', 'eu', 'app', 'ly', 'in',
]);

const HTML_ANCHOR = /<a\s[^>]*?href\s*=\s*(["']?)([^"'\s>]+)\1[^>]*>([\s\S]{0,500}?)<\/a\s*>/gi;
const MARKDOWN_LINK = /\[([^\]\n]{0,300})\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"\n]*")?\s*\)/g;
const DOMAIN_LABEL = String.raw`[\p{L}\p{N}][\p{L}\p{N}-]*`;
const OBFUSCATED_DOT = String.raw`\s*(?:\.|\[\s*(?:dot|\.)\s*\]|\(\s*(?:dot|\.)\s*\)|\{\s*(?:dot|\.)\s*\}|\s+dot\s+)\s*`;
/** hxxp://, h**p://, "h t t p : / /" followed by a host that may itself be spaced out. */
const OBFUSCATED_SCHEME = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:h\s*(?:xx|\*\*)\s*ps?|h\s+t\s+t\s+p(?:\s*s)?)\s*(?::|\[:\])\s*\/\s*\/\s*${DOMAIN_LABEL}(?:${OBFUSCATED_DOT}${DOMAIN_LABEL})*(?:\/[^\s]*)?`,
  'giu',
);
/** example[dot]com, example (.) com, name (at) mail {dot} org. */
const BRACKETED_DOT_DOMAIN = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:[\p{L}\p{N}._+-]+\s*(?:@|[\[({]\s*at\s*[\])}])\s*)?${DOMAIN_LABEL}(?:\s*[\[({]\s*(?:dot|\.)\s*[\])}]\s*${DOMAIN_LABEL})+`,
  'giu',
);
/** example dot com, example . com (checked against SPELLED_DOT_ZONES). */
const SPELLED_DOT_DOMAIN = /(?<![\p{L}\p{N}])([a-z0-9][a-z0-9-]{1,62})((?:\s+(?:dot|\.)\s+[a-z0-9-]{2,63})+)(?![\p{L}\p{N}])/giu;

function overlaps(found: readonly FoundLink[], start: number, end: number): boolean {
  return found.some((link) => start < link.end && end > link.start);
}

export function hostOf(url: string): string | null {
  const candidate = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `http://${url.replace(/^\/\//, '')}`;
  try {
    const host = new URL(candidate).hostname.toLowerCase();
    return host === '' ? null : host;
  } catch {
    return null;
  }
}

/** Rebuilds a readable address from an obfuscated one, so its host can be checked. */
function deobfuscate(raw: string): string {
  return raw
    .replace(/\s*[\[({]\s*at\s*[\])}]\s*/gi, '@')
    .replace(/\s*[\[({]\s*(?:dot|\.)\s*[\])}]\s*|\s+dot\s+|\s*\.\s*/gi, '.')
    .replace(/^h\s*(?:xx|\*\*)\s*p/i, 'http')
    .replace(/\s+/g, '');
}

function hostOfObfuscated(raw: string): string | null {
  const plain = deobfuscate(raw);
  const at = plain.lastIndexOf('@');
  if (at >= 0 && !plain.includes('//')) return plain.slice(at + 1).toLowerCase() || null;
  return hostOf(plain);
}

/** Visible text of an HTML anchor: tags dropped, whitespace folded. */
function anchorText(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
}

function isLinkifyFalsePositive(match: Match): boolean {
  if (match.schema !== '') return false;
  const host = match.raw.split(/[/?#:]/)[0] ?? '';
  const zone = host.slice(host.lastIndexOf('.') + 1);
  // "Dr.No", "it.It was", "end.So I": sentences run together without a space.
  // People write domains in lower case or all caps, never "example.Com".
  if (/^\p{Lu}\p{Ll}+$/u.test(zone)) return true;
  const hasPath = match.raw.length > host.length;
  if (!hasPath && !/^www\./i.test(host) && FILE_EXTENSION_ZONES.has(zone)) return true;
  return false;
}

function findMarkupLinks(text: string, found: FoundLink[]): void {
  for (const m of text.matchAll(HTML_ANCHOR)) {
    const href = m[2] ?? '';
    found.push({ kind: 'html', raw: m[0], host: hostOf(href), start: m.index, end: m.index + m[0].length, label: anchorText(m[3] ?? '') });
  }
  for (const m of text.matchAll(MARKDOWN_LINK)) {
    const end = m.index + m[0].length;
    if (overlaps(found, m.index, end)) continue;
    const url = m[2] ?? '';
    // "[1](2)" in prose is not a link; a markdown target has a scheme, www. or a dot.
    if (!/[.:/]/.test(url)) continue;
    found.push({ kind: 'markdown', raw: m[0], host: hostOf(url), start: m.index, end, label: (m[1] ?? '').trim() });
  }
}

function findObfuscatedLinks(text: string, found: FoundLink[]): void {
  const add = (raw: string, start: number) => {
    const end = start + raw.length;
    if (!overlaps(found, start, end)) found.push({ kind: 'obfuscated', raw, host: hostOfObfuscated(raw), start, end });
  };
  for (const m of text.matchAll(OBFUSCATED_SCHEME)) add(m[0], m.index);
  for (const m of text.matchAll(BRACKETED_DOT_DOMAIN)) {
    const zone = m[0].split(/[\])}]\s*/).pop()?.trim() ?? '';
    if (/^\p{L}{2,12}$/u.test(zone)) add(m[0], m.index);
  }
  for (const m of text.matchAll(SPELLED_DOT_DOMAIN)) {
    const first = (m[1] ?? '').toLowerCase();
    const zone = (m[2] ?? '').trim().split(/\s+/).pop()?.toLowerCase() ?? '';
    if (SPELLED_DOT_ZONES.has(zone) && !SPELLED_DOT_STOPWORDS.has(first)) add(m[0], m.index);
  }
}

function findPlainLinks(text: string, found: FoundLink[]): void {
  for (const match of linkify.match(text) ?? []) {
    if (overlaps(found, match.index, match.lastIndex) || isLinkifyFalsePositive(match)) continue;
    const isEmail = match.schema === 'mailto:' && !/^mailto:/i.test(match.raw);
    found.push({
      kind: isEmail ? 'email' : 'url',
      raw: match.raw,
      host: isEmail ? (match.raw.split('@').pop() ?? '').toLowerCase() || null : hostOf(match.url),
      start: match.index,
      end: match.lastIndex,
    });
  }
}

/**
 * Every link in a text, in reading order. Markup links are found first so
 * their target is not found a second time as a plain URL; obfuscated ones
 * before linkify so "hxxp://x.ru" is one link rather than a stray "x.ru".
 */
// The links phase and the spam signals both scan a comment without links in it (nothing to
// strip leaves the text as it was), and the scan is the dearest part of either: the last answer
// is kept, and each caller gets its own copy.
let lastText: string | null = null;
let lastFound: readonly FoundLink[] = [];

export function findLinks(text: string): FoundLink[] {
  if (text === lastText) return lastFound.map((link) => ({ ...link }));
  const found: FoundLink[] = [];
  findMarkupLinks(text, found);
  findObfuscatedLinks(text, found);
  findPlainLinks(text, found);
  found.sort((a, b) => a.start - b.start);
  lastText = text;
  lastFound = found.map((link) => ({ ...link }));
  return found;
}

/** Does the host belong to one of these domains (or their subdomains)? */
export function isHostAllowed(host: string | null, allowlist: readonly string[]): boolean {
  if (!host) return false;
  const bare = host.replace(/^www\./, '');
  return allowlist.some((entry) => {
    const domain = (hostOf(entry.trim()) ?? entry.trim().toLowerCase()).replace(/^www\./, '');
    return domain !== '' && (bare === domain || bare.endsWith(`.${domain}`));
  });
}
