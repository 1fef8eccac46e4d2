import type { NewSubmission } from '../../src/db/submission.js';

let counter = 0;

/**
 * A reader's submission as postComment hands it to the database: published, on a thread that
 * is created with it, with a distinct edit token hash (what tells rows of a batch apart).
 */
export function newSubmission(
  siteId: string,
  thread: string,
  over: Partial<NewSubmission['comment']> = {},
  opts: { now?: Date; closedIfCreatedBefore?: Date | null } = {},
): NewSubmission {
  const now = opts.now ?? new Date('2026-11-28T12:00:00.000Z');
  const n = counter++;
  return {
    comment: {
      site_id: siteId,
      parent_id: null,
      root_id: null,
      depth: 0,
      author_name: 'Sondra',
      author_email: 'sondra@example.com',
      author_website: null,
      author_avatar: 'abc',
      body: 'Where can I find this film?',
      body_hash: 'h',
      status: 'published',
      ip: '203.0.113.9',
      user_agent: 'UA',
      referrer: null,
      moderation: JSON.stringify({ decision: 'publish' }),
      edit_token_hash: `token-${process.pid}-${n}`,
      created_at: now,
      status_changed_at: now,
      ...over,
    },
    thread: { key: thread, url: 'https://example.com/a', title: 'A', closedIfCreatedBefore: opts.closedIfCreatedBefore ?? null },
    consent: { policyVersion: 1, policyHash: 'ph', consentText: 'I agree' },
    event: { actor: 'pipeline:test', reason: null },
    akismetRecheck: null,
  };
}
