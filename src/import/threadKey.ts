// A thread's key is the page's path, the part of its URL that survives a change of
// domain or protocol. The query string is noise (Disqus records the URL a thread was
// first loaded with, `?utm_source=…` included) except where it is what names the page:
// WordPress's plain permalinks (`/?p=4`) and scripts like `/index.php?id=7`.

export function threadKeyFromUrl(raw: string | undefined): string | null {
  const text = raw?.trim() ?? '';
  if (!/^(https?:\/\/|\/)/i.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text, 'http://relative.invalid');
  } catch {
    return null;
  }
  const path = url.pathname;
  const queryNamesPage = path === '/' || path.endsWith('.php');
  return queryNamesPage ? path + url.search : path;
}

/** An absolute http(s) URL as written, or null; relative links are useless once imported. */
export function absoluteUrl(raw: string | undefined): string | null {
  const text = raw?.trim() ?? '';
  return /^https?:\/\/[^/\s]/i.test(text) ? text : null;
}
