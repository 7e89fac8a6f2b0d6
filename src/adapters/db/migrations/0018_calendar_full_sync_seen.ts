import { sql, type Kysely } from 'kysely';

// The events a calendar's full sync has listed so far (issue 14 §11). A full sync ends by checking
// every live booking whose event it did not list (deleted, or moved out of the window, while no cursor
// was held). That needs the whole set of ids listed, across every page — and a full sync interrupted
// between pages (kill -9, a deadline, Graph down) resumes from its saved page cursor in a later run,
// so the set is kept here, written with each page's cursor, and cleared when the full sync completes
// or a new one starts.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE calendar_full_sync_seen (
      calendar text NOT NULL,
      event_id text NOT NULL,
      PRIMARY KEY (calendar, event_id)
    );
  `.execute(db);
}
