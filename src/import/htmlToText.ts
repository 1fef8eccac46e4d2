// Turns imported comment HTML into Parley's text format: paragraphs separated by a
// blank line, line breaks kept, no markup. The tokenizer follows browsers where it
// matters for old comments: a `<` that cannot start a tag is text (`a < b`, `<3`),
// unknown tags vanish but keep their content, and script/style content is dropped.

import { decodeEntities } from './htmlEntities.js';

export interface HtmlToTextOptions {
  /**
   * 'space' (default): newlines are ordinary whitespace, as in any HTML.
   * 'break': a newline is a line break and a blank line starts a paragraph. WordPress
   * stores comments that way and adds <p> and <br> only when displaying them (wpautop).
   */
  newlines?: 'space' | 'break';
}

const PARAGRAPH_BLOCKS = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'hr', 'dl', 'figure', 'address',
  'section', 'article', 'aside', 'header', 'footer', 'nav', 'main', 'form', 'fieldset',
  'details', 'center', 'hgroup',
]);
const LINE_BLOCKS = new Set(['div', 'tr', 'dt', 'dd', 'figcaption', 'summary', 'caption', 'li']);
const CELLS = new Set(['td', 'th']);
const RAW_TEXT_END: Record<string, RegExp> = {
  script: /<\/script[\s/>]/gi,
  style: /<\/style[\s/>]/gi,
};
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

export function htmlToText(html: string, options: HtmlToTextOptions = {}): string {
  const source = html.includes('\r') ? html.replace(/\r\n?/g, '\n') : html;
  const converter = new Converter(options.newlines === 'break');
  let textStart = 0;
  let searchFrom = 0;
  while (searchFrom < source.length) {
    const lt = source.indexOf('<', searchFrom);
    if (lt === -1) break;
    const markup = readMarkup(source, lt);
    if (markup === null) {
      searchFrom = lt + 1;
      continue;
    }
    converter.text(source.slice(textStart, lt));
    let end = markup.end;
    if (markup.kind === 'open') {
      converter.open(markup.name, markup.attributes);
      const rawEnd = RAW_TEXT_END[markup.name];
      if (rawEnd) end = skipRawText(source, end, rawEnd);
    } else if (markup.kind === 'close') {
      converter.close(markup.name);
    }
    textStart = searchFrom = end;
  }
  converter.text(source.slice(textStart));
  return converter.finish().replace(CONTROL_CHARACTERS, '');
}

// ---------------------------------------------------------------------------
// Tokenizer

type Markup =
  | { kind: 'open'; name: string; attributes: Map<string, string>; end: number }
  | { kind: 'close'; name: string; end: number }
  | { kind: 'ignored'; end: number };

const TAG_NAME = /[A-Za-z][A-Za-z0-9:-]*/y;

function readTagName(s: string, at: number): string | null {
  TAG_NAME.lastIndex = at;
  return TAG_NAME.exec(s)?.[0] ?? null;
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\f' || c === '\r';
}

/** Reads the markup starting at `s[at] === '<'`, or returns null when that `<` is plain text. */
function readMarkup(s: string, at: number): Markup | null {
  if (s.startsWith('<!--', at)) {
    const close = s.indexOf('-->', at + 4);
    return { kind: 'ignored', end: close === -1 ? s.length : close + 3 };
  }
  const next = s[at + 1];
  if (next === '!' || next === '?') {
    const close = s.indexOf('>', at + 2);
    return close === -1 ? null : { kind: 'ignored', end: close + 1 };
  }
  if (next === '/') {
    const name = readTagName(s, at + 2);
    if (name === null) return null;
    const close = s.indexOf('>', at + 2 + name.length);
    return close === -1 ? null : { kind: 'close', name: name.toLowerCase(), end: close + 1 };
  }
  const name = readTagName(s, at + 1);
  if (name === null) return null;
  return readAttributes(s, at + 1 + name.length, name.toLowerCase());
}

