import { describe, expect, it } from 'vitest';
import { akismetParamsFromFlag, akismetPhase } from '../../src/moderation/akismet/phase.js';
import {
  deferredRecheckFromFlags,
  giveUpAfterMs,
  nextRecheckDelay,
  recheckDeferred,
  runRecheck,
  type DeferredRecheck,
} from '../../src/moderation/akismet/recheck.js';
import { guaranteedSpamAuthor } from '../support/akismetServer.js';
import { aPhaseInput, aSubmission, useAkismetServer } from './fixtures.js';

const akismet = useAkismetServer();

const minute = 60_000;
const spammer = aSubmission({ author: { name: guaranteedSpamAuthor, email: 'x@example.org', website: null } });

/** A comment deferred for real: the phase ran while Akismet was down. */
async function deferred(submission = aSubmission()): Promise<DeferredRecheck> {
  await akismet.server.setFailure('refuse');
  const result = await akismetPhase(akismet.checker).run(aPhaseInput(submission));
  await akismet.server.setFailure('none');
  akismet.server.requests.length = 0;
  const recheck = deferredRecheckFromFlags(result?.flags ?? []);
  if (!recheck) throw new Error('the phase did not defer');
  return recheck;
}

describe('nextRecheckDelay', () => {
  it('backs off from one minute, doubling, capped at an hour', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50].map(nextRecheckDelay)).toEqual(
      [1, 2, 4, 8, 16, 32, 60, 60, 60].map((m) => m * minute),
    );
  });
});

describe('recheckDeferred', () => {
  it('asks again with recheck_reason=retry and the original fields', async () => {
    const { params } = await deferred(spammer);
    expect(await recheckDeferred(akismet.checker, params)).toBe('spam');
    const [request] = akismet.server.requestsTo('comment-check');
    expect(request?.params.recheck_reason).toBe('retry');
    expect(request?.params.comment_author).toBe(guaranteedSpamAuthor);
    expect(request?.params.user_ip).toBe(params.user_ip);
  });

  it('answers ham', async () => {
    expect(await recheckDeferred(akismet.checker, (await deferred()).params)).toBe('ham');
  });

  it('answers unavailable while Akismet is still down', async () => {
    const { params } = await deferred();
    await akismet.server.setFailure('hang');
    expect(await recheckDeferred(akismet.checker, params)).toBe('unavailable');
  });
});

describe('runRecheck', () => {
  it('schedules the first recheck a minute after the deferral', async () => {
    const recheck = await deferred();
    expect(recheck.attempts).toBe(0);
    expect(recheck.deferredAt.toISOString()).toBe('2025-03-01T12:00:01.000Z');
    expect(recheck.nextAt.getTime() - recheck.deferredAt.getTime()).toBe(minute);
  });

  it('moves spam to spam with the flag a moderator reads', async () => {
    const step = await runRecheck(akismet.checker, await deferred(spammer), new Date('2025-03-01T12:01:01Z'));
    expect(step.kind).toBe('spam');
    if (step.kind !== 'spam') return;
    expect(step.flag.code).toBe('akismet_spam');
    expect(akismetParamsFromFlag(step.flag)?.comment_author).toBe(guaranteedSpamAuthor);
  });

  it('releases ham with an akismet_ham flag', async () => {
    const step = await runRecheck(akismet.checker, await deferred(), new Date('2025-03-01T12:01:01Z'));
    expect(step.kind).toBe('ham');
    if (step.kind === 'ham') expect(step.flag.code).toBe('akismet_ham');
  });

  it('backs off while Akismet stays down', async () => {
    const recheck = await deferred();
    await akismet.server.setFailure('error500');
    const now = new Date('2025-03-01T12:01:01Z');
    const step = await runRecheck(akismet.checker, recheck, now);
    expect(step).toEqual({ kind: 'retry', attempts: 1, nextAt: new Date(now.getTime() + 2 * minute) });
  });

  it('gives up after a day, leaving the comment for a person', async () => {
    const recheck = { ...(await deferred()), attempts: 30 };
    await akismet.server.setFailure('refuse');
    const step = await runRecheck(akismet.checker, recheck, new Date(recheck.deferredAt.getTime() + giveUpAfterMs - 30 * minute));
    expect(step.kind).toBe('give-up');
    if (step.kind === 'give-up') {
      expect(step.flag.code).toBe('spam-check-abandoned');
      expect(step.flag.evidence).toMatchObject({ attempts: 31 });
    }
  });

  it('finds nothing to recheck in a comment Akismet answered for', async () => {
    const result = await akismetPhase(akismet.checker).run(aPhaseInput(aSubmission()));
    expect(deferredRecheckFromFlags(result?.flags ?? [])).toBeNull();
  });
});
