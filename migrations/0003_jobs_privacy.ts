import { sql, type Kysely } from 'kysely';

// Frozen in time: imports nothing from src.

export async function up(db: Kysely<any>): Promise<void> {
  // Comments held because Akismet did not answer, waiting for a retry (WordPress's recheck queue).
  await db.schema
    .createTable('akismet_rechecks')
    .addColumn('comment_id', 'bigint', (c) => c.primaryKey().references('comments.id').onDelete('cascade'))
    .addColumn('params', 'jsonb', (c) => c.notNull())
    .addColumn('deferred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index akismet_rechecks_next on akismet_rechecks (next_at)`.execute(db);

  // Self-service data requests (GDPR articles 15 and 17), confirmed by a link sent to the address.
  await db.schema
    .createTable('data_requests')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('export', 'erase')`))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .execute();

  // The record that an erasure happened: proof we acted, without the data we erased.
  await db.schema
    .createTable('erasures')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('email_hash', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('comments_affected', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // Which scheduled job ran when, and what it did: operators can see retention working.
  await db.schema
    .createTable('job_runs')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('report', 'jsonb')
    .execute();
  await sql`create index job_runs_job on job_runs (job, id)`.execute(db);

  // Erasing by author and retention sweeps by age and status.
  await sql`create index comments_status_age on comments (status, status_changed_at)`.execute(db);
  await sql`create index comments_ip_age on comments (created_at) where ip is not null or user_agent is not null`.execute(db);
  await sql`create index consent_records_ip_age on consent_records (created_at) where ip is not null or user_agent is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists consent_records_ip_age`.execute(db);
  await sql`drop index if exists comments_ip_age`.execute(db);
  await sql`drop index if exists comments_status_age`.execute(db);
  for (const t of ['job_runs', 'erasures', 'data_requests', 'akismet_rechecks']) await db.schema.dropTable(t).ifExists().execute();
}
