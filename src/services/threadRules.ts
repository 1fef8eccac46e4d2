import type { Site, Thread } from '../db/schema.js';

/** Closed by a moderator, or older than the site's auto-close age and not reopened by one. */
export function isThreadClosed(site: Pick<Site, 'auto_close_days'>, thread: Pick<Thread, 'closed' | 'keep_open' | 'created_at'> | undefined, now: Date): boolean {
  if (!thread) return false;
  if (thread.closed) return true;
  if (thread.keep_open) return false;
  return site.auto_close_days !== null && now.getTime() - thread.created_at.getTime() > site.auto_close_days * 86_400_000;
}
