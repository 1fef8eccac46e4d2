import type { PublicCommentRow } from '../db/comments.js';

/** The public shape of a comment: the one place that decides what readers may see. */
export interface PublicComment {
  id: string;
  parentId: string | null;
  author: { name: string; website: string | null; avatar: string | null };
  body: string;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  replies: PublicComment[];
  /** Visible direct replies not included here (cut by the depth or per-thread cap). */
  moreReplies: number;
}

export function toPublicComment(row: PublicCommentRow): PublicComment {
  const deleted = row.status === 'deleted';
  return {
    id: String(row.id),
    parentId: row.parent_id === null ? null : String(row.parent_id),
    author: deleted
      ? { name: 'deleted', website: null, avatar: null }
      : { name: row.author_name, website: row.author_website, avatar: row.author_avatar },
    body: deleted ? '' : row.body,
    createdAt: row.created_at.toISOString(),
    editedAt: row.edited_at ? row.edited_at.toISOString() : null,
    deleted,
    replies: [],
    moreReplies: 0,
  };
}

/**
 * Nests replies under their top-level comments. `reply_count` counts published direct
 * replies, so a node's moreReplies is what its count promises minus what was fetched.
 * Deleted comments with nothing visible under them are dropped: a placeholder is only
 * worth showing when it keeps replies in context.
 */
export function nestReplies(topLevel: PublicCommentRow[], replies: PublicCommentRow[]): PublicComment[] {
  const nodes = new Map<string, { row: PublicCommentRow; out: PublicComment }>();
  for (const row of [...topLevel, ...replies]) nodes.set(String(row.id), { row, out: toPublicComment(row) });
  for (const row of replies) {
    const parent = row.parent_id === null ? undefined : nodes.get(String(row.parent_id));
    const node = nodes.get(String(row.id));
    if (parent && node) parent.out.replies.push(node.out);
  }
  const prune = (n: { row: PublicCommentRow; out: PublicComment }): boolean => {
    n.out.replies = n.out.replies.filter((child) => prune(nodes.get(child.id)!));
    const publishedShown = n.out.replies.filter((r) => !r.deleted).length;
    n.out.moreReplies = Math.max(n.row.reply_count - publishedShown, 0);
    return !(n.out.deleted && n.out.replies.length === 0 && n.out.moreReplies === 0);
  };
  return topLevel.map((row) => nodes.get(String(row.id))!).filter(prune).map((n) => n.out);
}
