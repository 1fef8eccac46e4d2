// The contract between the export readers (wordpress.ts, disqus.ts) and whatever
// writes the records into the database. Readers stream these one at a time so an
// import of several GB never holds more than one post's comments in memory.

export type ImportStatus = 'published' | 'pending' | 'spam' | 'deleted';
export type ImportKind = 'comment' | 'pingback' | 'trackback';

export interface ImportThread {
  /** The page's path (e.g. `/2008/refusenik-qa`: src/shared/threadKey.ts), or the exporter's own id when the page has no usable URL. */
  key: string;
  url: string | null;
  title: string | null;
  createdAt: Date | null;
  /** The exporter's id for the page; comments point at it with `threadExternalId`. */
  externalId: string;
}

export interface ImportComment {
  /**
   * The exporter's comment id. Unique per thread, not always per file (hand-edited
   * exports repeat ids across posts), so writers key comments by thread and id.
   */
  externalId: string;
  threadExternalId: string;
  /**
   * WordPress: always a comment emitted earlier in the same thread.
   * Disqus: the export's parent id as given; the parent may come later in the file
   * or be missing from it, so the writer resolves it.
   */
  parentExternalId: string | null;
  author: { name: string; email: string | null; website: string | null };
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  /** Plain text: paragraphs separated by a blank line, line breaks kept, no HTML. */
  body: string;
  status: ImportStatus;
  kind: ImportKind;
  /**
   * The consent record kept with the comment, when the export has one (Parley's own): the
   * proof of what its author agreed to travels with the comment. Without it the comment gets
   * a record with the basis `imported`.
   */
  consent?: ImportConsent;
}

export interface ImportConsent {
  basis: 'form' | 'imported';
  /** The policy version in the exporting site's numbering (mapped by the importer). */
  policyVersion: number | null;
  policyHash: string | null;
  consentText: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
}

/** A version of the exporting site's comment policy (Parley exports only). */
export interface ImportPolicy {
  version: number;
  text: string;
  consentText: string;
  createdAt: Date;
  /** The exporting site's current policy. */
  current: boolean;
}

export interface ImportSkip {
  /** The skipped record's id in the export; null when it had none or the notice concerns the whole file. */
  externalId: string | null;
  /** One sentence an admin understands, e.g. `comment 12 is in the trash`. */
  reason: string;
}

export type ImportRecord =
  | ({ type: 'policy' } & ImportPolicy)
  | ({ type: 'thread' } & ImportThread)
  | ({ type: 'comment' } & ImportComment)
  | ({ type: 'skip' } & ImportSkip);

/** The file as a whole cannot be read: missing, not XML, or not the expected kind of export. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
}
