import type { ClientRequest } from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import { AkismetClient } from 'akismet-api';
import type { Submission } from '../types.js';

/**
 * What Akismet is told about one comment (https://akismet.com/developers/comment-check/).
 * Stored as-is in moderation flags, so that a moderator's later "spam"/"not spam"
 * resends exactly what was checked: keep it plain JSON.
 */
export interface AkismetParams {
  user_ip: string;
  user_agent?: string;
  referrer?: string;
  /** The article's URL. */
  permalink?: string;
  comment_type: 'comment' | 'reply';
  comment_author: string;
  comment_author_email: string;
  comment_author_url?: string;
  comment_content: string;
  /** ISO 8601, UTC. */
  comment_date_gmt: string;
  /**
   * The front page of the site the comment is on. Several sites share one Parley server and
   * one key; Akismet keeps what it learns per `blog`, so each site is named as itself, not as
   * the server. Absent, the checker's own `blog` (the server's public URL) is sent.
   */
  blog?: string;
  blog_lang?: string;
  blog_charset: string;
  /** Tells Akismet not to learn from this call (CI, staging). */
  is_test?: boolean;
  /** `administrator` is never spam; Akismet's test trigger for ham. */
  user_role?: string;
  /** Why an already checked comment is checked again: `edit`, `retry`. */
  recheck_reason?: string;
}

export type AkismetFailureKind = 'timeout' | 'network' | 'http' | 'invalid' | 'unexpected';

