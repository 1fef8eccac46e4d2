import { describe, expect, it } from 'vitest';
import { akismetParamsFromFlag, akismetPhase } from '../../src/moderation/akismet/phase.js';
import { runPipeline } from '../../src/moderation/pipeline.js';
import type { Phase, PhaseResult } from '../../src/moderation/types.js';
import { guaranteedSpamAuthor } from '../support/akismetServer.js';
import { aPhaseInput, aSubmission, useAkismetServer } from './fixtures.js';

const akismet = useAkismetServer();

const spammer = aSubmission({ author: { name: guaranteedSpamAuthor, email: 'x@example.org', website: null } });

async function run(phase: Phase, input = aPhaseInput(aSubmission())): Promise<PhaseResult> {
  return (await phase.run(input)) ?? {};
}

describe('the akismet phase', () => {
  it('marks spam, keeping the exact fields sent so a moderator can report a mistake', async () => {
    const result = await run(akismetPhase(akismet.checker, { blogLang: 'en' }), aPhaseInput(spammer));
    expect(result.decision?.status).toBe('spam');
    expect(result.flags).toHaveLength(1);
    const [flag] = result.flags ?? [];
    expect(flag?.code).toBe('akismet_spam');
    const sent = akismet.server.requestsTo('comment-check')[0]?.params;
    const stored = akismetParamsFromFlag(flag!);
    expect(stored?.comment_author).toBe(guaranteedSpamAuthor);
    expect(stored?.blog_lang).toBe('en');
    // Every field that went over the wire is in the evidence (blog and the key come from the akismet.checker).
    for (const [field, value] of Object.entries(stored ?? {})) expect(sent?.[field]).toBe(String(value));
  });

  it('records ham without deciding, so later phases still run', async () => {
    const result = await run(akismetPhase(akismet.checker));
    expect(result.decision).toBeUndefined();
    expect(result.flags?.map((f) => f.code)).toEqual(['akismet_ham']);
    expect(akismetParamsFromFlag(result.flags![0]!)?.user_ip).toBe('203.0.113.7');
  });

  it('checks the body as earlier phases rewrote it', async () => {
    const input = { ...aPhaseInput(aSubmission({ body: 'see https://spam.example' })), body: 'see [link removed]' };
    await run(akismetPhase(akismet.checker), input);
    expect(akismet.server.requestsTo('comment-check')[0]?.params.comment_content).toBe('see [link removed]');
  });

  it('tells Akismet a reply is a reply', async () => {
    await run(akismetPhase(akismet.checker), aPhaseInput(aSubmission({ parentId: 'c-1' })));
    expect(akismet.server.requestsTo('comment-check')[0]?.params.comment_type).toBe('reply');
  });

  it('does nothing when no key is configured', async () => {
    expect(await akismetPhase(null).run(aPhaseInput(spammer))).toBeUndefined();
  });

  it('does nothing when the site turned Akismet off', async () => {
    expect(await akismetPhase(akismet.checker).run(aPhaseInput(spammer, { akismet: { enabled: false } }))).toBeUndefined();
    expect(akismet.server.requests).toHaveLength(0);
  });
});

describe('when Akismet does not answer, the phase holds the comment', () => {
  const failures = [
    ['hangs', 'hang', 'timeout'],
    ['refuses the connection', 'refuse', 'network'],
    ['answers 500', 'error500', 'http'],
  ] as const;

  for (const [what, mode, kind] of failures) {
    it(`holds with spam-check-deferred when Akismet ${what}`, async () => {
      await akismet.server.setFailure(mode);
      const started = performance.now();
      const result = await run(akismetPhase(akismet.checker), aPhaseInput(spammer));
      expect(performance.now() - started).toBeLessThan(1500);
      expect(result.decision?.status).toBe('hold');
      const [flag] = result.flags ?? [];
      expect(flag?.code).toBe('spam-check-deferred');
      expect(flag?.reason).toMatch(/Akismet did not give an answer/);
      expect(flag?.evidence?.error).toMatchObject({ kind });
      expect(flag?.evidence?.deferredAt).toBe('2025-03-01T12:00:01.000Z');
      expect(akismetParamsFromFlag(flag!)?.comment_author).toBe(guaranteedSpamAuthor);
      // Stored as JSON with the comment: it must survive a round trip.
      expect(JSON.parse(JSON.stringify(flag))).toEqual(flag);
    });
  }

  it('ends the pipeline with hold, so an outage never publishes an unchecked comment', async () => {
    await akismet.server.setFailure('hang');
    const after: Phase = { name: 'after', run: () => ({ decision: { status: 'publish', reason: 'should not run' } }) };
    const { submission, ...rest } = aPhaseInput(aSubmission());
    const outcome = await runPipeline([akismetPhase(akismet.checker), after], { submission, ...rest });
    expect(outcome.record.decision).toBe('hold');
    expect(outcome.record.decidedBy).toBe('akismet');
    expect(outcome.record.flags.map((f) => f.code)).toEqual(['spam-check-deferred']);
  });
});
