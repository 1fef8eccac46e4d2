import { describe, expect, it } from 'vitest';
import { findLinks, isHostAllowed } from '../../src/moderation/phases/linkDetection.js';
import { linksPhase } from '../../src/moderation/phases/links.js';
import { flagCodes, makeSettings, makeSubmission, runPhase } from './support/factories.js';

const raws = (text: string) => findLinks(text).map((link) => link.raw);

describe('finding links', () => {
  it.each([
    ['a full URL', 'Trailer: https://www.youtube.com/watch?v=Qk7rFx2P9sA here', 'https://www.youtube.com/watch?v=Qk7rFx2P9sA'],
    ['a www. host', 'see www.refusenikfilm.com for screenings', 'www.refusenikfilm.com'],
    ['a bare domain', 'I found it on murdev.com last week', 'murdev.com'],
    ['a bare domain with a path', 'imdb.com/title/tt1183252 has the cast', 'imdb.com/title/tt1183252'],
    ['a cheap new zone', 'go to www.123freemovies.online now', 'www.123freemovies.online'],
    ['an email address', 'write to me at sondra@example.org please', 'sondra@example.org'],
    ['a markdown link', 'The [official site](http://www.refusenikfilm.com) lists them', '[official site](http://www.refusenikfilm.com)'],
    ['an HTML anchor', 'my <a href="https://journal.example.org/r">review</a> is up', '<a href="https://journal.example.org/r">review</a>'],
    ['"example dot com"', 'free films at moviestream dot net', 'moviestream dot net'],
    ['"example [dot] com"', 'go to classicflix [dot] xyz no ads', 'classicflix [dot] xyz'],
    ['"example (.) com"', 'deals at dealsdaily (.) com', 'dealsdaily (.) com'],
    ['a spaced-out scheme', 'visit h t t p : / / freedocs . stream today', 'h t t p : / / freedocs . stream'],
    ['hxxp', 'Download at hxxp://docu-download.ru now', 'hxxp://docu-download.ru'],
    ['an obfuscated email', 'mail cyberfix247 (at) gmail (dot) com', 'cyberfix247 (at) gmail (dot) com'],
  ])('finds %s', (_name, text, expected) => {
    expect(raws(text)).toEqual([expected]);
  });

  it.each([
    ['abbreviations', 'e.g. the 1970s, i.e. before a.m. and p.m. screenings, U.S.A., Ph.D.'],
    ['names without a space', 'Mr.Smith and St.Louis and J.R. Mason and Dr.No'],
    ['scores and decimals', 'I give it 9.5/10, a 7/10 at worst, 3.14 and $4.99'],
    ['playback speeds', 'watched at 1.5x and then 1.25x'],
    ['film titles', "Ocean's 11, Se7en, M*A*S*H, 8½ and 2001: A Space Odyssey"],
    ['file names', 'the old index.html page, readme.md, subs.srt and movie.mp4'],
    ['sentences run together', 'I loved it.It was great, the end.So there.'],
    ['"the dot com bubble"', 'the film is set during the dot com bubble'],
    ['numbered things', 'No.1 documentary, pt.2, Vol.II'],
  ])('does not mistake %s for links', (_name, text) => {
    expect(raws(text)).toEqual([]);
  });

  it('reads the host of each kind of link', () => {
    expect(findLinks('a https://WWW.Example.org/x b hello@Mail.Example.com c moviestream dot net').map((l) => l.host)).toEqual([
      'www.example.org',
      'mail.example.com',
      'moviestream.net',
    ]);
  });

  it('allows a listed domain and its subdomains, not look-alikes', () => {
    const allowlist = ['imdb.com', 'https://www.archive.org/'];
    expect(isHostAllowed('imdb.com', allowlist)).toBe(true);
    expect(isHostAllowed('www.imdb.com', allowlist)).toBe(true);
    expect(isHostAllowed('m.imdb.com', allowlist)).toBe(true);
    expect(isHostAllowed('archive.org', allowlist)).toBe(true);
    expect(isHostAllowed('notimdb.com', allowlist)).toBe(false);
    expect(isHostAllowed('imdb.com.evil.ru', allowlist)).toBe(false);
    expect(isHostAllowed(null, allowlist)).toBe(false);
  });
});

