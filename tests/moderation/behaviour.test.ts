import { describe, expect, it } from 'vitest';
import { behaviourPhase, issueFormToken, verifyFormToken } from '../../src/moderation/phases/behaviour.js';
import { ModerationRefusal } from '../../src/moderation/types.js';
import { FORM_SECRET, NOW, flagCodes, makeSettings, makeSubmission, runPhase } from './support/factories.js';

const secondsBefore = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

describe('form tokens', () => {
  it('accepts a token it issued and reports its age', () => {
    const token = issueFormToken(FORM_SECRET, secondsBefore(42));
    expect(token).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyFormToken(FORM_SECRET, token, NOW)).toEqual({ valid: true, issuedAt: secondsBefore(42), ageSeconds: 42 });
  });

  it('rejects a token signed with another secret', () => {
    const token = issueFormToken('another-site-secret', secondsBefore(42));
    expect(verifyFormToken(FORM_SECRET, token, NOW)).toEqual({ valid: false, problem: 'bad_signature' });
  });

  it('rejects a token whose time was changed', () => {
    const [, signature] = issueFormToken(FORM_SECRET, secondsBefore(42)).split('.');
    const forged = `${secondsBefore(3600).getTime()}.${signature}`;
    expect(verifyFormToken(FORM_SECRET, forged, NOW)).toEqual({ valid: false, problem: 'bad_signature' });
  });

  it('rejects tokens older than 24 hours', () => {
    const token = issueFormToken(FORM_SECRET, secondsBefore(24 * 3600 + 1));
    expect(verifyFormToken(FORM_SECRET, token, NOW)).toEqual({ valid: false, problem: 'expired' });
    expect(verifyFormToken(FORM_SECRET, issueFormToken(FORM_SECRET, secondsBefore(24 * 3600 - 1)), NOW).valid).toBe(true);
  });

  it('rejects tokens from the future beyond a minute of clock drift', () => {
    expect(verifyFormToken(FORM_SECRET, issueFormToken(FORM_SECRET, secondsBefore(-30)), NOW)).toMatchObject({ valid: true, ageSeconds: 0 });
    expect(verifyFormToken(FORM_SECRET, issueFormToken(FORM_SECRET, secondsBefore(-120)), NOW)).toEqual({ valid: false, problem: 'from_the_future' });
  });

  it('rejects missing and malformed tokens', () => {
    expect(verifyFormToken(FORM_SECRET, null, NOW)).toEqual({ valid: false, problem: 'missing' });
    expect(verifyFormToken(FORM_SECRET, '', NOW)).toEqual({ valid: false, problem: 'missing' });
    for (const token of ['abc', '123.', '123.short', 'x.' + 'A'.repeat(43), '1.2.3']) {
      expect(verifyFormToken(FORM_SECRET, token, NOW)).toEqual({ valid: false, problem: 'malformed' });
    }
  });
});

describe('behaviour phase', () => {
  it('passes a normal submission without flags', async () => {
    expect(await runPhase(behaviourPhase)).toEqual({ flags: [] });
  });

  it('marks a filled honeypot as spam and says why', async () => {
    const result = await runPhase(behaviourPhase, { submission: makeSubmission({ honeypot: 'http://seo.example' }) });
    expect(result.decision).toEqual({ status: 'spam', reason: expect.stringMatching(/hidden "leave this empty" field was filled/) });
    expect(result.flags).toEqual([{ code: 'honeypot', reason: expect.any(String), evidence: { value: 'http://seo.example' } }]);
  });

  it('ignores a honeypot holding only whitespace', async () => {
    expect((await runPhase(behaviourPhase, { submission: makeSubmission({ honeypot: '  ' }) })).decision).toBeUndefined();
  });

  it('holds a comment sent faster than a person can write', async () => {
    const submission = makeSubmission({ formToken: issueFormToken(FORM_SECRET, secondsBefore(1.2)) });
    const result = await runPhase(behaviourPhase, { submission });
    expect(result.decision).toEqual({ status: 'hold', reason: 'Sent 1.2 s after the form was shown; people need at least 3 s to write a comment.' });
    expect(result.flags![0]).toMatchObject({ code: 'too_fast', evidence: { seconds: 1.2, minimumSeconds: 3 } });
  });

  it('follows the site setting for the minimum time', async () => {
    const settings = makeSettings({ behaviour: { minSecondsToSubmit: 30 } });
    const submission = makeSubmission({ formToken: issueFormToken(FORM_SECRET, secondsBefore(20)) });
    expect((await runPhase(behaviourPhase, { submission, settings })).decision?.status).toBe('hold');
  });

  it('only flags a missing or invalid token, because API clients have none', async () => {
    for (const [formToken, problem] of [[null, 'missing'], ['nonsense', 'malformed'], [issueFormToken('other', secondsBefore(10)), 'bad_signature']] as const) {
      const result = await runPhase(behaviourPhase, { submission: makeSubmission({ formToken }) });
      expect(result.decision).toBeUndefined();
      expect(result.flags).toEqual([{ code: 'no_form_token', reason: expect.any(String), evidence: { problem } }]);
    }
  });

  it('holds the same text posted again within the window', async () => {
    const body = 'Great post! Thanks for sharing.';
    const world = { posted: [{ body, at: new Date(NOW.getTime() - 5 * 60_000) }] };
    const result = await runPhase(behaviourPhase, { body, world });
    expect(result.decision).toEqual({ status: 'hold', reason: 'The same text was posted 1 time in the last 10 minutes.' });
    expect(flagCodes(result)).toEqual(['duplicate']);
  });

  it('does not count posts older than the duplicate window', async () => {
    const body = 'Great post! Thanks for sharing.';
    const world = { posted: [{ body, at: new Date(NOW.getTime() - 11 * 60_000) }] };
    expect((await runPhase(behaviourPhase, { body, world })).decision).toBeUndefined();
  });

  it('refuses with 429 details when an IP posts too often', async () => {
    const error = await runPhase(behaviourPhase, { world: { recentByIp: 10 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModerationRefusal);
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 600, message: expect.stringMatching(/network/) });
  });

  it('refuses when an email posts too often', async () => {
    await expect(runPhase(behaviourPhase, { world: { recentByEmail: 6 } })).rejects.toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/email/) });
  });

  it('allows posts up to the limit', async () => {
    expect((await runPhase(behaviourPhase, { world: { recentByIp: 9, recentByEmail: 5 } })).decision).toBeUndefined();
  });

  it('skips the token, honeypot and rate checks for edits', async () => {
    const submission = makeSubmission({ isEdit: true, formToken: null, honeypot: 'filled' });
    expect(await runPhase(behaviourPhase, { submission, world: { recentByIp: 100 } })).toEqual({ flags: [] });
  });

  it('still catches a duplicate body in an edit', async () => {
    const submission = makeSubmission({ isEdit: true, body: 'Buy cheap pills' });
    const world = { posted: [{ body: 'Buy cheap pills', at: NOW }] };
    expect((await runPhase(behaviourPhase, { submission, world })).decision?.status).toBe('hold');
  });
});
