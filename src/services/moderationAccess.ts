import { canSeeSite, type Principal } from '../auth/principal.js';
import { findComment } from '../db/comments.js';
import type { Comment, Site } from '../db/schema.js';
import { findSiteBySlug, listSites } from '../db/sites.js';
import { ApiError } from '../http/errors.js';
import type { Services } from './context.js';

// Authorisation for every moderator route: a site or comment the principal may not
// see answers exactly as one that does not exist (404), so ids cannot be probed.

export async function siteForPrincipal(services: Services, p: Principal, slug: string): Promise<Site> {
  const site = await findSiteBySlug(services.db, slug);
  if (!site || !canSeeSite(p, site.id)) throw new ApiError('not_found', `No site "${slug}" that you moderate.`);
  return site;
}

export async function commentForPrincipal(services: Services, p: Principal, id: string): Promise<Comment> {
  const comment = /^\d{1,19}$/.test(id) ? await findComment(services.db, id) : undefined;
  if (!comment || !canSeeSite(p, comment.site_id)) throw new ApiError('not_found', 'No such comment.');
  return comment;
}

export async function sitesForPrincipal(services: Services, p: Principal): Promise<Site[]> {
  const sites = await listSites(services.db);
  return sites.filter((s) => canSeeSite(p, s.id));
}
