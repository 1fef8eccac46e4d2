import type { Kysely } from 'kysely';

// Frozen in time: imports nothing from src.
// Whether an erased author's comment text stays (anonymised) or goes with them.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sites').addColumn('erasure_keeps_text', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sites').dropColumn('erasure_keeps_text').execute();
}
