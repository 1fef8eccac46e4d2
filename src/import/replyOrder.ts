// Releases one thread's comments in an order a writer can insert as they come: every
// reply after its parent. Exports mostly list comments oldest first, but not always,
// and some parents are never imported (trash, pingbacks left out, broken records), or
// are not in the file at all (WordPress leaves spam out of its exports but keeps the
// replies to it). Memory is bounded by one thread's comments.

type Seen =
  | { state: 'waiting' }
  | { state: 'emitted' }
  | { state: 'dropped'; parentId: string | null };

interface Pending<T> {
  id: string;
  parentId: string | null;
  item: T;
}

export class ReplyOrder<T> {
  private readonly seen = new Map<string, Seen>();
  /** Comments waiting for a parent that has not been released yet, by that parent's id. */
  private readonly waiting = new Map<string, Pending<T>[]>();

  constructor(private readonly emit: (item: T, parentId: string | null) => void) {}

  has(id: string): boolean {
    return this.seen.has(id);
  }

  /** A comment to import; it is emitted once its parent has been. */
  add(id: string, parentId: string | null, item: T): void {
    this.seen.set(id, { state: 'waiting' });
    this.settle([{ id, parentId: parentId === id ? null : parentId, item }]);
  }

  /** A comment that will not be imported: its replies attach to its own parent instead. */
  drop(id: string, parentId: string | null): void {
    this.seen.set(id, { state: 'dropped', parentId: parentId === id ? null : parentId });
    this.release(id);
  }

  /**
   * The thread is complete. Replies to a parent that never came go to the top level,
   * which is also how WordPress shows them. A reply cycle is broken at its first comment.
   */
  finish(): void {
    for (const id of [...this.waiting.keys()]) {
      if (!this.seen.has(id)) this.drop(id, null);
    }
    // What still waits is in a loop (a replies to b, b to a).
    while (this.waiting.size > 0) {
      const [parentId, pending] = this.waiting.entries().next().value as [string, Pending<T>[]];
      const [first, ...rest] = pending;
      if (rest.length > 0) this.waiting.set(parentId, rest);
      else this.waiting.delete(parentId);
      if (first) this.settle([{ ...first, parentId: null }]);
    }
  }

  private release(id: string): void {
    const pending = this.waiting.get(id);
    if (pending === undefined) return;
    this.waiting.delete(id);
    this.settle(pending);
  }

  // A work list rather than recursion: a deep reply chain listed newest first would
  // otherwise recurse once per level.
  private settle(start: Pending<T>[]): void {
    const work = [...start].reverse();
    for (let next = work.pop(); next !== undefined; next = work.pop()) {
      const target = this.resolveParent(next.parentId);
      if ('waitFor' in target) {
        const list = this.waiting.get(target.waitFor);
        if (list) list.push(next);
        else this.waiting.set(target.waitFor, [next]);
        continue;
      }
      this.emit(next.item, target.parentId);
      this.seen.set(next.id, { state: 'emitted' });
      const replies = this.waiting.get(next.id);
      if (replies) {
        this.waiting.delete(next.id);
        work.push(...[...replies].reverse());
      }
    }
  }

  /** The nearest emitted ancestor, skipping dropped ones, or the comment to wait for. */
  private resolveParent(parentId: string | null): { parentId: string | null } | { waitFor: string } {
    let current = parentId;
    // Dropped comments can point at each other in a loop; never walk more steps than there are comments.
    for (let steps = 0; current !== null && steps <= this.seen.size; steps++) {
      const seen = this.seen.get(current);
      if (seen === undefined || seen.state === 'waiting') return { waitFor: current };
      if (seen.state === 'emitted') return { parentId: current };
      current = seen.parentId;
    }
    return { parentId: null };
  }
}
