import type { ColumnType } from 'kysely';
import type { Id, RefId, Timestamp, NullableTimestamp, Json } from './columnTypes.js';

// Tables for scheduled jobs and readers' data requests (migration 0003). Intersected into `Database`.


export interface AkismetRechecksTable {
  comment_id: RefId;
  params: Json<Record<string, unknown>>;
  deferred_at: Timestamp;
  attempts: ColumnType<number, number | undefined, number>;
  next_at: Timestamp;
}

export interface DataRequestsTable {
  id: Id;
  site_id: RefId;
  kind: 'export' | 'erase';
  email: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  completed_at: NullableTimestamp;
}

export interface ErasuresTable {
  id: Id;
  site_id: RefId;
  email_hash: string;
  requested_by: string;
  mode: string;
  comments_affected: number;
  created_at: Timestamp;
}

export interface JobRunsTable {
  id: Id;
  job: string;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
  report: Json<unknown> | null;
}

export interface ImportLinksTable {
  site_id: RefId;
  external_id: string;
  parent_external_id: string;
}

export interface PrivacyTables {
  import_links: ImportLinksTable;
  akismet_rechecks: AkismetRechecksTable;
  data_requests: DataRequestsTable;
  erasures: ErasuresTable;
  job_runs: JobRunsTable;
}
