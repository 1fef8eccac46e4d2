import { threadKeyFromLocation } from '../shared/threadKey.js';

// An imported thread's key follows the widget's rule (src/shared/threadKey.ts).

export function threadKeyFromUrl(raw: string | undefined): string | null {
  const text = raw?.trim() ?? '';
  if (!/^(https?:\/\/|\/)/i.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text, 'http://relative.invalid');
  } catch {
    return null;
  }
  return threadKeyFromLocation(url.pathname, url.search);
}

/** An absolute http(s) URL as written, or null; relative links are useless once imported. */
export function absoluteUrl(raw: string | undefined): string | null {
  const text = raw?.trim() ?? '';
  return /^https?:\/\/[^/\s]/i.test(text) ? text : null;
}
