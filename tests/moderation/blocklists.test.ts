import { describe, expect, it } from 'vitest';
import { findMatchingBan } from '../../src/moderation/phases/bans.js';
import { blocklistsPhase } from '../../src/moderation/phases/blocklists.js';
import { wordListMatcher } from '../../src/moderation/text/wordListMatcher.js';
import type { Ban } from '../../src/moderation/types.js';
import { makeSettings, makeSubmission, runPhase } from './support/factories.js';

const ban = (kind: Ban['kind'], value: string, reason: string | null = null): Ban => ({ kind, value, reason });

describe('word list matching', () => {
  const matcher = wordListMatcher(['spam', 'ass', 'casino', 'buy now', 'Ñandú']);

  it.each([
    ['any case', 'SPAM here'],
    ['accents', 'spàm here'],
    ['leetspeak', '5p4m and $pam and sp@m'],
    ['spaced-out letters', 's p a m'],
    ['dotted letters', 's.p.a.m'],
    ['dashed letters', 's-p-a-m'],
    ['stretched letters', 'spaaaaam'],
    ['a plural', 'no spams please'],
    ['punctuation inside', 'sp.am'],
    ['a soft hyphen inside', 'sp\u00ADam'],
    ['direction marks inside', 'sp\u200Eam and s\u200Fpam'],
    ['an invisible operator inside', 'sp\u2062am'],
  ])('matches despite %s', (_name, text) => {
    expect(matcher.find(text)).toEqual(['spam']);
  });

  it('matches whole words only', () => {
    expect(matcher.find('a class act, we assess the bass, spammer, spamalot')).toEqual([]);
    expect(matcher.find('as soon as possible')).toEqual([]);
    expect(matcher.find('what an ass')).toEqual(['ass']);
    expect(matcher.find('what an a$$')).toEqual(['ass']);
  });

  it('matches phrases across any spacing or punctuation', () => {
    expect(matcher.find('BUY...NOW!!')).toEqual(['buy now']);
    expect(matcher.find('buyer nowhere')).toEqual([]);
  });

  it('matches listed words with accents, however they are written', () => {
    expect(matcher.find('nandu')).toEqual(['Ñandú']);
    expect(matcher.find('ÑANDÚ')).toEqual(['Ñandú']);
  });

  it('matches leetspeak 1 as either i or l', () => {
    const list = wordListMatcher(['idiot', 'loser']);
    expect(list.find('1d1ot and 1oser')).toEqual(['idiot', 'loser']);
  });

  it('finds nothing with an empty list', () => {
    expect(wordListMatcher([]).find('anything')).toEqual([]);
  });
});

