import type { Kysely } from 'kysely';
import { insertSubmission, insertSubmissions, ThreadClosedError, type NewSubmission, type SubmittedRow } from './submission.js';
import type { Database } from './schema.js';

/**
 * Group commit for readers' new comments. A post that arrives while earlier writes are in
 * flight waits for one to finish and then goes, with every other post that waited meanwhile,
 * in one statement and one commit (insertSubmissions). Alone it goes at once, so a quiet
 * site pays no wait; under load the batches grow by themselves with the load, and the fixed
 * costs of a write (a round trip, a statement to parse and plan, a transaction, a WAL flush)
 * are paid per batch instead of per post. That fixed part was most of a post's cost in
 * PostgreSQL (bench/README.md).
 *
 * A post is answered only after its batch committed, so a 2xx still means "in the database".
 * A batch that fails as a whole for something one row could cause (a constraint, bad data, a
 * deadlock) is written again one post at a time, so only that post fails; a failure that
 * says nothing about the rows (the database unreachable, shutting down) fails every post of
 * the batch, as it would have failed each alone, and is not retried: after a lost connection
 * the batch may have committed.
 */
export interface WriterOptions {
  /** Most posts per statement. */
  maxBatch: number;
  /** Writes in flight at once: more overlap the round trips, fewer make bigger batches. */
  maxInFlight: number;
}

const DEFAULTS: WriterOptions = { maxBatch: 64, maxInFlight: 2 };

interface Waiting {
  submission: NewSubmission;
  resolve: (row: SubmittedRow) => void;
  reject: (e: unknown) => void;
}

export interface WriterStats {
  batches: number;
  posts: number;
  largestBatch: number;
  /** Batches written again post by post after failing whole. */
  splits: number;
}

export class SubmissionWriter {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;
  readonly stats: WriterStats = { batches: 0, posts: 0, largestBatch: 0, splits: 0 };
  private readonly options: WriterOptions;

  constructor(
    private readonly db: Kysely<Database>,
    options: Partial<WriterOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  write(submission: NewSubmission): Promise<SubmittedRow> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ submission, resolve, reject });
      this.startWrites();
    });
  }

  private startWrites(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = takeBatch(this.waiting, this.options.maxBatch);
      this.inFlight++;
      void this.writeBatch(batch).finally(() => {
        this.inFlight--;
        this.startWrites();
      });
    }
  }

  private async writeBatch(batch: Waiting[]): Promise<void> {
    this.stats.batches++;
    this.stats.posts += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    let rows: Array<SubmittedRow | null>;
    try {
      rows = await insertSubmissions(this.db, batch.map((w) => w.submission));
    } catch (e) {
      if (batch.length === 1 || !rowCouldCause(e)) {
        for (const w of batch) w.reject(e);
        return;
      }
      this.stats.splits++;
      await Promise.all(batch.map((w) => this.writeBatch([w])));
      return;
    }
    batch.forEach((w, i) => {
      const row = rows[i];
      if (row) w.resolve(row);
      else w.reject(new ThreadClosedError('thread closed'));
    });
  }
}

/**
 * Takes up to max waiting posts for one batch. Posts whose edit token hash or notify channel
 * would clash with one already taken (insertSubmissions needs them distinct and the same)
 * stay for the next batch.
 */
function takeBatch(waiting: Waiting[], max: number): Waiting[] {
  const batch: Waiting[] = [];
  const tokens = new Set<string | null>();
  const channel = waiting[0]!.submission.notify?.channel ?? null;
  for (let i = 0; i < waiting.length && batch.length < max; ) {
    const w = waiting[i]!;
    const token = w.submission.comment.edit_token_hash;
    if (tokens.has(token) || (w.submission.notify?.channel ?? null) !== channel) {
      i++;
      continue;
    }
    tokens.add(token);
    batch.push(w);
    waiting.splice(i, 1);
  }
  return batch;
}

/**
 * Errors the server reports for a statement it then rolled back, which one row of a batch can
 * cause: data exceptions (22), integrity violations (23), deadlocks and serialization failures (40).
 */
function rowCouldCause(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22|23|40)[0-9A-Z]{3}$/.test(code);
}

const writers = new WeakMap<Kysely<Database>, SubmissionWriter>();

/** The writer for this database handle (one per handle, so every request on it shares the batches). */
export function submissionWriter(db: Kysely<Database>): SubmissionWriter {
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = new SubmissionWriter(db)));
  return writer;
}

/** Writes one submission, batched with others posted at the same time; ThreadClosedError when its thread is closed. */
export function writeSubmission(db: Kysely<Database>, submission: NewSubmission): Promise<SubmittedRow> {
  // Inside a transaction the write must be that transaction's: no batching.
  if (db.isTransaction) return insertSubmission(db, submission);
  return submissionWriter(db).write(submission);
}
