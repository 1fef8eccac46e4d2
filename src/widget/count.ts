/**
 * count.js: comment counts for article lists.
 *   <a href="/refusenik-qa" data-parley-count="refusenik-qa">Comments</a>
 *   <script src="https://COMMENTS-HOST/count.js" data-site="altfilmguide" async defer></script>
 * Each element's text becomes "3 comments" (or its data-parley-format). The site comes from
 * data-parley-site on the element or data-site on the script; an empty thread key means this page.
 */
import { countRequestUrls, formatCommentCount } from './commentCounts.js';
import { apiBaseFromScriptSrc, threadKeyFromPage } from './pageConfig.js';
import { currentPage, ownScript, whenReady } from './scriptTag.js';

declare global {
  interface Window {
    ParleyCount?: { refresh(root?: ParentNode): Promise<void> };
  }
}

const script = ownScript('count.js');
const api = (script?.dataset.api || apiBaseFromScriptSrc(script?.src) || '').replace(/\/+$/, '');
const defaultSite = script?.dataset.site ?? '';

async function refresh(root: ParentNode = document): Promise<void> {
  const wanted: { site: string; thread: string; el: HTMLElement }[] = [];
  for (const el of Array.from(root.querySelectorAll<HTMLElement>('[data-parley-count]'))) {
    const site = el.dataset.parleySite || defaultSite;
    if (!site) {
      console.warn('[parley] count.js: no site for', el, '- add data-site to the script tag');
      continue;
    }
    wanted.push({ site, thread: el.dataset.parleyCount || threadKeyFromPage(currentPage()), el });
  }
  if (!api || !wanted.length) return;
  await Promise.all(
    countRequestUrls(api, wanted).map(async ({ site, threads, url }) => {
      let counts: Record<string, number>;
      try {
        const res = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'omit' });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        counts = ((await res.json()) as { counts?: Record<string, number> }).counts ?? {};
      } catch (err) {
        // The page keeps whatever text it had; a missing count is not worth more than a note.
        console.warn(`[parley] count.js: could not load counts for site "${site}":`, err);
        return;
      }
      for (const w of wanted) {
        if (w.site === site && threads.includes(w.thread)) w.el.textContent = formatCommentCount(counts[w.thread] ?? 0, w.el.dataset.parleyFormat);
      }
    }),
  );
}

if (!window.ParleyCount) {
  window.ParleyCount = { refresh };
  whenReady(() => void refresh());
}
