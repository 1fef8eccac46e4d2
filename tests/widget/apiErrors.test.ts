import { describe, expect, it } from 'vitest';
import { failureFrom, formFieldForErrorPath, messageForFailure, NETWORK_FAILURE, parseRetryAfter } from '../../src/widget/apiErrors.js';

const NOW = Date.parse('2024-06-15T12:00:00Z');

describe('formFieldForErrorPath', () => {
  it.each([
    ['author.name', 'name'],
    ['author.email', 'email'],
    ['author.website', 'website'],
    ['body', 'body'],
    ['consent', 'consent'],
    ['consent.accepted', 'consent'],
    ['consent.policyVersion', 'consent'],
  ])('puts an error on %s next to the %s control', (path, field) => {
    expect(formFieldForErrorPath(path)).toBe(field);
  });

  it.each([['author'], ['formToken'], ['parentId'], ['thread'], [''], [null], [undefined]])('puts an error on %s at the top of the form', (path) => {
    expect(formFieldForErrorPath(path)).toBeNull();
  });
});

describe('failureFrom', () => {
  it('reads the server error envelope', () => {
    const f = failureFrom(422, { error: { code: 'validation_failed', message: 'Email looks wrong.', field: 'author.email', requestId: 'r1' } }, null, NOW);
    expect(f).toEqual({ status: 422, code: 'validation_failed', message: 'Email looks wrong.', field: 'author.email', retryAfterSeconds: null });
  });

  it('tolerates a body that is not the envelope (a proxy error page)', () => {
    expect(failureFrom(502, null, null, NOW)).toMatchObject({ code: 'http_502', message: '', field: null });
    expect(failureFrom(400, { error: 'nope' }, null, NOW)).toMatchObject({ code: 'http_400', message: '' });
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, rounding up to at least 1 second', () => {
    expect(parseRetryAfter('30', NOW)).toBe(30);
    expect(parseRetryAfter('0', NOW)).toBe(1);
    expect(parseRetryAfter(new Date(NOW + 90_500).toUTCString(), NOW)).toBe(90);
    expect(parseRetryAfter(new Date(NOW - 5_000).toUTCString(), NOW)).toBe(1);
  });

  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfter(null, NOW)).toBeNull();
    expect(parseRetryAfter('soon', NOW)).toBeNull();
  });
});

describe('messageForFailure', () => {
  it('turns 429 into "posting too fast" with the wait from Retry-After', () => {
    expect(messageForFailure(failureFrom(429, { error: { code: 'rate_limited', message: 'Too many requests' } }, '42', NOW))).toBe(
      "You're posting too fast, try again in 42 seconds.",
    );
    expect(messageForFailure(failureFrom(429, null, '1', NOW))).toBe("You're posting too fast, try again in 1 second.");
    expect(messageForFailure(failureFrom(429, null, null, NOW))).toBe("You're posting too fast, try again in a moment.");
  });

  it("shows the server's own words for 4xx", () => {
    expect(messageForFailure(failureFrom(403, { error: { code: 'forbidden', message: 'The edit window has closed.' } }, null, NOW))).toBe(
      'The edit window has closed.',
    );
  });

  it('never shows a 5xx body', () => {
    expect(messageForFailure(failureFrom(500, { error: { code: 'internal', message: 'relation "comments" does not exist' } }, null, NOW))).toBe(
      'Something went wrong on our side. Please try again.',
    );
  });

  it('explains an unreachable server', () => {
    expect(messageForFailure(NETWORK_FAILURE)).toMatch(/Couldn't reach the comments server/);
  });
});
