import { sql, type Kysely } from 'kysely';

// Frozen in time: imports nothing from src.
// Deleting a comment makes PostgreSQL find the rows whose root_id points at it (the foreign
// key sets them null). comments_root (0001) covered only published and deleted rows, so the
// retention job deleting old spam, and erasure, scanned the whole table for every deleted
// comment: 20 deletions on 1M comments took 6.3 s (bench/README.md). A second index on
// root_id alone fixed that but drew the thread-page reply query onto it (then a sort per
// root). One index over every status, in reply order, serves both: the page query filters
// out the few rows it must not show.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists comments_root`.execute(db);
  await sql`create index comments_root on comments (root_id, created_at, id) where root_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists comments_root`.execute(db);
  await sql`create index comments_root on comments (root_id, created_at, id) where status in ('published', 'deleted')`.execute(db);
}
