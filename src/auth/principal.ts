import type { ModeratorRole } from '../db/authSchema.js';

/** Who is acting, and what they may see: set by the auth middleware on every moderator route. */
export interface Principal {
  id: string;
  email: string;
  role: ModeratorRole;
  displayName: string;
  /** The sites this principal may see; null means every site (admins). */
  siteIds: readonly string[] | null;
  via: 'session' | 'token';
  /** The session's synchroniser token (null for Bearer tokens, which need none). */
  csrfToken: string | null;
}

/** How a moderator appears in moderation events and the audit log. */
export const actorOf = (p: Pick<Principal, 'id'>): string => `moderator:${p.id}`;

export function canSeeSite(p: Principal, siteId: string): boolean {
  return p.siteIds === null || p.siteIds.includes(String(siteId));
}
