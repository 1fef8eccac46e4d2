import type { FormField } from './apiErrors.js';

export interface Draft {
  name: string;
  email: string;
  website: string;
  body: string;
  consent: boolean;
}

export interface DraftProblem {
  field: FormField;
  message: string;
}

/** Loose on purpose: the server has the last word; this only catches typos before a round trip. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks a draft before sending, in form order so focus goes to the first problem. */
export function validateDraft(draft: Draft, limits: { nameMax: number; bodyMax: number }): DraftProblem[] {
  const problems: DraftProblem[] = [];
  const name = draft.name.trim();
  if (!name) problems.push({ field: 'name', message: 'Please enter your name.' });
  else if (name.length > limits.nameMax) problems.push({ field: 'name', message: `Your name can be at most ${limits.nameMax} characters.` });
  if (!draft.email.trim()) problems.push({ field: 'email', message: 'Please enter your email address.' });
  else if (!EMAIL.test(draft.email.trim())) problems.push({ field: 'email', message: 'Please enter a valid email address, like name@example.com.' });
  if (draft.website.trim() && !isHttpUrl(normalizeWebsite(draft.website))) {
    problems.push({ field: 'website', message: 'Please enter a web address starting with http:// or https://, or leave it empty.' });
  }
  if (!draft.body.trim()) problems.push({ field: 'body', message: 'Please write a comment.' });
  else if (draft.body.length > limits.bodyMax) {
    problems.push({ field: 'body', message: `Your comment is ${draft.body.length - limits.bodyMax} characters too long (at most ${limits.bodyMax}).` });
  }
  if (!draft.consent) problems.push({ field: 'consent', message: 'Please tick the box to agree before posting.' });
  return problems;
}

/** People type "example.com"; they mean https://example.com. */
export function normalizeWebsite(input: string): string {
  const value = input.trim();
  if (!value) return '';
  return /^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value.replace(/^\/+/, '')}`;
}

/** Only http(s) links are ever rendered, so a "javascript:" website can't become a link. */
export function isHttpUrl(value: string | null | undefined): boolean {
  if (!value) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}
