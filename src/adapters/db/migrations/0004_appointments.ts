import { sql, type Kysely } from 'kysely';

// Appointments: product areas, reasons ↔ product areas, diaries, slot patterns and exceptions, slots
// (with a booked counter that can never pass the slot's units), bookings with their history, and the
// calendar outbox that pushes booking changes to Outlook. appointment_reasons itself comes from 0001.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE product_areas (
      code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9_]{1,20}$'),
      name text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE appointment_reason_product_areas (
      reason_code text NOT NULL REFERENCES appointment_reasons(code) ON DELETE CASCADE,
      product_area_code text NOT NULL REFERENCES product_areas(code) ON DELETE CASCADE,
      PRIMARY KEY (reason_code, product_area_code)
    );

    CREATE TABLE appointment_diaries (
      id serial PRIMARY KEY,
      code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9_]{1,20}$'),
      name text NOT NULL,
      product_area_code text NOT NULL REFERENCES product_areas(code),
      owner text,
      time_zone text NOT NULL DEFAULT 'Europe/London',
      external_calendar text NOT NULL DEFAULT 'NONE' CHECK (external_calendar IN ('NONE', 'OUTLOOK365')),
      calendar_address text,
      -- What happens to events already pushed when the diary is turned off or its address changes.
      outlook_old_events text NOT NULL DEFAULT 'remove' CHECK (outlook_old_events IN ('remove', 'leave')),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (external_calendar = 'NONE' OR calendar_address IS NOT NULL)
    );
    CREATE INDEX appointment_diaries_calendar_idx ON appointment_diaries (lower(calendar_address)) WHERE external_calendar = 'OUTLOOK365';

    CREATE TABLE appointment_slot_patterns (
      id serial PRIMARY KEY,
      diary_id integer NOT NULL REFERENCES appointment_diaries(id) ON DELETE CASCADE,
      weekdays integer[] NOT NULL,
      start_time time NOT NULL,
      end_time time NOT NULL,
      slot_minutes integer NOT NULL CHECK (slot_minutes BETWEEN 5 AND 1440),
      units integer NOT NULL CHECK (units BETWEEN 1 AND 1000),
      valid_from date NOT NULL,
      valid_to date,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (end_time > start_time)
    );

    CREATE TABLE appointment_slot_exceptions (
      diary_id integer NOT NULL REFERENCES appointment_diaries(id) ON DELETE CASCADE,
      day date NOT NULL,
      reason text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (diary_id, day)
    );

    CREATE TABLE appointment_slots (
      id bigserial PRIMARY KEY,
      diary_id integer NOT NULL REFERENCES appointment_diaries(id) ON DELETE CASCADE,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      units integer NOT NULL CHECK (units >= 0),
      booked integer NOT NULL DEFAULT 0,
      UNIQUE (diary_id, starts_at),
      CHECK (ends_at > starts_at),
      -- The last-unit guarantee: a conditional UPDATE may race, this cannot.
      CHECK (booked >= 0 AND booked <= units)
    );

    CREATE SEQUENCE booking_ref_seq START 1001;

    CREATE TABLE bookings (
      id bigserial PRIMARY KEY,
      ref bigint NOT NULL UNIQUE DEFAULT nextval('booking_ref_seq'),
      diary_id integer NOT NULL REFERENCES appointment_diaries(id),
      slot_id bigint NOT NULL REFERENCES appointment_slots(id),
      status text NOT NULL CHECK (status IN ('BOOKED', 'MOVED', 'CAN', 'COMPLETED')),
      reason_code text REFERENCES appointment_reasons(code),
      who text NOT NULL,
      location text,
      notes text,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      -- Outlook: where the event is, its id and changeKey, and the times we last wrote (UTC).
      outlook_calendar text,
      outlook_event_id text,
      outlook_change_key text,
      outlook_start timestamptz,
      outlook_end timestamptz,
      outlook_txn text,
      outlook_generation integer NOT NULL DEFAULT 0,
      outlook_synced_at timestamptz,
      outlook_state text NOT NULL DEFAULT 'none' CHECK (outlook_state IN ('none', 'pending', 'synced', 'failed', 'dead', 'held')),
      outlook_error text,
      -- A push worker's lease on this booking: one worker at a time per booking, whatever the number of processes.
      outlook_claim text,
      outlook_claimed_until timestamptz
    );
    CREATE INDEX bookings_slot_idx ON bookings (slot_id);
    CREATE INDEX bookings_diary_idx ON bookings (diary_id);
    CREATE INDEX bookings_outlook_event_idx ON bookings (outlook_event_id) WHERE outlook_event_id IS NOT NULL;

    CREATE TABLE booking_history (
      id bigserial PRIMARY KEY,
      booking_id bigint NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      source text NOT NULL CHECK (source IN ('housing', 'outlook', 'system')),
      action text NOT NULL,
      from_status text,
      to_status text,
      from_start timestamptz,
      to_start timestamptz,
      reason_code text,
      note text
    );
    CREATE INDEX booking_history_booking_idx ON booking_history (booking_id, id);

    CREATE TABLE calendar_outbox (
      id bigserial PRIMARY KEY,
      booking_id bigint NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
      change text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      done_at timestamptz
    );
    CREATE INDEX calendar_outbox_pending_idx ON calendar_outbox (next_attempt_at, booking_id) WHERE status = 'pending';
    CREATE INDEX calendar_outbox_booking_idx ON calendar_outbox (booking_id, id);
  `.execute(db);
}
