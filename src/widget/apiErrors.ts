import { plural } from './words.js';

/** Any failed API call, reduced to what the UI needs. status 0 means the server was not reached. */
export interface ApiFailure {
  status: number;
  code: string;
  message: string;
  /** Dotted path of the offending input, e.g. "author.email". */
  field: string | null;
  retryAfterSeconds: number | null;
}

export class ApiError extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.message);
  }
}

export const NETWORK_FAILURE: ApiFailure = {
  status: 0,
  code: 'network',
  message: "Couldn't reach the comments server. Check your connection and try again.",
  field: null,
  retryAfterSeconds: null,
};

/** Reads the server's `{ error: { code, message, field? } }`, tolerating any other body. */
export function failureFrom(status: number, payload: unknown, retryAfter: string | null, now: number): ApiFailure {
  const error = (payload as { error?: Record<string, unknown> } | null)?.error;
  const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
  return {
    status,
    code: text(error?.code) ?? `http_${status}`,
    message: text(error?.message) ?? '',
    field: text(error?.field),
    retryAfterSeconds: parseRetryAfter(retryAfter, now),
  };
}

/** Retry-After is either delta-seconds or an HTTP date; either way, whole seconds from now (min 1). */
export function parseRetryAfter(header: string | null | undefined, now: number): number | null {
  if (!header) return null;
  const value = header.trim();
  const seconds = /^\d+$/.test(value) ? Number(value) : (Date.parse(value) - now) / 1000;
  return Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : null;
}

/** The sentence shown to the reader. 5xx bodies are never shown: the server keeps those generic anyway. */
export function messageForFailure(f: ApiFailure): string {
  if (f.status === 0) return f.message || NETWORK_FAILURE.message;
  if (f.status === 429) {
    return f.retryAfterSeconds
      ? `You're posting too fast, try again in ${plural(f.retryAfterSeconds, 'second')}.`
      : "You're posting too fast, try again in a moment.";
  }
  if (f.status >= 500 || !f.message) return 'Something went wrong on our side. Please try again.';
  return f.message;
}

export type FormField = 'name' | 'email' | 'website' | 'body' | 'consent';

/** Which form control a server error belongs to; null puts it at the top of the form. */
export function formFieldForErrorPath(path: string | null | undefined): FormField | null {
  switch (path?.split('.')[0]) {
    case 'author':
      return path === 'author.name' ? 'name' : path === 'author.email' ? 'email' : path === 'author.website' ? 'website' : null;
    case 'body':
      return 'body';
    case 'consent':
      return 'consent';
    default:
      return null;
  }
}
