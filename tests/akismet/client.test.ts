import { describe, expect, it } from 'vitest';
import {
  AkismetUnavailable,
  buildAkismetParams,
  createAkismetChecker,
  type AkismetChecker,
  type AkismetCheckerOptions,
} from '../../src/moderation/akismet/client.js';
import {
  guaranteedSpamAuthor,
  guaranteedSpamEmail,
  spamMarker,
  submitThanks,
} from '../support/akismetServer.js';
import { aSubmission, blog, testTimeoutMs, useAkismetServer } from './fixtures.js';

// The real akismet-api client against a real local Akismet server; nothing is mocked.

const akismet = useAkismetServer();
const timeoutMs = testTimeoutMs;

function checkerWith(overrides: Partial<AkismetCheckerOptions> = {}): AkismetChecker {
  return createAkismetChecker({ key: akismet.server.key, blog, ...akismet.server.endpoint, timeoutMs, ...overrides });
}

const params = (overrides: Parameters<typeof aSubmission>[0] = {}, body?: string) => {
  const submission = aSubmission(overrides);
  return buildAkismetParams(submission, body ?? submission.body, { blogLang: 'en' });
};

async function failureOf(call: Promise<unknown>): Promise<AkismetUnavailable> {
  const error = await call.then(
    () => { throw new Error('expected the call to fail'); },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AkismetUnavailable);
  return error as AkismetUnavailable;
}

describe('buildAkismetParams', () => {
  it('maps a submission to the fields Akismet documents', () => {
    expect(buildAkismetParams(aSubmission(), 'Rewritten body', { blogLang: 'en', isTest: true })).toEqual({
      user_ip: '203.0.113.7',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
      referrer: 'https://altfilmguide.example/reviews/',
      permalink: 'https://altfilmguide.example/reviews/stalker-1979',
      comment_type: 'comment',
      comment_author: 'Ada Reader',
      comment_author_email: 'ada@example.org',
      comment_author_url: 'https://ada.example.org',
      comment_content: 'Rewritten body',
      comment_date_gmt: '2025-03-01T12:00:00.000Z',
      blog_lang: 'en',
      blog_charset: 'UTF-8',
      is_test: true,
    });
  });

  it('calls a comment with a parent a reply, and an edit a recheck', () => {
    const p = buildAkismetParams(aSubmission({ parentId: 'c-1', isEdit: true }), 'x');
    expect(p.comment_type).toBe('reply');
    expect(p.recheck_reason).toBe('edit');
  });

  it('names the site the comment is on as the blog when it is known', () => {
    expect(buildAkismetParams(aSubmission({ siteUrl: 'https://altfilmguide.example/' }), 'x').blog).toBe('https://altfilmguide.example/');
    expect(Object.keys(buildAkismetParams(aSubmission(), 'x'))).not.toContain('blog');
  });

  it('leaves out what the reader did not send, so JSON evidence has no nulls', () => {
    const p = buildAkismetParams(aSubmission({ userAgent: null, referrer: null, threadUrl: null, author: { name: 'A', email: 'a@example.org', website: null } }), 'x');
    expect(Object.keys(p)).not.toContain('user_agent');
    expect(Object.keys(p)).not.toContain('referrer');
    expect(Object.keys(p)).not.toContain('permalink');
    expect(Object.keys(p)).not.toContain('comment_author_url');
    expect(Object.keys(p)).not.toContain('is_test');
  });
});

describe('checking a comment', () => {
  it('calls the guaranteed-spam author spam', async () => {
    expect(await akismet.checker.check(params({ author: { name: guaranteedSpamAuthor, email: 'x@example.org', website: null } }))).toBe('spam');
  });

  it('calls the guaranteed-spam email spam', async () => {
    expect(await akismet.checker.check(params({ author: { name: 'X', email: guaranteedSpamEmail, website: null } }))).toBe('spam');
  });

  it('calls an administrator ham, even with the guaranteed-spam author', async () => {
    const p = { ...params({ author: { name: guaranteedSpamAuthor, email: 'x@example.org', website: null } }), user_role: 'administrator' };
    expect(await akismet.checker.check(p)).toBe('ham');
  });

  it('calls an ordinary comment ham', async () => {
    expect(await akismet.checker.check(params())).toBe('ham');
  });

  it('follows the server\'s scripted rule', async () => {
    expect(await akismet.checker.check(params({}, `Cheap pills ${spamMarker}`))).toBe('spam');
    akismet.server.setSpamRule((p) => p.comment_author === 'Ada Reader');
    expect(await akismet.checker.check(params())).toBe('spam');
  });

  it('sends every field Akismet asks for, with the key in the host name as akismet-api does', async () => {
    await akismet.checker.check(buildAkismetParams(aSubmission({ parentId: 'c-1' }), 'A reply', { blogLang: 'en', isTest: true }));
    const [request] = akismet.server.requestsTo('comment-check');
    expect(request?.key).toBe(akismet.server.key);
    expect(request?.params).toEqual({
      blog,
      blog_lang: 'en',
      blog_charset: 'UTF-8',
      user_ip: '203.0.113.7',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
      referrer: 'https://altfilmguide.example/reviews/',
      permalink: 'https://altfilmguide.example/reviews/stalker-1979',
      comment_type: 'reply',
      comment_author: 'Ada Reader',
      comment_author_email: 'ada@example.org',
      comment_author_url: 'https://ada.example.org',
      comment_content: 'A reply',
      comment_date_gmt: '2025-03-01T12:00:00.000Z',
      is_test: 'true',
    });
  });

  it('sends recheck_reason, which akismet-api would otherwise drop', async () => {
    await akismet.checker.check({ ...params(), recheck_reason: 'edit' });
    expect(akismet.server.requestsTo('comment-check')[0]?.params.recheck_reason).toBe('edit');
  });

  it('marks every call as a test when the checker is a test checker', async () => {
    await checkerWith({ isTest: true }).check(params());
    await akismet.checker.check(params());
    const [testCall, realCall] = akismet.server.requestsTo('comment-check');
    expect(testCall?.params.is_test).toBe('true');
    expect(realCall?.params).not.toHaveProperty('is_test');
  });
});

