import { plural } from './words.js';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "3 hours ago" for a timestamp, relative to `now` (ms). Thresholds round the way people speak
 * (44 minutes is "44 minutes", 50 is "1 hour"), and a date slightly in the future, from clock
 * skew between the reader and the server, reads as "just now" rather than a negative age.
 */
export function formatRelativeTime(then: string | number | Date, now: number): string {
  const t = new Date(then).getTime();
  if (Number.isNaN(t)) return '';
  const s = (now - t) / 1000;
  if (s < 45) return 'just now';
  if (s < 90) return '1 minute ago';
  if (s < 45 * MINUTE) return ago(Math.round(s / MINUTE), 'minute');
  if (s < 90 * MINUTE) return '1 hour ago';
  if (s < 22 * HOUR) return ago(Math.round(s / HOUR), 'hour');
  if (s < 36 * HOUR) return '1 day ago';
  const days = Math.round(s / DAY);
  if (days < 26) return ago(days, 'day');
  if (days < 45) return '1 month ago';
  if (days < 320) return ago(Math.max(2, Math.round(days / 30.44)), 'month');
  if (days < 548) return '1 year ago';
  return ago(Math.round(days / 365.25), 'year');
}

function ago(n: number, unit: string): string {
  return `${plural(n, unit)} ago`;
}
