import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeWxr } from '../../bench/generate-wxr.js';
import { readWordPress } from '../../src/import/wordpress.js';
import { collect, countBy, expectInsertableOrder, useTempDir } from './collect.js';

describe('bench/generate-wxr', () => {
  const tempDir = useTempDir('parley-gen-');

  it('writes an export the reader imports exactly as generated', async () => {
    const path = join(tempDir(), 'generated.xml');
    const stats = await writeWxr(path, { comments: 3_000, posts: 40, seed: 7 });
    const { records, threads, comments, skips } = await collect(readWordPress(path, { includePings: true }));

    expect(comments).toHaveLength(stats.comments - stats.trash);
    expect(skips).toHaveLength(stats.trash);
    expect(skips.every((s) => s.reason.endsWith('is in the trash'))).toBe(true);
    expect(countBy(comments, (c) => c.status)).toEqual({
      published: stats.published,
      pending: stats.pending,
      spam: stats.spam,
    });
    expect(countBy(comments, (c) => c.kind)).toEqual({
      comment: stats.comments - stats.trash - stats.pingbacks - stats.trackbacks,
      pingback: stats.pingbacks,
      trackback: stats.trackbacks,
    });
    expect(comments.filter((c) => c.parentExternalId !== null)).toHaveLength(stats.replies);
    expect(threads.length).toBeLessThanOrEqual(stats.posts);
    expect(comments.some((c) => c.body.includes('(https://example.com/'))).toBe(true);
    expect(comments.every((c) => !/<\/?(strong|em|a|blockquote)\b/.test(c.body))).toBe(true);
    expectInsertableOrder(records);
  });
});
