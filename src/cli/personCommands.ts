import { erasePersonData, exportPersonData } from '../services/dataSubject.js';
import { openCliServices, parseOptions, requireSite } from './context.js';

export const exportPerson = {
  summary: 'export-person --site SLUG --email ADDRESS: everything stored about an address, as JSON (GDPR art. 15)',
  async run(args: string[]): Promise<number> {
    const { options } = parseOptions(args);
    if (!options.email) throw new Error('Say whose data with --email ADDRESS.');
    const { services, close } = await openCliServices();
    try {
      const site = await requireSite(services, options.site);
      process.stdout.write(JSON.stringify(await exportPersonData(services.db, site, options.email, services.clock()), null, 2) + '\n');
      return 0;
    } finally {
      await close();
    }
  },
};

export const erasePerson = {
  summary: 'erase-person --site SLUG --email ADDRESS: remove an address\'s personal data (GDPR art. 17)',
  async run(args: string[]): Promise<number> {
    const { options } = parseOptions(args);
    if (!options.email) throw new Error('Say whose data with --email ADDRESS.');
    const { services, close } = await openCliServices();
    try {
      const site = await requireSite(services, options.site);
      const r = await erasePersonData(services, site, options.email, 'admin:cli');
      process.stdout.write(`Erased: ${r.commentsAnonymised} comments anonymised (${r.commentsTextRemoved} with text removed), ${r.consentRecordsReduced} consent records reduced to proof, ${r.bansRemoved} bans removed.\n`);
      return 0;
    } finally {
      await close();
    }
  },
};
