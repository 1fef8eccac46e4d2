import { sql, type Kysely } from 'kysely';

// Frozen in time: imports nothing from src.
// While an import runs, which imported comment replies to which, by the export's own ids:
// exports list parents before, after, or without their replies, so links are resolved
// set-based once every row is in.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('import_links')
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('parent_external_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_links_pk', ['site_id', 'external_id'])
    .execute();
  await sql`create index comments_site_external_lookup on comments (site_id, external_id) include (id) where external_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists comments_site_external_lookup`.execute(db);
  await db.schema.dropTable('import_links').ifExists().execute();
}
