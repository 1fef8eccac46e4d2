import path from 'node:path';

/** Everything the server reads from its environment, parsed once. */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL connection string; when absent the server uses embedded PGlite in dataDir. */
  databaseUrl: string | null;
  /** Optional read replica for public reads. */
  readDatabaseUrl: string | null;
  /** Prepare the statements every post runs (off behind a pooler that cannot keep prepared statements). */
  preparedStatements: boolean;
  dataDir: string;
  /** How many reverse-proxy hops to trust in X-Forwarded-For (0: use the socket address). */
  trustProxy: number;
  /** Public base URL of this server, used for links and the demo site's allowed origin. */
  publicUrl: string;
  akismet: { key: string | null; blogLang: string };
  /** Seed the demo site `altfilmguide` and its article on start. */
  seedDemo: boolean;
  /** Seconds between heartbeats on idle live-update streams. */
  sseHeartbeatSeconds: number;
  /** SMTP for readers' data-request confirmations; without it those endpoints say so. */
  smtp: { url: string | null; from: string };
  /** How long this instance may serve a public read (thread page, counts) from memory; 0 turns that off. */
  readCacheMs: number;
  /** Where the built widget bundles are (dist/widget). */
  widgetDir: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment, listing every bad variable at once rather than failing on the first. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const url = (name: string, protocols: string[]): string | null => {
    const raw = env[name];
    if (!raw) return null;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) problems.push(`${name} must use ${protocols.join(' or ')}`);
      return raw;
    } catch {
      problems.push(`${name} is not a valid URL`);
      return null;
    }
  };

  const onOff = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['on', 'true', '1', 'yes'].includes(raw)) return true;
    if (['off', 'false', '0', 'no'].includes(raw)) return false;
    problems.push(`${name} must be on or off (got "${env[name]}")`);
    return fallback;
  };

  const port = int('PORT', 8080, 0, 65535);
  const host = env.HOST || '0.0.0.0';
  const logLevel = (env.LOG_LEVEL || 'info') as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) problems.push('LOG_LEVEL must be debug, info, warn or error');

  const config: Config = {
    port,
    host,
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    readDatabaseUrl: url('READ_DATABASE_URL', ['postgres:', 'postgresql:']),
    preparedStatements: onOff('DATABASE_PREPARED_STATEMENTS', true),
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    trustProxy: int('TRUST_PROXY', 0, 0, 10),
    publicUrl: (url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/$/, ''),
    akismet: { key: env.AKISMET_KEY || null, blogLang: env.AKISMET_BLOG_LANG || 'en' },
    seedDemo: env.SEED_DEMO !== '0',
    sseHeartbeatSeconds: int('SSE_HEARTBEAT_SECONDS', 20, 1, 300),
    readCacheMs: int('READ_CACHE_MS', 1000, 0, 60_000),
    widgetDir: path.resolve(env.WIDGET_DIR || 'dist/widget'),
    smtp: { url: url('SMTP_URL', ['smtp:', 'smtps:']), from: env.MAIL_FROM || 'Parley <no-reply@localhost>' },
    logLevel,
  };
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}
