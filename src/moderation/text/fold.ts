/**
 * Lower-cases and strips accents so "Ñandú", "NANDU" and "nandu" compare
 * equal: NFD splits a letter from its combining marks, which we then drop.
 * The result is for matching only, never for display.
 */
export function foldForMatching(text: string): string {
  // Format characters go too (soft hyphens, direction marks, invisible operators): the normalise
  // phase leaves some in the stored text where scripts need them, but "sp\u00ADam" is "spam".
  return text.normalize('NFD').replace(/[\p{M}\p{Cf}]+/gu, '').toLowerCase();
}

/** Typographic apostrophes and backticks become ASCII so phrase rules need one spelling. */
export function straightenApostrophes(text: string): string {
  return text.replace(/[\u2018\u2019\u02BC`\u00B4]/g, "'");
}

/** Whitespace-separated words, for ratios and "is this mostly a link?" checks. */
export function countWords(text: string): number {
  const words = text.trim().match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu);
  return words ? words.length : 0;
}
