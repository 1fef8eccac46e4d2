import { sql, type Kysely } from 'kysely';

// Frozen in time: imports nothing from src.
// comments_site_external_lookup (0005) repeats the unique index comments_site_external (0001)
// and costs every insert; imports measured faster without it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists comments_site_external_lookup`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists comments_site_external_lookup on comments (site_id, external_id) include (id) where external_id is not null`.execute(db);
}
