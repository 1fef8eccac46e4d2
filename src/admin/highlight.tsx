import type { Child } from 'hono/jsx';

/**
 * The body as text children with each matched word wrapped in <mark>. The text
 * stays text (hono/jsx escapes it); only the <mark> elements are ours.
 */
export function highlightWords(body: string, words: readonly string[]): Child[] {
  const terms = [...new Set(words.map((w) => w.trim()).filter((w) => w.length > 0))].sort((a, b) => b.length - a.length);
  if (terms.length === 0) return [body];
  const pattern = new RegExp(terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
  const out: Child[] = [];
  let last = 0;
  for (const m of body.matchAll(pattern)) {
    if (m.index > last) out.push(body.slice(last, m.index));
    out.push(<mark>{m[0]}</mark>);
    last = m.index + m[0].length;
  }
  if (last < body.length) out.push(body.slice(last));
  return out;
}
