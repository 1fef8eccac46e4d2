import type { PageInfo } from './pageConfig.js';

/**
 * The <script> element that loaded this bundle. currentScript is only set while the script first
 * runs, so entries call this at load time; the src fallback covers the odd loader that runs
 * scripts some other way.
 */
export function ownScript(file: string): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  const scripts = Array.from(document.querySelectorAll<HTMLScriptElement>('script[src]'));
  return scripts.reverse().find((s) => new URL(s.src, location.href).pathname.endsWith(`/${file}`)) ?? null;
}

export function currentPage(): PageInfo {
  const canonical = document.querySelector<HTMLLinkElement>('link[rel="canonical"]');
  return { canonical: canonical?.href || null, href: location.href, title: document.title };
}

/** Runs `fn` once the document is parsed, or now if it already is (async scripts can be early or late). */
export function whenReady(fn: () => void): void {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn, { once: true });
  else fn();
}
