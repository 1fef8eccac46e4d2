import { BlockList, isIP } from 'node:net';
import type { Ban } from '../types.js';

/** "::ffff:192.0.2.1" is how a dual-stack server sees an IPv4 client; bans are written in IPv4. */
function unmapIPv4(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

function familyOf(ip: string): 'ipv4' | 'ipv6' | null {
  const version = isIP(ip);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : null;
}

function ipMatches(ban: Ban, ip: string): boolean {
  const family = familyOf(ip);
  if (!family) return false;
  const list = new BlockList();
  try {
    if (ban.kind === 'ip') {
      const value = unmapIPv4(ban.value.trim());
      const banFamily = familyOf(value);
      if (banFamily !== family) return false;
      list.addAddress(value, banFamily);
    } else {
      const [network = '', prefixText = ''] = ban.value.trim().split('/');
      const networkFamily = familyOf(network);
      const prefix = Number(prefixText);
      if (networkFamily !== family || !Number.isInteger(prefix)) return false;
      list.addSubnet(network, prefix, networkFamily);
    }
    return list.check(ip, family);
  } catch {
    // A malformed ban (bad prefix length) bans nobody rather than failing every comment.
    return false;
  }
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

function banMatches(ban: Ban, email: string, ip: string | null): boolean {
  const value = ban.value.trim().toLowerCase();
  switch (ban.kind) {
    case 'email':
      return email !== '' && email === value;
    case 'email_domain': {
      const domain = value.replace(/^[@.]+/, '');
      const emailDomain = domainOf(email);
      return email.includes('@') && domain !== '' && (emailDomain === domain || emailDomain.endsWith(`.${domain}`));
    }
    case 'ip':
    case 'ip_range':
      return ip !== null && ipMatches(ban, ip);
    default:
      return false;
  }
}

/** The first active ban that covers this commenter, if any. */
export function findMatchingBan(bans: readonly Ban[], email: string, ip: string | null): Ban | undefined {
  const normalisedEmail = email.trim().toLowerCase();
  const normalisedIp = ip ? unmapIPv4(ip.trim()) : null;
  return bans.find((ban) => banMatches(ban, normalisedEmail, normalisedIp));
}

const KIND_NAMES: Record<Ban['kind'], string> = {
  email: 'email address',
  email_domain: 'email domain',
  ip: 'IP address',
  ip_range: 'IP range',
};

export function describeBan(ban: Ban): string {
  const why = ban.reason ? ` (ban reason: ${ban.reason})` : '';
  return `The commenter's ${KIND_NAMES[ban.kind]} is banned on this site: ${ban.value}${why}.`;
}
