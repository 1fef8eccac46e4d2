import crypto from 'node:crypto';
import type { PageCursor, Sort } from '../db/comments.js';

// A cursor is the last row's sort key, signed so a client cannot hand us a made-up
// position (or a malformed one that would reach the database).

export function encodeCursor(secret: string, sort: Sort, c: PageCursor): string {
  const payload = Buffer.from(JSON.stringify([sort, c.createdAt.toISOString(), c.id, c.replyCount ?? 0])).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

/** Returns null for anything not issued by us for this sort order. */
export function decodeCursor(secret: string, sort: Sort, cursor: string): PageCursor | null {
  const [payload, signature, extra] = cursor.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const expected = sign(secret, payload);
  if (signature.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 4) return null;
    const [s, at, id, replyCount] = parsed as unknown[];
    if (s !== sort || typeof at !== 'string' || typeof id !== 'string' || !/^\d{1,19}$/.test(id) || typeof replyCount !== 'number') return null;
    const createdAt = new Date(at);
    if (Number.isNaN(createdAt.getTime())) return null;
    return { createdAt, id, replyCount };
  } catch {
    return null;
  }
}

function sign(secret: string, payload: string): string {
  return crypto.createHmac('sha256', secret).update(payload).digest('base64url').slice(0, 22);
}
