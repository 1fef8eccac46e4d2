import { describe, expect, it } from 'vitest';
import { absoluteUrl, threadKeyFromUrl } from '../../src/import/threadKey.js';

describe('threadKeyFromUrl', () => {
  it("keeps the permalink's path", () => {
    expect(threadKeyFromUrl('https://blog.example.org/2008/refusenik-qa/')).toBe('/2008/refusenik-qa/');
    expect(threadKeyFromUrl('  http://example.org/a/b.html#comments ')).toBe('/a/b.html');
  });

  it('drops query strings, which are tracking noise on ordinary permalinks', () => {
    expect(threadKeyFromUrl('https://example.org/post/?utm_source=x&replytocom=4')).toBe('/post/');
  });

  it('keeps the query where it is what names the page', () => {
    expect(threadKeyFromUrl('http://example.tld/?p=4')).toBe('/?p=4');
    expect(threadKeyFromUrl('http://example.tld/index.php?page_id=7')).toBe('/index.php?page_id=7');
  });

  it('accepts site-relative paths and rejects anything else', () => {
    expect(threadKeyFromUrl('/2014/test/')).toBe('/2014/test/');
    expect(threadKeyFromUrl('some-identifier')).toBeNull();
    expect(threadKeyFromUrl('ftp://example.org/x')).toBeNull();
    expect(threadKeyFromUrl('')).toBeNull();
    expect(threadKeyFromUrl(undefined)).toBeNull();
  });
});

describe('absoluteUrl', () => {
  it('returns absolute http(s) URLs only', () => {
    expect(absoluteUrl(' https://example.org/x ')).toBe('https://example.org/x');
    expect(absoluteUrl('/x')).toBeNull();
    expect(absoluteUrl('http://')).toBeNull();
  });
});
