import { loadConfig } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import type { Site } from '../db/schema.js';
import { findSiteBySlug } from '../db/sites.js';
import { createLogger } from '../logger.js';
import { buildServices } from '../services/buildServices.js';
import type { Services } from '../services/context.js';

/** The same database and services the server uses, for a CLI command; closed by `close()`. */
export async function openCliServices(): Promise<{ services: Services; close(): Promise<void> }> {
  const config = loadConfig();
  const handle = await openDatabase(config);
  await migrateToLatest(handle.db);
  const services = await buildServices(handle, config, createLogger('warn'));
  return {
    services,
    async close() {
      await services.live.close();
      services.mailer?.close();
      await handle.close();
    },
  };
}

/** `--name value` options; flags without a value are "true". */
export function parseOptions(args: string[]): { positional: string[]; options: Record<string, string> } {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const [k, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (inline !== undefined) options[k] = inline;
      else if (args[i + 1] !== undefined && !args[i + 1]!.startsWith('--')) options[k] = args[++i]!;
      else options[k] = 'true';
    } else positional.push(a);
  }
  return { positional, options };
}

export async function requireSite(services: Services, slug: string | undefined): Promise<Site> {
  if (!slug) throw new Error('Say which site with --site SLUG.');
  const site = await findSiteBySlug(services.db, slug);
  if (!site) throw new Error(`No site "${slug}".`);
  return site;
}
