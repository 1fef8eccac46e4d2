// Reads a Disqus XML export: <category>, <thread dsq:id> and <post dsq:id> elements
// side by side under <disqus>, posts pointing at their thread and parent by dsq:id.
//
// Decisions:
// - A post whose thread is not in the export is skipped ("orphan"). Knowing that needs
//   every thread id, which is small: one map entry per thread. Disqus writes all
//   threads before all posts. Posts that come before their thread are held until the
//   end of the file, up to HELD_POSTS_LIMIT; beyond that the file is read a second
//   time for the rest of them rather than holding an unbounded number in memory.
// - Parents are passed through as exported: a post's parent may come later in the
//   file or be missing, and the writer resolves it (tracking every post id here would
//   grow with the file).
// - isDeleted → status 'deleted', so replies to it keep their place in the
//   conversation; its text is kept as exported (Disqus usually empties it) and the
//   writer's retention rules apply. isSpam wins over isDeleted, since Disqus deletes
//   spam too and 'spam' is the more useful fact.

import { htmlToLine, htmlToText } from './htmlToText.js';
import type { ImportComment, ImportRecord, ImportStatus } from './records.js';
import { RecordFields } from './recordFields.js';
import { absoluteUrl, threadKeyFromUrl } from './threadKey.js';
import { readXmlRecords, type XmlFormat, type XmlSink } from './xmlFile.js';

const FORMAT: XmlFormat = { description: 'a Disqus export', root: 'disqus' };

export const HELD_POSTS_LIMIT = 5_000;

export async function* readDisqus(path: string): AsyncGenerator<ImportRecord> {
  const state: SharedState = { threads: new Map(), deferredPosts: 0, heldPosts: [] };
  yield* readXmlRecords(path, FORMAT, (emit) => new DisqusSink(emit, state, 'first'));
  for (const { fields, threadId } of state.heldPosts.splice(0)) {
    yield postRecord(fields, threadId, state.threads.get(threadId));
  }
  if (state.deferredPosts > HELD_POSTS_LIMIT) {
    yield* readXmlRecords(path, FORMAT, (emit) => new DisqusSink(emit, state, 'second'), {
      reportFileProblems: false,
    });
  }
}

interface KnownThread {
  /** How many posts the file had listed when this thread appeared. */
  seenAtPost: number;
  /** Why the thread itself was skipped; its posts are skipped too. */
  skipReason: string | null;
}

interface SharedState {
  threads: Map<string, KnownThread>;
  /** Posts read before their thread (or whose thread never came). */
  deferredPosts: number;
  /** The first HELD_POSTS_LIMIT of them. */
  heldPosts: { fields: RecordFields; threadId: string }[];
}

const THREAD_FIELDS = new Set(['@dsq:id', 'id', 'link', 'title', 'createdAt']);
const POST_FIELDS = new Set([
  '@dsq:id', 'message', 'createdAt', 'isDeleted', 'isSpam', 'isApproved', 'ipAddress',
  'author/name', 'author/email', 'author/username', 'thread@dsq:id', 'parent@dsq:id',
]);

class DisqusSink implements XmlSink {
  private record: { kind: 'thread' | 'post'; fields: RecordFields } | null = null;
  private postCount = 0;
  private deferredCount = 0;

  constructor(
    private readonly emit: (record: ImportRecord) => void,
    private readonly state: SharedState,
    private readonly pass: 'first' | 'second',
  ) {}

  open(name: string, attributes: Record<string, string>, depth: number): void {
    if (this.record) return this.record.fields.open(name, attributes);
    if (depth !== 1) return;
    if (name === 'thread') this.record = { kind: 'thread', fields: new RecordFields(THREAD_FIELDS, attributes) };
    else if (name === 'post') this.record = { kind: 'post', fields: new RecordFields(POST_FIELDS, attributes) };
  }

  text(text: string): void {
    this.record?.fields.text(text);
  }

  close(name: string, depth: number): void {
    if (!this.record) return;
    if (depth !== 1) return this.record.fields.close(name);
    const { kind, fields } = this.record;
    this.record = null;
    if (kind === 'post') this.post(fields, this.postCount++);
    else if (this.pass === 'first') this.thread(fields);
  }

