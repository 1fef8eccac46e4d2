import { describe, expect, it } from 'vitest';
import { Batcher, BatchQueueFull } from '../../src/db/batcher.js';

/** A statement that answers when told to, recording the batches it was given. */
function gatedRun() {
  const batches: string[][] = [];
  const gates: Array<() => void> = [];
  const run = async (items: string[]) => {
    batches.push(items);
    await new Promise<void>((open) => gates.push(open));
    return items.map((i) => {
      if (i.startsWith('bad')) throw Object.assign(new Error('check violation'), { code: '23514' });
      return i.toUpperCase();
    });
  };
  const openAll = async () => {
    while (gates.length) gates.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { run, batches, openAll };
}

describe('natural batching', () => {
  it('sends the first item alone and what waited meanwhile together, each answered with its own result', async () => {
    const g = gatedRun();
    const b = new Batcher(g.run, { maxBatch: 3, maxInFlight: 1 });
    const answers = ['a', 'b', 'c', 'd', 'e'].map((i) => b.submit(i));
    for (let i = 0; i < 5; i++) await g.openAll();
    expect(await Promise.all(answers)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(g.batches).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
    expect(b.stats).toEqual({ batches: 3, items: 5, largestBatch: 3, splits: 0 });
  });

  it('keeps an item that does not fit the batch for the next one', async () => {
    const g = gatedRun();
    const b = new Batcher(g.run, { maxBatch: 10, maxInFlight: 1 }, (taken, item) => !taken.some((t) => t[0] === item[0]));
    const answers = ['a1', 'b1', 'b2', 'c1', 'b3'].map((i) => b.submit(i));
    for (let i = 0; i < 5; i++) await g.openAll();
    await Promise.all(answers);
    expect(g.batches).toEqual([['a1'], ['b1', 'c1'], ['b2'], ['b3']]);
  });

  it('runs a batch that one item broke again item by item, failing only that item', async () => {
    const g = gatedRun();
    const b = new Batcher(g.run, { maxBatch: 10, maxInFlight: 1 });
    const first = b.submit('x');
    const rest = ['y', 'bad', 'z'].map((i) => b.submit(i));
    const all = Promise.allSettled([first, ...rest]);
    for (let i = 0; i < 6; i++) await g.openAll();
    const settled = await all;
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : 'failed'))).toEqual(['X', 'Y', 'failed', 'Z']);
    expect(b.stats.splits).toBe(1);
  });

  it('refuses at once when too much is waiting, instead of queueing without end', async () => {
    const g = gatedRun();
    const b = new Batcher(g.run, { maxBatch: 10, maxInFlight: 1, maxWaiting: 2 });
    const inFlight = b.submit('1');
    const waiting = [b.submit('2'), b.submit('3')];
    await expect(b.submit('4')).rejects.toBeInstanceOf(BatchQueueFull);
    for (let i = 0; i < 3; i++) await g.openAll();
    expect(await Promise.all([inFlight, ...waiting])).toEqual(['1', '2', '3']);
    // Room again once the queue drained.
    const later = b.submit('5');
    await g.openAll();
    expect(await later).toBe('5');
  });
});
