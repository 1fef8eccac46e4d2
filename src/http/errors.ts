import type { ContentfulStatusCode } from 'hono/utils/http-status';

// The closed set of error codes the API answers with, and the status each maps to.
const statuses = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  invalid_cursor: 400,
  unauthorized: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  edit_window_closed: 403,
  csrf_failed: 403,
  not_found: 404,
  unknown_site: 404,
  method_not_allowed: 405,
  thread_closed: 409,
  conflict: 409,
  already_reported: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  consent_required: 422,
  policy_outdated: 422,
  invalid_parent: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  email_unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof statuses;

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = statuses[code];
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string; requestId?: string };
}

export function errorBody(e: ApiError, requestId?: string): ErrorBody {
  return {
    error: {
      code: e.code,
      message: e.message,
      ...(e.field ? { field: e.field } : {}),
      ...(requestId ? { requestId } : {}),
    },
  };
}
