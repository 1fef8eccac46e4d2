import { describe, expect, it } from 'vitest';
import { formatRelativeTime } from '../../src/widget/relativeTime.js';

const NOW = Date.parse('2024-06-15T12:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

describe('formatRelativeTime', () => {
  it.each([
    [0, 'just now'],
    [44, 'just now'],
    [60, '1 minute ago'],
    [5 * 60, '5 minutes ago'],
    [44 * 60, '44 minutes ago'],
    [50 * 60, '1 hour ago'],
    [3 * 3600, '3 hours ago'],
    [21 * 3600, '21 hours ago'],
    [30 * 3600, '1 day ago'],
    [3 * 86400, '3 days ago'],
    [25 * 86400, '25 days ago'],
    [35 * 86400, '1 month ago'],
    [100 * 86400, '3 months ago'],
    [400 * 86400, '1 year ago'],
    [16 * 365 * 86400, '16 years ago'],
  ])('says %i seconds ago is "%s"', (seconds, expected) => {
    expect(formatRelativeTime(ago(seconds), NOW)).toBe(expected);
  });

  it('reads a date slightly in the future (clock skew) as "just now"', () => {
    expect(formatRelativeTime(ago(-120), NOW)).toBe('just now');
  });

  it('accepts Date objects and epoch milliseconds', () => {
    expect(formatRelativeTime(new Date(NOW - 7200_000), NOW)).toBe('2 hours ago');
    expect(formatRelativeTime(NOW - 7200_000, NOW)).toBe('2 hours ago');
  });

  it('returns an empty string for an unparseable date instead of "NaN years ago"', () => {
    expect(formatRelativeTime('yesterday-ish', NOW)).toBe('');
  });
});
