import { sql, type Kysely } from 'kysely';

// Frozen in time: this file imports nothing from src and never changes once landed.
// Later schema changes are new migrations.

export async function up(db: Kysely<any>): Promise<void> {
  // Shared secrets live in the database so every instance signs cursors and tokens alike.
  await db.schema
    .createTable('instance_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('sites')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('allowed_origins', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('moderation', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('current_policy_version', 'integer')
    .addColumn('edit_window_minutes', 'integer', (c) => c.notNull().defaultTo(15))
    .addColumn('report_threshold', 'integer', (c) => c.notNull().defaultTo(3))
    .addColumn('ip_retention_days', 'integer', (c) => c.notNull().defaultTo(30))
    .addColumn('spam_retention_days', 'integer', (c) => c.notNull().defaultTo(15))
    .addColumn('rejected_retention_days', 'integer', (c) => c.notNull().defaultTo(30))
    .addColumn('auto_close_days', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Policy texts are never deleted: consent records point at the version they accepted.
  await db.schema
    .createTable('policy_versions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id').onDelete('restrict'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('consent_text', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('policy_versions_site_version', ['site_id', 'version'])
    .execute();

  await db.schema
    .createTable('threads')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull().check(sql`char_length(key) between 1 and 512`))
    .addColumn('url', 'text')
    .addColumn('title', 'text')
    .addColumn('closed', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_comment_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('threads_site_key', ['site_id', 'key'])
    .execute();

  await db.schema
    .createTable('comments')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('thread_id', 'bigint', (c) => c.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('parent_id', 'bigint', (c) => c.references('comments.id').onDelete('set null'))
    // The top-level ancestor: one indexed lookup fetches a whole reply tree.
    .addColumn('root_id', 'bigint', (c) => c.references('comments.id').onDelete('set null'))
    .addColumn('depth', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('author_email', 'text')
    .addColumn('author_website', 'text')
    // HMAC of the email with an instance secret: picks an avatar colour without revealing the email.
    .addColumn('author_avatar', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('body_hash', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('published', 'pending', 'spam', 'rejected', 'deleted')`))
    .addColumn('reply_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('report_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ip', sql`inet`)
    .addColumn('user_agent', 'text')
    .addColumn('referrer', 'text')
    .addColumn('moderation', 'jsonb')
    .addColumn('edit_token_hash', 'text')
    .addColumn('external_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('edited_at', 'timestamptz')
    .addColumn('status_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Public reads: a page of top-level comments, then the replies under them.
  await sql`create index comments_thread_top on comments (thread_id, created_at, id) where parent_id is null and status in ('published', 'deleted')`.execute(db);
  await sql`create index comments_thread_top_replies on comments (thread_id, reply_count, created_at, id) where parent_id is null and status in ('published', 'deleted')`.execute(db);
  await sql`create index comments_root on comments (root_id, created_at, id) where status in ('published', 'deleted')`.execute(db);
  await sql`create index comments_parent on comments (parent_id)`.execute(db);
  // Moderation queues, author history, duplicates and rate limits.
  await sql`create index comments_site_status on comments (site_id, status, created_at, id)`.execute(db);
  await sql`create index comments_site_email on comments (site_id, lower(author_email), created_at)`.execute(db);
  await sql`create index comments_site_ip on comments (site_id, ip, created_at)`.execute(db);
  await sql`create index comments_site_body on comments (site_id, body_hash, created_at)`.execute(db);
  await sql`create unique index comments_site_external on comments (site_id, external_id) where external_id is not null`.execute(db);

  await db.schema
    .createTable('consent_records')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('comment_id', 'bigint', (c) => c.references('comments.id').onDelete('set null'))
    // 'form': accepted in our form; 'imported': came with an import, no consent was shown by us.
    .addColumn('basis', 'text', (c) => c.notNull().check(sql`basis in ('form', 'imported')`))
    .addColumn('policy_version', 'integer')
    .addColumn('policy_hash', 'text')
    .addColumn('consent_text', 'text')
    .addColumn('email', 'text')
    .addColumn('email_hash', 'text', (c) => c.notNull())
    .addColumn('ip', sql`inet`)
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index consent_records_comment on consent_records (comment_id)`.execute(db);
  await sql`create index consent_records_email on consent_records (site_id, email_hash)`.execute(db);

  // Every status change is an event; comments.status is its projection.
  await db.schema
    .createTable('moderation_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('comment_id', 'bigint', (c) => c.references('comments.id').onDelete('set null'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('reason', 'text')
    .addColumn('details', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index moderation_events_comment on moderation_events (comment_id, id)`.execute(db);
  await sql`create index moderation_events_site on moderation_events (site_id, id)`.execute(db);

  await db.schema
    .createTable('bans')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('email', 'email_domain', 'ip', 'ip_range')`))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index bans_site on bans (site_id, expires_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['bans', 'moderation_events', 'consent_records', 'comments', 'threads', 'policy_versions', 'sites', 'instance_secrets']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
