import { plural } from './words.js';

/**
 * "3 comments", "1 comment", "No comments yet". A site can word it its own way with
 * data-parley-format: "zero|one|many", or "one|many", or a single form; "{n}" is the number.
 */
export function formatCommentCount(n: number, format?: string | null): string {
  if (format) {
    const forms = format.split('|');
    const [zero, one, many] =
      forms.length >= 3 ? forms : forms.length === 2 ? [forms[1], forms[0], forms[1]] : [forms[0], forms[0], forms[0]];
    const chosen = (n === 0 ? zero : n === 1 ? one : many) ?? '';
    return chosen.replace(/\{n\}/g, String(n));
  }
  return n === 0 ? 'No comments yet' : plural(n, 'comment');
}

/** Most threads a single counts request asks for, keeping the URL well under common limits. */
export const COUNTS_BATCH = 100;

/** One GET per site per 100 distinct threads, however many elements show the counts. */
export function countRequestUrls(api: string, wanted: ReadonlyArray<{ site: string; thread: string }>, batch = COUNTS_BATCH): { site: string; threads: string[]; url: string }[] {
  const bySite = new Map<string, Set<string>>();
  for (const { site, thread } of wanted) {
    const threads = bySite.get(site) ?? new Set<string>();
    threads.add(thread);
    bySite.set(site, threads);
  }
  const requests: { site: string; threads: string[]; url: string }[] = [];
  for (const [site, set] of bySite) {
    const all = [...set];
    for (let i = 0; i < all.length; i += batch) {
      const threads = all.slice(i, i + batch);
      const query = new URLSearchParams({ site });
      for (const t of threads) query.append('thread', t);
      requests.push({ site, threads, url: `${api}/api/v1/counts?${query}` });
    }
  }
  return requests;
}
