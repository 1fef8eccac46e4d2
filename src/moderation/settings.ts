import type { ModerationSettings } from './types.js';

// Defaults follow the seed site's comment policy (../shared/seed): links in
// comments are deleted, abusive comments removed, everything else published.
export const defaultModerationSettings: ModerationSettings = Object.freeze({
  mode: 'post',
  links: { policy: 'strip', allowlist: [] },
  words: { banned: [], suspect: [] },
  abuse: { enabled: true },
  behaviour: {
    minSecondsToSubmit: 3,
    duplicateWindowMinutes: 10,
    maxPostsPerIpPer10Min: 10,
    maxPostsPerEmailPer10Min: 6,
  },
  akismet: { enabled: true },
}) as ModerationSettings;

/** Fills what a stored (possibly older, partial) settings object lacks from the defaults. */
export function resolveModerationSettings(stored: unknown): ModerationSettings {
  const s = (stored && typeof stored === 'object' ? stored : {}) as Partial<ModerationSettings>;
  const d = defaultModerationSettings;
  return {
    mode: s.mode ?? d.mode,
    links: { ...d.links, ...s.links },
    words: { ...d.words, ...s.words },
    abuse: { ...d.abuse, ...s.abuse },
    behaviour: { ...d.behaviour, ...s.behaviour },
    akismet: { ...d.akismet, ...s.akismet },
  };
}
