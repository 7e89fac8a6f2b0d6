import { sql, type Kysely } from 'kysely';

// Poll cadence and first-read cut-off (issue 14 §2, §3).
// - frv_values.active_since: when the value was added or last activated. An EXCHANGE_INBOX value's
//   is the inbox's first-read cut-off: mail that arrived after the admin configured the inbox is read
//   even if the first poll runs later. Existing values: their creation time.
// - inbox_sync_state.last_run_started_at: EMI_POLL counts from the start of the last run, not its end,
//   so runs come every EMI_POLL minutes whatever each takes (calendars already count from the claim).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE frv_values ADD COLUMN active_since timestamptz;
    UPDATE frv_values SET active_since = created_at;
    ALTER TABLE frv_values ALTER COLUMN active_since SET NOT NULL, ALTER COLUMN active_since SET DEFAULT now();

    ALTER TABLE inbox_sync_state ADD COLUMN last_run_started_at timestamptz;
    UPDATE inbox_sync_state s SET last_run_started_at = (SELECT max(started_at) FROM inbox_runs r WHERE r.inbox = s.inbox);
  `.execute(db);
}
