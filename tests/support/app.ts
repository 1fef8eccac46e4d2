import crypto from 'node:crypto';
import { createApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/connect.js';
import type { Site } from '../../src/db/schema.js';
import { addPolicyVersion, insertSite, type NewSite } from '../../src/db/sites.js';
import { silentLogger } from '../../src/logger.js';
import { buildServices, type ServiceOptions } from '../../src/services/buildServices.js';
import type { Services } from '../../src/services/context.js';
import { openTestDatabase, type Backend } from './db.js';

export interface TestContext {
  backend: Backend;
  handle: DatabaseHandle;
  services: Services;
  app: App;
  close(): Promise<void>;
}

/** A real app on a real, fresh database of its own. */
export async function createTestContext(backend: Backend, opts: ServiceOptions & { env?: Record<string, string> } = {}): Promise<TestContext> {
  const handle = await openTestDatabase(backend);
  const config: Readonly<Config> = loadConfig({ SEED_DEMO: '0', PUBLIC_URL: 'http://parley.test', ...opts.env });
  const services = await buildServices(handle, config, silentLogger, opts);
  const app = createApp(services);
  return {
    backend,
    handle,
    services,
    app,
    async close() {
      await services.live.close();
      await handle.close();
    },
  };
}

export const uniqueSlug = (prefix = 'site') => `${prefix}-${crypto.randomBytes(4).toString('hex')}`;

/** A site with a current policy (version 1), ready to take comments. */
export async function createSite(ctx: TestContext, site: Partial<NewSite> = {}): Promise<Site & { policyVersion: number }> {
  return ctx.handle.db.transaction().execute(async (trx) => {
    const created = await insertSite(trx, { slug: uniqueSlug(), name: 'Test Site', ...site });
    const policy = await addPolicyVersion(trx, created.id, 'Be kind. Links are removed.', 'By using this form you agree with our storage and handling of your data (e.g., your IP address).');
    return { ...created, current_policy_version: policy.version, policyVersion: policy.version };
  });
}

export function commentPayload(site: { slug: string; policyVersion: number }, overrides: Record<string, unknown> = {}) {
  return {
    site: site.slug,
    thread: 'refusenik-qa',
    url: 'https://www.altfilmguide.com/refusenik-qa/',
    title: 'Refusenik Q&A',
    author: { name: 'Sondra', email: 'sondra@example.com' },
    body: 'Where can I find this film to show my group?',
    consent: { policyVersion: site.policyVersion, accepted: true },
    ...overrides,
  };
}

export async function postJson(app: App, path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
