import type { Site } from '../db/schema.js';
import type { Services } from '../services/context.js';
import { erasePersonData, exportPersonData } from '../services/dataSubject.js';
import { parseCommandArgs } from './args.js';
import { openCliServices, requireSite } from './context.js';

/** Both commands take --site and --email and act on one address on one site. */
function personCommand(summary: string, act: (services: Services, site: Site, email: string) => Promise<string>) {
  return {
    summary,
    async run(args: string[]): Promise<number> {
      const parsed = parseCommandArgs(args, { site: { type: 'string' }, email: { type: 'string' } }, `Usage: npm run cli -- ${summary}`);
      if ('exit' in parsed) return parsed.exit;
      const options = parsed.values;
      if (!options.email) throw new Error('Say whose data with --email ADDRESS.');
      const { services, close } = await openCliServices();
      try {
        process.stdout.write((await act(services, await requireSite(services, options.site), options.email)) + '\n');
        return 0;
      } finally {
        await close();
      }
    },
  };
}

export const exportPerson = personCommand(
  'export-person --site SLUG --email ADDRESS: everything stored about an address, as JSON (GDPR art. 15)',
  async (services, site, email) => JSON.stringify(await exportPersonData(services.db, site, email, services.clock()), null, 2),
);

export const erasePerson = personCommand(
  "erase-person --site SLUG --email ADDRESS: remove an address's personal data (GDPR art. 17)",
  async (services, site, email) => {
    const r = await erasePersonData(services, site, email, 'admin:cli');
    return `Erased: ${r.commentsAnonymised} comments anonymised (${r.commentsTextRemoved} with text removed), ${r.consentRecordsReduced} consent records reduced to proof, ${r.bansRemoved} bans removed.`;
  },
);
