import type { Config } from '../config.js';
import { openPglite, openPostgres, type DatabaseHandle } from './connect.js';

/** PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite in DATA_DIR. */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'readDatabaseUrl' | 'dataDir'> & Partial<Pick<Config, 'preparedStatements'>>): Promise<DatabaseHandle> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, { readUrl: config.readDatabaseUrl, max: 20, prepare: config.preparedStatements ?? true });
  return openPglite(config.dataDir);
}
