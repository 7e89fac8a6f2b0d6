import { sql, type Kysely } from 'kysely';

// Complaint cases on the Housing Ombudsman's clock (issue 19, docs/complaints.md). A job type with a
// complaint policy makes its tasks complaint cases. Each case keeps the policy it was opened under;
// each deadline keeps the rule and the calendar (nation, holiday source) it was computed with, so the
// performance report can be recomputed and explained, and a later change of settings never moves it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE complaint_policies (
      job_type_id integer PRIMARY KEY REFERENCES tm_job_types(id) ON DELETE CASCADE,
      stage1_acknowledge_days smallint NOT NULL DEFAULT 5 CHECK (stage1_acknowledge_days BETWEEN 1 AND 30),
      stage1_respond_days smallint NOT NULL DEFAULT 10 CHECK (stage1_respond_days BETWEEN 1 AND 60),
      stage1_max_extension_days smallint NOT NULL DEFAULT 10 CHECK (stage1_max_extension_days BETWEEN 0 AND 60),
      stage2_acknowledge_days smallint NOT NULL DEFAULT 5 CHECK (stage2_acknowledge_days BETWEEN 1 AND 30),
      stage2_respond_days smallint NOT NULL DEFAULT 20 CHECK (stage2_respond_days BETWEEN 1 AND 60),
      stage2_max_extension_days smallint NOT NULL DEFAULT 20 CHECK (stage2_max_extension_days BETWEEN 0 AND 60),
      acknowledgement_template text,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by text NOT NULL
    );

    -- One row: the landlord's nation and the optional daily reminder.
    CREATE TABLE complaint_settings (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      nation text NOT NULL DEFAULT 'england-and-wales' CHECK (nation IN ('england-and-wales', 'scotland', 'northern-ireland')),
      reminder_enabled boolean NOT NULL DEFAULT false,
      reminder_days smallint NOT NULL DEFAULT 2 CHECK (reminder_days BETWEEN 0 AND 20),
      reminder_to text,
      reminder_last_sent_on date,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by text NOT NULL DEFAULT 'system'
    );
    INSERT INTO complaint_settings (id) VALUES (true);

    -- Bank-holiday files an admin loaded (gov.uk bank-holidays.json): per nation, the newest active
    -- one replaces the shipped dates for the years it covers.
    CREATE TABLE complaint_holiday_files (
      id serial PRIMARY KEY,
      nation text NOT NULL CHECK (nation IN ('england-and-wales', 'scotland', 'northern-ireland')),
      sha256 text NOT NULL,
      file_name text,
      dates jsonb NOT NULL,
      first_date date NOT NULL,
      last_date date NOT NULL,
      active boolean NOT NULL DEFAULT true,
      loaded_at timestamptz NOT NULL DEFAULT now(),
      loaded_by text NOT NULL
    );
    CREATE INDEX complaint_holiday_files_nation_idx ON complaint_holiday_files (nation, id DESC) WHERE active;

    CREATE TABLE complaint_cases (
      id bigserial PRIMARY KEY,
      task_id bigint NOT NULL UNIQUE REFERENCES tm_tasks(id) ON DELETE CASCADE,
      job_type_id integer NOT NULL REFERENCES tm_job_types(id),
      policy jsonb NOT NULL,
      received_at timestamptz NOT NULL,
      received_on date NOT NULL,
      state text NOT NULL DEFAULT 'stage1_new' CHECK (state IN ('stage1_new', 'stage1_acknowledged', 'stage1_responded', 'stage2_new', 'stage2_acknowledged', 'stage2_responded', 'closed')),
      -- The deadline in force for the open step (null when waiting for the resident, or closed).
      current_due date,
      current_kind text CHECK (current_kind IN ('acknowledge', 'respond')),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX complaint_cases_due_idx ON complaint_cases (current_due) WHERE current_due IS NOT NULL;
    CREATE INDEX complaint_cases_received_idx ON complaint_cases (received_on);

    CREATE TABLE complaint_deadlines (
      id bigserial PRIMARY KEY,
      case_id bigint NOT NULL REFERENCES complaint_cases(id) ON DELETE CASCADE,
      stage smallint NOT NULL CHECK (stage IN (1, 2)),
      kind text NOT NULL CHECK (kind IN ('acknowledge', 'respond')),
      due_on date NOT NULL,
      basis jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      -- Replaced by an extension (the row stays: the report needs the Code's original date).
      superseded_at timestamptz,
      met_on date
    );
    CREATE INDEX complaint_deadlines_case_idx ON complaint_deadlines (case_id, id);

    CREATE TABLE complaint_steps (
      id bigserial PRIMARY KEY,
      case_id bigint NOT NULL REFERENCES complaint_cases(id) ON DELETE CASCADE,
      step text NOT NULL,
      stage smallint CHECK (stage IN (1, 2)),
      on_date date NOT NULL,
      at timestamptz NOT NULL,
      actor text NOT NULL,
      from_state text NOT NULL,
      to_state text NOT NULL,
      reason text,
      good_reason text,
      new_due date,
      outbox_id text
    );
    CREATE INDEX complaint_steps_case_idx ON complaint_steps (case_id, id);
  `.execute(db);
}
