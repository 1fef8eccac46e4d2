import { sql, type Kysely } from 'kysely';

// Frozen in time: imports nothing from src.
// A moderator who reopens a thread past the site's auto-close age means it: keep_open exempts
// the thread from that rule until someone closes it again (before, reopening such a thread
// changed nothing, and moderators saw it as open while readers were refused).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table threads add column keep_open boolean not null default false`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table threads drop column keep_open`.execute(db);
}
