import { threadKeyFromLocation } from '../shared/threadKey.js';
import type { SortOrder, Theme } from './types.js';

/** Options as given by data-* attributes or by `Parley.render(element, options)`. */
export interface EmbedOptions {
  site?: string | null;
  thread?: string | null;
  api?: string | null;
  title?: string | null;
  url?: string | null;
  theme?: string | null;
  sort?: string | null;
}

export interface EmbedConfig {
  site: string;
  thread: string;
  api: string;
  title: string;
  url: string;
  theme: Theme;
  sort: SortOrder;
}

/** What the widget knows about the page it is embedded in. */
export interface PageInfo {
  /** href of <link rel=canonical>, if any. */
  canonical: string | null;
  href: string;
  title: string;
}

/**
 * The default thread key: the path of the canonical URL (else the page's own), so that
 * "?utm_source=…" or "#comments" never split one article's thread in two. A trailing slash is
 * dropped because publishers link to "/article/" and "/article" interchangeably.
 * count.js uses the same function, so counts match threads.
 */
export function threadKeyFromPage(page: Pick<PageInfo, 'canonical' | 'href'>): string {
  const url = parseUrl(page.canonical, page.href) ?? parseUrl(page.href);
  return url ? threadKeyFromLocation(url.pathname, url.search) : '/';
}

/** The URL stored with a new thread: canonical if present, else the page without its fragment. */
export function pageUrl(page: Pick<PageInfo, 'canonical' | 'href'>): string {
  const url = parseUrl(page.canonical, page.href) ?? parseUrl(page.href);
  if (!url) return page.href;
  url.hash = '';
  return url.href;
}

/** The API lives where the script was loaded from. */
export function apiBaseFromScriptSrc(src: string | null | undefined): string | null {
  const url = parseUrl(src);
  return url && /^https?:$/.test(url.protocol) ? url.origin : null;
}

export function resolveConfig(options: EmbedOptions, page: PageInfo, defaultApi: string | null): EmbedConfig | { error: string } {
  const site = options.site?.trim();
  if (!site) return { error: 'data-site is missing: say which site these comments belong to, e.g. data-site="altfilmguide".' };
  const api = (options.api?.trim() || defaultApi || '').replace(/\/+$/, '');
  if (!api) return { error: 'could not tell where the comments server is; set data-api="https://comments.example.com".' };
  return {
    site,
    thread: options.thread?.trim() || threadKeyFromPage(page),
    api,
    title: options.title?.trim() || page.title,
    url: options.url?.trim() || pageUrl(page),
    theme: options.theme === 'light' || options.theme === 'dark' ? options.theme : 'auto',
    sort: options.sort === 'newest' ? 'newest' : 'oldest',
  };
}

function parseUrl(href: string | null | undefined, base?: string): URL | null {
  if (!href) return null;
  try {
    return new URL(href, base);
  } catch {
    return null;
  }
}
