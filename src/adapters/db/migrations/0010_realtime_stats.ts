import { sql, type Kysely } from 'kysely';

// Graph traffic per mailbox, summed by every process (issue 8): the Integration page shows 429s and
// request counts per inbox and calendar whichever worker made the requests.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE graph_mailbox_stats (
      mailbox text NOT NULL,
      day date NOT NULL,
      requests integer NOT NULL DEFAULT 0,
      throttled integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      last_throttled_at timestamptz,
      PRIMARY KEY (mailbox, day)
    );
  `.execute(db);
}
