import { readDisqus } from '../import/disqus.js';
import { ImportFileError, type ImportRecord } from '../import/records.js';
import { readWordPress } from '../import/wordpress.js';
import { importRecords } from '../services/importComments.js';
import { readParleyExport } from '../services/parleyFormat.js';
import { parseCommandArgs } from './args.js';
import { openCliServices, requireSite } from './context.js';
import { progressLine } from './progress.js';

export const summary = 'import wordpress|disqus|parley FILE --site SLUG [--include-pings]: bring in comments from an export';

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(args, { site: { type: 'string' }, 'include-pings': { type: 'boolean' } }, `Usage: npm run cli -- ${summary}`, 2);
  if ('exit' in parsed) return parsed.exit;
  const options = parsed.values;
  const [source, file] = parsed.positionals;
  if (!source || !file || !['wordpress', 'disqus', 'parley'].includes(source)) {
    process.stderr.write(`Usage: npm run cli -- ${summary}\n`);
    return 2;
  }
  const { services, close } = await openCliServices();
  try {
    const site = await requireSite(services, options.site);
    const records: AsyncIterable<ImportRecord> =
      source === 'wordpress' ? readWordPress(file, { includePings: options['include-pings'] === true }) : source === 'disqus' ? readDisqus(file) : readParleyExport(file);
    const progress = progressLine();
    const report = await importRecords(services.db, site, records, {
      source: source as 'wordpress' | 'disqus' | 'parley',
      avatarSecret: services.secrets.avatar,
      onProgress: (p) => progress.update(p),
    });
    progress.done();
    const rate = report.seconds > 0 ? Math.round(report.imported / report.seconds) : report.imported;
    process.stdout.write(
      [
        `Imported into ${site.slug}: ${report.imported} comments in ${report.threads} threads (${report.seconds.toFixed(1)} s, ${rate}/s; linking replies and recounting took ${report.linkSeconds.toFixed(1)} s${report.linkedLate ? `, ${report.linkedLate} replies linked to parents found later in the file` : ''}).`,
        `Already present (not added again): ${report.alreadyPresent}.`,
        `Skipped: ${report.skipped}.`,
        ...Object.entries(report.skippedBy).map(([reason, s]) => `  ${s.count} × ${reason}${s.examples.length ? ` (e.g. ${s.examples.join(', ')})` : ''}`),
      ].join('\n') + '\n',
    );
    return 0;
  } catch (e) {
    if (e instanceof ImportFileError || (e instanceof Error && /--site|No site/.test(e.message))) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await close();
  }
}
