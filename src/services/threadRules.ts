import type { Site, Thread } from '../db/schema.js';

/** Closed by a moderator, or older than the site's auto-close age. */
export function isThreadClosed(site: Pick<Site, 'auto_close_days'>, thread: Pick<Thread, 'closed' | 'created_at'> | undefined, now: Date): boolean {
  if (!thread) return false;
  if (thread.closed) return true;
  return site.auto_close_days !== null && now.getTime() - thread.created_at.getTime() > site.auto_close_days * 86_400_000;
}
