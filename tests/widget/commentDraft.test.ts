import { describe, expect, it } from 'vitest';
import { isHttpUrl, normalizeWebsite, validateDraft, type Draft } from '../../src/widget/commentDraft.js';

const limits = { nameMax: 100, bodyMax: 10_000 };
const good: Draft = { name: 'Sondra Snyder', email: 'sondra@example.com', website: '', body: 'Where can I find the film?', consent: true };

describe('validateDraft', () => {
  it('accepts a complete draft', () => {
    expect(validateDraft(good, limits)).toEqual([]);
  });

  it('refuses to send without the consent box ticked, saying so in words', () => {
    expect(validateDraft({ ...good, consent: false }, limits)).toEqual([{ field: 'consent', message: 'Please tick the box to agree before posting.' }]);
  });

  it('lists every problem in form order, so focus goes to the first', () => {
    const problems = validateDraft({ name: ' ', email: 'nope', website: 'javascript:alert(1)', body: '', consent: false }, limits);
    expect(problems.map((p) => p.field)).toEqual(['name', 'email', 'website', 'body', 'consent']);
  });

  it('counts the body against the site limit', () => {
    expect(validateDraft({ ...good, body: 'x'.repeat(10_000) }, limits)).toEqual([]);
    expect(validateDraft({ ...good, body: 'x'.repeat(10_003) }, limits)).toEqual([
      { field: 'body', message: 'Your comment is 3 characters too long (at most 10000).' },
    ]);
  });

  it('enforces the name limit', () => {
    expect(validateDraft({ ...good, name: 'n'.repeat(101) }, limits)[0]?.field).toBe('name');
  });
});

describe('normalizeWebsite', () => {
  it('adds https:// to a bare domain and leaves full URLs alone', () => {
    expect(normalizeWebsite('altfilmguide.com')).toBe('https://altfilmguide.com');
    expect(normalizeWebsite(' http://example.com/me ')).toBe('http://example.com/me');
    expect(normalizeWebsite('')).toBe('');
  });
});

describe('isHttpUrl', () => {
  it('allows only http(s) links with a real host', () => {
    expect(isHttpUrl('https://example.com')).toBe(true);
    expect(isHttpUrl('http://example.com/a?b')).toBe(true);
    expect(isHttpUrl('javascript:alert(1)')).toBe(false);
    expect(isHttpUrl('data:text/html,hi')).toBe(false);
    expect(isHttpUrl('https://localhost')).toBe(false);
    expect(isHttpUrl('')).toBe(false);
    expect(isHttpUrl(null)).toBe(false);
  });
});
