import type { Services } from '../services/context.js';
import { recheckDeferredComments } from './akismetRecheck.js';
import { purgeExpiredData } from './retention.js';

export interface Job {
  name: string;
  everyMs: number;
  run(services: Services): Promise<object>;
}

/** The server's own housekeeping: nothing to set up in cron. */
export const defaultJobs: Job[] = [
  { name: 'retention', everyMs: 60 * 60_000, run: purgeExpiredData },
  { name: 'akismet-recheck', everyMs: 60_000, run: recheckDeferredComments },
];

/**
 * Runs each job on its interval, under a database lock so that several instances
 * never run the same job at once, and records what each run did in job_runs.
 */
export function startScheduler(services: Services, jobs: Job[] = defaultJobs): { stop(): Promise<void> } {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  const tick = (job: Job) => {
    if (stopped) return;
    const p = runJobOnce(services, job).catch((e) => services.logger.error('job failed', { job: job.name, err: String(e) }));
    running.add(p);
    void p.finally(() => running.delete(p));
  };
  for (const job of jobs) {
    // A first run shortly after start, then on the interval; unref so jobs never keep the process alive.
    const first = setTimeout(() => tick(job), 5_000 + Math.random() * 5_000);
    first.unref();
    const every = setInterval(() => tick(job), job.everyMs);
    every.unref();
    timers.push(first, every);
  }
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await Promise.allSettled([...running]);
    },
  };
}

export async function runJobOnce(services: Services, job: Job): Promise<object | null> {
  const outcome = await services.jobLock(job.name, async () => {
    const started = services.clock();
    const report = await job.run(services);
    await services.db
      .insertInto('job_runs')
      .values({ job: job.name, started_at: started, finished_at: services.clock(), report: JSON.stringify(report) })
      .execute();
    return report;
  });
  if (outcome.ran) services.logger.info('job ran', { job: job.name, report: outcome.result });
  return outcome.ran ? outcome.result : null;
}
