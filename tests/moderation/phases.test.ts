import { describe, expect, it } from 'vitest';
import { buildPhases } from '../../src/moderation/phases/index.js';
import { ModerationRefusal } from '../../src/moderation/types.js';
import { makeSettings } from './support/factories.js';
import { moderateComment } from './support/moderate.js';

describe('the rules in order', () => {
  it('runs normalise, behaviour, blocklists, links, abuse, spam signals, Akismet, then site mode', () => {
    expect(buildPhases().map((phase) => phase.name)).toEqual(['normalise', 'behaviour', 'blocklists', 'links', 'abuse', 'spamSignals', 'akismet', 'siteMode']);
  });

  it('publishes the seed page reader question as is', async () => {
    const body = 'I would like to find the film REFUSENIK to show to a group at my Temple. Any suggestions how I can find this would be appreciated.';
    const { body: stored, record } = await moderateComment({ body });
    expect(record).toMatchObject({ decision: 'publish', reason: 'Passed every check.', decidedBy: 'default', flags: [] });
    expect(stored).toBe(body);
  });

  it('publishes a helpful answer with its link stripped and the website removed', async () => {
    const { body, website, record } = await moderateComment({
      body: 'You can find it on the Internet Archive: https://archive.org/details/refusenik — worth a look.',
      author: { website: 'https://megansfilmnotebook.wordpress.com' },
    });
    expect(record.decision).toBe('publish');
    expect(body).toBe('You can find it on the Internet Archive: [link removed] — worth a look.');
    expect(website).toBeNull();
    expect(record.flags.map((f) => f.code)).toEqual(['links_removed', 'website_removed']);
  });

  it('catches a banned word hidden with zero-width spaces, because normalise runs first', async () => {
    const settings = makeSettings({ words: { banned: ['casino'], suspect: [] } });
    const { record } = await moderateComment({ body: 'Best c\u200Ba\u200Bsino bonus' }, { settings });
    expect(record.decision).toBe('reject');
    expect(record.flags.map((f) => f.code)).toEqual(['invisible_characters_removed', 'banned_word']);
  });

  it('catches a banned word inside a link, because blocklists run before links are stripped', async () => {
    const settings = makeSettings({ words: { banned: ['casino'], suspect: [] } });
    const { record } = await moderateComment({ body: 'Film was fine. https://casino.example.com' }, { settings });
    expect(record.decidedBy).toBe('blocklists');
  });

  it('holds in pre-moderation mode with every other flag already attached', async () => {
    const { record } = await moderateComment(
      { body: 'Damn, the trailer at https://youtu.be/abc is better than the whole film.', formToken: null },
      { settings: makeSettings({ mode: 'pre' }) },
    );
    expect(record.decision).toBe('hold');
    expect(record.decidedBy).toBe('siteMode');
    expect(record.flags.map((f) => f.code)).toEqual(['no_form_token', 'links_removed', 'spam_signals', 'pre_moderation']);
  });

  it('stops at the first decision and records which phase made it', async () => {
    const { record } = await moderateComment({ body: 'I know where you live.', honeypot: 'http://x.example' });
    expect(record.decision).toBe('spam');
    expect(record.decidedBy).toBe('behaviour');
    expect(record.phases.map((p) => p.phase)).toEqual(['normalise', 'behaviour']);
  });

  it('gives every held, spam or rejected comment a reason a moderator can read', async () => {
    for (const body of ['I know where you live.', 'You are an idiot.', 'STOP WRITING THIS NONSENSE RIGHT NOW', 'Cheap viagra, no prescription, order now at rx-pharmacy-discount.com']) {
      const { record } = await moderateComment({ body });
      expect(record.decision).not.toBe('publish');
      expect(record.reason.length).toBeGreaterThan(20);
      for (const flag of record.flags) expect(flag.reason.length).toBeGreaterThan(10);
    }
  });

  it('lets a rate-limit refusal through to the caller', async () => {
    await expect(moderateComment({}, { world: { recentByIp: 50 } })).rejects.toBeInstanceOf(ModerationRefusal);
  });
});