  end(): void {
    if (this.record && this.pass === 'first') {
      const id = this.record.fields.get('@dsq:id');
      this.emit({
        type: 'skip',
        externalId: id || null,
        reason: `the file ends in the middle of ${this.record.kind} ${id || '(no id)'}`,
      });
    }
  }

  private thread(fields: RecordFields): void {
    const id = fields.get('@dsq:id');
    if (id === '') return this.skip(null, 'a thread has no dsq:id');
    if (this.state.threads.has(id)) return this.skip(id, `thread ${id} appears twice; the first one is kept`);
    const link = fields.get('link');
    const key = threadKeyFromUrl(link) ?? (fields.get('id') || null);
    const seenAtPost = this.postCount;
    if (key === null) {
      const skipReason = `thread ${id} has neither a link nor an identifier`;
      this.state.threads.set(id, { seenAtPost, skipReason });
      return this.skip(id, skipReason);
    }
    this.state.threads.set(id, { seenAtPost, skipReason: null });
    this.emit({
      type: 'thread',
      key,
      url: absoluteUrl(link),
      title: htmlToLine(fields.get('title')) || null,
      createdAt: isoDate(fields.get('createdAt')),
      externalId: id,
    });
  }

  private post(fields: RecordFields, ordinal: number): void {
    const threadId = fields.get('thread@dsq:id');
    const thread = this.state.threads.get(threadId);
    const cameBeforeItsThread = threadId !== '' && (thread === undefined || thread.seenAtPost > ordinal);
    if (!cameBeforeItsThread) {
      if (this.pass === 'first') this.emit(postRecord(fields, threadId, thread));
      return;
    }
    // Both passes meet the deferred posts in the same order, so the count tells which were held.
    const deferredIndex = this.deferredCount++;
    if (this.pass === 'first') {
      this.state.deferredPosts++;
      if (deferredIndex < HELD_POSTS_LIMIT) this.state.heldPosts.push({ fields, threadId });
    } else if (deferredIndex >= HELD_POSTS_LIMIT) {
      this.emit(postRecord(fields, threadId, thread));
    }
  }

  private skip(externalId: string | null, reason: string): void {
    this.emit({ type: 'skip', externalId, reason });
  }
}

function postRecord(fields: RecordFields, threadId: string, thread: KnownThread | undefined): ImportRecord {
  const skip = (externalId: string | null, reason: string): ImportRecord => ({ type: 'skip', externalId, reason });
  const id = fields.get('@dsq:id');
  if (id === '') return skip(null, 'a post has no dsq:id');
  if (threadId === '') return skip(id, `post ${id} names no thread`);
  if (thread === undefined) return skip(id, `orphan: thread ${threadId} not in export`);
  if (thread.skipReason !== null) return skip(id, `orphan: thread ${threadId} was skipped (${thread.skipReason})`);
  const comment = readPost(id, threadId, fields);
  return typeof comment === 'string' ? skip(id, comment) : { type: 'comment', ...comment };
}

/** The comment, or why it is skipped. */
function readPost(id: string, threadId: string, fields: RecordFields): ImportComment | string {
  const createdAt = isoDate(fields.get('createdAt'));
  if (createdAt === null) return `post ${id} has no valid date`;
  const name = htmlToLine(fields.get('author/name')) || htmlToLine(fields.get('author/username'));
  if (name === '') return `post ${id} has no author name`;
  const status = readStatus(fields);
  const body = htmlToText(fields.raw('message') ?? '');
  if (body === '' && status !== 'deleted') return `post ${id} has no text`;
  const parentId = fields.get('parent@dsq:id');
  return {
    externalId: id,
    threadExternalId: threadId,
    parentExternalId: parentId === '' || parentId === id ? null : parentId,
    author: { name, email: fields.get('author/email') || null, website: null },
    ip: fields.get('ipAddress') || null,
    userAgent: null,
    createdAt,
    body,
    status,
    kind: 'comment',
  };
}

function readStatus(fields: RecordFields): ImportStatus {
  if (fields.get('isSpam') === 'true') return 'spam';
  if (fields.get('isDeleted') === 'true') return 'deleted';
  if (fields.get('isApproved') === 'false') return 'pending';
  return 'published';
}

function isoDate(value: string): Date | null {
  if (value === '') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}
