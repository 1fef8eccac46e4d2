/**
 * Splits a comment body into paragraphs (blank-line separated) of lines (single newlines).
 * The DOM layer turns each paragraph into a <p> and joins lines with <br>, always through text
 * nodes, so a body can never become markup.
 */
export function splitBody(body: string): string[][] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n(?:[ \t]*\n)+/)
    .map((paragraph) => paragraph.replace(/^\n+|\s+$/g, ''))
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph) => paragraph.split('\n').map((line) => line.replace(/\s+$/, '')));
}
