// Row types: complaint cases on the Ombudsman's clock (issue 19, migration 0020). `date` columns are
// read as text (YYYY-MM-DD) by the queries in adapters/db/complaints.ts, never as a JS Date at local
// midnight.
import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, NullableTimestamp } from './columns.ts';

type DateColumn = ColumnType<string, string, string>;
type NullableDateColumn = ColumnType<string | null, string | null | undefined, string | null>;
type Json<T> = ColumnType<T, string, string>;

export interface ComplaintPolicyRow {
  job_type_id: number;
  stage1_acknowledge_days: number;
  stage1_respond_days: number;
  stage1_max_extension_days: number;
  stage2_acknowledge_days: number;
  stage2_respond_days: number;
  stage2_max_extension_days: number;
  acknowledgement_template: string | null;
  updated_at: Generated<Date>;
  updated_by: string;
}

export interface ComplaintSettingsRow {
  id: Generated<boolean>;
  nation: Generated<string>;
  reminder_enabled: Generated<boolean>;
  reminder_days: Generated<number>;
  reminder_to: string | null;
  reminder_last_sent_on: NullableDateColumn;
  updated_at: Generated<Date>;
  updated_by: Generated<string>;
}

export interface ComplaintHolidayFileRow {
  id: Generated<number>;
  nation: string;
  sha256: string;
  file_name: string | null;
  dates: Json<Array<{ date: string; title: string }>>;
  first_date: DateColumn;
  last_date: DateColumn;
  active: Generated<boolean>;
  loaded_at: Generated<Date>;
  loaded_by: string;
}

export interface ComplaintCaseRow {
  id: Generated<number>;
  task_id: number;
  job_type_id: number;
  policy: Json<unknown>;
  received_at: Timestamp;
  received_on: DateColumn;
  state: Generated<string>;
  current_due: NullableDateColumn;
  current_kind: 'acknowledge' | 'respond' | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ComplaintDeadlineRow {
  id: Generated<number>;
  case_id: number;
  stage: number;
  kind: 'acknowledge' | 'respond';
  due_on: DateColumn;
  basis: Json<unknown>;
  created_at: Timestamp;
  superseded_at: NullableTimestamp;
  met_on: NullableDateColumn;
}

export interface ComplaintStepRow {
  id: Generated<number>;
  case_id: number;
  step: string;
  stage: number | null;
  on_date: DateColumn;
  at: Timestamp;
  actor: string;
  from_state: string;
  to_state: string;
  reason: string | null;
  good_reason: string | null;
  new_due: NullableDateColumn;
  outbox_id: string | null;
}
