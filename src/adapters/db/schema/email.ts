// Row types: outbound email templates and outbox (migration 0002).
import type { Generated, ColumnType } from 'kysely';
import type { Timestamp, NullableTimestamp } from './columns.ts';

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
  /** The task this email answers (its visibility decides who sees the email). */
  task_id: number | null;
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
  send_requested_at: NullableTimestamp;
  /** A reply created on `reply_to_graph_id` in the shared mailbox `reply_mailbox` (migration 0021). */
  reply_mailbox: string | null;
  reply_to_graph_id: string | null;
  reply_all: Generated<boolean>;
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
  /** Rows queued before migration 0019; newer ones keep their bytes in the blob store. */
  content: Buffer | null;
  blob_sha256: string | null;
}

export interface EmailOutboxEventRow {
  id: Generated<number>;
  email_id: string;
  at: Generated<Date>;
  status: string;
  detail: string | null;
}
