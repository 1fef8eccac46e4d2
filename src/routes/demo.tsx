import { Hono } from 'hono';
import { DEMO_SITE, DEMO_THREAD, demoArticle, readSeedArticle } from '../demo/seed.js';
import type { AppEnv } from '../http/env.js';

/**
 * The seed article (../shared/seed) as a page with the widget under it: what a new user
 * sees first, and what the browser tests drive. The article's text is split into the
 * questions (lines ending in "?") and answers of the Q&A.
 */
export function demoRoutes() {
  const routes = new Hono<AppEnv>();
  let paragraphs: string[] | null = null;

  routes.get('/', (c) => c.redirect(demoArticle.path));
  routes.get(demoArticle.path, (c) => {
    paragraphs ??= articleParagraphs(readSeedArticle());
    c.header('Cache-Control', 'no-cache');
    return c.html(
      '<!doctype html>' +
        (
          <html lang="en">
            <head>
              <meta charset="utf-8" />
              <meta name="viewport" content="width=device-width, initial-scale=1" />
              <title>{demoArticle.title} – Alt Film Guide</title>
              <link rel="canonical" href={new URL(demoArticle.path, c.req.url).href} />
              {/* Our own static stylesheet: raw, because entities are not decoded inside <style>. */}
              <style dangerouslySetInnerHTML={{ __html: demoCss }} />
            </head>
            <body>
              <header class="masthead">
                <p class="site">Alt Film Guide</p>
                <p class="tagline">Classic movies. Gay movies. International cinema. Socially conscious &amp; political cinema.</p>
              </header>
              <main>
                <article>
                  <h1>{demoArticle.title}</h1>
                  {paragraphs.map((p) => (p.endsWith('?') ? <h2>{p}</h2> : <p>{p}</p>))}
                </article>
                <section aria-labelledby="comments-heading">
                  <h2 id="comments-heading">Leave a Comment</h2>
                  <div id="parley" data-site={DEMO_SITE} data-thread={DEMO_THREAD} data-title={demoArticle.title}></div>
                </section>
              </main>
              <script src="/embed.js" async defer></script>
            </body>
          </html>
        ),
    );
  });
  return routes;
}

/** Body paragraphs of the seed article: after the title block, before the comment form. */
export function articleParagraphs(text: string): string[] {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const start = lines.findIndex((l) => l.startsWith('Refusenik Laura Bialis'));
  return lines
    .slice(start >= 0 ? start : 0)
    .filter((l) => !/^(Ramon Novarro biography|Refusenik d: Laura Bialis$)/.test(l))
    .map((l) => l.replace(/^Refusenik Laura Bialis(?=Refusenik)/, '').replace(/^Refusenik d: Laura Bialis(?=Refusenik)/, ''));
}

const demoCss = `
body { margin: 0; font: 18px/1.6 Georgia, 'Times New Roman', serif; color: #222; background: #fdfcf9; }
.masthead { padding: 1rem 1.25rem; border-bottom: 3px solid #8b1a1a; background: #fff; }
.site { margin: 0; font: bold 1.6rem/1.2 Georgia, serif; color: #8b1a1a; }
.tagline { margin: .25rem 0 0; font-size: .85rem; color: #666; }
main { max-width: 44rem; margin: 0 auto; padding: 1rem 1.25rem 4rem; }
h1 { font-size: 1.9rem; line-height: 1.25; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
#parley { margin-top: 1rem; }
`;
