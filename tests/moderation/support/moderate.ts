import { buildPhases } from '../../../src/moderation/phases/index.js';
import { runPipeline, type PipelineOutcome } from '../../../src/moderation/pipeline.js';
import type { ModerationSettings } from '../../../src/moderation/types.js';
import { FORM_SECRET, NOW, makeSettings, makeSubmission, type SubmissionOverrides } from './factories.js';
import { inMemoryLookups, type FakeWorld } from './inMemoryLookups.js';

/** The whole local pipeline, as the service will run it, over fakes. */
export function moderateComment(
  overrides: SubmissionOverrides = {},
  options: { settings?: ModerationSettings; world?: FakeWorld } = {},
): Promise<PipelineOutcome> {
  return runPipeline(buildPhases(), {
    submission: makeSubmission(overrides),
    settings: options.settings ?? makeSettings(),
    lookups: inMemoryLookups(options.world),
    formSecret: FORM_SECRET,
    now: NOW,
  });
}
