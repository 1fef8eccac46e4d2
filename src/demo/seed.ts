import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { emailHash } from '../db/consentRecords.js';
import type { Database } from '../db/schema.js';
import { addPolicyVersion, findSiteBySlug, insertSite } from '../db/sites.js';

// The first site this platform was built for (../shared/seed): Alt Film Guide.
// Its consent sentence and rules are quoted from its "Leave a Comment" section.
export const DEMO_SITE = 'altfilmguide';
export const DEMO_THREAD = 'refusenik-qa';

export const demoConsentText =
  "By using this form you agree with Alt Film Guide's storage and handling of your data (e.g., your IP address).";

export const demoPolicyText = [
  'Make sure your comment adds something relevant to the discussion: Feel free to disagree with us and write your own movie commentaries, but thoughtfulness and at least a modicum of sanity are imperative.',
  'Abusive, inflammatory, spammy/self-promotional, baseless (spreading mis- or disinformation), and just plain deranged comments will be zapped.',
  'Lastly, links found in submitted comments will generally be deleted.',
  'We store your name, email address (never shown publicly), IP address and browser user agent with your comment to moderate it; the IP address and user agent are erased after 30 days.',
].join('\n\n');

export const demoArticle = {
  key: DEMO_THREAD,
  title: "'Refusenik' Movie: Q&A with Director Laura Bialis",
  path: `/demo/${DEMO_THREAD}`,
};

/** The reader comment already on the seed page, brought in as an imported comment. */
const sondra = {
  externalId: 'seed:sondra-snyder',
  name: 'sondra snyder',
  body: 'I would like to find the film REFUSENIK to show to a group at my Temple. Any suggestions how I can find this would be appreciated.',
  createdAt: new Date('2008-06-12T18:30:00Z'),
};

/** Idempotent: creates the demo site, its policy, article thread and first comment once. */
export async function seedDemoSite(db: Kysely<Database>, publicUrl: string): Promise<void> {
  const origin = new URL(publicUrl).origin;
  let site = await findSiteBySlug(db, DEMO_SITE);
  if (!site) {
    await db.transaction().execute(async (trx) => {
      const created = await insertSite(trx, { slug: DEMO_SITE, name: 'Alt Film Guide', allowedOrigins: [origin] });
      await addPolicyVersion(trx, created.id, demoPolicyText, demoConsentText);
      const thread = await trx
        .insertInto('threads')
        .values({ site_id: created.id, key: DEMO_THREAD, url: `${publicUrl}${demoArticle.path}`, title: demoArticle.title, comment_count: 1, last_comment_at: sondra.createdAt })
        .returning('id')
        .executeTakeFirstOrThrow();
      const comment = await trx
        .insertInto('comments')
        .values({
          site_id: created.id, thread_id: thread.id, parent_id: null, root_id: null, author_name: sondra.name,
          author_email: null, author_website: null, author_avatar: null, body: sondra.body, body_hash: null,
          status: 'published', ip: null, user_agent: null, referrer: null, moderation: null, edit_token_hash: null,
          external_id: sondra.externalId, created_at: sondra.createdAt, edited_at: null, status_changed_at: sondra.createdAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // No consent was shown by us for this comment: recorded as imported, not invented.
      await trx
        .insertInto('consent_records')
        .values({ site_id: created.id, comment_id: comment.id, basis: 'imported', policy_version: null, policy_hash: null, consent_text: null, email: null, email_hash: emailHash(`imported:${sondra.externalId}`), ip: null, user_agent: null, created_at: sondra.createdAt })
        .execute();
    });
    site = await findSiteBySlug(db, DEMO_SITE);
  } else if (!site.allowed_origins.includes(origin)) {
    await db.updateTable('sites').set({ allowed_origins: [...site.allowed_origins, origin] }).where('id', '=', site.id).execute();
  }
}

/** The seed article's text (title and Q&A), copied from ../shared/seed so the demo works anywhere. */
export function readSeedArticle(): string {
  return fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'article.txt'), 'utf8');
}
