// Reads a WordPress export (WXR 1.0–1.2). Each <item> with comments becomes a thread,
// emitted just before its first comment; each <wp:comment> becomes a comment or a
// skip with its reason. Within a thread a reply always comes after its parent (see
// replyOrder.ts), so a writer can insert records as they arrive.

import { htmlToLine, htmlToText } from './htmlToText.js';
import type { ImportComment, ImportKind, ImportRecord, ImportStatus, ImportThread } from './records.js';
import { RecordFields } from './recordFields.js';
import { ReplyOrder } from './replyOrder.js';
import { absoluteUrl, threadKeyFromUrl } from './threadKey.js';
import { readXmlRecords, type XmlSink } from './xmlFile.js';

export interface ReadWordPressOptions {
  /** Pingbacks and trackbacks are notices from other sites rather than conversation, so they are skipped unless asked for. */
  includePings?: boolean;
}

export async function* readWordPress(path: string, opts: ReadWordPressOptions = {}): AsyncGenerator<ImportRecord> {
  yield* readXmlRecords(
    path,
    { description: 'a WordPress export (WXR)', root: 'rss' },
    (emit) => new WxrSink(emit, opts.includePings ?? false),
  );
}

const ITEM_FIELDS = new Set(['title', 'link', 'guid', 'post_id', 'post_date_gmt', 'pubDate']);
const COMMENT_FIELDS = new Set([
  'comment_id', 'comment_author', 'comment_author_email', 'comment_author_url', 'comment_author_IP',
  'comment_date', 'comment_date_gmt', 'comment_content', 'comment_approved', 'comment_type', 'comment_parent',
]);

type Emit = (record: ImportRecord) => void;

class WxrSink implements XmlSink {
  private item: WxrItem | null = null;
  private itemDepth = -1;
  private comment: RecordFields | null = null;
  private commentDepth = -1;

  constructor(
    private readonly emit: Emit,
    private readonly includePings: boolean,
  ) {}

  open(name: string, attributes: Record<string, string>, depth: number): void {
    if (this.comment) return this.comment.open(name, attributes);
    if (this.item) {
      if (name === 'comment' && depth === this.itemDepth + 1) {
        this.comment = new RecordFields(COMMENT_FIELDS, attributes);
        this.commentDepth = depth;
      } else {
        this.item.fields.open(name, attributes);
      }
    } else if (name === 'item') {
      this.item = new WxrItem(this.emit);
      this.itemDepth = depth;
    }
  }

  text(text: string): void {
    (this.comment ?? this.item?.fields)?.text(text);
  }

  close(name: string, depth: number): void {
    if (this.comment) {
      if (depth !== this.commentDepth) return this.comment.close(name);
      this.item?.addComment(this.comment, this.includePings);
      this.comment = null;
    } else if (this.item) {
      if (depth !== this.itemDepth) return this.item.fields.close(name);
      this.item.finish();
      this.item = null;
    }
  }

  end(): void {
    if (this.comment) {
      const id = this.comment.get('comment_id');
      this.emit({ type: 'skip', externalId: id || null, reason: `the file ends in the middle of comment ${id || '(no id)'}` });
    }
    this.item?.finish();
  }
}

type CommentDraft = Omit<ImportComment, 'threadExternalId' | 'parentExternalId'>;

/** One <item>: its fields, and its comments on their way out in reply order. */
class WxrItem {
  readonly fields = new RecordFields(ITEM_FIELDS, {});
  private thread: ImportThread | null = null;
  /** Comments ready before the item said which post it is (only in hand-made files). */
  private readonly held: ImportComment[] = [];
  private readonly replies = new ReplyOrder<CommentDraft>((draft, parentId) => this.release(draft, parentId));

  constructor(private readonly emit: Emit) {}

  addComment(fields: RecordFields, includePings: boolean): void {
    const id = fields.get('comment_id');
    if (id === '') {
      this.emit({ type: 'skip', externalId: null, reason: 'a comment has no <wp:comment_id>' });
      return;
    }
    if (this.replies.has(id)) {
      this.emit({ type: 'skip', externalId: id, reason: `comment ${id} appears twice in the same post` });
      return;
    }
    const parent = readParent(fields.get('comment_parent'));
    const draft = readComment(id, fields, includePings);
    if (parent !== null && typeof parent === 'object') {
      this.emit({ type: 'skip', externalId: id, reason: `comment ${id} has an unusable parent id "${parent.invalid}"` });
      this.replies.drop(id, null);
    } else if (typeof draft === 'string') {
      this.emit({ type: 'skip', externalId: id, reason: draft });
      this.replies.drop(id, parent);
    } else {
      this.replies.add(id, parent, draft);
    }
  }

