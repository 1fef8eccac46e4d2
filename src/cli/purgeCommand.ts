import { runJobOnce } from '../jobs/scheduler.js';
import { purgeExpiredData } from '../jobs/retention.js';
import { parseCommandArgs } from './args.js';
import { openCliServices } from './context.js';

export const summary = 'purge: apply every site\'s retention rules now (IPs, old spam and rejected comments) and report';

const usage = `Usage: npm run cli -- purge
Applies every site's retention rules now, as the server's scheduled job does, and reports what it removed.`;

export async function run(args: string[]): Promise<number> {
  // Parsed even though purge takes no options: a typo or --help must never fall through to deleting data.
  const parsed = parseCommandArgs(args, {}, usage);
  if ('exit' in parsed) return parsed.exit;
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
