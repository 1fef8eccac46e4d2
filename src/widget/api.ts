import { ApiError, NETWORK_FAILURE, failureFrom } from './apiErrors.js';
import type { Comment, CommentsPage, PostResult, PostStatus, ReportReason, SitePolicy, SortOrder } from './types.js';

export const PAGE_SIZE = 20;

export interface NewComment {
  site: string;
  thread: string;
  url: string;
  title: string;
  parentId?: string;
  author: { name: string; email: string; website?: string };
  body: string;
  consent: { policyVersion: number; accepted: true };
  honeypot: string;
  formToken: string | null;
}

export type Api = ReturnType<typeof createApi>;

/**
 * The Parley HTTP API as the widget uses it. Every call is cancelled by `signal` when the widget
 * is destroyed, and every failure becomes an ApiError carrying an ApiFailure. No cookies are
 * sent: the reader is identified only by the edit tokens the server hands out.
 */
export function createApi(base: string, signal: AbortSignal, fetchImpl: typeof fetch = (...a) => fetch(...a)) {
  const call = async <T>(method: string, path: string, body?: unknown, token?: string): Promise<T> => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetchImpl(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        credentials: 'omit',
        // Revalidate reads (a cheap 304 via the ETag) rather than reuse the short-lived cached copy:
        // a reader reloading right after posting or editing must see their own change.
        cache: method === 'GET' ? 'no-cache' : 'default',
      });
    } catch (err) {
      if (signal.aborted) throw err;
      throw new ApiError(NETWORK_FAILURE);
    }
    const data: unknown = await res.json().catch(() => null);
    if (!res.ok) throw new ApiError(failureFrom(res.status, data, res.headers.get('Retry-After'), Date.now()));
    return data as T;
  };

  const listQuery = (site: string, thread: string, sort: SortOrder, cursor: string | null, parent?: string) => {
    const q = new URLSearchParams({ site, thread, sort, limit: String(PAGE_SIZE) });
    if (parent) q.set('parent', parent);
    if (cursor) q.set('cursor', cursor);
    return `/api/v1/comments?${q}`;
  };
  const sitePath = (site: string) => `/api/v1/sites/${encodeURIComponent(site)}`;
  const commentPath = (id: string) => `/api/v1/comments/${encodeURIComponent(id)}`;

  return {
    comments: (site: string, thread: string, sort: SortOrder, cursor: string | null) =>
      call<CommentsPage>('GET', listQuery(site, thread, sort, cursor)),
    /** Replies beyond those the thread listing embeds (Comment.moreReplies). */
    replies: (site: string, thread: string, parentId: string, cursor: string | null) =>
      call<CommentsPage>('GET', listQuery(site, thread, 'oldest', cursor, parentId)),
    policy: (site: string) => call<SitePolicy>('GET', `${sitePath(site)}/policy`),
    formToken: (site: string) => call<{ token: string }>('GET', `${sitePath(site)}/form-token`),
    post: (comment: NewComment) => call<PostResult>('POST', '/api/v1/comments', comment),
    edit: (id: string, token: string, body: string) =>
      call<{ status: PostStatus; comment: Comment }>('PATCH', commentPath(id), { body }, token),
    remove: (id: string, token: string) => call<{ status: 'deleted' }>('DELETE', commentPath(id), undefined, token),
    report: (id: string, reason: ReportReason, note: string) =>
      call<unknown>('POST', `${commentPath(id)}/reports`, note ? { reason, note } : { reason }),
    streamUrl: (site: string, thread: string) => `${base}/api/v1/stream?${new URLSearchParams({ site, thread })}`,
  };
}
