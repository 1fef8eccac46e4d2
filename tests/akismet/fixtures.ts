import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createAkismetChecker, type AkismetChecker } from '../../src/moderation/akismet/client.js';
import { defaultModerationSettings } from '../../src/moderation/settings.js';
import type { ModerationLookups, ModerationSettings, PhaseInput, Submission } from '../../src/moderation/types.js';
import { startAkismetServer, type AkismetTestServer } from '../support/akismetServer.js';

export const blog = 'https://altfilmguide.example';

export function aSubmission(overrides: Partial<Submission> = {}): Submission {
  return {
    siteId: 'site-1',
    siteSlug: 'altfilmguide',
    threadKey: 'stalker-1979',
    threadUrl: 'https://altfilmguide.example/reviews/stalker-1979',
    parentId: null,
    isEdit: false,
    author: { name: 'Ada Reader', email: 'ada@example.org', website: 'https://ada.example.org' },
    body: 'The long take in the Zone still holds up.',
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
    referrer: 'https://altfilmguide.example/reviews/',
    honeypot: null,
    formToken: null,
    receivedAt: new Date('2025-03-01T12:00:00Z'),
    ...overrides,
  };
}

const noLookups: ModerationLookups = {
  authorHistory: async () => ({ published: 0, pending: 0, spam: 0, rejected: 0 }),
  countSameBody: async () => 0,
  activeBans: async () => [],
  countRecentByIp: async () => 0,
  countRecentByEmail: async () => 0,
};

export function aPhaseInput(submission: Submission, settings: Partial<ModerationSettings> = {}): PhaseInput {
  return {
    submission,
    settings: { ...defaultModerationSettings, ...settings },
    body: submission.body,
    website: submission.author.website,
    flags: [],
    lookups: noLookups,
    formSecret: 'test-secret',
    now: new Date('2025-03-01T12:00:01Z'),
  };
}

/** Short, so failure tests are quick; the production default is 3 s. */
export const testTimeoutMs = 300;

/**
 * This file's own local Akismet (its own socket in its own temp dir, so files running
 * in parallel never share one), reset before each test, and a checker pointed at it.
 * Read the fields inside tests or hooks: they are filled in by beforeAll.
 */
export function useAkismetServer(): { server: AkismetTestServer; checker: AkismetChecker } {
  const ctx = {} as { server: AkismetTestServer; checker: AkismetChecker };
  beforeAll(async () => {
    ctx.server = await startAkismetServer();
    ctx.checker = createAkismetChecker({ key: ctx.server.key, blog, ...ctx.server.endpoint, timeoutMs: testTimeoutMs });
  });
  afterAll(() => ctx.server.stop());
  beforeEach(() => ctx.server.reset());
  return ctx;
}