  finish(): void {
    this.replies.finish();
    if (this.held.length === 0) return;
    if (this.ensureThread()) {
      for (const comment of this.held) this.emit({ type: 'comment', ...comment, threadExternalId: this.thread!.externalId });
    } else {
      for (const comment of this.held) {
        this.emit({
          type: 'skip',
          externalId: comment.externalId,
          reason: `comment ${comment.externalId} belongs to a post with no link and no post id`,
        });
      }
    }
    this.held.length = 0;
  }

  private release(draft: CommentDraft, parentExternalId: string | null): void {
    if (this.held.length === 0 && this.ensureThread()) {
      this.emit({ type: 'comment', ...draft, threadExternalId: this.thread!.externalId, parentExternalId });
    } else {
      this.held.push({ ...draft, threadExternalId: '', parentExternalId });
    }
  }

  /** Emits the thread once it is known which post this is; false while it is not. */
  private ensureThread(): boolean {
    if (this.thread) return true;
    const postId = this.fields.get('post_id');
    const link = this.fields.get('link');
    const guid = this.fields.get('guid');
    const externalId = postId || link || guid;
    if (externalId === '') return false;
    const title = htmlToLine(this.fields.get('title'));
    this.thread = {
      // `/?p=ID` is WordPress's own short link to a post, so it still names the page.
      key: threadKeyFromUrl(link) ?? (postId ? `/?p=${postId}` : null) ?? threadKeyFromUrl(guid) ?? externalId,
      url: absoluteUrl(link),
      title: title || null,
      createdAt: wordpressDate(this.fields.get('post_date_gmt')) ?? rssDate(this.fields.get('pubDate')),
      externalId,
    };
    this.emit({ type: 'thread', ...this.thread });
    return true;
  }
}

/** null for a top-level comment (WordPress writes 0), the parent's id, or the unusable value. */
function readParent(value: string): string | null | { invalid: string } {
  if (value === '' || value === '0') return null;
  return /^\d+$/.test(value) ? value : { invalid: value };
}

/** The comment, or why it is skipped. */
function readComment(id: string, fields: RecordFields, includePings: boolean): CommentDraft | string {
  const status = readStatus(fields.get('comment_approved'));
  if (status === 'trash') return `comment ${id} is in the trash`;
  if (status === null) return `comment ${id} has an unknown approval status "${fields.get('comment_approved')}"`;

  const type = fields.get('comment_type');
  let kind: ImportKind;
  if (type === '' || type === 'comment') kind = 'comment';
  else if (type === 'pingback' || type === 'trackback') {
    if (!includePings) return `comment ${id} is a ${type}; pingbacks and trackbacks are imported only when asked for`;
    kind = type;
  } else return `comment ${id} has type "${type}", which is not a reader's comment`;

  // comment_date is the site's local time in a zone the export does not name; read
  // as UTC it is off by a few hours, which beats losing the comment.
  const createdAt = wordpressDate(fields.get('comment_date_gmt')) ?? wordpressDate(fields.get('comment_date'));
  if (createdAt === null) return `comment ${id} has no valid date`;

  // Pingback authors are page titles, stored with HTML entities.
  const name = htmlToLine(fields.get('comment_author'));
  if (name === '') return `comment ${id} has no author name`;

  const body = htmlToText(fields.raw('comment_content') ?? '', { newlines: 'break' });
  if (body === '') return `comment ${id} has no text`;

  const website = fields.get('comment_author_url');
  return {
    externalId: id,
    author: {
      name,
      email: fields.get('comment_author_email') || null,
      website: website === '' || website === 'http://' ? null : website,
    },
    ip: fields.get('comment_author_IP') || null,
    userAgent: null,
    createdAt,
    body,
    status,
    kind,
  };
}

function readStatus(approved: string): ImportStatus | 'trash' | null {
  switch (approved) {
    case '1':
    case 'approve':
    case 'approved':
      return 'published';
    // A missing status is held for a moderator rather than published unseen.
    case '':
    case '0':
    case 'hold':
    case 'unapproved':
      return 'pending';
    case 'spam':
      return 'spam';
    case 'trash':
    case 'post-trashed':
      return 'trash';
    default:
      return null;
  }
}

/** WordPress's `YYYY-MM-DD HH:MM:SS` in UTC; null for its `0000-00-00 00:00:00` and anything malformed. */
export function wordpressDate(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
  const exact =
    date.getUTCFullYear() === year && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day &&
    date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
  return year! > 0 && exact ? date : null;
}

function rssDate(value: string): Date | null {
  const time = Date.parse(value);
  // Unpublished posts carry the Unix epoch.
  return Number.isNaN(time) || time <= 0 ? null : new Date(time);
}
