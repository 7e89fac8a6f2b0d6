import type { ColumnType, Generated } from 'kysely';

// Row types of every table, snake_case as in SQL. Domain objects are camelCase and mapped explicitly in
// each table's module.
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface SystemParameterRow {
  name: string;
  value: string | null;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface FrvValueRow {
  domain: string;
  code: string;
  description: string;
  active: Generated<boolean>;
  sort_order: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AppointmentReasonRow {
  code: string;
  description: string;
  kind: string;
  active: Generated<boolean>;
  created_at: Timestamp;
}

export interface LicenceRow {
  id: Generated<number>;
  licence_key: string;
  customer: string;
  features: string[];
  expires_at: Timestamp;
  installed_at: Timestamp;
  installed_by: string | null;
  active: Generated<boolean>;
}

export interface UserRow {
  id: Generated<number>;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string | null;
  role: 'admin' | 'officer';
  active: Generated<boolean>;
  must_change_password: Generated<boolean>;
  created_at: Timestamp;
  last_sign_in_at: NullableTimestamp;
  entra_oid: string | null;
}

export interface TeamRow {
  id: Generated<number>;
  code: string;
  name: string;
  created_at: Timestamp;
}

export interface TeamMemberRow {
  team_id: number;
  user_id: number;
}

export interface SessionRow {
  id: string; // sha256 of the cookie value: a stolen database does not yield live sessions
  user_id: number;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface ApiTokenRow {
  id: Generated<number>;
  name: string;
  token_hash: string;
  role: 'admin' | 'officer';
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface KeyValueRow {
  key: string;
  value: string;
  updated_at: Timestamp;
}

export interface AuditEventRow {
  id: Generated<number>;
  at: Timestamp;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  summary: string;
  before: unknown | null;
  after: unknown | null;
  source_ip: string | null;
}

// ── Appointments (migration 0004) ──
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

export interface EntraGroupMappingRow {
  id: Generated<number>;
  group_id: string;
  role: string | null;
  team_id: number | null;
  created_at: Timestamp;
}

export interface OidcPendingRow {
  state: string;
  nonce: string;
  code_verifier: string;
  next_path: string;
  created_at: Timestamp;
}

// ── Inbound calendar (issue 7, migration 0008) ──
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

// ── Outbound email (migration 0002) ──
export interface EmailTemplateRow {
  code: string;
  description: string;
  subject: string;
  body_html: string;
  body_text: string;
  shipped: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  updated_by: string | null;
}

export type EmailOutboxStatus = 'queued' | 'held' | 'sending' | 'sent' | 'failed' | 'dead';

export interface EmailOutboxRow {
  id: Generated<string>;
  status: Generated<EmailOutboxStatus>;
  to_recipients: ColumnType<{ address: string; name?: string }[], string, string>;
  cc_recipients: ColumnType<{ address: string; name?: string }[], string | undefined, string>;
  bcc_recipients: ColumnType<{ address: string; name?: string }[], string | undefined, string>;
  reply_to: ColumnType<{ address: string; name?: string }[], string | undefined, string>;
  subject: string;
  body_html: string | null;
  body_text: string | null;
  template_code: string | null;
  template_data: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  headers: ColumnType<{ name: string; value: string }[], string | undefined, string>;
  source: Generated<string>;
  source_ref: string | null;
  idempotency_key: string | null;
  from_mailbox: string | null;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  lease_until: NullableTimestamp;
  last_error: string | null;
  held_reason: string | null;
  dead_reason: string | null;
  draft_id: string | null;
  internet_message_id: string | null;
  send_started_at: NullableTimestamp;
  sent_at: NullableTimestamp;
  created_at: Generated<Date>;
  created_by: string;
  updated_at: Generated<Date>;
}

export interface EmailOutboxAttachmentRow {
  id: Generated<number>;
  email_id: string;
  position: number;
  name: string;
  content_type: string;
  size: number;
  content: Buffer;
}

export interface EmailOutboxEventRow {
  id: Generated<number>;
  email_id: string;
  at: Generated<Date>;
  status: string;
  detail: string | null;
}

// ── Task Manager and inbound email (issue 5) ──
export interface TmWorkflowRow {
  code: string;
  name: string;
  pending_name: string;
  complete_name: string;
  file_text: string;
  uploaded_at: Timestamp;
  uploaded_by: string;
}

export interface TmJobGroupRow {
  id: Generated<number>;
  code: string;
  name: string;
  restricted: Generated<boolean>;
  created_at: Timestamp;
}

export interface TmJobGroupTeamRow {
  job_group_id: number;
  team_id: number;
}

export interface TmJobTypeRow {
  id: Generated<number>;
  code: string;
  name: string;
  job_group_id: number | null;
  workflow_code: string | null;
  default_team_id: number | null;
  default_user_id: number | null;
  created_at: Timestamp;
}

export interface TmEventTypeRow {
  code: string;
  description: string;
  job_type_id: number | null;
  created_at: Timestamp;
}

export interface TmEventQueryRow {
  id: Generated<number>;
  name: string;
  sql_text: string;
  fet_code: string;
  enabled: Generated<boolean>;
  every_minutes: Generated<number>;
  last_run_at: NullableTimestamp;
  last_ok: boolean | null;
  last_error: string | null;
  last_rows: number | null;
  last_events: number | null;
  last_ms: number | null;
  updated_at: Timestamp;
  updated_by: string;
}

export interface TmEventRow {
  id: Generated<number>;
  fet_code: string;
  index_code: string | null;
  index_value: string;
  event_date: Timestamp;
  action: Generated<string>;
  query_id: number | null;
  query_fet_code: string | null;
  task_id: number | null;
  created_at: Timestamp;
}

export type TaskStatusColumn = 'open' | 'pending' | 'complete';

export interface TmTaskRow {
  id: Generated<number>;
  job_type_id: number;
  event_id: number | null;
  email_id: number | null;
  parent_task_id: number | null;
  inbox: string | null;
  title: string;
  status: Generated<TaskStatusColumn>;
  team_id: number | null;
  assignee_user_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TmTaskHistoryRow {
  id: Generated<number>;
  task_id: number;
  at: Timestamp;
  actor: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  detail: string | null;
}

export interface InboundEmailRow {
  id: Generated<number>;
  inbox: string;
  mailbox: string;
  graph_id: string;
  internet_message_id: string | null;
  conversation_id: string | null;
  in_reply_to: string | null;
  references: Generated<string[]>;
  from_address: string | null;
  from_name: string | null;
  to_recipients: ColumnType<Array<{ address: string; name?: string }>, string | undefined, string>;
  cc_recipients: ColumnType<Array<{ address: string; name?: string }>, string | undefined, string>;
  subject: Generated<string>;
  received_at: Timestamp;
  body_text: string | null;
  body_html: string | null;
  importance: Generated<'low' | 'normal' | 'high'>;
  disposition: Generated<'new' | 'threaded' | 'auto_reply' | 'own'>;
  task_id: number | null;
  created_at: Timestamp;
}

export interface InboundAttachmentRow {
  id: Generated<number>;
  email_id: number;
  name: string;
  kind: 'file' | 'inline' | 'item' | 'reference';
  declared_type: string | null;
  detected_type: string | null;
  size: Generated<number>;
  content_id: string | null;
  blob_sha256: string | null;
  link_url: string | null;
  rejected_reason: string | null;
  created_at: Timestamp;
}

export interface InboxSyncStateRow {
  inbox: string;
  mailbox: string;
  enabled_at: Timestamp;
  poll_enabled: Generated<boolean>;
  after_import: Generated<'mark_read' | 'move' | 'leave'>;
  move_folder: string | null;
  cursor: string | null;
  cursor_saved_at: NullableTimestamp;
  cursor_partial: Generated<boolean>;
  backfill_days: number | null;
  backfill_seen: Generated<number>;
  backfill_imported: Generated<number>;
  full_resyncs: Generated<number>;
  last_run_at: NullableTimestamp;
  last_run_ok: boolean | null;
  last_error: string | null;
  last_items: number | null;
  last_skipped_reason: string | null;
  updated_at: Timestamp;
}

export interface InboxRunRow {
  id: Generated<number>;
  inbox: string;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
  ok: boolean | null;
  imported: Generated<number>;
  duplicates: Generated<number>;
  parked: Generated<number>;
  graph_requests: Generated<number>;
  full_resync: Generated<boolean>;
  error: string | null;
}

export interface InboundParkedRow {
  id: Generated<number>;
  inbox: string;
  mailbox: string;
  graph_id: string;
  subject: string | null;
  reason: string;
  raw_source: Buffer | null;
  attempts: Generated<number>;
  first_at: Timestamp;
  last_at: Timestamp;
  status: Generated<'parked' | 'replayed' | 'dismissed'>;
  resolved_at: NullableTimestamp;
  resolved_by: string | null;
}

export interface Database {
  email_templates: EmailTemplateRow;
  email_outbox: EmailOutboxRow;
  email_outbox_attachments: EmailOutboxAttachmentRow;
  email_outbox_events: EmailOutboxEventRow;
  calendar_sync_state: CalendarSyncStateRow;
  calendar_sync_log: CalendarSyncLogRow;
  calendar_sync_handled: CalendarSyncHandledRow;
  calendar_push_unconfirmed: CalendarPushUnconfirmedRow;
  entra_group_mappings: EntraGroupMappingRow;
  oidc_pending: OidcPendingRow;
  audit_events: AuditEventRow;
  system_parameters: SystemParameterRow;
  frv_values: FrvValueRow;
  appointment_reasons: AppointmentReasonRow;
  licences: LicenceRow;
  users: UserRow;
  teams: TeamRow;
  team_members: TeamMemberRow;
  sessions: SessionRow;
  api_tokens: ApiTokenRow;
  app_settings: KeyValueRow;
  product_areas: ProductAreaRow;
  appointment_reason_product_areas: AppointmentReasonProductAreaRow;
  appointment_diaries: AppointmentDiaryRow;
  appointment_slot_patterns: AppointmentSlotPatternRow;
  appointment_slot_exceptions: AppointmentSlotExceptionRow;
  appointment_slots: AppointmentSlotRow;
  bookings: BookingRow;
  booking_history: BookingHistoryRow;
  calendar_outbox: CalendarOutboxRow;
  tm_workflows: TmWorkflowRow;
  tm_job_groups: TmJobGroupRow;
  tm_job_group_teams: TmJobGroupTeamRow;
  tm_job_types: TmJobTypeRow;
  tm_event_types: TmEventTypeRow;
  tm_event_queries: TmEventQueryRow;
  tm_events: TmEventRow;
  tm_tasks: TmTaskRow;
  tm_task_history: TmTaskHistoryRow;
  inbound_emails: InboundEmailRow;
  inbound_attachments: InboundAttachmentRow;
  inbox_sync_state: InboxSyncStateRow;
  inbox_runs: InboxRunRow;
  inbound_parked: InboundParkedRow;
}
