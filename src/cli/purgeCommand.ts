import { runJobOnce } from '../jobs/scheduler.js';
import { purgeExpiredData } from '../jobs/retention.js';
import { openCliServices } from './context.js';

export const summary = 'purge: apply every site\'s retention rules now (IPs, old spam and rejected comments) and report';

export async function run(): Promise<number> {
  const { services, close } = await openCliServices();
  try {
    const report = await runJobOnce(services, { name: 'retention', everyMs: 0, run: purgeExpiredData });
    if (!report) {
      process.stdout.write('Another instance is running the retention job right now; nothing done.\n');
      return 0;
    }
    const r = report as Awaited<ReturnType<typeof purgeExpiredData>>;
    process.stdout.write(
      `Retention applied to ${r.sites} site(s): IP and user agent erased from ${r.commentsIpErased} comments and ${r.consentIpErased} consent records; ` +
        `${r.spamDeleted} spam and ${r.rejectedDeleted} rejected comments removed; ${r.expiredDataRequests} expired data requests dropped.\n`,
    );
    return 0;
  } finally {
    await close();
  }
}