/** Akismet gave no usable answer. The comment must wait, never pass unchecked. */
export class AkismetUnavailable extends Error {
  constructor(
    readonly kind: AkismetFailureKind,
    message: string,
    readonly details: { status?: number; code?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AkismetUnavailable';
  }

  /** JSON-serialisable, for flag evidence. */
  toJSON(): Record<string, unknown> {
    return { kind: this.kind, message: this.message, ...this.details };
  }
}

export interface AkismetCheckerOptions {
  key: string;
  /** The site's front page URL (Akismet's `blog`). */
  blog: string;
  /** Defaults to Akismet's `rest.akismet.com`; tests pass a local server's. */
  host?: string;
  /** Defaults to `https`; tests pass `http+unix` (see tests/support/akismetServer.ts). */
  protocol?: string;
  /** How long one call may take before the comment is held instead. Default 3000. */
  timeoutMs?: number;
  /** Marks every call as a test, so Akismet never learns from this instance. */
  isTest?: boolean;
  userAgent?: string;
}

export interface AkismetChecker {
  check(params: AkismetParams): Promise<'spam' | 'ham'>;
  /** Reports a comment Akismet let through (a false negative). */
  submitSpam(params: AkismetParams): Promise<void>;
  /** Reports a comment Akismet wrongly called spam (a false positive). */
  submitHam(params: AkismetParams): Promise<void>;
  verifyKey(): Promise<boolean>;
}

export const defaultAkismetTimeoutMs = 3000;

/** Akismet's reply to an accepted submit-spam / submit-ham. */
const submitThanks = 'Thanks for making the web a better place.';

/** The calls go through the real akismet-api client, bounded by `timeoutMs` (it has no timeout of its own). */
export function createAkismetChecker(opts: AkismetCheckerOptions): AkismetChecker {
  const timeoutMs = opts.timeoutMs ?? defaultAkismetTimeoutMs;

  // A client per call: blog_lang and blog_charset are client options in akismet-api,
  // and recheck_reason has to ride along with them (see withRequestFields). Construction
  // only builds two URL strings.
  const clientFor = (params: AkismetParams | null, requestFields: Record<string, string> = {}): AkismetClient => {
    const client = new AkismetClient({
      key: opts.key,
      blog: params?.blog ?? opts.blog,
      ...(opts.host !== undefined ? { host: opts.host } : {}),
      ...(opts.protocol !== undefined ? { protocol: opts.protocol } : {}),
      ...(opts.userAgent !== undefined ? { userAgent: opts.userAgent } : {}),
      ...(params?.blog_lang !== undefined ? { blog_lang: params.blog_lang } : {}),
      ...(params ? { blog_charset: params.blog_charset } : {}),
    });
    return withRequestFields(client, requestFields);
  };

  const comment = (params: AkismetParams): AkismetComment => {
    const isTest = opts.isTest || params.is_test;
    return dropUndefined({
      user_ip: params.user_ip,
      user_agent: params.user_agent,
      referrer: params.referrer,
      permalink: params.permalink,
      comment_type: params.comment_type,
      comment_author: params.comment_author,
      comment_author_email: params.comment_author_email,
      comment_author_url: params.comment_author_url,
      comment_content: params.comment_content,
      comment_date_gmt: params.comment_date_gmt,
      user_role: params.user_role,
      // is_test is a presence flag in Akismet's docs; leave it out rather than send `false`.
      is_test: isTest ? true : undefined,
    }) as AkismetComment;
  };

  const submit = async (kind: 'submitSpam' | 'submitHam', params: AkismetParams): Promise<void> => {
    const response = await withDeadline(timeoutMs, () => clientFor(params)[kind](comment(params)));
    // akismet-api never looks at the submit answer; a wrong key answers 200 `invalid`.
    const text = (response as unknown as { text?: unknown } | undefined)?.text;
    if (text !== submitThanks) {
      throw new AkismetUnavailable(text === 'invalid' ? 'invalid' : 'unexpected', `Akismet did not accept the report: ${String(text)}`);
    }
  };

  return {
    async check(params) {
      const extra: Record<string, string> = params.recheck_reason ? { recheck_reason: params.recheck_reason } : {};
      const isSpam = await withDeadline(timeoutMs, () => clientFor(params, extra).checkSpam(comment(params)));
      return isSpam ? 'spam' : 'ham';
    },
    submitSpam: (params) => submit('submitSpam', params),
    submitHam: (params) => submit('submitHam', params),
    verifyKey: () => withDeadline(timeoutMs, () => clientFor(null).verifyKey()),
  };
}

/** Maps a reader's submission to what Akismet wants; `body` is the text as the pipeline rewrote it. */
export function buildAkismetParams(
  submission: Submission,
  body: string,
  opts: { blogLang?: string; isTest?: boolean } = {},
): AkismetParams {
  return dropUndefined({
    // Akismet requires an IP; an empty one makes it refuse the call, so the comment is held.
    user_ip: submission.ip ?? '',
    user_agent: submission.userAgent ?? undefined,
    referrer: submission.referrer ?? undefined,
    permalink: submission.threadUrl ?? undefined,
    comment_type: submission.parentId ? 'reply' : 'comment',
    comment_author: submission.author.name,
    comment_author_email: submission.author.email,
    // The website as the reader sent it, even if the link policy removed it: a spammer's
    // URL is one of Akismet's strongest signals.
    comment_author_url: submission.author.website ?? undefined,
    comment_content: body,
    comment_date_gmt: submission.receivedAt.toISOString(),
    blog: submission.siteUrl ?? undefined,
    blog_lang: opts.blogLang,
    blog_charset: 'UTF-8',
    is_test: opts.isTest ? true : undefined,
    // Akismet's documented reason for checking an edited comment again.
    recheck_reason: submission.isEdit ? 'edit' : undefined,
  }) as AkismetParams;
}

type AkismetComment = Parameters<AkismetClient['checkSpam']>[0];

/**
 * akismet-api keeps only the comment fields it knows, and recheck_reason is not among them
 * (6.0.0 documents a `recheck` alias that its code does not have). Every request does
 * spread the client's `requestOpts` (blog, blog_lang, blog_charset) into the form, so
 * extra fields go there. tests/akismet checks recheck_reason reaches the server, which
 * catches an upgrade that renames this.
 */
function withRequestFields(client: AkismetClient, fields: Record<string, string>): AkismetClient {
  if (Object.keys(fields).length === 0) return client;
  const internal = client as unknown as { requestOpts?: unknown };
  if (!internal.requestOpts || typeof internal.requestOpts !== 'object') {
    throw new Error('akismet-api no longer has requestOpts; cannot send recheck_reason');
  }
  internal.requestOpts = { ...internal.requestOpts, ...fields };
  return client;
}

/** The HTTP requests one akismet-api call made, so they can be destroyed at its deadline. */
interface CallRequests {
  requests: ClientRequest[];
  expired: boolean;
}

const currentCall = new AsyncLocalStorage<CallRequests>();
let watchingRequests = false;

/**
 * akismet-api accepts no timeout or AbortSignal and never exposes its superagent
 * request. Node announces every client request on a diagnostics channel; on Node 20
 * that happens a tick after the request is created (in `_finish`), so one permanent
 * subscriber uses AsyncLocalStorage to find which call, if any, the request belongs to.
 */
function watchRequests(): void {
  if (watchingRequests) return;
  watchingRequests = true;
  diagnosticsChannel.subscribe('http.client.request.start', (message) => {
    const call = currentCall.getStore();
    const request = (message as { request?: ClientRequest }).request;
    if (!call || !request) return;
    if (call.expired) request.destroy();
    else call.requests.push(request);
  });
}

/**
 * Runs one akismet-api call and gives up after `timeoutMs`, destroying its request:
 * otherwise a request Akismet never answers would hold a socket forever.
 * Every failure becomes an AkismetUnavailable.
 */
async function withDeadline<T>(timeoutMs: number, start: () => PromiseLike<T>): Promise<T> {
  watchRequests();
  const call: CallRequests = { requests: [], expired: false };
  const pending = currentCall.run(call, () => {
    try {
      return Promise.resolve(start());
    } catch (error) {
      return Promise.reject(error);
    }
  });

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      call.expired = true;
      for (const request of call.requests) request.destroy();
      reject(new AkismetUnavailable('timeout', `Akismet did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    // Promise.race keeps a handler on `pending`, so its late rejection (after destroy) is not unhandled.
    return await Promise.race([pending.catch((error: unknown) => Promise.reject(classify(error))), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function classify(error: unknown): AkismetUnavailable {
  if (error instanceof AkismetUnavailable) return error;
  const e = (error ?? {}) as { message?: unknown; status?: unknown; code?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (message === 'Invalid API key') {
    return new AkismetUnavailable('invalid', 'Akismet answered "invalid" (bad key or missing field)', {}, { cause: error });
  }
  if (typeof e.status === 'number') {
    return new AkismetUnavailable('http', `Akismet answered HTTP ${e.status}`, { status: e.status }, { cause: error });
  }
  if (typeof e.code === 'string') {
    return new AkismetUnavailable('network', `Akismet could not be reached (${e.code})`, { code: e.code }, { cause: error });
  }
  return new AkismetUnavailable('unexpected', `Akismet gave an unexpected answer: ${message}`, {}, { cause: error });
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
