import { describe, expect, it } from 'vitest';
import { flattenThread, placeReply, TOP_LEVEL } from '../../src/widget/replyTree.js';
import type { Comment } from '../../src/widget/types.js';
import { aComment } from './factories.js';

/** A chain of replies, each answering the previous one: depth 0 … n-1. */
function chain(n: number): Comment {
  const comments = Array.from({ length: n }, (_, i) => aComment({ id: `d${i}`, author: { name: `Person ${i}` } }));
  for (let i = n - 1; i > 0; i--) {
    comments[i]!.parentId = `d${i - 1}`;
    comments[i - 1]!.replies = [comments[i]!];
  }
  return comments[0]!;
}

describe('flattenThread', () => {
  it('lists comments depth first, in the server order, each under its parent', () => {
    const reply = aComment({ id: 'r1', parentId: 'a' });
    const a = aComment({ id: 'a', replies: [reply] });
    const b = aComment({ id: 'b' });
    const flat = flattenThread([a, b]);
    expect(flat.map((p) => [p.comment.id, p.depth, p.indent, p.shownUnder, p.inReplyTo])).toEqual([
      ['a', 0, 0, null, null],
      ['r1', 1, 1, 'a', null],
      ['b', 0, 0, null, null],
    ]);
  });

  it('indents up to 3 levels, then shows deeper replies flat beside their parent with "in reply to"', () => {
    const flat = flattenThread([chain(6)], undefined, 3);
    expect(flat.map((p) => [p.comment.id, p.depth, p.indent, p.shownUnder, p.inReplyTo])).toEqual([
      ['d0', 0, 0, null, null],
      ['d1', 1, 1, 'd0', null],
      ['d2', 2, 2, 'd1', null],
      ['d3', 3, 3, 'd2', null],
      // Too deep: same list and indent as d3, naming whom it answers.
      ['d4', 4, 3, 'd2', 'Person 3'],
      ['d5', 5, 3, 'd2', 'Person 4'],
    ]);
  });

  it('keeps pre-order inside the capped list, so a deep sub-conversation stays together', () => {
    const d3 = aComment({ id: 'd3', author: { name: 'Three' } });
    const d4 = aComment({ id: 'd4', parentId: 'd3', author: { name: 'Four' } });
    d3.replies = [d4];
    const sibling = aComment({ id: 'sib' });
    const d2 = aComment({ id: 'd2', replies: [d3, sibling] });
    const flat = flattenThread([aComment({ id: 'd0', replies: [aComment({ id: 'd1', replies: [d2] })] })]);
    const underD2 = flat.filter((p) => p.shownUnder === 'd2').map((p) => p.comment.id);
    expect(underD2).toEqual(['d3', 'd4', 'sib']);
  });

  it('says "a deleted comment" rather than "deleted" when the parent was deleted', () => {
    const c = chain(5);
    c.replies[0]!.replies[0]!.replies[0]!.deleted = true;
    const last = flattenThread([c]).at(-1)!;
    expect(last.inReplyTo).toBe('a deleted comment');
  });

  it('places a later batch of replies under a comment already on screen', () => {
    const parent = { ...TOP_LEVEL, depth: 3, indent: 3, shownUnder: 'grandparent', comment: aComment({ id: 'p', author: { name: 'Ada' } }) };
    const [placed] = flattenThread([aComment({ id: 'late', parentId: 'p' })], parent);
    expect(placed).toMatchObject({ depth: 4, indent: 3, shownUnder: 'grandparent', inReplyTo: 'Ada' });
  });

  it('with a cap of 0 shows every reply flat with "in reply to"', () => {
    const flat = flattenThread([chain(3)], undefined, 0);
    expect(flat.map((p) => [p.indent, p.shownUnder, p.inReplyTo])).toEqual([
      [0, null, null],
      [0, null, 'Person 0'],
      [0, null, 'Person 1'],
    ]);
  });
});

describe('placeReply', () => {
  it('nests a reply to a top-level comment one level in', () => {
    expect(placeReply({ ...TOP_LEVEL, comment: aComment({ id: 'top' }) })).toEqual({ depth: 1, indent: 1, shownUnder: 'top', inReplyTo: null });
  });
});
