import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readDisqus } from '../../src/import/disqus.js';
import { ImportFileError } from '../../src/import/records.js';
import { readWordPress } from '../../src/import/wordpress.js';
import { collect, fixture, useTempDir } from './collect.js';

const tempDir = useTempDir('parley-wxr-');

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(tempDir(), name);
  await writeFile(path, content);
  return path;
}

interface CommentSpec {
  id?: string;
  parent?: string;
  author?: string;
  gmt?: string | null;
  local?: string;
  approved?: string;
  type?: string;
  content?: string;
}

function wpComment(spec: CommentSpec): string {
  const field = (name: string, value: string | null | undefined) =>
    value === undefined || value === null ? '' : `<wp:${name}>${value}</wp:${name}>`;
  return `
      <wp:comment>
        ${field('comment_id', spec.id)}
        ${field('comment_author', spec.author === undefined ? '<![CDATA[Reader]]>' : spec.author)}
        <wp:comment_author_email>reader@example.org</wp:comment_author_email>
        <wp:comment_author_url>http://</wp:comment_author_url>
        <wp:comment_author_IP>192.0.2.1</wp:comment_author_IP>
        ${field('comment_date', spec.local)}
        ${field('comment_date_gmt', spec.gmt === undefined ? '2020-05-01 10:00:00' : spec.gmt)}
        ${field('comment_content', spec.content ?? `<![CDATA[Comment ${spec.id ?? '?'}]]>`)}
        ${field('comment_approved', spec.approved ?? '1')}
        ${field('comment_type', spec.type ?? '')}
        ${field('comment_parent', spec.parent ?? '0')}
      </wp:comment>`;
}

function wxr(items: string): string {
  return `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <wp:wxr_version>1.2</wp:wxr_version>
    ${items}
  </channel>
</rss>
`;
}

function item(postId: string, comments: string[], link = `https://blog.example.org/${postId}/post/`): string {
  return `
    <item>
      <title>Post ${postId}</title>
      <link>${link}</link>
      <guid isPermaLink="false">https://blog.example.org/?p=${postId}</guid>
      <content:encoded><![CDATA[<p>The post body, which the importer does not need.</p>]]></content:encoded>
      <wp:post_id>${postId}</wp:post_id>
      <wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>
      ${comments.join('')}
    </item>`;
}

// PHP notices printed before the export are the classic WordPress export breakage.
const PHP_NOTICE =
  '\uFEFF\n<br />\n<b>Notice</b>:  Undefined index: HTTP_HOST in <b>/var/www/wp-config.php</b> on line <b>12</b><br />\n';

