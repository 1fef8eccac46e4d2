import { createHmac, timingSafeEqual } from 'node:crypto';

// The widget gets a token when it renders the form: the time, signed. When the
// comment arrives we learn how long the reader had the form open without
// keeping any state. Bots that post straight to the API have no token or
// submit within a second of fetching one.

const MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Clocks of several app instances drift a little; more than this is a forged time. */
const ALLOWED_CLOCK_SKEW_MS = 60 * 1000;

export type FormTokenCheck =
  | { valid: true; issuedAt: Date; ageSeconds: number }
  | { valid: false; problem: 'missing' | 'malformed' | 'bad_signature' | 'expired' | 'from_the_future' };

function sign(secret: string, issuedAtMs: string): Buffer {
  return createHmac('sha256', secret).update(`parley-form:${issuedAtMs}`).digest();
}

export function issueFormToken(secret: string, now: Date): string {
  const issuedAtMs = String(now.getTime());
  return `${issuedAtMs}.${sign(secret, issuedAtMs).toString('base64url')}`;
}

export function verifyFormToken(secret: string, token: string | null | undefined, now: Date): FormTokenCheck {
  if (!token) return { valid: false, problem: 'missing' };
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token.trim());
  if (!match) return { valid: false, problem: 'malformed' };
  const [, issuedAtMs = '', signature = ''] = match;
  const expected = sign(secret, issuedAtMs);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, problem: 'bad_signature' };
  const ageMs = now.getTime() - Number(issuedAtMs);
  if (ageMs > MAX_AGE_MS) return { valid: false, problem: 'expired' };
  if (ageMs < -ALLOWED_CLOCK_SKEW_MS) return { valid: false, problem: 'from_the_future' };
  return { valid: true, issuedAt: new Date(Number(issuedAtMs)), ageSeconds: Math.max(0, ageMs / 1000) };
}