function readAttributes(s: string, from: number, name: string): Markup | null {
  const attributes = new Map<string, string>();
  let p = from;
  while (p < s.length) {
    const c = s[p];
    if (c === '>') return { kind: 'open', name, attributes, end: p + 1 };
    if (isSpace(c) || c === '/' || c === '=') {
      p++;
      continue;
    }
    let q = p;
    while (q < s.length && !isSpace(s[q]) && s[q] !== '>' && s[q] !== '/' && s[q] !== '=') q++;
    const attribute = s.slice(p, q).toLowerCase();
    p = q;
    while (isSpace(s[p])) p++;
    let value = '';
    if (s[p] === '=') {
      p++;
      while (isSpace(s[p])) p++;
      const quote = s[p];
      if (quote === '"' || quote === "'") {
        const close = s.indexOf(quote, p + 1);
        if (close === -1) return null;
        value = s.slice(p + 1, close);
        p = close + 1;
      } else {
        q = p;
        while (q < s.length && !isSpace(s[q]) && s[q] !== '>') q++;
        value = s.slice(p, q);
        p = q;
      }
    }
    if (!attributes.has(attribute)) attributes.set(attribute, decodeEntities(value));
  }
  return null;
}

function skipRawText(s: string, from: number, end: RegExp): number {
  end.lastIndex = from;
  const match = end.exec(s);
  if (!match) return s.length;
  const close = s.indexOf('>', match.index);
  return close === -1 ? s.length : close + 1;
}

// ---------------------------------------------------------------------------
// Conversion

class Converter {
  private readonly out = new TextWriter();
  private readonly lists: { ordered: boolean; count: number }[] = [];
  private preDepth = 0;
  private preJustOpened = false;
  private link: { href: string | null; start: number } | null = null;

  constructor(private readonly newlinesBreak: boolean) {}

  text(raw: string): void {
    if (raw === '') return;
    let text = decodeEntities(raw);
    if (this.preDepth > 0) {
      if (this.preJustOpened && text.startsWith('\n')) text = text.slice(1);
      this.preJustOpened = false;
      this.preformatted(text);
      return;
    }
    const start = text.search(/\S/);
    if (start === -1) return this.gap(text);
    const end = text.trimEnd().length;
    this.gap(text.slice(0, start));
    // Whole runs of words go out at once; only the gaps that hold a newline can mean more than a space.
    const inner = text.slice(start, end);
    if (this.newlinesBreak && inner.includes('\n')) {
      let newlines = 0;
      for (const line of inner.split('\n')) {
        const words = line.trim();
        if (words === '') {
          newlines++;
          continue;
        }
        if (newlines > 0) this.out.blockBreak(newlines > 1 ? 2 : 1);
        this.out.write(collapseSpaces(words));
        newlines = 1;
      }
    } else {
      this.out.write(collapseSpaces(inner));
    }
    this.gap(text.slice(end));
  }

  open(name: string, attributes: Map<string, string>): void {
    if (name === 'br') this.out.lineBreak();
    else if (PARAGRAPH_BLOCKS.has(name)) this.out.blockBreak(2);
    else if (name === 'li') {
      this.out.blockBreak(1);
      const list = this.lists.at(-1);
      const indent = '  '.repeat(Math.max(0, this.lists.length - 1));
      this.out.marker(indent + (list?.ordered ? `${++list.count}. ` : '- '));
    } else if (LINE_BLOCKS.has(name)) this.out.blockBreak(1);
    else if (CELLS.has(name)) this.out.softSpace();
    else if (name === 'ul' || name === 'ol') {
      this.out.blockBreak(this.lists.length > 0 ? 1 : 2);
      const start = Number.parseInt(attributes.get('start') ?? '', 10);
      this.lists.push({ ordered: name === 'ol', count: Number.isNaN(start) ? 0 : start - 1 });
    } else if (name === 'blockquote') {
      this.out.blockBreak(2);
      this.out.enterQuote();
    } else if (name === 'pre') {
      this.out.blockBreak(2);
      this.preDepth++;
      this.preJustOpened = true;
    } else if (name === 'a') {
      this.finishLink();
      this.link = { href: usableUrl(attributes.get('href')), start: this.out.length };
    } else if (name === 'img') this.image(attributes);
  }

  close(name: string): void {
    if (name === 'br') this.out.lineBreak();
    else if (PARAGRAPH_BLOCKS.has(name)) this.out.blockBreak(2);
    else if (LINE_BLOCKS.has(name)) this.out.blockBreak(1);
    else if (CELLS.has(name)) this.out.softSpace();
    else if (name === 'ul' || name === 'ol') {
      this.lists.pop();
      this.out.blockBreak(this.lists.length > 0 ? 1 : 2);
    } else if (name === 'blockquote') {
      this.out.blockBreak(2);
      this.out.leaveQuote();
    } else if (name === 'pre') {
      this.out.blockBreak(2);
      this.preDepth = Math.max(0, this.preDepth - 1);
    } else if (name === 'a') this.finishLink();
  }

  finish(): string {
    this.finishLink();
    return this.out.toString();
  }

