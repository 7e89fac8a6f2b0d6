import { sql } from 'kysely';
import type { Db } from './database.ts';

// A change that may start a flow's work at once — a switch or parameter, an FRV (a new inbox), the
// licence, polling started or a run requested — tells every housing365 process through PostgreSQL
// NOTIFY, from whichever process made it (web, worker or a CLI command). Sent inside the caller's
// transaction, it is delivered when that commits, and not at all when it rolls back. The job
// processes' poll scheduler listens (src/transport/jobs/poll-scheduler.ts) and ticks at once instead
// of at its next tick. A lost signal costs only that: the next tick sees the change anyway.

/** The channel housing365 processes LISTEN on (src/transport/jobs/wake.ts); payloads name what to wake. */
export const WAKE_CHANNEL = 'housing365_wake';
/** The payload of a settings change. */
export const SETTINGS_CHANGED = 'settings-changed';

export async function signalSettingsChanged(db: Db): Promise<void> {
  await sql`SELECT pg_notify(${WAKE_CHANNEL}, ${SETTINGS_CHANGED})`.execute(db);
}
