// Test helper: reads a whole (small) export into arrays by record type.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ImportComment, ImportRecord, ImportSkip, ImportThread } from '../../src/import/records.js';

export interface Collected {
  records: ImportRecord[];
  threads: ImportThread[];
  comments: ImportComment[];
  skips: ImportSkip[];
}

export async function collect(records: AsyncIterable<ImportRecord>): Promise<Collected> {
  const all: ImportRecord[] = [];
  for await (const record of records) all.push(record);
  const strip = <T extends ImportRecord>({ type: _type, ...rest }: T) => rest;
  return {
    records: all,
    threads: all.flatMap((r) => (r.type === 'thread' ? [strip(r)] : [])),
    comments: all.flatMap((r) => (r.type === 'comment' ? [strip(r)] : [])),
    skips: all.flatMap((r) => (r.type === 'skip' ? [strip(r)] : [])),
  };
}

/** A file under the shared fixtures folder next to the project. */
export function fixture(relative: string): string {
  return fileURLToPath(new URL(`../../../shared/fixtures/${relative}`, import.meta.url));
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** Every comment comes after its thread and after its parent, in the same thread. */
export function expectInsertableOrder(records: ImportRecord[]): void {
  const threads = new Set<string>();
  const comments = new Map<string, string>();
  for (const record of records) {
    if (record.type === 'thread') threads.add(record.externalId);
    if (record.type !== 'comment') continue;
    expect(threads.has(record.threadExternalId), `thread of comment ${record.externalId}`).toBe(true);
    if (record.parentExternalId !== null) {
      expect(comments.get(record.parentExternalId), `parent of comment ${record.externalId}`).toBe(
        record.threadExternalId,
      );
    }
    comments.set(record.externalId, record.threadExternalId);
  }
}

/** A scratch folder for the tests of the calling file, removed afterwards. */
export function useTempDir(prefix: string): () => string {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return () => dir;
}
