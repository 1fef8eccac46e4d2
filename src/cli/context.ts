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

export async function requireSite(services: Services, slug: string | undefined): Promise<Site> {
  if (!slug) throw new Error('Say which site with --site SLUG.');
  const site = await findSiteBySlug(services.db, slug);
  if (!site) throw new Error(`No site "${slug}".`);
  return site;
}
