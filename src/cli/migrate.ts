import { loadConfig } from '../config.js';
import { createMigrator } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';

// `npm run migrate` (to latest) or `npm run migrate -- down` (one step back).
const config = loadConfig();
const handle = await openDatabase(config);
const migrator = createMigrator(handle.db);
const result = process.argv[2] === 'down' ? await migrator.migrateDown() : await migrator.migrateToLatest();
for (const r of result.results ?? []) console.log(`${r.direction === 'Down' ? 'reverted' : 'applied'} ${r.migrationName}: ${r.status}`);
if (!result.results?.length) console.log('Already up to date.');
await handle.close();
if (result.error) {
  console.error(result.error);
  process.exit(1);
}
