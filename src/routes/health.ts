import { Hono } from 'hono';
import { sql } from 'kysely';
import type { AppEnv } from '../http/env.js';

export const healthRoutes = new Hono<AppEnv>();

healthRoutes.get('/healthz', async (c) => {
  try {
    await sql`select 1`.execute(c.get('services').db);
    return c.json({ status: 'ok' });
  } catch {
    c.header('Retry-After', '5');
    return c.json({ status: 'unavailable', error: { code: 'unavailable', message: 'The database does not answer.' } }, 503);
  }
});
