import { addPolicyVersion, findSiteBySlug, insertSite, siteSlugProblem } from '../db/sites.js';
import { parseCommandArgs } from './args.js';
import { openCliServices } from './context.js';

export const summary = 'create-site --slug SLUG --name NAME [--origin https://example.com]… [--policy TEXT --consent SENTENCE]: add a site';

const defaultConsent = 'By using this form you agree with the storage and handling of your data (name, email address, IP address) by this website.';
const defaultPolicy = 'Be civil and stay on topic. Links in comments are removed. We keep your name, email address (never shown publicly) and IP address to moderate comments; IP addresses are erased after 30 days.';

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    { slug: { type: 'string' }, name: { type: 'string' }, origin: { type: 'string', multiple: true }, policy: { type: 'string' }, consent: { type: 'string' } },
    `Usage: npm run cli -- ${summary}\n(slug: lowercase letters, digits and dashes)`,
  );
  if ('exit' in parsed) return parsed.exit;
  const options = parsed.values;
  const origins = options.origin ?? [];
  if (!options.slug || !options.name) {
    process.stderr.write(`Usage: npm run cli -- ${summary}\n(slug: lowercase letters, digits and dashes)\n`);
    return 2;
  }
  const slugProblem = siteSlugProblem(options.slug);
  if (slugProblem) {
    process.stderr.write(`Usage: npm run cli -- ${summary}\nCannot use "${options.slug}" as a slug: ${slugProblem}.\n`);
    return 2;
  }
  for (const o of origins) {
    if (!URL.canParse(o) || new URL(o).origin !== o) {
      process.stderr.write(`"${o}" is not an origin (scheme://host[:port], no path).\n`);
      return 2;
    }
  }
  const { services, close } = await openCliServices();
  try {
    if (await findSiteBySlug(services.db, options.slug)) {
      process.stderr.write(`A site "${options.slug}" exists already.\n`);
      return 1;
    }
    await services.db.transaction().execute(async (trx) => {
      const site = await insertSite(trx, { slug: options.slug!, name: options.name!, allowedOrigins: origins });
      await addPolicyVersion(trx, site.id, options.policy ?? defaultPolicy, options.consent ?? defaultConsent);
    });
    process.stdout.write(`Created site ${options.slug}. Embed it with data-site="${options.slug}".\n`);
    return 0;
  } finally {
    await close();
  }
}
