/**
 * Builds the reader-facing widget: src/widget/{embed,count}.ts → dist/widget/{embed,count}.js,
 * each with .gz and .br beside it so the server can send pre-compressed bytes.
 *
 *   npx tsx scripts/build-widget.ts [outdir]
 *
 * Fails (exit 1) when embed.js is over its gzip budget: the widget loads on every article page
 * of every site that embeds it, so its size is a feature we guard, not an afterthought.
 */
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const WIDGET_SOURCE_DIR = path.join(repoRoot, 'src', 'widget');
export const DEFAULT_WIDGET_OUTDIR = path.join(repoRoot, 'dist', 'widget');
/** embed.js, gzipped, in bytes. */
export const EMBED_GZIP_BUDGET = 15 * 1024;
const ENTRIES = ['embed', 'count'] as const;
const COMPRESSED = ['', '.gz', '.br'] as const;

export interface BuiltFile {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

export interface WidgetBuild {
  outdir: string;
  files: BuiltFile[];
  embedGzip: number;
  budget: number;
  withinBudget: boolean;
}

/** Every file the build writes, so staleness checks and the server agree on the list. */
export function widgetOutputFiles(outdir: string = DEFAULT_WIDGET_OUTDIR): string[] {
  return ENTRIES.flatMap((entry) => COMPRESSED.map((ext) => path.join(outdir, `${entry}.js${ext}`)));
}

export async function buildWidget({ outdir = DEFAULT_WIDGET_OUTDIR }: { outdir?: string } = {}): Promise<WidgetBuild> {
  const result = await build({
    entryPoints: Object.fromEntries(ENTRIES.map((entry) => [entry, path.join(WIDGET_SOURCE_DIR, `${entry}.ts`)])),
    outdir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2019'],
    minify: true,
    legalComments: 'none',
    // ASCII output: a page in another charset that forgets charset= on the script tag still works.
    charset: 'ascii',
    write: false,
    logLevel: 'silent',
  });
  await mkdir(outdir, { recursive: true });

  const files: BuiltFile[] = [];
  for (const output of result.outputFiles) {
    const code = Buffer.from(output.contents);
    const gzip = gzipSync(code, { level: 9 });
    const brotli = brotliCompressSync(code, {
      params: {
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: code.length,
      },
    });
    // Compressed copies first and the .js last, each written whole then renamed into place, so a
    // server reading while we rebuild never sees half a file or a .js newer than its .gz.
    await writeAtomically(`${output.path}.gz`, gzip);
    await writeAtomically(`${output.path}.br`, brotli);
    await writeAtomically(output.path, code);
    files.push({ file: path.basename(output.path), raw: code.length, gzip: gzip.length, brotli: brotli.length });
  }
  files.sort((a, b) => a.file.localeCompare(b.file));

  const embedGzip = files.find((f) => f.file === 'embed.js')?.gzip ?? Infinity;
  return { outdir, files, embedGzip, budget: EMBED_GZIP_BUDGET, withinBudget: embedGzip <= EMBED_GZIP_BUDGET };
}

async function writeAtomically(file: string, data: Uint8Array): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, data);
  await rename(temp, file);
}

/**
 * True when an output is missing or older than the newest widget source (or this build script,
 * whose settings shape the output too). Meant for the server to rebuild on start when needed.
 */
export async function widgetIsStale(outdir: string = DEFAULT_WIDGET_OUTDIR): Promise<boolean> {
  let oldestOutput = Infinity;
  for (const file of widgetOutputFiles(outdir)) {
    const info = await stat(file).catch(() => null);
    if (!info) return true;
    oldestOutput = Math.min(oldestOutput, info.mtimeMs);
  }
  // src/shared holds what the widget and the server must agree on (the thread key rule).
  const newestSource = Math.max(
    await newestMtime(WIDGET_SOURCE_DIR),
    await newestMtime(path.join(repoRoot, 'src', 'shared')),
    (await stat(fileURLToPath(import.meta.url))).mtimeMs,
  );
  return newestSource > oldestOutput;
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestMtime(full) : (await stat(full)).mtimeMs);
  }
  return newest;
}

function formatTable(build: WidgetBuild): string {
  const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`.padStart(10);
  const rows = build.files.map((f) => `${f.file.padEnd(10)}${kb(f.raw)}${kb(f.gzip)}${kb(f.brotli)}`);
  return [`${'file'.padEnd(10)}${'raw'.padStart(10)}${'gzip'.padStart(10)}${'brotli'.padStart(10)}`, ...rows].join('\n');
}

async function main() {
  const outdir = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_WIDGET_OUTDIR;
  const built = await buildWidget({ outdir });
  console.log(`Built the widget into ${path.relative(process.cwd(), outdir) || '.'}\n${formatTable(built)}`);
  if (!built.withinBudget) {
    console.error(`embed.js is ${built.embedGzip} bytes gzipped, over its budget of ${built.budget} bytes.`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
