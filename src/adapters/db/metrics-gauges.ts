import { sql } from 'kysely';
import type { Db } from './database.ts';

// Read at /metrics scrape time. Each query fails soft (an empty answer) so a scrape never errors
// because one table is busy or not migrated yet.

/** Seconds since the oldest successful sync per flow. */
export async function selectSyncLag(db: Db): Promise<Array<{ flow: 'inbox' | 'calendar'; lag: number | null }>> {
  const r = await sql<{ flow: 'inbox' | 'calendar'; lag: number | null }>`
    SELECT 'inbox' AS flow, EXTRACT(EPOCH FROM now() - min(cursor_saved_at))::float8 AS lag FROM inbox_sync_state
    UNION ALL SELECT 'calendar', EXTRACT(EPOCH FROM now() - min(last_success_at))::float8 FROM calendar_sync_state`
    .execute(db)
    .catch(() => ({ rows: [] }));
  return r.rows;
}

/** Rows waiting in the email and calendar outboxes. */
export async function selectOutboxDepth(db: Db): Promise<Array<{ outbox: 'email' | 'calendar'; n: number }>> {
  const r = await sql<{ outbox: 'email' | 'calendar'; n: number }>`
    SELECT 'email' AS outbox, count(*)::int AS n FROM email_outbox WHERE status IN ('queued', 'held', 'sending')
    UNION ALL SELECT 'calendar', count(*)::int FROM calendar_outbox WHERE status = 'pending'`
    .execute(db)
    .catch(() => ({ rows: [] }));
  return r.rows;
}

/**
 * pg-boss jobs in state failed, per queue. pg-boss 10's API counts queued jobs (getQueueSize) but not
 * failed ones, so this reads its job table — the one place outside pg-boss that does, kept read-only.
 */
export async function selectFailedJobCounts(db: Db): Promise<Array<{ name: string; n: number }>> {
  const r = await sql<{ name: string; n: number }>`SELECT name, count(*)::int AS n FROM pgboss.job WHERE state = 'failed' GROUP BY name`
    .execute(db)
    .catch(() => ({ rows: [] }));
  return r.rows;
}
