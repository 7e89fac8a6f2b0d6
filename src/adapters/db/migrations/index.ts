import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_outbox.ts';
import * as m0003 from './0003_task_manager.ts';
import * as m0004 from './0004_appointments.ts';
import * as m0005 from './0005_inbound_email.ts';
import * as m0006 from './0006_audit.ts';
import * as m0007 from './0007_entra_signin.ts';
import * as m0008 from './0008_calendar_inbound.ts';
import * as m0009 from './0009_realtime.ts';
import * as m0010 from './0010_realtime_stats.ts';
import * as m0011 from './0011_event_query_role.ts';
import * as m0012 from './0012_calendar_push_unconfirmed.ts';
import * as m0013 from './0013_sql_sandbox_login.ts';
import * as m0014 from './0014_visibility.ts';
import * as m0016 from './0016_poll_schedule.ts';
import * as m0017 from './0017_inbound_attempts.ts';
import * as m0018 from './0018_calendar_full_sync_seen.ts';
import * as m0019 from './0019_outbox_blobs.ts';
import * as m0020 from './0020_complaints.ts';
import * as m0021 from './0021_conversation.ts';

// Forward-only and strictly ordered: each name is a unique four-digit number and a word, and a new
// migration takes the next number (test/db/migrations.test.ts checks it). Never edit or rename one
// that has shipped; if a rename is ever unavoidable, add the old name to RENAMED_MIGRATIONS.
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_outbox': m0002,
  '0003_task_manager': m0003,
  '0004_appointments': m0004,
  '0005_inbound_email': m0005,
  '0006_audit': m0006,
  '0007_entra_signin': m0007,
  '0008_calendar_inbound': m0008,
  '0009_realtime': m0009,
  '0010_realtime_stats': m0010,
  '0011_event_query_role': m0011,
  '0012_calendar_push_unconfirmed': m0012,
  '0013_sql_sandbox_login': m0013,
  '0014_visibility': m0014,
  '0016_poll_schedule': m0016,
  '0017_inbound_attempts': m0017,
  '0018_calendar_full_sync_seen': m0018,
  '0019_outbox_blobs': m0019,
  '0020_complaints': m0020,
  '0021_conversation': m0021,
};

/**
 * Names that databases migrated before 2026-12-04 recorded, mapped to today's. Until then two files
 * were numbered 0009 and the runner allowed any order; the later three were renumbered so the list is
 * strictly ordered. Applied in this order (last first) so no two rows ever share a name.
 */
export const RENAMED_MIGRATIONS: ReadonlyArray<readonly [oldName: string, newName: string]> = [
  ['0011_calendar_push_unconfirmed', '0012_calendar_push_unconfirmed'],
  ['0010_event_query_role', '0011_event_query_role'],
  ['0009_realtime_stats', '0010_realtime_stats'],
];
