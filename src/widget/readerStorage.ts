import type { Comment, PostResult, PostStatus } from './types.js';

/** The part of the Web Storage API the widget uses, so tests can pass a plain object. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A comment this browser wrote: what it needs to edit it, and its own copy while it is unpublished. */
export interface OwnComment {
  id: string;
  editToken: string;
  editableUntil: string;
  /** Shown only to its author, because the server returns pending comments to nobody. */
  pending: Comment | null;
  /** When `pending` was stored (ms). */
  savedAt: number;
}

/** A held comment that a moderator never approves should not haunt its author forever. */
export const PENDING_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function ownCommentsKey(site: string, thread: string): string {
  return `parley:own:${site}:${thread}`;
}

export type OwnComments = ReturnType<typeof createOwnComments>;

/**
 * Bookkeeping for the reader's own comments in one thread. Every call reads storage afresh, so
 * two tabs of the same article see each other's posts, and prunes what has expired: a record
 * lives while its edit window is open or while its pending copy is younger than 7 days.
 */
export function createOwnComments(storage: StorageLike, key: string, now: () => number) {
  const alive = (r: OwnComment, t: number) =>
    (r.pending !== null && t - r.savedAt < PENDING_TTL_MS) || t < Date.parse(r.editableUntil);

  const read = (): OwnComment[] => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(storage.getItem(key) ?? '[]');
    } catch {
      parsed = [];
    }
    const all = Array.isArray(parsed) ? (parsed as OwnComment[]).filter((r) => r && typeof r.id === 'string') : [];
    const t = now();
    const kept = all.filter((r) => alive(r, t));
    if (kept.length !== all.length) write(kept);
    return kept;
  };

  const write = (records: OwnComment[]) => {
    try {
      if (records.length) storage.setItem(key, JSON.stringify(records));
      else storage.removeItem(key);
    } catch {
      // Storage full or blocked: the comment is posted anyway, the reader just loses the shortcut.
    }
  };

  const find = (id: string) => read().find((r) => r.id === id);

  const change = (id: string, edit: (r: OwnComment) => OwnComment | null) => {
    const out: OwnComment[] = [];
    for (const r of read()) {
      const next = r.id === id ? edit(r) : r;
      if (next) out.push(next);
    }
    write(out);
  };

  return {
    /** After a successful POST. */
    remember(result: PostResult): void {
      const record: OwnComment = {
        id: result.comment.id,
        editToken: result.editToken,
        editableUntil: result.editableUntil,
        pending: result.status === 'pending' ? result.comment : null,
        savedAt: now(),
      };
      write([...read().filter((r) => r.id !== record.id), record]);
    },
    /** After a successful PATCH: an edit can send a published comment back to moderation. */
    edited(id: string, status: PostStatus, comment: Comment): void {
      change(id, (r) => ({ ...r, pending: status === 'pending' ? comment : null, savedAt: status === 'pending' ? now() : r.savedAt }));
    },
    /** The server showed this comment publicly, so the local copy is no longer needed. */
    published(id: string): void {
      if (find(id)?.pending) change(id, (r) => ({ ...r, pending: null }));
    },
    /** The server refused the token (403): stop offering Edit and Delete, keep any pending copy. */
    editWindowClosed(id: string): void {
      change(id, (r) => ({ ...r, editableUntil: new Date(now()).toISOString() }));
    },
    forget(id: string): void {
      change(id, () => null);
    },
    isOwn(id: string): boolean {
      return find(id) !== undefined;
    },
    isPending(id: string): boolean {
      return Boolean(find(id)?.pending);
    },
    /** The token for Edit/Delete while the edit window is open, else null. */
    editToken(id: string): string | null {
      const r = find(id);
      return r && now() < Date.parse(r.editableUntil) ? r.editToken : null;
    },
    pendingComments(): Comment[] {
      return read().flatMap((r) => (r.pending ? [r.pending] : []));
    },
  };
}

export interface AuthorProfile {
  name: string;
  email: string;
  website: string;
}

const PROFILE_KEY = 'parley:author';

/** The reader's own name/email/website, remembered on their device so the next comment is quicker. */
export function loadProfile(storage: StorageLike): AuthorProfile {
  try {
    const p = JSON.parse(storage.getItem(PROFILE_KEY) ?? '{}') as Partial<AuthorProfile>;
    return { name: str(p.name), email: str(p.email), website: str(p.website) };
  } catch {
    return { name: '', email: '', website: '' };
  }
}

export function saveProfile(storage: StorageLike, profile: AuthorProfile): void {
  try {
    storage.setItem(PROFILE_KEY, JSON.stringify(profile));
  } catch {
    // Not remembering is fine.
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** localStorage when usable; else (blocked cookies, sandboxed frames) a store that lasts the page. */
export function browserStorage(): StorageLike {
  try {
    const s = window.localStorage;
    s.setItem('parley:probe', '1');
    s.removeItem('parley:probe');
    return s;
  } catch {
    const m = new Map<string, string>();
    return {
      getItem: (k) => m.get(k) ?? null,
      setItem: (k, v) => void m.set(k, v),
      removeItem: (k) => void m.delete(k),
    };
  }
}
