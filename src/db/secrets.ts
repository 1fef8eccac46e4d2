import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Returns the named secret, creating it on first use. Kept in the database so that
 * every instance behind a load balancer signs and verifies with the same key.
 */
export async function getOrCreateSecret(db: Kysely<Database>, name: string): Promise<string> {
  const candidate = crypto.randomBytes(32).toString('base64url');
  await db.insertInto('instance_secrets').values({ name, value: candidate }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const row = await db.selectFrom('instance_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
