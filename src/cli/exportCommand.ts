import fs from 'node:fs';
import { once } from 'node:events';
import { exportSiteRecords } from '../services/parleyFormat.js';
import { parseCommandArgs } from './args.js';
import { openCliServices, requireSite } from './context.js';

export const summary = 'export --site SLUG [--out FILE]: write the site\'s threads and comments as JSON Lines (read back by import parley)';

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(args, { site: { type: 'string' }, out: { type: 'string' } }, `Usage: npm run cli -- ${summary}`);
  if ('exit' in parsed) return parsed.exit;
  const options = parsed.values;
  const { services, close } = await openCliServices();
  try {
    const site = await requireSite(services, options.site);
    const out = options.out ? fs.createWriteStream(options.out) : process.stdout;
    let lines = 0;
    for await (const line of exportSiteRecords(services.db, site)) {
      if (!out.write(line + '\n')) await once(out, 'drain');
      lines++;
    }
    if (options.out) {
      (out as fs.WriteStream).end();
      await once(out, 'finish');
      process.stderr.write(`Wrote ${lines - 1} records to ${options.out}.\n`);
    }
    return 0;
  } finally {
    await close();
  }
}
