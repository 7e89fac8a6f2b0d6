import { sql, type Kysely } from 'kysely';

// The resident conversation (issue 17, docs/task-manager.md › Conversation).
// - email_outbox.reply_*: a reply created on the source message in the shared mailbox (Graph
//   createReply), so it threads and its copy sits in that mailbox's Sent Items. Sent exactly once by
//   the same marked-draft mechanism as every other outbox email, from `reply_mailbox`.
// - inbound_emails.thread_*: which case an email belongs to and why (one module decides:
//   app/inbound/thread-email.ts). `thread_root_id` links a reply to the first email of its thread
//   while that email has no task yet (same poll, or the reply came first): it joins when the task is
//   raised. `sender_flag` says why a reply was flagged (a sender other than the case's resident).
// - inbound_emails.outlook_*: the source message marked as handled in Outlook (category, move),
//   recorded so a crash between the Graph call and the commit is checked, not repeated blindly.
// - tm_job_types.reply_after_complete / reopen_within_days: what a reply to a completed task does.
// - inbox_conversation: per-inbox settings (case reference in the subject, acknowledgement, category,
//   folder); inbound_acknowledgements: one per sender per period.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE email_outbox ADD COLUMN reply_mailbox text;
    ALTER TABLE email_outbox ADD COLUMN reply_to_graph_id text;
    ALTER TABLE email_outbox ADD COLUMN reply_all boolean NOT NULL DEFAULT false;
    ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_reply_pair CHECK ((reply_mailbox IS NULL) = (reply_to_graph_id IS NULL));

    ALTER TABLE inbound_emails ADD COLUMN thread_root_id bigint REFERENCES inbound_emails(id) ON DELETE SET NULL;
    ALTER TABLE inbound_emails ADD COLUMN thread_reason text;
    ALTER TABLE inbound_emails ADD COLUMN sender_flag text;
    ALTER TABLE inbound_emails ADD COLUMN outlook_category text;
    ALTER TABLE inbound_emails ADD COLUMN outlook_moved_to text;
    ALTER TABLE inbound_emails ADD COLUMN outlook_state text NOT NULL DEFAULT 'none' CHECK (outlook_state IN ('none', 'pending', 'done', 'failed'));
    CREATE INDEX inbound_emails_thread_root ON inbound_emails (thread_root_id) WHERE thread_root_id IS NOT NULL;
    CREATE INDEX inbound_emails_conversation ON inbound_emails (inbox, conversation_id) WHERE conversation_id IS NOT NULL;
    CREATE INDEX inbound_emails_in_reply_to ON inbound_emails (inbox, in_reply_to) WHERE in_reply_to IS NOT NULL;
    CREATE INDEX inbound_emails_outlook_pending ON inbound_emails (outlook_state) WHERE outlook_state = 'pending';

    ALTER TABLE tm_job_types ADD COLUMN reply_after_complete text NOT NULL DEFAULT 'reopen' CHECK (reply_after_complete IN ('reopen', 'new'));
    ALTER TABLE tm_job_types ADD COLUMN reopen_within_days smallint NOT NULL DEFAULT 30 CHECK (reopen_within_days BETWEEN 0 AND 3650);

    CREATE TABLE inbox_conversation (
      inbox text PRIMARY KEY,
      subject_reference boolean NOT NULL DEFAULT false,
      acknowledge boolean NOT NULL DEFAULT false,
      acknowledge_template text,
      acknowledge_period_hours integer NOT NULL DEFAULT 24 CHECK (acknowledge_period_hours BETWEEN 0 AND 8760),
      category boolean NOT NULL DEFAULT true,
      move_folder text,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by text NOT NULL DEFAULT 'system'
    );

    CREATE TABLE inbound_acknowledgements (
      inbox text NOT NULL,
      sender text NOT NULL,
      sent_at timestamptz NOT NULL,
      email_id bigint REFERENCES inbound_emails(id) ON DELETE SET NULL,
      outbox_id uuid,
      PRIMARY KEY (inbox, sender, sent_at)
    );
  `.execute(db);
}
