import { describe, expect, it } from 'vitest';
import type { ImportComment } from '../../src/import/records.js';
import { readWordPress } from '../../src/import/wordpress.js';
import { collect, countBy, expectInsertableOrder, fixture } from './collect.js';

const THEME_DATA = fixture('wxr/theme-unit-test-data.xml');
const ISSO = fixture('wxr/isso_wordpress.xml');

function ancestry(comments: ImportComment[], id: string): string[] {
  const byId = new Map(comments.map((c) => [c.externalId, c]));
  const chain: string[] = [];
  for (let c = byId.get(id); c; c = c.parentExternalId ? byId.get(c.parentExternalId) : undefined) {
    chain.push(c.externalId);
  }
  return chain;
}

describe('readWordPress: theme unit test data (WXR 1.2)', () => {
  it('imports the 29 reader comments and skips the 4 pings by default', async () => {
    const { comments, skips } = await collect(readWordPress(THEME_DATA));
    expect(comments).toHaveLength(29);
    expect(countBy(comments, (c) => c.status)).toEqual({ published: 26, pending: 3 });
    expect(countBy(comments, (c) => c.kind)).toEqual({ comment: 29 });
    expect(skips.map((s) => s.externalId).sort()).toEqual(['921', '922', '923', '924']);
    expect(skips[0]!.reason).toBe(
      'comment 921 is a trackback; pingbacks and trackbacks are imported only when asked for',
    );
  });

  it('imports all 33 with includePings: 2 trackbacks, 2 pingbacks, 3 unapproved', async () => {
    const { comments, skips } = await collect(readWordPress(THEME_DATA, { includePings: true }));
    expect(comments).toHaveLength(33);
    expect(skips).toEqual([]);
    expect(countBy(comments, (c) => c.kind)).toEqual({ comment: 29, trackback: 2, pingback: 2 });
    expect(countBy(comments, (c) => c.status)).toEqual({ published: 30, pending: 3 });
    expect(comments.filter((c) => c.status === 'pending').map((c) => c.externalId).sort()).toEqual([
      '1015', '1016', '1017',
    ]);
    const pings = comments.filter((c) => c.kind !== 'comment').map((c) => [c.externalId, c.kind]);
    expect(pings).toEqual([['921', 'trackback'], ['922', 'trackback'], ['923', 'pingback'], ['924', 'pingback']]);
  });

  it('keeps the reply chain ten levels deep', async () => {
    const { comments } = await collect(readWordPress(THEME_DATA));
    expect(ancestry(comments, '915')).toEqual(['915', '914', '913', '912', '911', '910', '907', '906', '905', '904']);
    expect(comments.find((c) => c.externalId === '904')!.parentExternalId).toBeNull();
    expect(ancestry(comments, '1017')).toEqual(['1017', '168']);
    expect(comments.filter((c) => c.parentExternalId !== null)).toHaveLength(10);
  });

  it('emits each post as a thread before its comments, and every parent before its replies', async () => {
    const { records, threads } = await collect(readWordPress(THEME_DATA, { includePings: true }));
    expectInsertableOrder(records);
    expect(threads.map((t) => t.externalId)).toEqual(['51', '155', '703', '1148', '1149', '1168', '1170']);
    expect(threads.find((t) => t.externalId === '1148')).toEqual({
      key: '/2012/01/03/template-comments',
      url: 'https://wpthemetestdata.wordpress.com/2012/01/03/template-comments/',
      title: 'Template: Comments',
      createdAt: new Date('2012-01-03T17:11:37Z'),
      externalId: '1148',
    });
  });

  it('reads authors, addresses and GMT dates', async () => {
    const { comments } = await collect(readWordPress(THEME_DATA, { includePings: true }));
    const byId = new Map(comments.map((c) => [c.externalId, c]));
    expect(byId.get('881')).toMatchObject({
      threadExternalId: '1148',
      author: { name: 'John Γιάννης Doe Κάποιος', email: 'example@example.org', website: 'http://example.org/' },
      createdAt: new Date('2012-09-03T17:18:04Z'),
      userAgent: null,
    });
    // Pingback authors are page titles with HTML entities; the export also pads some values with newlines.
    expect(byId.get('922')!.author.name).toMatch(/^Ping 2 with a much longer title .* « What’s a tellyworth\?$/);
    expect(byId.get('922')!.author.website).toBe(
      'http://tellyworth.wordpress.com/2007/11/21/ping-2-with-a-much-longer-title-than-the-previous-ping-which-was-called-ping-1/',
    );
    expect(byId.get('167')!.author.website).toBeNull();
  });

  it('turns the HTML showcase comment into plain text', async () => {
    const { comments } = await collect(readWordPress(THEME_DATA));
    const body = comments.find((c) => c.externalId === '881')!.body;
    expect(body).not.toMatch(/<(h1|strong|table|li|a)\b/);
    expect(body.startsWith('Headings\n\nHeader one\n\nHeader two\n\n')).toBe(true);
    expect(body).toContain('Single line blockquote:\n\n> Stay hungry. Stay foolish.\n\n');
    expect(body).toContain('The HTML <blockquote> Element');
    expect(body).toContain('John Saddington (http://example.org/)');
    expect(body).toContain('8. List item one -start at 8\n  1. List item one\n');
    expect(body).toContain('\tAnd sorry I could not travel both          (\\_/)\n');
    expect(comments.find((c) => c.externalId === '911')!.body).toBe(
      'Comment Depth 06 has some more text than some of the other comments on this post.',
    );
  });
});

describe('readWordPress: isso export (WXR 1.0, German)', () => {
  it('imports all 8 comments across the 2 posts that have comments', async () => {
    const { comments, threads, skips } = await collect(readWordPress(ISSO));
    expect(comments).toHaveLength(8);
    expect(skips).toEqual([]);
    expect(threads).toEqual([
      {
        key: '/2014/test',
        url: 'http://example.tld/2014/test/',
        title: 'Hello, World…',
        createdAt: new Date('2014-01-14T17:31:03Z'),
        externalId: '18',
      },
      // No wp:post_id: the link stands in for the id, and its ?p= query names the page.
      { key: '/?p=4', url: 'http://example.tld/?p=4', title: '...', createdAt: null, externalId: 'http://example.tld/?p=4' },
    ]);
    expect(countBy(comments, (c) => c.threadExternalId)).toEqual({ '18': 7, 'http://example.tld/?p=4': 1 });
  });

  it('keeps umlauts, line breaks and the threading', async () => {
    const { comments, records } = await collect(readWordPress(ISSO));
    const byId = new Map(comments.map((c) => [c.externalId, c]));
    expect(byId.get('7')).toMatchObject({ body: 'Drölfter!', parentExternalId: '6' });
    expect(byId.get('8')!.parentExternalId).toBe('7');
    expect(byId.get('9')!.parentExternalId).toBe('7');
    expect(byId.get('10')!.body).toBe('When you have a comment with multiple lines:\nWordPress exports it like this.');
    expect(byId.get('2')).toMatchObject({
      body: 'Erster!1',
      author: { name: 'Ohai', email: 'test@example.org', website: 'http://example.tld/' },
      ip: '::ffff:82.119.20.0',
      status: 'published',
      kind: 'comment',
    });
    expectInsertableOrder(records);
  });

  it('prefers the GMT date over the local one', async () => {
    const { comments } = await collect(readWordPress(ISSO));
    expect(comments.find((c) => c.externalId === '10')!.createdAt).toEqual(new Date('2022-06-06T02:13:14Z'));
  });
});
