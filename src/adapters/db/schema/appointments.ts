// Row types: appointment diaries, slots, bookings and the calendar outbox (migration 0004 on).
import type { Generated, ColumnType } from 'kysely';
import type { Timestamp, NullableTimestamp } from './columns.ts';

export interface ProductAreaRow {
  code: string;
  name: string;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface AppointmentReasonProductAreaRow {
  reason_code: string;
  product_area_code: string;
}

export interface AppointmentDiaryRow {
  id: Generated<number>;
  code: string;
  name: string;
  product_area_code: string;
  owner: string | null;
  time_zone: Generated<string>;
  external_calendar: Generated<'NONE' | 'OUTLOOK365'>;
  calendar_address: string | null;
  outlook_old_events: Generated<'remove' | 'leave'>;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface AppointmentSlotPatternRow {
  id: Generated<number>;
  diary_id: number;
  weekdays: number[];
  start_time: string;
  end_time: string;
  slot_minutes: number;
  units: number;
  valid_from: ColumnType<string, string, string>;
  valid_to: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
}

export interface AppointmentSlotExceptionRow {
  diary_id: number;
  day: ColumnType<string, string, string>;
  reason: string;
  created_at: Generated<Date>;
}

export interface AppointmentSlotRow {
  id: Generated<number>;
  diary_id: number;
  starts_at: Timestamp;
  ends_at: Timestamp;
  units: number;
  booked: Generated<number>;
}

export interface BookingRow {
  id: Generated<number>;
  ref: Generated<number>;
  diary_id: number;
  slot_id: number;
  status: 'BOOKED' | 'MOVED' | 'CAN' | 'COMPLETED';
  reason_code: string | null;
  who: string;
  location: string | null;
  notes: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  created_by: string;
  updated_at: Generated<Date>;
  outlook_calendar: string | null;
  outlook_event_id: string | null;
  outlook_change_key: string | null;
  outlook_start: NullableTimestamp;
  outlook_end: NullableTimestamp;
  outlook_txn: string | null;
  outlook_generation: Generated<number>;
  outlook_synced_at: NullableTimestamp;
  outlook_state: Generated<'none' | 'pending' | 'synced' | 'failed' | 'dead' | 'held'>;
  outlook_error: string | null;
  outlook_claim: string | null;
  outlook_claimed_until: NullableTimestamp;
}

export interface BookingHistoryRow {
  id: Generated<number>;
  booking_id: number;
  at: Generated<Date>;
  actor: string;
  source: 'housing' | 'outlook' | 'system';
  action: string;
  from_status: string | null;
  to_status: string | null;
  from_start: NullableTimestamp;
  to_start: NullableTimestamp;
  reason_code: string | null;
  note: string | null;
}

export interface CalendarOutboxRow {
  id: Generated<number>;
  booking_id: number;
  change: string;
  status: Generated<'pending' | 'done' | 'dead'>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  created_at: Generated<Date>;
  done_at: NullableTimestamp;
}
