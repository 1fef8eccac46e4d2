import type { Comment } from './types.js';

/** Deepest indent level shown; replies below it line up at this level instead of shrinking the column. */
export const MAX_INDENT = 3;

/** Where one comment sits on screen. */
export interface Placement {
  /** Real depth in the conversation: 0 for a top-level comment. */
  depth: number;
  /** Indent level actually shown: depth capped at MAX_INDENT. */
  indent: number;
  /** The comment whose reply list this one is shown in (null: the top-level list). */
  shownUnder: string | null;
  /** Set when the indent no longer shows who is being answered: the parent's author. */
  inReplyTo: string | null;
}

export interface PlacedComment extends Placement {
  comment: Comment;
}

/** What a child needs to know about the comment it answers. */
export interface ParentRef extends Placement {
  comment: Pick<Comment, 'id' | 'author' | 'deleted'>;
}

export function placeReply(parent: ParentRef, maxIndent = MAX_INDENT): Placement {
  const depth = parent.depth + 1;
  if (depth <= maxIndent) return { depth, indent: depth, shownUnder: parent.comment.id, inReplyTo: null };
  // Too deep to indent further: show it beside its parent, naming whom it answers.
  return {
    depth,
    indent: maxIndent,
    shownUnder: parent.shownUnder,
    inReplyTo: parent.comment.deleted ? 'a deleted comment' : parent.comment.author.name,
  };
}

export const TOP_LEVEL: Placement = { depth: 0, indent: 0, shownUnder: null, inReplyTo: null };

/**
 * Flattens a comment tree, depth first in the server's order, into the order the DOM layer
 * appends it: each entry goes at the end of the reply list of `shownUnder`. `parent` places a
 * batch of replies loaded later under a comment already on screen.
 */
export function flattenThread(comments: readonly Comment[], parent?: ParentRef, maxIndent = MAX_INDENT): PlacedComment[] {
  const out: PlacedComment[] = [];
  const visit = (list: readonly Comment[], under: ParentRef | undefined) => {
    for (const comment of list) {
      const placed: PlacedComment = { comment, ...(under ? placeReply(under, maxIndent) : TOP_LEVEL) };
      out.push(placed);
      if (comment.replies?.length) visit(comment.replies, placed);
    }
  };
  visit(comments, parent);
  return out;
}
