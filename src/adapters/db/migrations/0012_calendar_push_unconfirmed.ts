import { sql, type Kysely } from 'kysely';

// Calendar push writes whose outcome is unknown (R4 under a slow Graph): a create or PATCH of a
// booking's event that failed ambiguously — timed out, connection reset, 5xx — may still be carried out
// by Graph later, after a newer write of ours. The push records the times such a write would have put
// on the event; the calendar sync then knows that event state as our own late write, not the owner's
// move (docs/inbound-calendar.md). Rows are few: the push keeps at most a handful per booking, for a day.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE calendar_push_unconfirmed (
      id bigserial PRIMARY KEY,
      booking_id bigint NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      at timestamptz NOT NULL
    );
    CREATE INDEX calendar_push_unconfirmed_booking_idx ON calendar_push_unconfirmed (booking_id, id);
  `.execute(db);
}
