// Row types: inbound calendar sync (issue 7, migration 0008), unconfirmed pushes (0012) and the
// events a full sync has listed so far (0018).
import type { Generated } from 'kysely';
import type { Timestamp, NullableTimestamp } from './columns.ts';

export interface CalendarSyncStateRow {
  calendar: string;
  cursor: string | null;
  window_start: NullableTimestamp;
  window_end: NullableTimestamp;
  full_sync_started_at: NullableTimestamp;
  run_token: string | null;
  run_until: NullableTimestamp;
  run_requested_at: NullableTimestamp;
  last_run_at: NullableTimestamp;
  last_success_at: NullableTimestamp;
  last_full_sync_at: NullableTimestamp;
  last_result: string | null;
  last_error: string | null;
  last_error_at: NullableTimestamp;
  runs: Generated<number>;
  applied: Generated<number>;
  refused: Generated<number>;
  errors: Generated<number>;
  updated_at: Generated<Date>;
}

export interface CalendarSyncLogRow {
  id: Generated<number>;
  at: Generated<Date>;
  calendar: string;
  booking_id: number | null;
  ref: number | null;
  event_id: string | null;
  outcome: 'moved' | 'cancelled' | 'refused' | 'conflict' | 'restored' | 'error';
  detail: string;
}

export interface CalendarPushUnconfirmedRow {
  id: Generated<number>;
  booking_id: number;
  starts_at: Timestamp;
  ends_at: Timestamp;
  at: Timestamp;
}

export interface CalendarSyncHandledRow {
  booking_id: number;
  change_key: string;
  at: Generated<Date>;
}

export interface CalendarFullSyncSeenRow {
  calendar: string;
  event_id: string;
}