describe('readWordPress: a messy export', () => {
  it('skips the bad records with reasons and imports the rest', async () => {
    const path = await file(
      'messy.xml',
      PHP_NOTICE +
        wxr(
          item('1', [
            wpComment({ id: '1' }),
            wpComment({ id: '2', gmt: null, local: undefined }),
            wpComment({ id: '3', author: '' }),
            wpComment({ id: '4', parent: 'abc' }),
            wpComment({ id: '5', parent: '4' }),
            wpComment({ id: '6', approved: 'trash' }),
            wpComment({ id: '7', parent: '6' }),
            wpComment({ id: '8', parent: '555' }),
            wpComment({ id: '9', approved: 'spam', gmt: '0000-00-00 00:00:00', local: '2019-12-31 23:59:00' }),
            wpComment({ content: 'no id' }),
            wpComment({ id: '10', type: 'woocommerce_order_note' }),
            wpComment({ id: '11', approved: 'maybe' }),
            wpComment({ id: '12', content: '<![CDATA[   ]]>' }),
            wpComment({ id: '1', content: 'again' }),
          ]),
        ),
    );
    const { comments, threads, skips } = await collect(readWordPress(path));

    expect(threads).toEqual([
      { key: '/1/post', url: 'https://blog.example.org/1/post/', title: 'Post 1', createdAt: null, externalId: '1' },
    ]);
    expect(comments.map((c) => [c.externalId, c.parentExternalId, c.status])).toEqual([
      ['1', null, 'published'],
      ['5', null, 'published'], // its parent 4 was skipped; 4 was top-level
      ['7', null, 'published'], // its parent 6 is in the trash
      ['9', null, 'spam'],
      ['8', null, 'published'], // 555 is not in the file (WordPress leaves spam out); released when the post ends
    ]);
    expect(comments.find((c) => c.externalId === '9')!.createdAt).toEqual(new Date('2019-12-31T23:59:00Z'));
    expect(comments[0]!.author).toEqual({ name: 'Reader', email: 'reader@example.org', website: null });
    expect(skips).toEqual([
      { externalId: '2', reason: 'comment 2 has no valid date' },
      { externalId: '3', reason: 'comment 3 has no author name' },
      { externalId: '4', reason: 'comment 4 has an unusable parent id "abc"' },
      { externalId: '6', reason: 'comment 6 is in the trash' },
      { externalId: null, reason: 'a comment has no <wp:comment_id>' },
      { externalId: '10', reason: 'comment 10 has type "woocommerce_order_note", which is not a reader\'s comment' },
      { externalId: '11', reason: 'comment 11 has an unknown approval status "maybe"' },
      { externalId: '12', reason: 'comment 12 has no text' },
      { externalId: '1', reason: 'comment 1 appears twice in the same post' },
    ]);
  });

  it('puts a reply listed before its parent after it', async () => {
    const path = await file(
      'reversed.xml',
      wxr(item('7', [wpComment({ id: '30', parent: '20' }), wpComment({ id: '20', parent: '10' }), wpComment({ id: '10' })])),
    );
    const { comments } = await collect(readWordPress(path));
    expect(comments.map((c) => [c.externalId, c.parentExternalId])).toEqual([
      ['10', null],
      ['20', '10'],
      ['30', '20'],
    ]);
  });

  it('reads HTML written into the XML without CDATA, and HTML entities XML does not know', async () => {
    const path = await file(
      'unescaped.xml',
      wxr(item('2', [wpComment({ id: '1', content: 'Hello<br/>world &amp; you&nbsp;<a href="https://x.org/">x</a>\nbye' })])),
    );
    const { comments, skips } = await collect(readWordPress(path));
    expect(comments[0]!.body).toBe('Hello\nworld & you x (https://x.org/)\nbye');
    expect(skips).toEqual([{ externalId: null, reason: expect.stringMatching(/^the file has 1 XML syntax error\(s\).*undefined entity/) }]);
  });

  it('falls back to /?p=ID as the key when a post has no usable link', async () => {
    const path = await file('nolink.xml', wxr(item('42', [wpComment({ id: '1' })], '')));
    const { threads } = await collect(readWordPress(path));
    expect(threads[0]).toMatchObject({ key: '/?p=42', url: null, externalId: '42' });
  });

  it('reports a truncated file and keeps what came before the cut', async () => {
    const whole = wxr(item('3', [wpComment({ id: '1' }), wpComment({ id: '2' }), wpComment({ id: '3' })]));
    const path = await file('truncated.xml', whole.slice(0, whole.indexOf('Comment 3')));
    const { comments, skips } = await collect(readWordPress(path));
    expect(comments.map((c) => c.externalId)).toEqual(['1', '2']);
    expect(skips).toEqual([
      { externalId: '3', reason: 'the file ends in the middle of comment 3' },
      { externalId: null, reason: 'the file ends before </rss>, so it looks truncated: anything after the last record is missing' },
    ]);
  });

  it('honours a declared ISO-8859-1 encoding', async () => {
    const latin1 = Buffer.from(
      wxr(item('5', [wpComment({ id: '1', author: 'Jürgen', content: 'Drölfter Grüße' })])).replace('UTF-8', 'ISO-8859-1'),
      'latin1',
    );
    const { comments } = await collect(readWordPress(await file('latin1.xml', latin1)));
    expect(comments[0]).toMatchObject({ body: 'Drölfter Grüße', author: { name: 'Jürgen' } });
  });

  it('unpacks a gzipped export', async () => {
    const gzipped = gzipSync(await readFile(fixture('wxr/isso_wordpress.xml')));
    const { comments } = await collect(readWordPress(await file('isso.xml.gz', gzipped)));
    expect(comments).toHaveLength(8);
  });

  it('stops reading when the consumer stops', async () => {
    let seen = 0;
    for await (const record of readWordPress(fixture('wxr/theme-unit-test-data.xml'))) {
      if (record.type === 'comment' && ++seen === 3) break;
    }
    expect(seen).toBe(3);
  });
});

describe('unreadable files fail once, clearly', () => {
  it('names a missing file', async () => {
    await expect(collect(readWordPress(join(tempDir(), 'nope.xml')))).rejects.toThrow(
      new ImportFileError(`cannot open ${join(tempDir(), 'nope.xml')}: ENOENT: no such file or directory, open '${join(tempDir(), 'nope.xml')}'`),
    );
  });

  it('rejects a directory', async () => {
    const path = join(tempDir(), 'a-directory');
    await mkdir(path);
    await expect(collect(readWordPress(path))).rejects.toThrow(/^cannot read .*EISDIR/);
  });

  it('rejects a file without XML', async () => {
    const path = await file('text.xml', 'just some text\nno markup here\n');
    await expect(collect(readWordPress(path))).rejects.toThrow(`${path} is not a WordPress export (WXR): it contains no XML`);
    await expect(collect(readDisqus(await file('empty.xml', '')))).rejects.toThrow(/is not a Disqus export: it contains no XML/);
  });

  it('says what the file is when it is the wrong export', async () => {
    const disqusFile = fixture('disqus/isso_disqus.xml');
    await expect(collect(readWordPress(disqusFile))).rejects.toThrow(
      `${disqusFile} is not a WordPress export (WXR): it starts with <disqus>, not <rss>`,
    );
    await expect(collect(readDisqus(fixture('wxr/isso_wordpress.xml')))).rejects.toThrow(/starts with <rss>, not <disqus>/);
  });

  it('rejects an HTML page saved in place of the export', async () => {
    const path = await file('login.html', '<!DOCTYPE html><html><body>Please log in</body></html>');
    await expect(collect(readWordPress(path))).rejects.toBeInstanceOf(ImportFileError);
  });
});