describe('reporting to Akismet', () => {
  it('submits spam with the fields that were checked', async () => {
    const p = { ...params(), recheck_reason: 'retry' };
    await akismet.checker.submitSpam(p);
    const [request] = akismet.server.requestsTo('submit-spam');
    expect(request?.answer?.body).toBe(submitThanks);
    expect(request?.params).toMatchObject({ user_ip: p.user_ip, comment_content: p.comment_content, permalink: p.permalink, blog });
    // recheck_reason only means something to comment-check.
    expect(request?.params).not.toHaveProperty('recheck_reason');
  });

  it('submits ham with the fields that were checked', async () => {
    const p = params({ parentId: 'c-1' });
    await akismet.checker.submitHam(p);
    expect(akismet.server.requestsTo('submit-ham')[0]?.params).toMatchObject({ user_ip: p.user_ip, user_agent: p.user_agent, comment_type: 'reply' });
  });

  it('fails a report Akismet did not accept, which akismet-api alone would not notice', async () => {
    const error = await failureOf(checkerWith({ key: 'wrongkey' }).submitSpam(params()));
    expect(error.kind).toBe('invalid');
  });
});

describe('verifying the key', () => {
  it('accepts the key the server knows', async () => {
    expect(await akismet.checker.verifyKey()).toBe(true);
    expect(akismet.server.requestsTo('verify-key')[0]?.params).toEqual({ key: akismet.server.key, blog });
  });

  it('rejects another key', async () => {
    expect(await checkerWith({ key: 'wrongkey' }).verifyKey()).toBe(false);
  });
});

describe('when Akismet refuses the request', () => {
  it('fails a check with a bad key as invalid', async () => {
    expect((await failureOf(checkerWith({ key: 'wrongkey' }).check(params()))).kind).toBe('invalid');
    expect(akismet.server.requestsTo('comment-check')[0]?.answer?.body).toBe('invalid');
  });

  it('fails a check without the required user_ip as invalid', async () => {
    expect((await failureOf(akismet.checker.check(params({ ip: null })))).kind).toBe('invalid');
  });
});

describe('when Akismet does not answer properly', () => {
  it('gives up on a hung request within the timeout and closes its connection', async () => {
    await akismet.server.setFailure('hang');
    const started = performance.now();
    const error = await failureOf(akismet.checker.check(params()));
    const elapsed = performance.now() - started;
    expect(error.kind).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 5);
    expect(elapsed).toBeLessThan(timeoutMs + 700);
    // The request was destroyed, not left holding a socket.
    await expect.poll(() => akismet.server.requestsTo('comment-check')[0]?.closedBeforeAnswer).toBe(true);
  });

  it('fails fast when the connection is refused', async () => {
    await akismet.server.setFailure('refuse');
    const error = await failureOf(akismet.checker.check(params()));
    expect(error.kind).toBe('network');
    expect(error.details.code).toBe('ECONNREFUSED');
  });

  it('fails on a server error', async () => {
    await akismet.server.setFailure('error500');
    const error = await failureOf(akismet.checker.check(params()));
    expect(error.kind).toBe('http');
    expect(error.details.status).toBe(500);
  });

  it('waits for a slow answer that comes within the timeout', async () => {
    await akismet.server.setFailure({ slowMs: 100 });
    expect(await akismet.checker.check(params())).toBe('ham');
  });

  it('gives up on a slow answer that comes too late', async () => {
    await akismet.server.setFailure({ slowMs: 1000 });
    expect((await failureOf(akismet.checker.check(params()))).kind).toBe('timeout');
  });

  it('bounds every call, not only checks', async () => {
    await akismet.server.setFailure('hang');
    expect((await failureOf(akismet.checker.verifyKey())).kind).toBe('timeout');
    expect((await failureOf(akismet.checker.submitHam(params()))).kind).toBe('timeout');
  });

  it('works again once the server is back', async () => {
    await akismet.server.setFailure('refuse');
    await failureOf(akismet.checker.check(params()));
    await akismet.server.setFailure('none');
    expect(await akismet.checker.check(params())).toBe('ham');
  });
});
