import { OpenAPIHono } from '@hono/zod-openapi';
import { BatchQueueFull } from './db/batcher.js';
import { compress } from 'hono/compress';
import { etag } from 'hono/etag';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { createAdminRoutes } from './admin/routes.js';
import { clientIp } from './http/clientIp.js';
import type { AppEnv } from './http/env.js';
import { ApiError, errorBody } from './http/errors.js';
import { limitBody, publicCache, requestId } from './http/middleware.js';
import { createReadCache, type ReadCache } from './http/readCache.js';
import { siteCors } from './http/siteOrigins.js';
import { authRoutes } from './routes/auth.js';
import { commentRoutes } from './routes/comments.js';
import { createModerationRoutes } from './routes/moderation.js';
import { reportRoutes } from './routes/reports.js';
import { countRoutes } from './routes/counts.js';
import { demoRoutes } from './routes/demo.js';
import { healthRoutes } from './routes/health.js';
import { siteRoutes } from './routes/sites.js';
import { privacyApiRoutes, privacyPageRoutes } from './routes/privacy.js';
import { streamRoutes } from './routes/stream.js';
import { widgetAssetRoutes } from './routes/widgetAssets.js';
import type { Services } from './services/context.js';

/**
 * The composition root for HTTP: everything the app needs arrives in `services`;
 * nothing here reads the environment, so tests and several instances come for free.
 */
export function createApp(services: Services, opts: { readCache?: ReadCache } = {}) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use('*', requestId);
  app.use('*', async (c, next) => {
    c.set('services', services);
    await next();
  });
  app.use('*', clientIp(services.config.trustProxy));
  const reads = opts.readCache ?? createReadCache({ ttlMs: services.config.readCacheMs, clock: services.clock });
  services.live.onChange((change) => reads.dropThread(change.threadKey));
  // Whoever writes through this instance reads their change straight after.
  app.use('*', async (c, next) => {
    await next();
    if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) && c.res.status < 400) reads.dropAll();
  });
  app.route('/', healthRoutes);
  app.route('/', widgetAssetRoutes(services.config.widgetDir));
  app.route('/', privacyPageRoutes());
  if (services.config.seedDemo) app.route('/', demoRoutes());

  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  api.use('*', siteCors(services.db, services.clock));
  api.use('*', limitBody);
  // Compression skips the event stream (it sends Cache-Control: no-transform).
  api.use('*', compress());
  for (const path of ['/comments', '/counts']) api.on('GET', path, publicCache, reads.middleware);
  api.on('GET', '/sites/*', publicCache, etag({ weak: true }));
  api.route('/', commentRoutes);
  api.route('/', countRoutes);
  api.route('/', siteRoutes);
  api.route('/', privacyApiRoutes);
  api.route('/', reportRoutes);
  api.route('/auth', authRoutes);
  api.route('/moderation', createModerationRoutes());
  api.route('/', streamRoutes({ heartbeatMs: services.config.sseHeartbeatSeconds * 1000 }));
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Parley public API', version: '1.0.0', description: 'Threaded comments for publishers. Errors are `{ error: { code, message, field?, requestId } }`.' },
  });
  app.route('/api/v1', api);
  app.route('/admin', createAdminRoutes());

  app.notFound((c) => c.json(errorBody(new ApiError('not_found', 'No such endpoint.'), c.get('requestId')), 404));
  app.onError((err, c) => {
    const rid = c.get('requestId');
    if (err instanceof ApiError) {
      for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
      return c.json(errorBody(err, rid), err.status);
    }
    if (err instanceof HTTPException && err.status < 500) {
      const code = err.message.includes('Malformed JSON') ? 'invalid_json' : 'bad_request';
      return c.json(errorBody(new ApiError(code, err.message || 'Bad request.'), rid), err.status);
    }
    if (err instanceof BatchQueueFull) {
      c.header('Retry-After', '1');
      return c.json(errorBody(new ApiError('unavailable', 'The service is busy. Please try again in a moment.'), rid), 503);
    }
    if (isDatabaseDown(err)) {
      c.header('Retry-After', '5');
      return c.json(errorBody(new ApiError('unavailable', 'The service is briefly unavailable. Please try again.'), rid), 503);
    }
    // 5xx say nothing internal; the log has the detail.
    services.logger.error('unhandled error', { requestId: rid, err: String(err), stack: err instanceof Error ? err.stack : undefined });
    return c.json(errorBody(new ApiError('internal', 'Something went wrong on our side.'), rid), 500);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;

function validationHook(result: { success: boolean; error?: unknown }, c: { json: (body: unknown, status: 400) => Response; get: (k: 'requestId') => string }) {
  if (result.success) return;
  const issue = (result.error as ZodError).issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  const message = issue ? `${field ? `${field}: ` : ''}${issue.message}` : 'Invalid request.';
  return c.json(errorBody(new ApiError('validation_failed', message, field), c.get('requestId')), 400);
}

/** Connection-level failures (PostgreSQL restarting, pool exhausted): 503, try again. */
function isDatabaseDown(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  const msg = err instanceof Error ? err.message : '';
  return (
    code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P01' || code === '57P03' || code === '08006' || code === '08001' ||
    /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(msg)
  );
}
