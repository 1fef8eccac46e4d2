import { z } from '@hono/zod-openapi';

// C0 controls other than tab, newline and carriage return, DEL, and C1 controls: never
// meaningful in a comment, and PostgreSQL refuses \u0000 in text outright.
const forbiddenControls = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// Half of a surrogate pair: not text at all, and PostgreSQL's jsonb (the moderation record) refuses it.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Format characters (zero-width spaces and joiners, direction marks, soft hyphens) and spaces:
// a required field made only of these is as empty as one made of nothing.
const invisibleOnly = /^[\p{Cf}\s]*$/u;

/** For any string a client sends that is stored or echoed: no control characters, no broken UTF-16. */
export const storable = (s: string) => !forbiddenControls.test(s) && !loneSurrogate.test(s);

/** Trimmed text of bounded length; \r dropped (CRLF becomes LF), other controls refused. */
export const text = (min: number, max: number) =>
  z
    .string()
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .pipe(
      z
        .string()
        .min(min, min === 1 ? 'Required.' : `At least ${min} characters.`)
        .max(max, `At most ${max} characters.`)
        .refine((s) => !forbiddenControls.test(s), 'Contains control characters.')
        .refine((s) => !loneSurrogate.test(s), 'Contains an invalid character.')
        .refine((s) => min === 0 || !invisibleOnly.test(s), 'Required.'),
    )
    // The limits apply after trimming; say them in the OpenAPI description too.
    .openapi({ type: 'string', minLength: min, maxLength: max });

/** One-line text: newlines and tabs become spaces. */
export const line = (min: number, max: number) =>
  z
    .string()
    .transform((s) => s.replace(/[\r\n\t]+/g, ' ').trim())
    .pipe(
      z
        .string()
        .min(min, min === 1 ? 'Required.' : `At least ${min} characters.`)
        .max(max, `At most ${max} characters.`)
        .refine((s) => !forbiddenControls.test(s), 'Contains control characters.')
        .refine((s) => !loneSurrogate.test(s), 'Contains an invalid character.')
        .refine((s) => min === 0 || !invisibleOnly.test(s), 'Required.'),
    )
    .openapi({ type: 'string', minLength: min, maxLength: max });

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'consent_required' }),
      message: z.string(),
      field: z.string().optional().openapi({ example: 'consent.accepted' }),
      requestId: z.string().optional(),
    }),
  })
  .openapi('Error');

export interface PublicCommentShape {
  id: string;
  parentId: string | null;
  author: { name: string; website: string | null; avatar: string | null };
  body: string;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  replies: PublicCommentShape[];
  moreReplies: number;
}

export const CommentSchema: z.ZodType<PublicCommentShape> = z
  .object({
    id: z.string().openapi({ example: '42' }),
    parentId: z.string().nullable(),
    author: z.object({
      name: z.string(),
      website: z.string().nullable(),
      avatar: z.string().nullable().openapi({ description: 'Opaque seed for an avatar colour; not derived from the email in a reversible way.' }),
    }),
    body: z.string().openapi({ description: 'Plain text; paragraphs separated by blank lines. Render as text, never as HTML.' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    editedAt: z.string().nullable(),
    deleted: z.boolean(),
    get replies() {
      return z.array(CommentSchema);
    },
    moreReplies: z.number().int(),
  })
  .openapi('Comment');

export const siteSlug = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'Lowercase letters, digits and dashes.');
export const threadKey = z.string().min(1, 'Required.').max(512, 'At most 512 characters.').refine(storable, 'Contains control characters.');