  private gap(whitespace: string): void {
    if (whitespace === '') return;
    if (!this.newlinesBreak) return this.out.softSpace();
    const first = whitespace.indexOf('\n');
    if (first === -1) this.out.softSpace();
    else this.out.blockBreak(whitespace.indexOf('\n', first + 1) === -1 ? 1 : 2);
  }

  private preformatted(text: string): void {
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (i > 0) this.out.lineBreak();
      this.out.write(line.trimEnd());
    });
  }

  // Imported text keeps what readers saw: the link text, and the target when it adds something.
  private finishLink(): void {
    const link = this.link;
    if (link === null) return;
    this.link = null;
    if (link.href === null) return;
    const text = this.out.slice(link.start).trim();
    if (text === '') return this.out.write(link.href);
    if (sameTarget(text, link.href)) return;
    this.out.softSpace();
    this.out.write(`(${link.href})`);
  }

  private image(attributes: Map<string, string>): void {
    const alt = (attributes.get('alt') ?? '').replace(/\s+/g, ' ').trim();
    const src = usableUrl(attributes.get('src'));
    if (alt !== '') this.out.write(alt);
    if (src !== null) {
      if (alt !== '') this.out.softSpace();
      this.out.write(`(${src})`);
    }
  }
}

// Most text has single spaces only; testing first saves building a copy of it.
const OTHER_WHITESPACE = /[\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

function collapseSpaces(text: string): string {
  return text.includes('  ') || OTHER_WHITESPACE.test(text) ? text.replace(/\s+/g, ' ') : text;
}

/** Drops targets that mean nothing outside the original page or could run code. */
function usableUrl(raw: string | undefined): string | null {
  const url = raw?.trim() ?? '';
  if (url === '' || url.startsWith('#') || /^(javascript|vbscript|data):/i.test(url)) return null;
  return url;
}

function sameTarget(text: string, href: string): boolean {
  const normalise = (s: string) =>
    s.trim().toLowerCase().replace(/^(https?:\/\/|mailto:)/, '').replace(/^www\./, '').replace(/\/+$/, '');
  return normalise(text) === normalise(href);
}

/**
 * Accumulates words and decides the whitespace between them lazily, so that runs of
 * blocks, <br>s and newlines collapse to at most one blank line, and nothing leads or trails.
 */
class TextWriter {
  private out = '';
  private breaks = 0;
  private space = false;
  private pendingMarker = '';
  private quoteDepth = 0;
  /** The blank line between a quote and what surrounds it belongs to the outer level. */
  private blankLineQuoteDepth = 0;

  get length(): number {
    return this.out.length;
  }

  slice(from: number): string {
    return this.out.slice(from);
  }

  softSpace(): void {
    this.space = true;
  }

  /** Block boundaries don't add up: `</p>\n<p>` is one paragraph break. */
  blockBreak(lines: 1 | 2): void {
    if (this.breaks === 0) this.blankLineQuoteDepth = this.quoteDepth;
    if (lines > this.breaks) this.breaks = lines;
  }

  /** <br>s do add up (two make a paragraph), capped at a blank line. */
  lineBreak(): void {
    if (this.breaks === 0) this.blankLineQuoteDepth = this.quoteDepth;
    this.breaks = Math.min(2, this.breaks + 1);
  }

  enterQuote(): void {
    this.quoteDepth++;
  }

  leaveQuote(): void {
    this.quoteDepth = Math.max(0, this.quoteDepth - 1);
    this.blankLineQuoteDepth = Math.min(this.blankLineQuoteDepth, this.quoteDepth);
  }

  marker(text: string): void {
    this.pendingMarker = text;
  }

  write(word: string): void {
    if (word === '') return;
    const quote = '> '.repeat(this.quoteDepth);
    const lead = quote + this.pendingMarker;
    if (this.out === '') this.out = lead + word;
    else if (this.breaks > 0) {
      const blankLine = '\n' + '> '.repeat(Math.min(this.blankLineQuoteDepth, this.quoteDepth)).trimEnd();
      this.out += blankLine.repeat(this.breaks - 1) + '\n' + lead + word;
    } else if (this.space) this.out += ' ' + this.pendingMarker + word;
    else this.out += this.pendingMarker + word;
    this.breaks = 0;
    this.space = false;
    this.pendingMarker = '';
  }

  toString(): string {
    return this.out;
  }
}

/** For one-line fields (titles, author names): the same conversion, all whitespace collapsed. */
export function htmlToLine(html: string): string {
  return htmlToText(html).replace(/\s+/g, ' ').trim();
}
