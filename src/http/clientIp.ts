import net from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env.js';

/**
 * The client's address. With TRUST_PROXY=0 it is the socket's peer, whatever
 * X-Forwarded-For says (anyone can send that header). With TRUST_PROXY=n, each
 * of our n proxies appended the address it saw, so the client is n entries from the end.
 */
export function resolveClientIp(socketIp: string | null, forwardedFor: string | undefined, trustedHops: number): string | null {
  if (trustedHops > 0 && forwardedFor) {
    const hops = forwardedFor.split(',').map((s) => s.trim()).filter(Boolean);
    const candidate = hops[Math.max(hops.length - trustedHops, 0)];
    if (candidate && net.isIP(stripMappedPrefix(candidate))) return stripMappedPrefix(candidate);
  }
  return socketIp ? stripMappedPrefix(socketIp) : null;
}

function stripMappedPrefix(ip: string): string {
  // IPv4 clients on a dual-stack socket appear as ::ffff:1.2.3.4; bans and rate limits want 1.2.3.4.
  return ip.startsWith('::ffff:') && net.isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
}

function socketAddress(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // in-process requests (tests) have no socket
  }
}

export function clientIp(trustedHops: number) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('clientIp', resolveClientIp(socketAddress(c), c.req.header('x-forwarded-for'), trustedHops));
    await next();
  });
}