describe('finding links twice in the same text', () => {
  it('answers the same again, and what one caller changes in its answer does not reach the next', () => {
    const text = 'See murdev.com and https://example.org/x for more';
    const first = findLinks(text);
    expect(first.map((l) => l.host)).toEqual(['murdev.com', 'example.org']);
    first[0]!.host = 'changed.example';
    first.pop();
    const second = findLinks(text);
    expect(second.map((l) => l.host)).toEqual(['murdev.com', 'example.org']);
    expect(findLinks('no links here at all')).toEqual([]);
    expect(findLinks(text).map((l) => l.raw)).toEqual(['murdev.com', 'https://example.org/x']);
  });
});

describe('links phase', () => {
  it('strips links by default and keeps the originals as evidence', async () => {
    const body = 'Kanopy has it: https://kanopy.example/refusenik and more at archive.org/details/x';
    const result = await runPhase(linksPhase, { body });
    expect(result.body).toBe('Kanopy has it: [link removed] and more at [link removed]');
    expect(result.decision).toBeUndefined();
    const flag = result.flags!.find((f) => f.code === 'links_removed')!;
    expect(flag.evidence).toMatchObject({ removed: ['https://kanopy.example/refusenik', 'archive.org/details/x'], count: 2 });
    expect(flag.reason).toMatch(/Removed 2 links/);
  });

  it('keeps the words of a markdown or HTML link', async () => {
    const result = await runPhase(linksPhase, { body: 'See [the trailer](https://youtu.be/x) and <a href="https://x.org">my <b>review</b></a>.' });
    expect(result.body).toBe('See the trailer [link removed] and my review [link removed].');
  });

  it('does not keep link text that is itself an address', async () => {
    const result = await runPhase(linksPhase, { body: '<a href="https://spam.com">spam.com</a>' });
    expect(result.body).toBe('[link removed]');
  });

  it('replaces email addresses with their own placeholder', async () => {
    const result = await runPhase(linksPhase, { body: 'Contact me at outreach.team@gmail.com for a quote' });
    expect(result.body).toBe('Contact me at [email removed] for a quote');
  });

  it('strips obfuscated links too and counts them', async () => {
    const result = await runPhase(linksPhase, { body: 'free films at moviestream dot net and hxxp://x-docs.ru' });
    expect(result.body).toBe('free films at [link removed] and [link removed]');
    expect(result.flags![0]!.evidence).toMatchObject({ obfuscated: 2 });
  });

  it('removes the author website under the strip policy', async () => {
    const submission = makeSubmission({ author: { website: 'https://megansfilmnotebook.example' } });
    const result = await runPhase(linksPhase, { submission });
    expect(result.website).toBeNull();
    expect(result.body).toBeUndefined();
    expect(result.flags).toEqual([
      { code: 'website_removed', reason: expect.any(String), evidence: { website: 'https://megansfilmnotebook.example' } },
    ]);
  });

  it('leaves allowlisted links and websites in place', async () => {
    const settings = makeSettings({ links: { policy: 'strip', allowlist: ['imdb.com', 'letterboxd.com'] } });
    const submission = makeSubmission({
      body: 'Cast list: https://www.imdb.com/title/tt1183252 and my notes at spam.ru',
      author: { website: 'https://letterboxd.com/avajohnson' },
    });
    const result = await runPhase(linksPhase, { submission, settings });
    expect(result.body).toBe('Cast list: https://www.imdb.com/title/tt1183252 and my notes at [link removed]');
    expect(result.website).toBeUndefined();
    expect(flagCodes(result)).toEqual(['links_removed']);
  });

  it('holds a comment with links under the hold policy, listing them', async () => {
    const settings = makeSettings({ links: { policy: 'hold', allowlist: [] } });
    const submission = makeSubmission({ body: 'Trailer at https://youtu.be/abc', author: { website: 'https://blog.example' } });
    const result = await runPhase(linksPhase, { submission, settings });
    expect(result.decision?.status).toBe('hold');
    expect(result.decision?.reason).toContain('https://youtu.be/abc');
    expect(result.decision?.reason).toContain('https://blog.example (website)');
    expect(result.body).toBeUndefined();
    expect(flagCodes(result)).toEqual(['links_held']);
  });

  it('does nothing under the allow policy', async () => {
    const settings = makeSettings({ links: { policy: 'allow', allowlist: [] } });
    const submission = makeSubmission({ body: 'https://spam.example', author: { website: 'https://spam.example' } });
    expect(await runPhase(linksPhase, { submission, settings })).toEqual({});
  });

  it('does nothing when there are no links', async () => {
    expect(await runPhase(linksPhase, { body: 'I give it 9.5/10, e.g. better than Ocean\'s 11.' })).toEqual({});
  });
});
