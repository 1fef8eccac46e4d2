import crypto from 'node:crypto';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';

export const MAX_BODY_BYTES = 64 * 1024;

export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header('x-request-id');
  const id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
  c.set('requestId', id);
  c.header('X-Request-Id', id);
  await next();
});

const tooLarge = (): never => {
  throw new ApiError('payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES / 1024} KiB.`);
};
const limitBodySize = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });

/**
 * Bodies over 64 KiB are refused before they are read in full. GET, HEAD and OPTIONS carry
 * none we read, and are let through untouched: asking for the body stream makes
 * @hono/node-server build a full fetch Request (a ReadableStream, an AbortSignal), a tenth of
 * the cost of a cached read. A body with a Content-Length is judged by that header alone
 * (Node's parser never reads past it, so the body cannot be longer), which leaves the JSON to
 * be read straight from the socket; that Request was 9% of a post's CPU. Only a chunked body,
 * of unknown length, is counted as it streams.
 */
export const limitBody = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
  const length = c.req.header('content-length');
  if (length !== undefined && c.req.header('transfer-encoding') === undefined && /^\d{1,15}$/.test(length)) {
    if (Number(length) > MAX_BODY_BYTES) tooLarge();
    return next();
  }
  return limitBodySize(c, next);
});

/** Write endpoints speak JSON only; anything else is told so instead of failing validation oddly. */
export const requireJson = createMiddleware<AppEnv>(async (c, next) => {
  if (['POST', 'PATCH', 'PUT'].includes(c.req.method)) {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') throw new ApiError('unsupported_media_type', 'Send the request body as application/json.');
  }
  await next();
});

/**
 * Public reads may be cached briefly by browsers and CDNs and served stale while they
 * revalidate: a spike on one thread is absorbed at the edge. The ETag (set by the etag
 * middleware from the body) changes with any published change, so revalidation is exact.
 */
export const publicCache = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.req.method === 'GET' && c.res.status === 200 && !c.res.headers.has('Cache-Control')) {
    c.res.headers.set('Cache-Control', 'public, max-age=5, stale-while-revalidate=30');
  }
});