describe('ban matching', () => {
  it('matches an email exactly, ignoring case', () => {
    expect(findMatchingBan([ban('email', 'Troll@Example.com')], ' troll@example.COM ', null)?.value).toBe('Troll@Example.com');
    expect(findMatchingBan([ban('email', 'troll@example.com')], 'nottroll@example.com', null)).toBeUndefined();
  });

  it('matches an email domain and its subdomains, not look-alikes', () => {
    const bans = [ban('email_domain', '@spam.com')];
    expect(findMatchingBan(bans, 'a@spam.com', null)).toBeDefined();
    expect(findMatchingBan(bans, 'a@mail.spam.com', null)).toBeDefined();
    expect(findMatchingBan(bans, 'a@notspam.com', null)).toBeUndefined();
    expect(findMatchingBan(bans, 'a@spam.com.au', null)).toBeUndefined();
  });

  it('matches IPv4 and IPv6 addresses exactly, however IPv6 is written', () => {
    expect(findMatchingBan([ban('ip', '203.0.113.7')], 'x@y.z', '203.0.113.7')).toBeDefined();
    expect(findMatchingBan([ban('ip', '203.0.113.7')], 'x@y.z', '203.0.113.8')).toBeUndefined();
    expect(findMatchingBan([ban('ip', '2001:db8::1')], 'x@y.z', '2001:0db8:0000:0000:0000:0000:0000:0001')).toBeDefined();
  });

  it('sees an IPv4 client behind a dual-stack socket as IPv4', () => {
    expect(findMatchingBan([ban('ip', '203.0.113.7')], 'x@y.z', '::ffff:203.0.113.7')).toBeDefined();
    expect(findMatchingBan([ban('ip_range', '203.0.113.0/24')], 'x@y.z', '::ffff:203.0.113.99')).toBeDefined();
  });

  it('matches CIDR ranges for IPv4 and IPv6', () => {
    const bans = [ban('ip_range', '198.51.100.0/24'), ban('ip_range', '2001:db8:abcd::/48')];
    expect(findMatchingBan(bans, 'x@y.z', '198.51.100.200')).toBeDefined();
    expect(findMatchingBan(bans, 'x@y.z', '198.51.101.1')).toBeUndefined();
    expect(findMatchingBan(bans, 'x@y.z', '2001:db8:abcd:12::5')).toBeDefined();
    expect(findMatchingBan(bans, 'x@y.z', '2001:db8:abce::5')).toBeUndefined();
  });

  it('ignores malformed bans instead of failing', () => {
    const bans = [ban('ip_range', '198.51.100.0/99'), ban('ip', 'not-an-ip'), ban('ip_range', 'nonsense')];
    expect(findMatchingBan(bans, 'x@y.z', '198.51.100.1')).toBeUndefined();
  });

  it('never matches an IP ban when the IP is unknown', () => {
    expect(findMatchingBan([ban('ip_range', '0.0.0.0/0')], 'x@y.z', null)).toBeUndefined();
  });
});

describe('blocklists phase', () => {
  it('rejects a banned commenter, naming the ban', async () => {
    const submission = makeSubmission({ ip: '198.51.100.23' });
    const result = await runPhase(blocklistsPhase, { submission, world: { bans: [ban('ip_range', '198.51.100.0/24', 'spam wave, March')] } });
    expect(result.decision).toEqual({
      status: 'reject',
      reason: "The commenter's IP range is banned on this site: 198.51.100.0/24 (ban reason: spam wave, March).",
    });
    expect(result.flags![0]).toMatchObject({ code: 'banned_commenter', evidence: { kind: 'ip_range', value: '198.51.100.0/24' } });
  });

  it('rejects a comment with a banned word and shows the word and list', async () => {
    const settings = makeSettings({ words: { banned: ['casino'], suspect: [] } });
    const result = await runPhase(blocklistsPhase, { settings, body: 'Best c.a.s.i.n.o bonuses' });
    expect(result.decision).toEqual({ status: 'reject', reason: 'Uses a word this site bans: "casino".' });
    expect(result.flags![0]!.evidence).toEqual({ list: 'banned', words: ['casino'], fields: ['body'] });
  });

  it('holds a comment with a suspect word', async () => {
    const settings = makeSettings({ words: { banned: [], suspect: ['crypto'] } });
    const result = await runPhase(blocklistsPhase, { settings, body: 'Anyone else think the ending was CRYPT0-fascist?' });
    expect(result.decision?.status).toBe('hold');
    expect(result.flags![0]!.code).toBe('suspect_word');
  });

  it('checks the author name and website as well as the body', async () => {
    const settings = makeSettings({ words: { banned: ['casino'], suspect: [] } });
    const submission = makeSubmission({ author: { name: 'Casino Bonus', website: 'https://best-casino.example' } });
    const result = await runPhase(blocklistsPhase, { settings, submission });
    expect(result.flags![0]!.evidence).toMatchObject({ fields: ['authorName', 'website'] });
  });

  it('prefers the banned list over the suspect list', async () => {
    const settings = makeSettings({ words: { banned: ['viagra'], suspect: ['cheap'] } });
    const result = await runPhase(blocklistsPhase, { settings, body: 'cheap viagra' });
    expect(result.decision?.status).toBe('reject');
  });

  it('publishes words that merely contain a listed word', async () => {
    const settings = makeSettings({ words: { banned: ['ass'], suspect: ['cum'] } });
    const result = await runPhase(blocklistsPhase, { settings, body: 'A classic: Cassavetes passes the test, magna documentary.' });
    expect(result).toEqual({});
  });
});
