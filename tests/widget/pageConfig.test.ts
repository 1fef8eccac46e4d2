import { describe, expect, it } from 'vitest';
import { apiBaseFromScriptSrc, pageUrl, resolveConfig, threadKeyFromPage, type PageInfo } from '../../src/widget/pageConfig.js';

const page: PageInfo = {
  canonical: 'https://www.altfilmguide.com/refusenik-qa/',
  href: 'https://www.altfilmguide.com/refusenik-qa/?utm_source=newsletter#comments',
  title: "'Refusenik' Movie: Q&A with Director Laura Bialis",
};

describe('threadKeyFromPage', () => {
  it('uses the path of the canonical URL, without its trailing slash', () => {
    expect(threadKeyFromPage(page)).toBe('/refusenik-qa');
  });

  it('resolves a relative canonical href against the page', () => {
    expect(threadKeyFromPage({ canonical: '/movies/refusenik', href: 'https://example.com/x?y=1' })).toBe('/movies/refusenik');
  });

  it('falls back to the page path, ignoring query and fragment', () => {
    expect(threadKeyFromPage({ canonical: null, href: 'https://example.com/a/b/?p=2#c' })).toBe('/a/b');
  });

  it('keeps the query where it names the page (WordPress plain permalinks, scripts)', () => {
    expect(threadKeyFromPage({ canonical: null, href: 'https://example.com/?p=4#comments' })).toBe('/?p=4');
    expect(threadKeyFromPage({ canonical: null, href: 'https://example.com/?p=5' })).not.toBe(threadKeyFromPage({ canonical: null, href: 'https://example.com/?p=4' }));
    expect(threadKeyFromPage({ canonical: null, href: 'https://example.com/index.php?id=7' })).toBe('/index.php?id=7');
  });

  it('keeps "/" for the home page', () => {
    expect(threadKeyFromPage({ canonical: 'https://example.com/', href: 'https://example.com/' })).toBe('/');
    expect(threadKeyFromPage({ canonical: null, href: 'https://example.com//' })).toBe('/');
  });

  it('ignores an unparseable canonical', () => {
    expect(threadKeyFromPage({ canonical: 'http://[bad', href: 'https://example.com/real' })).toBe('/real');
  });
});

describe('pageUrl', () => {
  it('prefers the canonical URL and drops any fragment', () => {
    expect(pageUrl(page)).toBe('https://www.altfilmguide.com/refusenik-qa/');
    expect(pageUrl({ canonical: null, href: 'https://example.com/a?p=2#c' })).toBe('https://example.com/a?p=2');
  });
});

describe('apiBaseFromScriptSrc', () => {
  it('is the origin the script came from', () => {
    expect(apiBaseFromScriptSrc('https://comments.example.com/embed.js?v=3')).toBe('https://comments.example.com');
    expect(apiBaseFromScriptSrc('http://localhost:8787/embed.js')).toBe('http://localhost:8787');
  });

  it('is null for anything that is not an http(s) URL', () => {
    expect(apiBaseFromScriptSrc(null)).toBeNull();
    expect(apiBaseFromScriptSrc('file:///tmp/embed.js')).toBeNull();
    expect(apiBaseFromScriptSrc('not a url')).toBeNull();
  });
});

describe('resolveConfig', () => {
  it('fills defaults from the page and the script origin', () => {
    expect(resolveConfig({ site: 'altfilmguide' }, page, 'https://comments.example.com')).toEqual({
      site: 'altfilmguide',
      thread: '/refusenik-qa',
      api: 'https://comments.example.com',
      title: page.title,
      url: 'https://www.altfilmguide.com/refusenik-qa/',
      theme: 'auto',
      sort: 'oldest',
    });
  });

  it('lets data-* attributes override every default', () => {
    const config = resolveConfig(
      { site: 'altfilmguide', thread: 'refusenik-qa', api: 'https://api.example.org/', title: 'T', url: 'https://x.test/u', theme: 'dark', sort: 'newest' },
      page,
      'https://comments.example.com',
    );
    expect(config).toMatchObject({ thread: 'refusenik-qa', api: 'https://api.example.org', title: 'T', url: 'https://x.test/u', theme: 'dark', sort: 'newest' });
  });

  it('treats an unknown theme as "follow the reader\'s system"', () => {
    expect(resolveConfig({ site: 's', theme: 'purple' }, page, 'https://c.test')).toMatchObject({ theme: 'auto' });
  });

  it('explains a missing site or API address instead of failing silently', () => {
    expect(resolveConfig({}, page, 'https://c.test')).toEqual({ error: expect.stringContaining('data-site') });
    expect(resolveConfig({ site: 's' }, page, null)).toEqual({ error: expect.stringContaining('data-api') });
  });
});
