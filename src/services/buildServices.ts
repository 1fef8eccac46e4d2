import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/connect.js';
import { getOrCreateSecret } from '../db/secrets.js';
import type { Logger } from '../logger.js';
import { buildPhases, type PhaseDeps } from '../moderation/phases/index.js';
import type { Phase } from '../moderation/types.js';
import type { Services } from './context.js';
import { createJobLock } from '../jobs/lock.js';
import { createSmtpMailer, type Mailer } from '../mail/mailer.js';
import { createAkismetChecker, type AkismetChecker } from '../moderation/akismet/client.js';
import { createLocalLiveEvents, type LiveEvents } from './liveEvents.js';
import { createPgLiveEvents } from './pgLiveEvents.js';

export interface ServiceOptions {
  clock?: () => Date;
  phases?: readonly Phase[];
  phaseDeps?: PhaseDeps;
  live?: LiveEvents;
  /** PostgreSQL to LISTEN on for live updates shared by all instances (the server passes DATABASE_URL). */
  liveUrl?: string | null;
  /** NOTIFY channel; tests give each run its own. */
  liveChannel?: string;
  /** Overrides the checker made from AKISMET_KEY (tests point one at a local server). */
  akismet?: AkismetChecker | null;
  mailer?: Mailer | null;
}

/** Loads the shared secrets and assembles the services bag the app and jobs use. */
export async function buildServices(handle: DatabaseHandle, config: Readonly<Config>, logger: Logger, opts: ServiceOptions = {}): Promise<Services> {
  const [cursor, formToken, avatar] = await Promise.all([
    getOrCreateSecret(handle.db, 'cursor'),
    getOrCreateSecret(handle.db, 'form-token'),
    getOrCreateSecret(handle.db, 'avatar'),
  ]);
  const akismet = opts.akismet !== undefined
    ? opts.akismet
    : config.akismet.key
      ? createAkismetChecker({ key: config.akismet.key, blog: config.publicUrl })
      : null;
  return {
    db: handle.db,
    readDb: handle.readDb,
    config,
    clock: opts.clock ?? (() => new Date()),
    logger,
    secrets: { cursor, formToken, avatar },
    phases: opts.phases ?? buildPhases(opts.phaseDeps ?? { akismet, blogLang: config.akismet.blogLang }),
    live:
      opts.live ??
      (opts.liveUrl && handle.backend === 'postgres'
        ? await createPgLiveEvents({ url: opts.liveUrl, channel: opts.liveChannel ?? 'parley_live', db: handle.db, logger })
        : createLocalLiveEvents()),
    akismet,
    jobLock: createJobLock(handle),
    mailer: opts.mailer !== undefined ? opts.mailer : config.smtp.url ? createSmtpMailer(config.smtp.url, config.smtp.from) : null,
  };
}
