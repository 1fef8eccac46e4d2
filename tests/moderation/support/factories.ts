import { defaultModerationSettings } from '../../../src/moderation/settings.js';
import type { Flag, ModerationSettings, Phase, PhaseInput, PhaseResult, Submission } from '../../../src/moderation/types.js';
import { issueFormToken } from '../../../src/moderation/phases/formToken.js';
import { inMemoryLookups, type FakeWorld } from './inMemoryLookups.js';

export const FORM_SECRET = 'test-form-secret';
export const NOW = new Date('2024-05-01T12:00:00Z');

export type SubmissionOverrides = Partial<Omit<Submission, 'author'>> & { author?: Partial<Submission['author']> };

export function makeSubmission(overrides: SubmissionOverrides = {}): Submission {
  const { author, ...rest } = overrides;
  return {
    siteId: 'site-1',
    siteSlug: 'altfilmguide',
    threadKey: 'refusenik-qa',
    threadUrl: 'https://altfilmguide.example/refusenik-qa',
    parentId: null,
    isEdit: false,
    body: 'I would like to find the film to show to a group at my Temple.',
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0',
    referrer: null,
    honeypot: null,
    formToken: issueFormToken(FORM_SECRET, new Date(NOW.getTime() - 20_000)),
    receivedAt: NOW,
    ...rest,
    author: { name: 'Sondra Snyder', email: 'sondra@example.org', website: null, ...author },
  };
}

type SettingsOverrides = { [K in keyof ModerationSettings]?: Partial<ModerationSettings[K]> | ModerationSettings[K] };

export function makeSettings(overrides: SettingsOverrides = {}): ModerationSettings {
  const d = defaultModerationSettings;
  return {
    mode: (overrides.mode as ModerationSettings['mode']) ?? d.mode,
    links: { ...d.links, ...(overrides.links as object) },
    words: { ...d.words, ...(overrides.words as object) },
    abuse: { ...d.abuse, ...(overrides.abuse as object) },
    behaviour: { ...d.behaviour, ...(overrides.behaviour as object) },
    akismet: { ...d.akismet, ...(overrides.akismet as object) },
  };
}

export interface PhaseCall {
  submission?: Submission;
  settings?: ModerationSettings;
  body?: string;
  website?: string | null;
  flags?: Flag[];
  world?: FakeWorld;
}

/** Runs one phase the way the pipeline would, with the current body defaulting to the submission's. */
export async function runPhase(phase: Phase, call: PhaseCall = {}): Promise<PhaseResult> {
  const submission = call.submission ?? makeSubmission(call.body !== undefined ? { body: call.body } : {});
  const input: PhaseInput = {
    submission,
    settings: call.settings ?? makeSettings(),
    body: call.body ?? submission.body,
    website: call.website !== undefined ? call.website : submission.author.website,
    flags: call.flags ?? [],
    lookups: inMemoryLookups(call.world),
    formSecret: FORM_SECRET,
    now: NOW,
  };
  return (await phase.run(input)) ?? {};
}

export function flagCodes(result: PhaseResult): string[] {
  return (result.flags ?? []).map((flag) => flag.code);
}
