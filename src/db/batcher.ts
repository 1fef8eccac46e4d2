import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Natural batching of one kind of statement: an item that arrives while earlier batches are in
 * flight waits for one to finish and then goes, with every other item that waited meanwhile,
 * in one statement. Alone it goes at once, so a quiet site waits for nothing; under load the
 * batches grow with the load, and what a statement costs whatever its size (a round trip, a
 * wake-up on both ends, executor start-up, for a write a commit and its WAL flush) is paid per
 * batch instead of per item. Posting uses it for its two statements: the context read
 * (submission.ts) and the write (submissionWriter.ts).
 *
 * A batch that fails as a whole for something one item could cause (bad data, a constraint, a
 * deadlock) is run again item by item, so only that item fails. A failure that says nothing
 * about the items (the database unreachable or shutting down) fails every item of the batch,
 * as it would have failed each alone, and is not retried: after a lost connection a write may
 * have committed.
 */
export interface BatchOptions {
  /** Most items per statement. */
  maxBatch: number;
  /** Statements in flight at once: more overlap the round trips, fewer make bigger batches. */
  maxInFlight: number;
  /**
   * Most items waiting for a statement. Past it an item is refused at once (BatchQueueFull, a
   * 503 with Retry-After) instead of queueing behind seconds of work while its reader waits.
   */
  maxWaiting?: number;
}

/** Too much is waiting already: the database is not keeping up (answered 503, try again shortly). */
export class BatchQueueFull extends Error {
  override readonly name = 'BatchQueueFull';
}

export interface BatchStats {
  batches: number;
  items: number;
  largestBatch: number;
  /** Batches run again item by item after failing whole. */
  splits: number;
}

interface Waiting<In, Out> {
  item: In;
  resolve: (out: Out) => void;
  reject: (e: unknown) => void;
}

export class Batcher<In, Out> {
  private readonly waiting: Waiting<In, Out>[] = [];
  private inFlight = 0;
  readonly stats: BatchStats = { batches: 0, items: 0, largestBatch: 0, splits: 0 };

  /**
   * @param run answers a batch, one answer per item in order
   * @param fits whether an item may join the batch taken so far (else it waits for the next)
   */
  constructor(
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly options: BatchOptions,
    private readonly fits: (taken: readonly In[], item: In) => boolean = () => true,
  ) {}

  submit(item: In): Promise<Out> {
    if (this.waiting.length >= (this.options.maxWaiting ?? 2000)) return Promise.reject(new BatchQueueFull('too many writes waiting'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.startBatches();
    });
  }

  private startBatches(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.runBatch(batch).finally(() => {
        this.inFlight--;
        this.startBatches();
      });
    }
  }

  private take(): Waiting<In, Out>[] {
    const batch: Waiting<In, Out>[] = [];
    const items: In[] = [];
    for (let i = 0; i < this.waiting.length && batch.length < this.options.maxBatch; ) {
      const w = this.waiting[i]!;
      if (batch.length > 0 && !this.fits(items, w.item)) {
        i++;
        continue;
      }
      batch.push(w);
      items.push(w.item);
      this.waiting.splice(i, 1);
    }
    return batch;
  }

  private async runBatch(batch: Waiting<In, Out>[]): Promise<void> {
    this.stats.batches++;
    this.stats.items += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    let answers: Out[];
    try {
      answers = await this.run(batch.map((w) => w.item));
    } catch (e) {
      if (batch.length === 1 || !itemCouldCause(e)) {
        for (const w of batch) w.reject(e);
        return;
      }
      this.stats.splits++;
      await Promise.all(batch.map((w) => this.runBatch([w])));
      return;
    }
    batch.forEach((w, i) => w.resolve(answers[i]!));
  }
}

/**
 * Errors the server reports for a statement it then rolled back, which one item of a batch can
 * cause: data exceptions (22), integrity violations (23), deadlocks and serialization failures (40).
 */
function itemCouldCause(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22|23|40)[0-9A-Z]{3}$/.test(code);
}

/** One T per database handle, made on first use: every request on a handle shares its batches. */
export function perDatabase<T>(make: (db: Kysely<Database>) => T): (db: Kysely<Database>) => T {
  const made = new WeakMap<Kysely<Database>, T>();
  return (db) => {
    let t = made.get(db);
    if (t === undefined) made.set(db, (t = make(db)));
    return t;
  };
}
