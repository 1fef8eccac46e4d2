const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Up to two initials, from the first and last words, skipping punctuation like "@" or "(". */
export function avatarInitials(name: string): string {
  const words = name.trim().split(/\s+/);
  const first = initialOf(words[0] ?? '');
  const last = words.length > 1 ? initialOf(words[words.length - 1] ?? '') : '';
  return (first + last).toUpperCase() || '?';
}

function initialOf(word: string): string {
  for (const ch of word) if (LETTER_OR_DIGIT.test(ch)) return ch;
  return '';
}

/**
 * A hue from the server's avatar seed (hex), or from the name when there is none. Saturation and
 * lightness are fixed dark enough that white initials stay readable on every hue.
 */
export function avatarColor(seed: string | null | undefined, name: string): string {
  let hue: number;
  if (seed && /^[0-9a-f]{4}/i.test(seed)) {
    hue = parseInt(seed.slice(0, 6), 16) % 360;
  } else {
    let hash = 0;
    for (const ch of name) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
    hue = hash % 360;
  }
  return `hsl(${hue}, 45%, 32%)`;
}
