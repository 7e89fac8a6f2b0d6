import { sql, type Kysely } from 'kysely';

// Reading inboxes (issue 5): per-inbox sync state (the delta cursor, saved in the same transaction
// as the emails it produced), run history for the Integration page, and the "Needs attention" list of
// mail that could not be stored (kept with its raw source, never dropped).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE inbox_sync_state (
      inbox text PRIMARY KEY,
      mailbox text NOT NULL,
      -- Mail received before this instant is not imported (unless a backfill asks for it).
      enabled_at timestamptz NOT NULL DEFAULT now(),
      poll_enabled boolean NOT NULL DEFAULT true,
      after_import text NOT NULL DEFAULT 'mark_read' CHECK (after_import IN ('mark_read', 'move', 'leave')),
      move_folder text,
      cursor text,
      cursor_saved_at timestamptz,
      -- A cursor mid-way through a sync (Graph's nextLink) rather than a finished deltaLink.
      cursor_partial boolean NOT NULL DEFAULT false,
      backfill_days integer CHECK (backfill_days BETWEEN 1 AND 3650),
      backfill_seen integer NOT NULL DEFAULT 0,
      backfill_imported integer NOT NULL DEFAULT 0,
      full_resyncs integer NOT NULL DEFAULT 0,
      last_run_at timestamptz,
      last_run_ok boolean,
      last_error text,
      last_items integer,
      last_skipped_reason text,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE inbox_runs (
      id bigserial PRIMARY KEY,
      inbox text NOT NULL,
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      ok boolean,
      imported integer NOT NULL DEFAULT 0,
      duplicates integer NOT NULL DEFAULT 0,
      parked integer NOT NULL DEFAULT 0,
      graph_requests integer NOT NULL DEFAULT 0,
      full_resync boolean NOT NULL DEFAULT false,
      error text
    );
    CREATE INDEX inbox_runs_inbox_idx ON inbox_runs (inbox, id DESC);

    CREATE TABLE inbound_parked (
      id bigserial PRIMARY KEY,
      inbox text NOT NULL,
      mailbox text NOT NULL,
      graph_id text NOT NULL,
      subject text,
      reason text NOT NULL,
      raw_source bytea,
      attempts integer NOT NULL DEFAULT 1,
      first_at timestamptz NOT NULL DEFAULT now(),
      last_at timestamptz NOT NULL DEFAULT now(),
      status text NOT NULL DEFAULT 'parked' CHECK (status IN ('parked', 'replayed', 'dismissed')),
      resolved_at timestamptz,
      resolved_by text,
      UNIQUE (inbox, graph_id)
    );
  `.execute(db);
}
