import { describe, expect, it } from 'vitest';
import { normaliseAuthorName, normaliseBody, normalisePhase } from '../../src/moderation/phases/normalise.js';
import { flagCodes, makeSubmission, runPhase } from './support/factories.js';

describe('normalise phase', () => {
  it('trims, unifies line endings and keeps at most one blank line', async () => {
    const result = await runPhase(normalisePhase, { body: '  First line\r\nsecond\r\n\r\n\r\n\r\nthird\rfourth\n \n\t\n\nfifth  ' });
    expect(result.body).toBe('First line\nsecond\n\nthird\nfourth\n\nfifth');
    expect(result.decision).toBeUndefined();
    expect(result.flags).toEqual([]);
  });

  it('composes decomposed accents to NFC so "é" is one character everywhere', async () => {
    const result = await runPhase(normalisePhase, { body: 'Un documentaire bouleverse\u0301' });
    expect(result.body).toBe('Un documentaire bouleversé');
    expect(result.body!.length).toBe(26);
  });

  it('removes zero-width and bidi-override characters and says how many', async () => {
    const result = await runPhase(normalisePhase, { body: 's\u200Bp\u200Ca\u200Dm \u2060\uFEFFoffer \u202Egnp.exe\u202C and \u2066isolate\u2069' });
    expect(result.body).toBe('spam offer gnp.exe and isolate');
    const flag = result.flags!.find((f) => f.code === 'invisible_characters_removed')!;
    expect(flag.reason).toMatch(/Removed 9 invisible/);
    expect(flag.evidence).toMatchObject({ count: 9, inBody: 9, characters: { 'U+200B': 1, 'U+200C': 1, 'U+200D': 1, 'U+2060': 1, 'U+FEFF': 1, 'U+202E': 1, 'U+202C': 1, 'U+2066': 1, 'U+2069': 1 } });
  });

  it('keeps the joiners that Persian spelling and family emoji need', () => {
    const persian = 'می\u200Cخواهم این فیلم را ببینم';
    const family = '👨\u200D👩\u200D👧 watched it together';
    expect(normaliseBody(persian).text).toBe(persian);
    expect(normaliseBody(family).text).toBe(family);
    expect(normaliseBody('Latin\u200Cword').text).toBe('Latinword');
  });

  it('cleans the author name and website too, and counts them in the flag', async () => {
    const submission = makeSubmission({ author: { name: '  Best\u200B  SEO\u202E ', website: ' https://example.org\u200B ' } });
    const result = await runPhase(normalisePhase, { submission });
    expect(result.authorName).toBe('Best SEO');
    expect(result.website).toBe('https://example.org');
    expect(result.flags![0]!.evidence).toMatchObject({ count: 3, inAuthorName: 2, inWebsite: 1, inBody: 0 });
  });

  it('leaves an already clean name alone', async () => {
    const result = await runPhase(normalisePhase, { submission: makeSubmission({ author: { name: 'Sondra Snyder' } }) });
    expect(result.authorName).toBeUndefined();
    expect(normaliseAuthorName('Sondra\u00A0 Snyder').text).toBe('Sondra Snyder');
  });

  it('turns an empty website into null', async () => {
    const result = await runPhase(normalisePhase, { submission: makeSubmission({ author: { website: '  \u200B ' } }) });
    expect(result.website).toBeNull();
  });

  it('rejects a comment that was nothing but invisible characters', async () => {
    const result = await runPhase(normalisePhase, { body: '\u200B\u200B \n\uFEFF' });
    expect(result.decision).toEqual({ status: 'reject', reason: expect.stringMatching(/empty/) });
    expect(flagCodes(result)).toContain('invisible_characters_removed');
  });
});
