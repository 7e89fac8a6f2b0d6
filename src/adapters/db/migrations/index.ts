import type { Migration } from 'kysely';
import * as m0007 from './0007_entra_signin.ts';
import * as m0008 from './0008_calendar_inbound.ts';
import * as m0009 from './0009_realtime.ts';
import * as m0009s from './0009_realtime_stats.ts';
import * as m0006 from './0006_audit.ts';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_outbox.ts';
import * as m0003 from './0003_task_manager.ts';
import * as m0005 from './0005_inbound_email.ts';
import * as m0004 from './0004_appointments.ts';
import * as m0010 from './0010_event_query_role.ts';
import * as m0011 from './0011_calendar_push_unconfirmed.ts';

// Forward-only, numbered. Add new migrations here in order; never edit one that has shipped.
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_outbox': m0002,
  '0003_task_manager': m0003,
  '0005_inbound_email': m0005,
  '0004_appointments': m0004,
  '0006_audit': m0006,
  '0007_entra_signin': m0007,
  '0008_calendar_inbound': m0008,
  '0009_realtime': m0009,
  '0009_realtime_stats': m0009s,
  '0010_event_query_role': m0010,
  '0011_calendar_push_unconfirmed': m0011,
};
