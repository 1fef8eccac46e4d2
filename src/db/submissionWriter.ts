import type { Kysely } from 'kysely';
import { Batcher, perDatabase, type BatchOptions, type BatchStats } from './batcher.js';
import { insertSubmission, insertSubmissions, ThreadClosedError, type NewSubmission, type SubmittedRow } from './submission.js';
import type { Database } from './schema.js';

/**
 * Group commit for readers' new comments (see batcher.ts): posts written at the same moment
 * share one statement and one commit. A post is answered only after its batch committed, so a
 * 2xx still means "in the database". The commit and its WAL flush were most of a post's cost
 * in PostgreSQL (bench/README.md).
 */
export class SubmissionWriter {
  private readonly batcher: Batcher<NewSubmission, SubmittedRow | null>;

  constructor(db: Kysely<Database>, options: Partial<BatchOptions> = {}) {
    this.batcher = new Batcher((batch) => insertSubmissions(db, batch), { maxBatch: 64, maxInFlight: 2, ...options }, fitsBatch);
  }

  get stats(): BatchStats {
    return this.batcher.stats;
  }

  /** The post's row once its batch committed; ThreadClosedError when its thread is closed. */
  async write(submission: NewSubmission): Promise<SubmittedRow> {
    const row = await this.batcher.submit(submission);
    if (!row) throw new ThreadClosedError('thread closed');
    return row;
  }
}

/** insertSubmissions tells a batch's rows apart by edit token hash, and sends one notify channel. */
function fitsBatch(taken: readonly NewSubmission[], next: NewSubmission): boolean {
  const channel = next.notify?.channel ?? null;
  return taken.every((s) => s.comment.edit_token_hash !== next.comment.edit_token_hash && (s.notify?.channel ?? null) === channel);
}

/** The writer for this database handle. */
export const submissionWriter = perDatabase((db) => new SubmissionWriter(db));

/** Writes one submission, batched with others posted at the same time; ThreadClosedError when its thread is closed. */
export function writeSubmission(db: Kysely<Database>, submission: NewSubmission): Promise<SubmittedRow> {
  // Inside a transaction the write must be that transaction's: no batching.
  if (db.isTransaction) return insertSubmission(db, submission);
  return submissionWriter(db).write(submission);
}
