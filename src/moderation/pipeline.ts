import type { Decision, Flag, ModerationRecord, Phase, PhaseInput, PhaseRecord } from './types.js';

export interface PipelineOutcome {
  body: string;
  authorName: string;
  website: string | null;
  record: ModerationRecord;
}

type PipelineInput = Omit<PhaseInput, 'body' | 'website' | 'flags'>;

/**
 * Runs phases in order. A phase may rewrite the body or website and add flags;
 * the first phase that returns a decision ends the run. A run that ends with
 * no decision publishes, unless a phase flagged something and asked to hold.
 */
export async function runPipeline(phases: readonly Phase[], input: PipelineInput): Promise<PipelineOutcome> {
  const started = performance.now();
  let body = input.submission.body;
  let website = input.submission.author.website;
  let authorName = input.submission.author.name;
  const flags: Flag[] = [];
  const records: PhaseRecord[] = [];
  let decision: { status: Decision; reason: string } | undefined;
  let decidedBy = 'default';

  for (const phase of phases) {
    const t0 = performance.now();
    const result = (await phase.run({ ...input, body, website, flags })) ?? {};
    const rewrote = (result.body !== undefined && result.body !== body) ||
      (result.website !== undefined && result.website !== website);
    if (result.body !== undefined) body = result.body;
    if (result.website !== undefined) website = result.website;
    if (result.authorName !== undefined) authorName = result.authorName;
    const phaseFlags = result.flags ?? [];
    flags.push(...phaseFlags);
    records.push({
      phase: phase.name,
      ms: round(performance.now() - t0),
      flags: phaseFlags,
      rewrote,
      ...(result.decision ? { decision: result.decision } : {}),
    });
    if (result.decision) {
      decision = result.decision;
      decidedBy = phase.name;
      break;
    }
  }

  return {
    body,
    authorName,
    website,
    record: {
      decision: decision?.status ?? 'publish',
      reason: decision?.reason ?? 'Passed every check.',
      decidedBy,
      flags,
      phases: records,
      totalMs: round(performance.now() - started),
    },
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
