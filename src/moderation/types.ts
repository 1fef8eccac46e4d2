// The one contract every moderation phase shares (after Coral Talk's pipeline):
// a phase sees the submission and what earlier phases decided, and returns
// nothing or a partial result. The first decision ends the run; flags add up.

export type Decision = 'publish' | 'hold' | 'spam' | 'reject';

/** A finding a moderator can read: a reason code, a sentence, and the evidence behind it. */
export interface Flag {
  /** Stable machine code, e.g. `link_removed`, `banned_word`, `spam-check-deferred`. */
  code: string;
  /** One sentence a moderator understands without reading code. */
  reason: string;
  /** What was found: matched words, removed links, scores. JSON-serialisable. */
  evidence?: Record<string, unknown>;
}

export interface Author {
  name: string;
  email: string;
  website: string | null;
}

/** What a reader sent, as the HTTP layer validated it. */
export interface Submission {
  siteId: string;
  siteSlug: string;
  threadKey: string;
  /** The article's URL, when known (Akismet's permalink). */
  threadUrl: string | null;
  /** The site's front page, when known (Akismet's `blog`: see siteHomeUrl). */
  siteUrl?: string | null;
  parentId: string | null;
  /** True when an already stored comment is being edited by its author. */
  isEdit: boolean;
  author: Author;
  body: string;
  ip: string | null;
  userAgent: string | null;
  referrer: string | null;
  /** Honeypot field as sent by the form (should be empty). */
  honeypot: string | null;
  /** Signed form timestamp token issued with the form, if any. */
  formToken: string | null;
  receivedAt: Date;
}

export type LinkPolicy = 'strip' | 'hold' | 'allow';
export type ModerationMode = 'post' | 'pre' | 'first-time';

/** Per-site moderation settings, stored as JSON with the site; defaults in settings.ts. */
export interface ModerationSettings {
  /** post: publish what passes; pre: hold everything; first-time: hold an email's comments until one was approved. */
  mode: ModerationMode;
  links: { policy: LinkPolicy; allowlist: string[] };
  words: { banned: string[]; suspect: string[] };
  abuse: { enabled: boolean };
  behaviour: {
    /** A form sent sooner than this after it was shown is held (bots fill forms instantly). */
    minSecondsToSubmit: number;
    /** The same text posted again within this window (by anyone, on any thread) is held as a duplicate. */
    duplicateWindowMinutes: number;
    /** Posts allowed per IP and per email in a 10-minute window before 429. */
    maxPostsPerIpPer10Min: number;
    maxPostsPerEmailPer10Min: number;
  };
  akismet: { enabled: boolean };
}

export interface AuthorHistory {
  published: number;
  pending: number;
  spam: number;
  rejected: number;
}

export type BanKind = 'email' | 'email_domain' | 'ip' | 'ip_range';
export interface Ban {
  kind: BanKind;
  /** email, domain, IP, or CIDR range. */
  value: string;
  reason: string | null;
}

/**
 * What phases may ask of the world. The service fills these from the database;
 * unit tests pass small fakes. All are read-only.
 */
export interface ModerationLookups {
  /** Counts of this email's comments on this site, by status. */
  authorHistory(): Promise<AuthorHistory>;
  /** How many comments on this site with this exact normalised body were created since `since`. */
  countSameBody(body: string, since: Date): Promise<number>;
  /** The site's active bans (unexpired). */
  activeBans(): Promise<Ban[]>;
  /** Posts by this IP / email on the site since `since` (for rate limits). */
  countRecentByIp(ip: string, since: Date): Promise<number>;
  countRecentByEmail(email: string, since: Date): Promise<number>;
}

export interface PhaseInput {
  submission: Submission;
  settings: ModerationSettings;
  /** The body as rewritten by earlier phases. */
  body: string;
  /** The author's website as rewritten by earlier phases (null when removed). */
  website: string | null;
  /** Flags from earlier phases. */
  flags: readonly Flag[];
  lookups: ModerationLookups;
  /** Secret used to verify signed form tokens. */
  formSecret: string;
  now: Date;
}

export interface PhaseResult {
  body?: string;
  website?: string | null;
  /**
   * The author's display name as rewritten (normalise strips invisible characters).
   * Optional: the pipeline may adopt it like `body`; phases that read the name
   * normalise it themselves, so nothing depends on it being applied.
   */
  authorName?: string;
  flags?: Flag[];
  /** Ends the pipeline. `reason` is shown to moderators. */
  decision?: { status: Decision; reason: string };
}

export interface Phase {
  name: string;
  run(input: PhaseInput): PhaseResult | void | Promise<PhaseResult | void>;
}

/** One phase's part of the moderation record. */
export interface PhaseRecord {
  phase: string;
  ms: number;
  flags: Flag[];
  rewrote: boolean;
  decision?: { status: Decision; reason: string };
}

/** Stored with the comment: what ran, what it found, what was decided and why. */
export interface ModerationRecord {
  decision: Decision;
  reason: string;
  decidedBy: string;
  flags: Flag[];
  phases: PhaseRecord[];
  totalMs: number;
}

/**
 * Thrown by a phase for a hard rule the reader must be told about
 * (e.g. rate limits → 429 with Retry-After). Routes map it to an HTTP error.
 */
export class ModerationRefusal extends Error {
  constructor(
    readonly code: 'rate_limited',
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ModerationRefusal';
  }
}
