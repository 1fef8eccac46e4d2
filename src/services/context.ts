import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import type { Phase } from '../moderation/types.js';
import type { Logger } from '../logger.js';
import type { LiveEvents } from './liveEvents.js';
import type { AkismetChecker } from '../moderation/akismet/client.js';
import type { JobLock } from '../jobs/lock.js';
import type { Mailer } from '../mail/mailer.js';

/** Signing keys, loaded once from the database so every instance shares them. */
export interface Secrets {
  cursor: string;
  formToken: string;
  avatar: string;
}

/** The one typed bag of services the routes use; built by the composition root. */
export interface Services {
  db: Kysely<Database>;
  /** Public reads (a replica when configured). */
  readDb: Kysely<Database>;
  config: Readonly<Config>;
  clock: () => Date;
  logger: Logger;
  secrets: Secrets;
  phases: readonly Phase[];
  live: LiveEvents;
  /** Akismet, when a key is configured. */
  akismet: AkismetChecker | null;
  /** Runs a scheduled job on one instance at a time. */
  jobLock: JobLock;
  /** SMTP, when SMTP_URL is set. */
  mailer: Mailer | null;
}
