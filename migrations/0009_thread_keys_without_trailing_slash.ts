import { sql, type Kysely } from 'kysely';

// Frozen in time: imports nothing from src.
// Thread keys follow one rule since the widget and the importers share it (src/shared/threadKey.ts):
// no trailing slash. Imports before that kept WordPress permalinks as `/2008/refusenik-qa/`,
// while the widget asks for `/2008/refusenik-qa`, so imported comments sat in a thread no page
// showed, and a page's new comments started a second thread beside them. This moves every such
// thread to its key without the slash: renamed when nothing has that key yet, else merged into
// the thread that has it (its comments moved over, its counts recounted; the readers' thread
// keeps its own state, title and dates). Not undone by `down`: merged threads stay merged.
export async function up(db: Kysely<any>): Promise<void> {
  // One variant per site and key is renamed where no thread has the key yet...
  await sql`
    update threads t set key = rtrim(t.key, '/')
    from (
      select distinct on (s.site_id, rtrim(s.key, '/')) s.id
      from threads s
      where s.key ~ '/$' and rtrim(s.key, '/') <> ''
        and not exists (select 1 from threads c where c.site_id = s.site_id and c.key = rtrim(s.key, '/'))
      order by s.site_id, rtrim(s.key, '/'), s.id
    ) r
    where t.id = r.id`.execute(db);
  // ...and every other variant is merged into the thread with the key.
  const merges = sql`select s.id as from_id, c.id as to_id, s.url, s.title
    from threads s join threads c on c.site_id = s.site_id and c.key = rtrim(s.key, '/')
    where s.key ~ '/$' and rtrim(s.key, '/') <> ''`;
  await sql`update comments set thread_id = m.to_id from (${merges}) m where comments.thread_id = m.from_id`.execute(db);
  await sql`
    update threads t set
      comment_count = (select count(*)::int from comments c where c.thread_id = t.id and c.status = 'published'),
      last_comment_at = (select max(c.created_at) from comments c where c.thread_id = t.id and c.status = 'published'),
      url = coalesce(t.url, m.url),
      title = coalesce(t.title, m.title)
    from (select distinct on (to_id) to_id, url, title from (${merges}) x order by to_id, from_id) m
    where t.id = m.to_id`.execute(db);
  await sql`delete from threads where id in (select from_id from (${merges}) m)`.execute(db);
}

export async function down(): Promise<void> {
  // Nothing to undo that can be undone: see above.
}
