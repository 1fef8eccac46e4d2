import type { Generated, Selectable } from 'kysely';
import type { Id, RefId, NullableRefId, Timestamp, NullableTimestamp, Json } from './columnTypes.js';

// Tables for moderator accounts, sessions and the moderation workflow (issue 4,
// migration 0002_moderation). Intersected into `Database` in schema.ts.


export type ModeratorRole = 'admin' | 'moderator';
export type ReportReason = 'spam' | 'abuse' | 'off-topic' | 'misinformation' | 'other';
export const reportReasons: readonly ReportReason[] = ['spam', 'abuse', 'off-topic', 'misinformation', 'other'];

export interface ModeratorsTable {
  id: Id;
  /** Lower-cased. */
  email: string;
  /** `scrypt$N$r$p$salt$hash` (see src/auth/passwords.ts). */
  password_hash: string;
  role: ModeratorRole;
  display_name: string;
  disabled_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface ModeratorSitesTable {
  moderator_id: RefId;
  site_id: RefId;
}

export interface SessionsTable {
  id: Id;
  /** sha256 of the cookie's token; the token itself is never stored. */
  token_hash: string;
  moderator_id: RefId;
  /** The synchroniser token forms and JSON writes must echo. */
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  id: Id;
  token_hash: string;
  name: string;
  moderator_id: RefId;
  last_used_at: NullableTimestamp;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface ThrottleHitsTable {
  id: Id;
  /** e.g. `login:account:ann@example.com`, `login:ip:1.2.3.4`, `report:ip:1.2.3.4`. */
  bucket: string;
  created_at: Timestamp;
}

export interface ReportsTable {
  id: Id;
  comment_id: RefId;
  site_id: RefId;
  reason: ReportReason;
  note: string | null;
  reporter_key: string;
  created_at: Timestamp;
  resolved_at: NullableTimestamp;
  resolved_by: string | null;
}

export interface AuditLogTable {
  id: Id;
  site_id: NullableRefId;
  /** `moderator:<id>`, `cli`, `system:<job>`. */
  actor: string;
  action: string;
  /** What was acted on, e.g. `ban:12`, `thread:refusenik-qa`, `moderator:3`. */
  target: string | null;
  reason: string | null;
  details: Json<unknown> | null;
  created_at: Timestamp;
}

export interface AuthTables {
  moderators: ModeratorsTable;
  moderator_sites: ModeratorSitesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  throttle_hits: ThrottleHitsTable;
  reports: ReportsTable;
  audit_log: AuditLogTable;
}

export type Moderator = Selectable<ModeratorsTable>;
export type Session = Selectable<SessionsTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type Report = Selectable<ReportsTable>;
export type AuditEntry = Selectable<AuditLogTable>;
