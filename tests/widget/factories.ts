import type { Comment } from '../../src/widget/types.js';

let next = 0;

/** A published comment as the API returns it; override what the test is about. */
export function aComment(overrides: Partial<Comment> = {}): Comment {
  next += 1;
  return {
    id: `c${next}`,
    parentId: null,
    author: { name: `Reader ${next}`, website: null, avatar: 'a1b2c3' },
    body: `Comment number ${next}`,
    createdAt: '2024-06-15T10:00:00.000Z',
    editedAt: null,
    replies: [],
    moreReplies: 0,
    ...overrides,
  };
}
