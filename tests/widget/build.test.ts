import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget, EMBED_GZIP_BUDGET, WIDGET_SOURCE_DIR, widgetIsStale, widgetOutputFiles, type WidgetBuild } from '../../scripts/build-widget.js';

describe('widget build', () => {
  let outdir: string;
  let built: WidgetBuild;

  beforeAll(async () => {
    // A private directory: the server may be serving dist/widget while tests run.
    outdir = await mkdtemp(path.join(tmpdir(), 'parley-widget-'));
    built = await buildWidget({ outdir });
  });
  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
  });

  it(`keeps embed.js under ${EMBED_GZIP_BUDGET} bytes gzipped`, () => {
    expect(built.withinBudget).toBe(true);
    expect(built.embedGzip).toBeLessThanOrEqual(EMBED_GZIP_BUDGET);
  });

  it('writes embed.js and count.js with .gz and .br copies of the same bytes', async () => {
    expect((await readdir(outdir)).sort()).toEqual(['count.js', 'count.js.br', 'count.js.gz', 'embed.js', 'embed.js.br', 'embed.js.gz']);
    const js = await readFile(path.join(outdir, 'embed.js'));
    expect(gunzipSync(await readFile(path.join(outdir, 'embed.js.gz'))).equals(js)).toBe(true);
    expect(built.files.map((f) => f.file)).toEqual(['count.js', 'embed.js']);
  });

  it('bundles self-running scripts with no imports left', async () => {
    for (const file of ['embed.js', 'count.js']) {
      const code = await readFile(path.join(outdir, file), 'utf8');
      expect(code).not.toMatch(/\bimport\s*[{(*"']|\brequire\(/);
      expect(code).toContain('[parley]');
    }
  });

  it('never sets innerHTML/outerHTML or inserts HTML strings, in the source or the bundle', async () => {
    const markupSinks = /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment)\b/;
    const sources = await readdir(WIDGET_SOURCE_DIR, { recursive: true });
    for (const file of sources.filter((f) => f.endsWith('.ts'))) {
      const text = await readFile(path.join(WIDGET_SOURCE_DIR, file), 'utf8');
      expect(text, file).not.toMatch(markupSinks);
    }
    for (const file of ['embed.js', 'count.js']) {
      expect(await readFile(path.join(outdir, file), 'utf8')).not.toMatch(markupSinks);
    }
  });

  it('is not stale right after a build, and is once an output is older than the sources or missing', async () => {
    expect(await widgetIsStale(outdir)).toBe(false);
    const [first] = widgetOutputFiles(outdir);
    const longAgo = new Date('2000-01-01T00:00:00Z');
    await utimes(first!, longAgo, longAgo);
    expect(await widgetIsStale(outdir)).toBe(true);
    expect(await widgetIsStale(path.join(outdir, 'missing'))).toBe(true);
  });
});
