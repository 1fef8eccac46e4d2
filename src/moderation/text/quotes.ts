/**
 * Where a comment quotes someone. Readers of a film site quote dialogue
 * ("Shut up and deal", "I'll kill you!"), so strong words inside quotation
 * marks are context for a moderator, not the commenter's own voice.
 *
 * Only paired double quotes count: single quotes double as apostrophes
 * ("it's", "Ocean's 11") and would pair up across sentences.
 */
export interface TextRange {
  start: number;
  end: number;
}

const QUOTED = /"[^"\n]{1,400}"|\u201C[^\u201D\n]{1,400}\u201D|\u00AB[^\u00BB\n]{1,400}\u00BB|\u201E[^\u201C\u201D\n]{1,400}[\u201C\u201D]/g;

export function findQuotedRanges(text: string): TextRange[] {
  const ranges: TextRange[] = [];
  for (const match of text.matchAll(QUOTED)) {
    ranges.push({ start: match.index, end: match.index + match[0].length });
  }
  return ranges;
}

export function isInsideRanges(ranges: readonly TextRange[], start: number, end: number): boolean {
  return ranges.some((range) => start >= range.start && end <= range.end);
}

/** Characters outside every quoted range: lets a rule see how much the commenter said in their own voice. */
export function textOutsideRanges(text: string, ranges: readonly TextRange[]): string {
  let outside = '';
  let cursor = 0;
  for (const range of ranges) {
    outside += text.slice(cursor, range.start) + ' ';
    cursor = range.end;
  }
  return outside + text.slice(cursor);
}
