// Which thread a page is: one rule for the widget (the page it is embedded in) and for the
// importers (a WordPress permalink, a Disqus thread link), so that imported comments land in
// the thread the default embed asks for. Bundled into embed.js: keep it small, no imports.
//
// The key is the page's path, the part of its URL that survives a change of domain or
// protocol, without a trailing slash (`/refusenik-qa/` and `/refusenik-qa` are one page).
// The query string is noise (`?utm_source=…`, `?replytocom=4`) except where it is what names
// the page: WordPress's plain permalinks (`/?p=4`) and scripts like `/index.php?id=7`.

export function threadKeyFromLocation(pathname: string, search: string): string {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') || '/' : pathname || '/';
  const queryNamesPage = path === '/' || path.endsWith('.php');
  return queryNamesPage && search.length > 1 ? path + search : path;
}
