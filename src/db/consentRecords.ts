import crypto from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from './schema.js';

/** The hash kept as proof of consent after erasure removes the address itself. */
export function emailHash(email: string): string {
  return crypto.createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

export interface FormConsent {
  siteId: string;
  commentId: string;
  policyVersion: number;
  policyHash: string;
  consentText: string;
  email: string;
  ip: string | null;
  userAgent: string | null;
  at: Date;
}

/** Written in the same transaction as the comment it covers: never one without the other. */
export async function insertFormConsent(trx: Transaction<Database>, c: FormConsent): Promise<void> {
  await trx
    .insertInto('consent_records')
    .values({
      site_id: c.siteId,
      comment_id: c.commentId,
      basis: 'form',
      policy_version: c.policyVersion,
      policy_hash: c.policyHash,
      consent_text: c.consentText,
      email: c.email,
      email_hash: emailHash(c.email),
      ip: c.ip,
      user_agent: c.userAgent,
      created_at: c.at,
    })
    .execute();
}
