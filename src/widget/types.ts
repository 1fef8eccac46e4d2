/** The public JSON shapes the widget reads from the Parley API. */

export interface Author {
  name: string;
  website?: string | null;
  /** Opaque hex seed for the avatar colour; deliberately not an email hash. */
  avatar?: string | null;
}

export interface Comment {
  id: string;
  parentId: string | null;
  author: Author;
  body: string;
  createdAt: string;
  editedAt: string | null;
  deleted?: boolean;
  replies: Comment[];
  moreReplies: number;
}

export interface ThreadInfo {
  key: string;
  title: string;
  url: string;
  closed: boolean;
  commentCount: number;
}

export interface CommentsPage {
  thread: ThreadInfo;
  comments: Comment[];
  nextCursor: string | null;
}

export interface SitePolicy {
  site: { slug: string; name: string };
  policy: { version: number; text: string; hash: string; consentText: string };
  limits: { nameMax: number; bodyMax: number };
  editWindowMinutes: number;
}

export type PostStatus = 'published' | 'pending';

export interface PostResult {
  status: PostStatus;
  comment: Comment;
  editToken: string;
  editableUntil: string;
}

export type SortOrder = 'oldest' | 'newest';
export type Theme = 'light' | 'dark' | 'auto';
export type ReportReason = 'spam' | 'abuse' | 'off-topic' | 'misinformation' | 'other';
