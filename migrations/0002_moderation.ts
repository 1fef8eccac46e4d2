import { sql, type Kysely } from 'kysely';

// Frozen in time: this file imports nothing from src and never changes once landed.
// Moderator accounts, their sessions and API tokens, login and report throttling,
// reader reports, and the audit log of moderator actions that are not status changes
// (status changes are already in moderation_events).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('moderators')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    // Stored lower-cased: one account per address whatever its spelling.
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'moderator')`))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Which sites a moderator (role 'moderator') may see; admins see every site.
  await db.schema
    .createTable('moderator_sites')
    .addColumn('moderator_id', 'bigint', (c) => c.notNull().references('moderators.id').onDelete('cascade'))
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('moderator_sites_pk', ['moderator_id', 'site_id'])
    .execute();

  // Login sessions: only a hash of the cookie's token is stored, so a leaked table opens no session.
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('moderator_id', 'bigint', (c) => c.notNull().references('moderators.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index sessions_moderator on sessions (moderator_id)`.execute(db);

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('moderator_id', 'bigint', (c) => c.notNull().references('moderators.id').onDelete('cascade'))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await sql`create index api_tokens_moderator on api_tokens (moderator_id)`.execute(db);

  // Throttling kept in the database, so every instance behind a load balancer counts alike:
  // one row per counted event (a failed login, a report) under a bucket such as `login:ip:1.2.3.4`.
  await db.schema
    .createTable('throttle_hits')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index throttle_hits_bucket on throttle_hits (bucket, created_at)`.execute(db);

  await db.schema
    .createTable('reports')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('comment_id', 'bigint', (c) => c.notNull().references('comments.id').onDelete('cascade'))
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('spam', 'abuse', 'off-topic', 'misinformation', 'other')`))
    .addColumn('note', 'text')
    // An HMAC of the reader's email, or of IP and user agent: one report per reader, nothing to read back.
    .addColumn('reporter_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Set when a moderator decides on the comment; open reports are the ones without it.
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_by', 'text')
    .addUniqueConstraint('reports_comment_reporter', ['comment_id', 'reporter_key'])
    .execute();
  await sql`create index reports_open on reports (site_id, comment_id) where resolved_at is null`.execute(db);

  // Moderator actions that change no comment's status: bans, settings, accounts, threads.
  // The audit view is this table and moderation_events together.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('site_id', 'bigint', (c) => c.references('sites.id').onDelete('cascade'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('reason', 'text')
    .addColumn('details', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index audit_log_site on audit_log (site_id, created_at, id)`.execute(db);
  await sql`create index moderation_events_site_time on moderation_events (site_id, created_at, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists moderation_events_site_time`.execute(db);
  for (const table of ['audit_log', 'reports', 'throttle_hits', 'api_tokens', 'sessions', 'moderator_sites', 'moderators']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
