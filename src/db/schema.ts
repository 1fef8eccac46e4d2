import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Id, RefId, NullableRefId, Timestamp, NullableTimestamp, Json } from './columnTypes.js';
import type { AuthTables } from './authSchema.js';
import type { PrivacyTables } from './privacySchema.js';


export type CommentStatus = 'published' | 'pending' | 'spam' | 'rejected' | 'deleted';
export const commentStatuses: readonly CommentStatus[] = ['published', 'pending', 'spam', 'rejected', 'deleted'];

export interface InstanceSecretsTable {
  name: string;
  value: string;
  created_at: Generated<Date>;
}

export interface SitesTable {
  id: Id;
  slug: string;
  name: string;
  allowed_origins: ColumnType<string[], string[] | undefined, string[]>;
  moderation: Json<unknown>;
  current_policy_version: number | null;
  edit_window_minutes: Generated<number>;
  report_threshold: Generated<number>;
  ip_retention_days: Generated<number>;
  spam_retention_days: Generated<number>;
  rejected_retention_days: Generated<number>;
  auto_close_days: number | null;
  /** On erasure: keep the text, anonymised (true), or remove it (false). */
  erasure_keeps_text: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface PolicyVersionsTable {
  id: Id;
  site_id: RefId;
  version: number;
  text: string;
  consent_text: string;
  hash: string;
  created_at: Generated<Date>;
}

export interface ThreadsTable {
  id: Id;
  site_id: RefId;
  key: string;
  url: string | null;
  title: string | null;
  closed: Generated<boolean>;
  /** Reopened by a moderator: exempt from the site's auto-close age until closed again. */
  keep_open: Generated<boolean>;
  comment_count: Generated<number>;
  last_comment_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface CommentsTable {
  id: Id;
  site_id: RefId;
  thread_id: RefId;
  parent_id: NullableRefId;
  root_id: NullableRefId;
  depth: Generated<number>;
  author_name: string;
  author_email: string | null;
  author_website: string | null;
  author_avatar: string | null;
  body: string;
  body_hash: string | null;
  status: CommentStatus;
  reply_count: Generated<number>;
  report_count: Generated<number>;
  ip: string | null;
  user_agent: string | null;
  referrer: string | null;
  moderation: Json<unknown> | null;
  edit_token_hash: string | null;
  external_id: string | null;
  created_at: Timestamp;
  edited_at: NullableTimestamp;
  status_changed_at: Timestamp;
}

export interface ConsentRecordsTable {
  id: Id;
  site_id: RefId;
  comment_id: NullableRefId;
  basis: 'form' | 'imported';
  policy_version: number | null;
  policy_hash: string | null;
  consent_text: string | null;
  email: string | null;
  email_hash: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
}

export interface ModerationEventsTable {
  id: Id;
  site_id: RefId;
  comment_id: NullableRefId;
  actor: string;
  action: string;
  from_status: CommentStatus | null;
  to_status: CommentStatus | null;
  reason: string | null;
  details: Json<unknown> | null;
  created_at: Timestamp;
}

export interface BansTable {
  id: Id;
  site_id: RefId;
  kind: 'email' | 'email_domain' | 'ip' | 'ip_range';
  value: string;
  reason: string | null;
  created_by: string | null;
  expires_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface CoreTables {
  instance_secrets: InstanceSecretsTable;
  sites: SitesTable;
  policy_versions: PolicyVersionsTable;
  threads: ThreadsTable;
  comments: CommentsTable;
  consent_records: ConsentRecordsTable;
  moderation_events: ModerationEventsTable;
  bans: BansTable;
}

export type Database = CoreTables & AuthTables & PrivacyTables;

export type Site = Selectable<SitesTable>;
export type PolicyVersion = Selectable<PolicyVersionsTable>;
export type Thread = Selectable<ThreadsTable>;
export type Comment = Selectable<CommentsTable>;
export type NewComment = Insertable<CommentsTable>;
export type CommentUpdate = Updateable<CommentsTable>;
export type ConsentRecord = Selectable<ConsentRecordsTable>;
export type Ban = Selectable<BansTable>;
