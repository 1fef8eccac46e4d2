import { sql, type Kysely } from 'kysely';
import { emailHash } from '../db/consentRecords.js';
import type { Database, Site } from '../db/schema.js';
import { changeCommentStatus } from './commentStatus.js';
import type { Services } from './context.js';

const byEmail = (email: string) => sql<boolean>`lower(author_email) = ${email.trim().toLowerCase()}`;

/** Everything stored about an email address on a site (GDPR article 15), as one JSON document. */
export async function exportPersonData(db: Kysely<Database>, site: Pick<Site, 'id' | 'slug' | 'name'>, email: string, now: Date) {
  const address = email.trim().toLowerCase();
  const comments = await db
    .selectFrom('comments')
    .innerJoin('threads', 'threads.id', 'comments.thread_id')
    .select([
      'comments.id', 'threads.key as thread', 'threads.url as threadUrl', 'comments.parent_id as parentId', 'comments.author_name as name',
      'comments.author_email as email', 'comments.author_website as website', 'comments.body', 'comments.status', 'comments.ip',
      'comments.user_agent as userAgent', 'comments.created_at as createdAt', 'comments.edited_at as editedAt',
    ])
    .where('comments.site_id', '=', site.id)
    .where(sql<boolean>`lower(comments.author_email) = ${address}`)
    .orderBy('comments.created_at')
    .execute();
  const consentRecords = await db
    .selectFrom('consent_records')
    .leftJoin('policy_versions', (j) => j.onRef('policy_versions.site_id', '=', 'consent_records.site_id').onRef('policy_versions.version', '=', 'consent_records.policy_version'))
    .select([
      'consent_records.id', 'consent_records.comment_id as commentId', 'consent_records.basis', 'consent_records.policy_version as policyVersion',
      'consent_records.policy_hash as policyHash', 'consent_records.consent_text as consentText', 'policy_versions.text as policyText',
      'consent_records.email', 'consent_records.ip', 'consent_records.user_agent as userAgent', 'consent_records.created_at as createdAt',
    ])
    .where('consent_records.site_id', '=', site.id)
    .where('consent_records.email_hash', '=', emailHash(address))
    .orderBy('consent_records.created_at')
    .execute();
  const domain = address.split('@')[1] ?? '';
  const bans = await db
    .selectFrom('bans')
    .select(['kind', 'value', 'reason', 'expires_at as expiresAt', 'created_at as createdAt'])
    .where('site_id', '=', site.id)
    .where((eb) => eb.or([eb.and([eb('kind', '=', 'email'), eb(sql`lower(value)`, '=', address)]), eb.and([eb('kind', '=', 'email_domain'), eb(sql`lower(value)`, '=', domain)])]))
    .execute();
  return {
    generatedAt: now.toISOString(),
    site: { slug: site.slug, name: site.name },
    email: address,
    comments: comments.map((c) => ({ ...c, createdAt: c.createdAt.toISOString(), editedAt: c.editedAt?.toISOString() ?? null })),
    consentRecords: consentRecords.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
    bans: bans.map((b) => ({ ...b, expiresAt: b.expiresAt?.toISOString() ?? null, createdAt: b.createdAt.toISOString() })),
    // Reader reports are keyed by a one-way hash of the reporter's connection, not by email: none can be attributed.
    reports: [] as unknown[],
  };
}

export interface ErasureReport {
  commentsAnonymised: number;
  commentsTextRemoved: number;
  consentRecordsReduced: number;
  bansRemoved: number;
}

/**
 * Removes a person's personal data from a site (GDPR article 17). Their comments lose
 * name, email, website, IP, user agent and moderation details; the text stays
 * (anonymised, author "deleted") or goes, by the site's setting, and a comment whose text
 * goes becomes a "deleted" placeholder so replies keep their place. Consent records keep
 * only the proof the law needs (the email's hash and the policy version). Bans naming the
 * address go too. The erasure itself is logged, by hash.
 */
export async function erasePersonData(services: Services, site: Pick<Site, 'id' | 'erasure_keeps_text'>, email: string, requestedBy: string): Promise<ErasureReport> {
  const address = email.trim().toLowerCase();
  const now = services.clock();
  return services.db.transaction().execute(async (trx) => {
    const comments = await trx.selectFrom('comments').selectAll().where('site_id', '=', site.id).where(byEmail(address)).forUpdate().execute();
    const ids = comments.map((c) => c.id);
    let textRemoved = 0;
    if (ids.length) {
      await trx
        .updateTable('comments')
        .set({
          author_name: 'deleted', author_email: null, author_website: null, author_avatar: null, ip: null, user_agent: null,
          // external_id stays: it names a row of the export, not the person, and keeps a re-import
          // of that export from writing the erased data back.
          referrer: null, moderation: null, edit_token_hash: null,
          ...(site.erasure_keeps_text ? {} : { body: '', body_hash: null }),
        })
        .where('id', 'in', ids)
        .execute();
      // Edits keep previous texts and reasons may quote the comment: the log keeps only what happened.
      await trx.updateTable('moderation_events').set({ details: null, reason: null }).where('comment_id', 'in', ids).execute();
      await trx.deleteFrom('akismet_rechecks').where('comment_id', 'in', ids).execute();
      if (!site.erasure_keeps_text) {
        for (const c of comments) {
          if (c.status === 'deleted') continue;
          await changeCommentStatus(trx, c, 'deleted', { actor: requestedBy, action: 'erased', reason: 'Personal data erased on request.', at: now });
          textRemoved++;
        }
      }
    }
    const consents = await trx
      .updateTable('consent_records')
      .set({ email: null, ip: null, user_agent: null })
      .where('site_id', '=', site.id)
      .where('email_hash', '=', emailHash(address))
      .executeTakeFirst();
    const bans = await trx.deleteFrom('bans').where('site_id', '=', site.id).where('kind', '=', 'email').where(sql`lower(value)`, '=', address).executeTakeFirst();
    await trx.deleteFrom('data_requests').where('site_id', '=', site.id).where(sql`lower(email)`, '=', address).execute();
    await trx
      .insertInto('erasures')
      .values({ site_id: site.id, email_hash: emailHash(address), requested_by: requestedBy, mode: site.erasure_keeps_text ? 'anonymise' : 'remove-text', comments_affected: ids.length, created_at: now })
      .execute();
    return {
      commentsAnonymised: ids.length,
      commentsTextRemoved: textRemoved,
      consentRecordsReduced: Number(consents.numUpdatedRows),
      bansRemoved: Number(bans.numDeletedRows),
    };
  });
}
