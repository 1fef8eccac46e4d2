import crypto from 'node:crypto';

/** 32 random bytes, URL-safe: session cookies, CSRF tokens, API tokens. */
export function randomToken(prefix = ''): string {
  return prefix + crypto.randomBytes(32).toString('base64url');
}

/** Tokens are stored as their sha256: a leaked table opens no session. */
export function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Constant-time string comparison (for CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Personal API tokens start with this, so a leaked one is recognisable (secret scanners). */
export const apiTokenPrefix = 'parley_';
