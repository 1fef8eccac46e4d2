import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import pg from 'pg';
import { findCommentsByIds } from '../db/comments.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { LiveEvent, LiveEvents } from './liveEvents.js';
import { createLocalFanOut } from './liveEvents.js';
import { toPublicComment } from './publicComment.js';

type Notice = Omit<LiveEvent, 'comment'>;

/**
 * Live updates shared by every instance through PostgreSQL LISTEN/NOTIFY: a comment
 * posted to one instance reaches readers connected to any other. A notification carries
 * ids only (NOTIFY payloads are capped near 8 KB; a comment may be 10,000 characters);
 * each instance tells its caches at once, and loads the comment (once, whatever the number
 * of readers) only when some reader of that thread is connected to it.
 */
export async function createPgLiveEvents(opts: { url: string; channel: string; db: Kysely<Database>; logger: Logger }): Promise<LiveEvents> {
  const local = createLocalFanOut();
  let client: pg.Client | null = null;
  let closed = false;
  let retryMs = 500;

  const deliver = async (payload: string | undefined) => {
    if (!payload) return;
    try {
      const notice = JSON.parse(payload) as Notice;
      local.emitChange(notice);
      if (!local.hasSubscribers(notice.siteId, notice.threadKey)) return;
      let comment;
      if (notice.type !== 'comment.removed') {
        const [row] = await findCommentsByIds(opts.db, [notice.commentId]);
        if (!row) return;
        comment = toPublicComment(row);
      }
      local.emitToThread({ ...notice, ...(comment ? { comment } : {}) });
    } catch (e) {
      opts.logger.warn('live event dropped', { err: String(e) });
    }
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ connectionString: opts.url });
    c.on('notification', (msg) => void deliver(msg.payload));
    c.on('error', () => reconnect(c));
    c.on('end', () => reconnect(c));
    try {
      await c.connect();
      await c.query(`listen ${pg.Client.prototype.escapeIdentifier(opts.channel)}`);
      client = c;
      retryMs = 500;
    } catch (e) {
      opts.logger.warn('live events: cannot listen yet', { err: String(e) });
      reconnect(c);
    }
  };
  // A restarted PostgreSQL drops the listener: reconnect with backoff rather than go deaf.
  const reconnect = (c: pg.Client) => {
    if (closed || (client !== c && client !== null)) return;
    client = null;
    c.removeAllListeners();
    void c.end().catch(() => {});
    const wait = retryMs;
    retryMs = Math.min(retryMs * 2, 10_000);
    setTimeout(() => void connect(), wait).unref();
  };
  await connect();

  return {
    publish(e) {
      const notice: Notice = { id: e.id, type: e.type, siteId: e.siteId, threadKey: e.threadKey, commentId: e.commentId };
      sql`select pg_notify(${opts.channel}, ${JSON.stringify(notice)})`.execute(opts.db).catch((err) => opts.logger.warn('live event not sent', { err: String(err) }));
    },
    notifyChannel: opts.channel,
    subscribe: local.subscribe,
    onChange: local.onChange,
    async close() {
      closed = true;
      local.close();
      if (client) await client.end().catch(() => {});
    },
  };
}
