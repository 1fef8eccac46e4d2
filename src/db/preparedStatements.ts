import crypto from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import pg from 'pg';

/**
 * Named (server-side prepared) statements for the few statements every post runs.
 *
 * node-postgres sends each query as an unnamed statement, which PostgreSQL parses and plans
 * again every time. For the posting context query, planning (0.6 ms, measured with EXPLAIN
 * ANALYZE on the bench database) costs four times its execution (0.14 ms). A named statement
 * is parsed once per connection, and after five runs PostgreSQL keeps a generic plan for it
 * when that plan is no worse, so later runs skip planning altogether.
 *
 * Only statements that opt in are prepared: a statement starts with PREPARE_MARK (see
 * `prepared`). Every distinct text becomes one prepared statement on every connection
 * that runs it, so the marked statements must come in a bounded number of shapes (values go
 * in parameters, never in the text). The name is a hash of the text, so the same text always
 * gets the same name and two texts never share one.
 *
 * PGlite is one in-process connection with no protocol round trip; its dialect ignores the
 * mark (it is an SQL comment). Behind a pooler in transaction mode that does not track
 * prepared statements (PgBouncer before 1.21), set DATABASE_PREPARED_STATEMENTS=off.
 */
export const PREPARE_MARK = '/* parley:prepare */';

/** Put first in a statement to have it prepared (see above): sql`${prepared} select …`. */
export const prepared: RawBuilder<unknown> = sql.raw(PREPARE_MARK);

// The marked texts are few (see above): their names are worked out once, not per post.
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    if (names.size >= 1000) names.clear();
    names.set(text, (name = `parley_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 24)}`));
  }
  return name;
}

/** pg's Client, sending marked statements as named ones (pg parses each name once per connection). */
export class PreparingClient extends pg.Client {}
const plainQuery = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;
(PreparingClient.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (
  this: pg.Client,
  config: unknown,
  values?: unknown,
  callback?: unknown,
) {
  if (typeof config === 'string' && config.startsWith(PREPARE_MARK) && (values === undefined || Array.isArray(values))) {
    return plainQuery.call(this, { name: statementName(config), text: config, values }, callback);
  }
  return plainQuery.call(this, config, values, callback);
};
