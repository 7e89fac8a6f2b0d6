import { sql, type Kysely } from 'kysely';

// Hostile mail must not stall an inbox (issue 14 §5, §12). Every read of a message is counted here
// BEFORE it starts, so a message that hangs, overruns its budget or takes the process down with it
// is known by its id at the next run; after a few attempts it is parked instead of read again. The
// row goes when the message is stored or parked.
// A parked message's raw source is kept whole in the blob store (streamed; Graph's 150 MB message
// limit bounds it) instead of a bytea cut at 25 MB; `raw_truncated` marks the older, cut copies.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE inbound_message_attempts (
      inbox text NOT NULL,
      graph_id text NOT NULL,
      attempts integer NOT NULL DEFAULT 1,
      last_error text,
      first_at timestamptz NOT NULL,
      last_at timestamptz NOT NULL,
      PRIMARY KEY (inbox, graph_id)
    );
    ALTER TABLE inbound_parked
      ADD COLUMN raw_blob_sha256 text,
      ADD COLUMN raw_size bigint,
      ADD COLUMN raw_truncated boolean NOT NULL DEFAULT false;
    UPDATE inbound_parked SET raw_size = length(raw_source), raw_truncated = length(raw_source) >= 25 * 1024 * 1024 WHERE raw_source IS NOT NULL;
  `.execute(db);
}
