import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HELD_POSTS_LIMIT, readDisqus } from '../../src/import/disqus.js';
import { collect, countBy, fixture, useTempDir } from './collect.js';

const ISSO = fixture('disqus/isso_disqus.xml');

describe('readDisqus: isso export', () => {
  it('reads 6 posts: 5 comments and one orphan whose thread is not in the export', async () => {
    const { comments, skips } = await collect(readDisqus(ISSO));
    expect(comments.map((c) => c.externalId)).toEqual(['4', '5', '8', '9', '11']);
    expect(skips).toContainEqual({ externalId: '6', reason: 'orphan: thread 1337 not in export' });
  });

  it('keeps the deleted post as a tombstone so its reply stays threaded', async () => {
    const { comments } = await collect(readDisqus(ISSO));
    const byId = new Map(comments.map((c) => [c.externalId, c]));
    expect(countBy(comments, (c) => c.status)).toEqual({ published: 4, deleted: 1 });
    expect(byId.get('9')).toMatchObject({ status: 'deleted', body: '', threadExternalId: '2' });
    expect(byId.get('11')).toMatchObject({ parentExternalId: '9', status: 'published' });
    expect(byId.get('5')).toMatchObject({ parentExternalId: '4', body: 'Hello, World.' });
    expect(comments.filter((c) => c.parentExternalId !== null)).toHaveLength(2);
  });

  it('reads authors, addresses and dates', async () => {
    const { comments } = await collect(readDisqus(ISSO));
    expect(comments.find((c) => c.externalId === '8')).toEqual({
      externalId: '8',
      threadExternalId: '7',
      parentExternalId: null,
      author: { name: 'Empty', email: 'baz@email.foo', website: null },
      ip: '127.0.0.1',
      userAgent: null,
      createdAt: new Date('2013-10-11T06:51:33Z'),
      body: 'Message from thread with empty title and id',
      status: 'published',
      kind: 'comment',
    });
  });

  it('emits threads with a link, and skips the one with neither link nor identifier', async () => {
    const { threads, skips } = await collect(readDisqus(ISSO));
    expect(threads).toEqual([
      { key: '/', url: 'http://example.org/', title: 'Hello, World!', createdAt: new Date('2012-12-12T12:12:12Z'), externalId: '2' },
      {
        key: '/blog/2013/02/12/redacted/index.html',
        url: 'http://localhost:4000/blog/2013/02/12/redacted/index.html',
        title: null,
        createdAt: new Date('2013-02-12T16:29:45Z'),
        externalId: '7',
      },
    ]);
    expect(skips).toContainEqual({ externalId: '3', reason: 'thread 3 has neither a link nor an identifier' });
    expect(skips).toHaveLength(2);
  });
});

describe('readDisqus: messy exports', () => {
  const tempDir = useTempDir('parley-disqus-');

  const post = (id: number, thread: string, extra = '') => `
    <post dsq:id="${id}">
      <message><![CDATA[<p>Post ${id}</p>]]></message>
      <createdAt>2020-01-0${(id % 9) + 1}T10:00:00Z</createdAt>
      <isDeleted>false</isDeleted><isSpam>false</isSpam>
      <author><name>Reader ${id}</name><email>r${id}@example.org</email></author>
      <ipAddress>10.0.0.${id % 250}</ipAddress>
      <thread dsq:id="${thread}" />${extra}
    </post>`;
  const thread = (id: string, link: string) =>
    `<thread dsq:id="${id}"><id>${id}-ident</id><link>${link}</link><title>T &amp; ${id}</title></thread>`;
  const disqus = (body: string) =>
    `<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">${body}\n</disqus>\n`;

  it('imports posts that come before their thread, and what the messy records allow', async () => {
    const path = join(tempDir(), 'messy.xml');
    const body =
      // A post listed before its thread.
      post(1, '10') +
      // Unquoted, self-closing attribute: arrives as "10/".
      `<post dsq:id="2"><message>Reply</message><createdAt>2020-02-01T00:00:00Z</createdAt>
        <author><username>only_username</username></author><thread dsq:id=10/><parent dsq:id="1"/></post>` +
      post(3, '10').replace(/<createdAt>.*<\/createdAt>/, '') +
      post(4, '10').replace('<isSpam>false</isSpam>', '<isSpam>true</isSpam>').replace('<isDeleted>false', '<isDeleted>true') +
      post(5, '10').replace(/<author>.*<\/author>/, '<author><email>x@example.org</email></author>') +
      thread('10', 'https://example.org/news/story/?utm_source=feed') +
      post(6, '10', '<parent dsq:id="777" />');
    await writeFile(path, 'garbage before the declaration\n' + disqus(body));

    const { comments, threads, skips } = await collect(readDisqus(path));
    expect(threads.map((t) => [t.externalId, t.key, t.title])).toEqual([['10', '/news/story', 'T & 10']]);
    expect(comments.map((c) => [c.externalId, c.status, c.parentExternalId])).toEqual([
      ['6', 'published', '777'],
      ['1', 'published', null],
      ['2', 'published', '1'],
      ['4', 'spam', null],
    ]);
    expect(comments.find((c) => c.externalId === '2')!.author).toEqual({ name: 'only_username', email: null, website: null });
    expect(skips).toEqual([
      { externalId: null, reason: expect.stringMatching(/^the file has 1 XML syntax error\(s\), the first at .*unquoted attribute value/) },
      { externalId: '3', reason: 'post 3 has no valid date' },
      { externalId: '5', reason: 'post 5 has no author name' },
    ]);
  });

  it('reads the rest of the early posts in a second pass when there are too many to hold', async () => {
    const path = join(tempDir(), 'many-early.xml');
    const count = HELD_POSTS_LIMIT + 50;
    const posts: string[] = [];
    for (let i = 1; i <= count; i++) posts.push(post(i, '1'));
    await writeFile(path, disqus(posts.join('') + thread('1', 'https://example.org/a/') + post(count + 1, '9')));
    const { comments, skips } = await collect(readDisqus(path));
    expect(comments).toHaveLength(count);
    expect(new Set(comments.map((c) => c.externalId)).size).toBe(count);
    expect(skips).toEqual([{ externalId: String(count + 1), reason: 'orphan: thread 9 not in export' }]);
  });

  it('unpacks a gzipped export', async () => {
    const path = join(tempDir(), 'export.xml.gz');
    await writeFile(path, gzipSync(disqus(thread('1', 'https://example.org/a/') + post(1, '1'))));
    const { comments, threads } = await collect(readDisqus(path));
    expect(threads).toHaveLength(1);
    expect(comments.map((c) => c.body)).toEqual(['Post 1']);
  });
});
