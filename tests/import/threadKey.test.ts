import { describe, expect, it } from 'vitest';
import { absoluteUrl, threadKeyFromUrl } from '../../src/import/threadKey.js';
import { threadKeyFromPage } from '../../src/widget/pageConfig.js';

describe('threadKeyFromUrl', () => {
  it("keeps the permalink's path, without a trailing slash (the widget's key for that page)", () => {
    expect(threadKeyFromUrl('https://blog.example.org/2008/refusenik-qa/')).toBe('/2008/refusenik-qa');
    expect(threadKeyFromUrl('  http://example.org/a/b.html#comments ')).toBe('/a/b.html');
  });

  it('drops query strings, which are tracking noise on ordinary permalinks', () => {
    expect(threadKeyFromUrl('https://example.org/post/?utm_source=x&replytocom=4')).toBe('/post');
  });

  it('keeps the query where it is what names the page', () => {
    expect(threadKeyFromUrl('http://example.tld/?p=4')).toBe('/?p=4');
    expect(threadKeyFromUrl('http://example.tld/index.php?page_id=7')).toBe('/index.php?page_id=7');
  });

  it('accepts site-relative paths and rejects anything else', () => {
    expect(threadKeyFromUrl('/2014/test/')).toBe('/2014/test');
    expect(threadKeyFromUrl('some-identifier')).toBeNull();
    expect(threadKeyFromUrl('ftp://example.org/x')).toBeNull();
    expect(threadKeyFromUrl('')).toBeNull();
    expect(threadKeyFromUrl(undefined)).toBeNull();
  });
});

describe('imported threads and the widget', () => {
  // An imported thread is only seen if the default embed on that page asks for the same key.
  it.each([
    'https://blog.example.org/2008/refusenik-qa/',
    'https://blog.example.org/2008/refusenik-qa',
    'https://example.org/post/?utm_source=x&replytocom=4#comment-9',
    'http://example.tld/?p=4',
    'http://example.tld/index.php?page_id=7',
    'https://example.org/',
    'https://example.org/a/b.html',
  ])('agree on the key of %s', (url) => {
    expect(threadKeyFromUrl(url)).toBe(threadKeyFromPage({ canonical: url, href: 'https://elsewhere.example/x' }));
    expect(threadKeyFromUrl(url)).toBe(threadKeyFromPage({ canonical: null, href: url }));
  });
});

describe('absoluteUrl', () => {
  it('returns absolute http(s) URLs only', () => {
    expect(absoluteUrl(' https://example.org/x ')).toBe('https://example.org/x');
    expect(absoluteUrl('/x')).toBeNull();
    expect(absoluteUrl('http://')).toBeNull();
  });
});
