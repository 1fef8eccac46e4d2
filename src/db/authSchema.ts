// Tables for moderator accounts, sessions and the moderation workflow (issue 4).
// Intersected into `Database` in schema.ts.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AuthTables {}
