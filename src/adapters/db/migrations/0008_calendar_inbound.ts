import { sql, type Kysely } from 'kysely';

// Inbound calendar (issue 7): one sync state per Outlook calendar (the delta cursor and its window,
// a lease so one calendar never has two runs at once, counters for the Integration page), a log of
// what was applied or refused, and the last Outlook change answered per booking (so a resync never
// answers it twice). Move-violation emails go through the email outbox (0002).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE calendar_sync_state (
      calendar text PRIMARY KEY CHECK (calendar = lower(calendar)),
      cursor text,
      window_start timestamptz,
      window_end timestamptz,
      full_sync_started_at timestamptz,
      run_token text,
      run_until timestamptz,
      run_requested_at timestamptz,
      last_run_at timestamptz,
      last_success_at timestamptz,
      last_full_sync_at timestamptz,
      last_result text,
      last_error text,
      last_error_at timestamptz,
      runs integer NOT NULL DEFAULT 0,
      applied integer NOT NULL DEFAULT 0,
      refused integer NOT NULL DEFAULT 0,
      errors integer NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE calendar_sync_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      calendar text NOT NULL,
      booking_id bigint REFERENCES bookings(id) ON DELETE SET NULL,
      ref bigint,
      event_id text,
      outcome text NOT NULL CHECK (outcome IN ('moved', 'cancelled', 'refused', 'conflict', 'restored', 'error')),
      detail text NOT NULL
    );
    CREATE INDEX calendar_sync_log_calendar_idx ON calendar_sync_log (calendar, id DESC);

    CREATE TABLE calendar_sync_handled (
      booking_id bigint PRIMARY KEY REFERENCES bookings(id) ON DELETE CASCADE,
      change_key text NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}
