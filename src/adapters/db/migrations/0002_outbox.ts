import { sql, type Kysely } from 'kysely';

// Outbound email: templates, the transactional outbox, its attachments and its history.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE email_templates (
      code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9_]{1,40}$'),
      description text NOT NULL,
      subject text NOT NULL,
      body_html text NOT NULL,
      body_text text NOT NULL,
      shipped boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by text
    );

    CREATE TABLE email_outbox (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'held', 'sending', 'sent', 'failed', 'dead')),
      to_recipients jsonb NOT NULL,
      cc_recipients jsonb NOT NULL DEFAULT '[]',
      bcc_recipients jsonb NOT NULL DEFAULT '[]',
      reply_to jsonb NOT NULL DEFAULT '[]',
      subject text NOT NULL,
      body_html text,
      body_text text,
      template_code text,
      template_data jsonb,
      headers jsonb NOT NULL DEFAULT '[]',
      source text NOT NULL DEFAULT 'api',
      source_ref text,
      idempotency_key text UNIQUE,
      from_mailbox text,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      lease_until timestamptz,
      last_error text,
      held_reason text,
      dead_reason text,
      draft_id text,
      internet_message_id text,
      send_started_at timestamptz,
      sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status IN ('queued', 'failed', 'sending');
    CREATE INDEX email_outbox_status ON email_outbox (status, created_at DESC);
    CREATE INDEX email_outbox_sent_rate ON email_outbox (from_mailbox, send_started_at) WHERE send_started_at IS NOT NULL;

    CREATE TABLE email_outbox_attachments (
      id serial PRIMARY KEY,
      email_id uuid NOT NULL REFERENCES email_outbox (id) ON DELETE CASCADE,
      position integer NOT NULL,
      name text NOT NULL,
      content_type text NOT NULL,
      size integer NOT NULL,
      content bytea NOT NULL,
      UNIQUE (email_id, position)
    );

    CREATE TABLE email_outbox_events (
      id bigserial PRIMARY KEY,
      email_id uuid NOT NULL REFERENCES email_outbox (id) ON DELETE CASCADE,
      at timestamptz NOT NULL DEFAULT now(),
      status text NOT NULL,
      detail text
    );
    CREATE INDEX email_outbox_events_email ON email_outbox_events (email_id, id);
  `.execute(db);
}
