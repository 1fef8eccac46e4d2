import { describe, expect, it } from 'vitest';
import { siteModePhase } from '../../src/moderation/phases/siteMode.js';
import { makeSettings, runPhase } from './support/factories.js';

describe('site mode phase', () => {
  it('publishes in post-moderation mode', async () => {
    expect(await runPhase(siteModePhase, { settings: makeSettings({ mode: 'post' }) })).toEqual({});
  });

  it('holds everything in pre-moderation mode, even from trusted commenters', async () => {
    const result = await runPhase(siteModePhase, { settings: makeSettings({ mode: 'pre' }), world: { history: { published: 12 } } });
    expect(result.decision).toEqual({ status: 'hold', reason: 'This site reviews every comment before it is published (pre-moderation).' });
    expect(result.flags![0]!.code).toBe('pre_moderation');
  });

  it("holds a first-time commenter's comment, with their history as evidence", async () => {
    const result = await runPhase(siteModePhase, { settings: makeSettings({ mode: 'first-time' }), world: { history: { pending: 1, spam: 2 } } });
    expect(result.decision?.status).toBe('hold');
    expect(result.flags![0]).toMatchObject({ code: 'first_time_commenter', evidence: { published: 0, pending: 1, spam: 2, rejected: 0 } });
  });

  it('publishes once a commenter has one approved comment', async () => {
    expect(await runPhase(siteModePhase, { settings: makeSettings({ mode: 'first-time' }), world: { history: { published: 1 } } })).toEqual({});
  });
});
