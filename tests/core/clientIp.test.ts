import { describe, expect, it } from 'vitest';
import { resolveClientIp } from '../../src/http/clientIp.js';

describe('resolveClientIp', () => {
  it('uses the socket address when no proxy is trusted, whatever the header says', () => {
    expect(resolveClientIp('192.0.2.1', '6.6.6.6', 0)).toBe('192.0.2.1');
  });
  it('takes the entry n hops from the end with n trusted proxies', () => {
    expect(resolveClientIp('10.0.0.1', '6.6.6.6, 198.51.100.4', 1)).toBe('198.51.100.4');
    expect(resolveClientIp('10.0.0.1', '6.6.6.6, 198.51.100.4, 10.0.0.2', 2)).toBe('198.51.100.4');
  });
  it('falls back to the socket when the header is missing or not an IP', () => {
    expect(resolveClientIp('10.0.0.1', undefined, 1)).toBe('10.0.0.1');
    expect(resolveClientIp('10.0.0.1', 'not-an-ip', 1)).toBe('10.0.0.1');
  });
  it('unwraps IPv4-mapped IPv6 addresses', () => {
    expect(resolveClientIp('::ffff:127.0.0.1', undefined, 0)).toBe('127.0.0.1');
    expect(resolveClientIp('2001:db8::1', undefined, 0)).toBe('2001:db8::1');
  });
});
