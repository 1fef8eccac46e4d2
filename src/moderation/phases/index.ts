import type { Phase } from '../types.js';

/** Services some phases need; built once by the composition root. */
export interface PhaseDeps {
  // Filled in as phases land (e.g. the Akismet checker).
}

/**
 * The site's rules, in the order they run. Reading this list is reading the rules.
 */
export function buildPhases(_deps: PhaseDeps = {}): Phase[] {
  return [];
}
