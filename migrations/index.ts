import type { Migration } from 'kysely';
import * as m0001 from './0001_core.js';
import * as m0002 from './0002_moderation.js';
import * as m0003 from './0003_jobs_privacy.js';
import * as m0004 from './0004_erasure_mode.js';
import * as m0005 from './0005_import_links.js';
import * as m0006 from './0006_drop_redundant_index.js';
import * as m0007 from './0007_root_index_all_statuses.js';
import * as m0008 from './0008_thread_keep_open.js';
import * as m0009 from './0009_thread_keys_without_trailing_slash.js';

// A static list rather than a folder scan: bundlers and tsx see every migration,
// and the order is the list's order (names sort the same way).
export const migrations: Record<string, Migration> = {
  '0001_core': m0001,
  '0002_moderation': m0002,
  '0003_jobs_privacy': m0003,
  '0004_erasure_mode': m0004,
  '0005_import_links': m0005,
  '0006_drop_redundant_index': m0006,
  '0007_root_index_all_statuses': m0007,
  '0008_thread_keep_open': m0008,
  '0009_thread_keys_without_trailing_slash': m0009,
};
