import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { openDatabase } from './db/open.js';
import { seedDemoSite } from './demo/seed.js';
import { createLogger } from './logger.js';
import { buildServices } from './services/buildServices.js';
import { startScheduler } from './jobs/scheduler.js';
import { buildWidget, widgetIsStale } from '../scripts/build-widget.js';

// The server entry: read config, open the database, migrate, seed the demo, serve.
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  // `npm start` on a fresh clone: the widget bundle is built here when missing or older than its source.
  if (await widgetIsStale(config.widgetDir)) {
    const built = await buildWidget({ outdir: config.widgetDir });
    logger.info('widget built', { dir: config.widgetDir, withinBudget: built.withinBudget });
  }
  const handle = await openDatabase(config);
  const migrated = await migrateToLatest(handle.db);
  for (const r of migrated.results ?? []) logger.info('migration applied', { migration: r.migrationName, status: r.status });
  if (config.seedDemo) await seedDemoSite(handle.db, config.publicUrl);
  const services = await buildServices(handle, config, logger, { liveUrl: config.databaseUrl });
  const app = createApp(services);
  const scheduler = startScheduler(services);

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info('parley listening', {
      url: config.publicUrl,
      port: info.port,
      database: handle.backend === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL',
      demo: config.seedDemo ? `${config.publicUrl}/demo/refusenik-qa` : undefined,
    });
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    server.close();
    await scheduler.stop();
    await services.live.close();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e) => {
  process.stderr.write(`parley failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
