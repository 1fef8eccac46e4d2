/**
 * embed.js: the comments widget. Drop it into a page with
 *   <div id="parley" data-site="altfilmguide" data-thread="refusenik-qa"></div>
 *   <script src="https://COMMENTS-HOST/embed.js" async defer></script>
 * or call window.Parley.render(element, { site, thread, api, theme }) from a single-page app.
 */
import { apiBaseFromScriptSrc, resolveConfig, type EmbedOptions } from './pageConfig.js';
import { currentPage, ownScript, whenReady } from './scriptTag.js';
import { mountWidget, type WidgetHandle } from './widget.js';

export interface ParleyApi {
  render(element: Element, options: EmbedOptions): WidgetHandle;
}

declare global {
  interface Window {
    Parley?: ParleyApi;
  }
}

const script = ownScript('embed.js');
const scriptApi = apiBaseFromScriptSrc(script?.src);
const mounted = new WeakMap<Element, WidgetHandle>();

const OPTION_NAMES = ['site', 'thread', 'api', 'title', 'url', 'theme', 'sort'] as const;

function dataOptions(el: HTMLElement | SVGElement | null): EmbedOptions {
  const options: EmbedOptions = {};
  for (const name of OPTION_NAMES) {
    const value = el?.dataset[name];
    if (value) options[name] = value;
  }
  return options;
}

function render(element: Element, options: EmbedOptions): WidgetHandle {
  mounted.get(element)?.destroy();
  const config = resolveConfig(options, currentPage(), scriptApi);
  if ('error' in config) {
    console.error(`[parley] ${config.error}`);
    return { destroy() {} };
  }
  const widget = mountWidget(element, config);
  const handle = {
    destroy() {
      if (mounted.get(element) !== handle) return;
      mounted.delete(element);
      widget.destroy();
    },
  };
  mounted.set(element, handle);
  return handle;
}

/** The page's own widget: #parley, configured by its data-* attributes over the script tag's. */
function autoMount() {
  let container = document.getElementById('parley');
  const fromScript = dataOptions(script);
  if (!container) {
    // A single-page app loads the script and calls Parley.render itself: nothing to do here.
    if (!fromScript.site) return;
    container = document.createElement('div');
    script?.after(container);
  }
  render(container, { ...fromScript, ...dataOptions(container) });
}

if (!window.Parley) {
  window.Parley = { render };
  whenReady(autoMount);
}
