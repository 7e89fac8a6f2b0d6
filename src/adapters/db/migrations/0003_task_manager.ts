import { sql, type Kysely } from 'kysely';
import { DEFAULT_EVENT_QUERY } from '../../../domain/tasks/default-event-query.ts';

// Task Manager (guide §2.2.4–2.2.5) and the inbound email store it reads (§2.2.1). The views at the
// end carry the names the guide's event query uses (exchange_emails, fwf_events, fwf_event_types),
// so that query runs here translated only where PostgreSQL's dialect demands.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tm_workflows (
      code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9_]{1,8}$'),
      name text NOT NULL,
      pending_name text NOT NULL,
      complete_name text NOT NULL,
      file_text text NOT NULL,
      uploaded_at timestamptz NOT NULL DEFAULT now(),
      uploaded_by text NOT NULL
    );

    CREATE TABLE tm_job_groups (
      id serial PRIMARY KEY,
      code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9_]{1,30}$'),
      name text NOT NULL,
      restricted boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- The teams of a restricted job group: only their members see its tasks.
    CREATE TABLE tm_job_group_teams (
      job_group_id integer NOT NULL REFERENCES tm_job_groups(id) ON DELETE CASCADE,
      team_id integer NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
      PRIMARY KEY (job_group_id, team_id)
    );

    CREATE TABLE tm_job_types (
      id serial PRIMARY KEY,
      code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9_]{1,30}$'),
      name text NOT NULL,
      job_group_id integer REFERENCES tm_job_groups(id),
      workflow_code text REFERENCES tm_workflows(code),
      default_team_id integer REFERENCES teams(id),
      default_user_id integer REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((default_team_id IS NULL) <> (default_user_id IS NULL))
    );

    CREATE TABLE tm_event_types (
      code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9_]{1,30}$'),
      description text NOT NULL,
      -- NULL: a marker type that raises no task (EML_NOT, the guide's "already processed" type).
      job_type_id integer REFERENCES tm_job_types(id),
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE tm_event_queries (
      id serial PRIMARY KEY,
      name text NOT NULL UNIQUE,
      sql_text text NOT NULL,
      -- The query's own event type: every event it raises also counts as an fwf_events row of this
      -- type, which is how the guide's NOT EXISTS (… fev_fet_code = 'EML_NOT') skips done emails.
      fet_code text NOT NULL REFERENCES tm_event_types(code),
      enabled boolean NOT NULL DEFAULT true,
      every_minutes integer NOT NULL DEFAULT 1 CHECK (every_minutes BETWEEN 1 AND 1440),
      last_run_at timestamptz,
      last_ok boolean,
      last_error text,
      last_rows integer,
      last_events integer,
      last_ms integer,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by text NOT NULL
    );

    CREATE TABLE inbound_emails (
      id bigserial PRIMARY KEY,
      inbox text NOT NULL,
      mailbox text NOT NULL,
      graph_id text NOT NULL,
      internet_message_id text,
      conversation_id text,
      in_reply_to text,
      "references" text[] NOT NULL DEFAULT '{}',
      from_address text,
      from_name text,
      to_recipients jsonb NOT NULL DEFAULT '[]',
      cc_recipients jsonb NOT NULL DEFAULT '[]',
      subject text NOT NULL DEFAULT '',
      received_at timestamptz NOT NULL,
      body_text text,
      body_html text,
      importance text NOT NULL DEFAULT 'normal' CHECK (importance IN ('low', 'normal', 'high')),
      -- new: waits for the event query to raise its task; threaded: joined an open task;
      -- auto_reply: out-of-office and similar, recorded only; own: our own outbound mail coming back.
      disposition text NOT NULL DEFAULT 'new' CHECK (disposition IN ('new', 'threaded', 'auto_reply', 'own')),
      task_id bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (inbox, graph_id)
    );
    CREATE INDEX inbound_emails_imid_idx ON inbound_emails (internet_message_id);
    CREATE INDEX inbound_emails_conversation_idx ON inbound_emails (conversation_id);
    CREATE INDEX inbound_emails_new_idx ON inbound_emails (id) WHERE disposition = 'new';
    CREATE INDEX inbound_emails_task_idx ON inbound_emails (task_id);

    CREATE TABLE inbound_attachments (
      id bigserial PRIMARY KEY,
      email_id bigint NOT NULL REFERENCES inbound_emails(id) ON DELETE CASCADE,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('file', 'inline', 'item', 'reference')),
      declared_type text,
      detected_type text,
      size bigint NOT NULL DEFAULT 0,
      content_id text,
      blob_sha256 text,
      link_url text,
      rejected_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((blob_sha256 IS NULL) OR (rejected_reason IS NULL))
    );
    CREATE INDEX inbound_attachments_email_idx ON inbound_attachments (email_id);

    CREATE TABLE tm_events (
      id bigserial PRIMARY KEY,
      fet_code text NOT NULL REFERENCES tm_event_types(code),
      index_code text,
      index_value text NOT NULL,
      event_date timestamptz NOT NULL DEFAULT now(),
      action text NOT NULL DEFAULT 'CREATE',
      query_id integer REFERENCES tm_event_queries(id) ON DELETE SET NULL,
      query_fet_code text,
      task_id bigint,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX tm_events_index_idx ON tm_events (index_value, index_code);

    CREATE TABLE tm_tasks (
      id bigserial PRIMARY KEY,
      job_type_id integer NOT NULL REFERENCES tm_job_types(id),
      event_id bigint REFERENCES tm_events(id),
      email_id bigint REFERENCES inbound_emails(id),
      parent_task_id bigint REFERENCES tm_tasks(id),
      inbox text,
      title text NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'complete')),
      team_id integer REFERENCES teams(id),
      assignee_user_id integer REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (team_id IS NOT NULL OR assignee_user_id IS NOT NULL)
    );
    -- The Task List sorts by (created_at, id) and pages by keyset; each common filter has its index.
    CREATE INDEX tm_tasks_created_idx ON tm_tasks (created_at DESC, id DESC);
    CREATE INDEX tm_tasks_status_idx ON tm_tasks (status, created_at DESC, id DESC);
    CREATE INDEX tm_tasks_team_idx ON tm_tasks (team_id, created_at DESC, id DESC);
    CREATE INDEX tm_tasks_assignee_idx ON tm_tasks (assignee_user_id, created_at DESC, id DESC);
    CREATE INDEX tm_tasks_job_type_idx ON tm_tasks (job_type_id, status);
    CREATE INDEX tm_tasks_email_idx ON tm_tasks (email_id);

    ALTER TABLE inbound_emails ADD FOREIGN KEY (task_id) REFERENCES tm_tasks(id);
    ALTER TABLE tm_events ADD FOREIGN KEY (task_id) REFERENCES tm_tasks(id);

    CREATE TABLE tm_task_history (
      id bigserial PRIMARY KEY,
      task_id bigint NOT NULL REFERENCES tm_tasks(id) ON DELETE CASCADE,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      action text NOT NULL,
      from_status text,
      to_status text,
      detail text
    );
    CREATE INDEX tm_task_history_task_idx ON tm_task_history (task_id, id);

    -- The guide's names. exce_refno is text because fev_index_value is (Oracle compares NUMBER and
    -- VARCHAR2 implicitly; PostgreSQL does not), so "EXCE_REFNO = fev.fev_index_value" works as written.
    -- exchange_emails lists the emails that should raise a task: replies that joined an open task,
    -- auto-replies and our own outbound mail are kept out.
    CREATE VIEW exchange_emails AS
      SELECT e.id::text AS exce_refno,
             e.mailbox AS exce_email_to,
             e.from_address AS exce_email_from,
             e.subject AS exce_subject,
             e.received_at AS exce_received_date,
             e.inbox AS exce_inbox,
             e.internet_message_id AS exce_message_id,
             e.conversation_id AS exce_conversation_id,
             e.importance AS exce_importance,
             e.created_at AS exce_created_date
        FROM inbound_emails e
       WHERE e.disposition = 'new';

    CREATE VIEW fwf_event_types AS
      SELECT et.code AS fet_code, et.description AS fet_description, jt.code AS fet_job_type
        FROM tm_event_types et LEFT JOIN tm_job_types jt ON jt.id = et.job_type_id;

    CREATE VIEW fwf_events AS
      SELECT ev.id AS fev_refno, ev.fet_code AS fev_fet_code, ev.index_code AS fev_index_code,
             ev.index_value AS fev_index_value, ev.event_date AS fev_event_date, ev.action AS fev_action,
             ev.task_id AS fev_task_refno, ev.created_at AS fev_created_date
        FROM tm_events ev
      UNION ALL
      SELECT ev.id, ev.query_fet_code, ev.index_code, ev.index_value, ev.event_date, ev.action, ev.task_id, ev.created_at
        FROM tm_events ev
       WHERE ev.query_fet_code IS NOT NULL AND ev.query_fet_code <> ev.fet_code;

    INSERT INTO tm_event_types (code, description) VALUES
      ('EML_NOT', 'Inbound email notified to Task Manager (marker for the event query; raises no task)');

  `.execute(db);
  await sql`
    INSERT INTO tm_event_queries (name, sql_text, fet_code, updated_by)
    VALUES ('Inbound emails', ${DEFAULT_EVENT_QUERY}, 'EML_NOT', 'system')
  `.execute(db);
}

export { DEFAULT_EVENT_QUERY };
