// Row types: Task Manager and inbound email (issue 5).
import type { Generated, ColumnType } from 'kysely';
import type { Timestamp, NullableTimestamp } from './columns.ts';

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
  reply_after_complete: Generated<'reopen' | 'new'>;
  reopen_within_days: Generated<number>;
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
  thread_root_id: number | null;
  thread_reason: string | null;
  sender_flag: string | null;
  outlook_category: string | null;
  outlook_moved_to: string | null;
  outlook_state: Generated<'none' | 'pending' | 'done' | 'failed'>;
}

export interface InboxConversationRow {
  inbox: string;
  subject_reference: Generated<boolean>;
  acknowledge: Generated<boolean>;
  acknowledge_template: string | null;
  acknowledge_period_hours: Generated<number>;
  category: Generated<boolean>;
  move_folder: string | null;
  updated_at: Generated<Date>;
  updated_by: Generated<string>;
}

export interface InboundAcknowledgementRow {
  inbox: string;
  sender: string;
  sent_at: Date;
  email_id: number | null;
  outbox_id: string | null;
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
  /** Start of the last run: EMI_POLL counts from here (migration 0016). */
  last_run_started_at: NullableTimestamp;
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
  raw_blob_sha256: string | null;
  raw_size: number | null;
  raw_truncated: Generated<boolean>;
  attempts: Generated<number>;
  first_at: Timestamp;
  last_at: Timestamp;
  status: Generated<'parked' | 'replayed' | 'dismissed'>;
  resolved_at: NullableTimestamp;
  resolved_by: string | null;
}

export interface InboundMessageAttemptRow {
  inbox: string;
  graph_id: string;
  attempts: Generated<number>;
  last_error: string | null;
  first_at: Timestamp;
  last_at: Timestamp;
}
