import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { findCommentsByIds } from '../db/comments.js';
import { listThreadEventsSince } from '../db/moderationEvents.js';
import { findThread } from '../db/threads.js';
import type { CommentStatus } from '../db/schema.js';
import type { AppEnv } from '../http/env.js';
import { liveEventForChange } from '../services/commentStatus.js';
import type { LiveEvent, LiveEventType } from '../services/liveEvents.js';
import { loadSite } from '../services/postComment.js';
import { toPublicComment } from '../services/publicComment.js';
import { siteSlug, threadKey } from './schemas.js';

const StreamQuery = z.object({ site: siteSlug, thread: threadKey, lastEventId: z.string().regex(/^\d{1,19}$/).optional() });

/** Events a reconnecting reader missed; more than this and it should reload the page. */
const REPLAY_LIMIT = 200;

export function streamRoutes(opts: { heartbeatMs: number }) {
  const routes = new OpenAPIHono<AppEnv>();
  /**
   * Server-Sent Events of a thread's published, edited and removed comments.
   * Event ids are moderation event ids, so Last-Event-ID resumes exactly where the reader left.
   */
  routes.openapi(
    createRoute({
      method: 'get',
      path: '/stream',
      summary: "Server-Sent Events of a thread: comment.published, comment.edited (data: Comment), comment.removed (data: { id })",
      request: { query: StreamQuery },
      responses: { 200: { description: 'An event stream; heartbeats as comment lines', content: { 'text/event-stream': { schema: z.string() } } } },
    }),
    async (c) => {
      const services = c.get('services');
      const q = c.req.valid('query');
      const site = await loadSite(services, q.site);
      const header = c.req.header('last-event-id');
      const lastEventId = header && /^\d{1,19}$/.test(header) ? header : (q.lastEventId ?? null);
      c.header('Cache-Control', 'no-cache, no-transform');
      c.header('X-Accel-Buffering', 'no');

      return streamSSE(c, async (stream) => {
        const pending: LiveEvent[] = [];
        let wake: (() => void) | null = null;
        const unsubscribe = services.live.subscribe(site.id, q.thread, (e) => {
          pending.push(e);
          wake?.();
        });
        stream.onAbort(() => {
          unsubscribe();
          wake?.();
        });

        let lastSent = BigInt(lastEventId ?? 0);
        const send = async (e: LiveEvent) => {
          if (BigInt(e.id) <= lastSent) return;
          lastSent = BigInt(e.id);
          await stream.writeSSE({ id: e.id, event: e.type, data: JSON.stringify(e.type === 'comment.removed' ? { id: e.commentId } : e.comment) });
        };

        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ thread: q.thread }), retry: 3000 });
        if (lastEventId) {
          const thread = await findThread(services.readDb, site.id, q.thread);
          if (thread) for (const e of await replay(services.readDb, site.id, thread.id, q.thread, lastEventId)) await send(e);
        }

        while (!stream.aborted) {
          while (pending.length) await send(pending.shift()!);
          const timedOut = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), opts.heartbeatMs);
            wake = () => {
              clearTimeout(timer);
              resolve(false);
            };
          });
          wake = null;
          // A comment line keeps proxies from closing an idle connection.
          if (timedOut && !stream.aborted) await stream.write(': ping\n\n');
        }
        unsubscribe();
      }) as never;
    },
  );
  return routes;
}

async function replay(db: Parameters<typeof findThread>[0], siteId: string, threadId: string, threadKeyValue: string, after: string): Promise<LiveEvent[]> {
  const rows = await listThreadEventsSince(db, threadId, after, REPLAY_LIMIT);
  const comments = new Map((await findCommentsByIds(db, [...new Set(rows.map((r) => r.comment_id))])).map((c) => [c.id, c]));
  const events: LiveEvent[] = [];
  for (const r of rows) {
    const from = r.from_status as CommentStatus | null;
    const to = r.to_status as CommentStatus | null;
    let type: LiveEventType | null = to && from ? liveEventForChange(from, to) : to === 'published' ? 'comment.published' : null;
    if (!type && r.action === 'edited' && to === 'published') type = 'comment.edited';
    const row = comments.get(r.comment_id);
    if (!type || !row) continue;
    events.push({ id: r.event_id, type, siteId, threadKey: threadKeyValue, commentId: r.comment_id, comment: toPublicComment(row) });
  }
  return events;
}
