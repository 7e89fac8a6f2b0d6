// SQL of graph_mailbox_stats (migration 0010_realtime_stats): Graph requests, 429s and failures per
// mailbox per day, added to by every process, read by the Integration page.
import { sql } from 'kysely';
import type { Db } from './database.ts';

export interface MailboxDelta {
  mailbox: string;
  requests: number;
  throttled: number;
  failed: number;
  lastThrottledAt?: Date;
}

export async function addMailboxStats(db: Db, deltas: MailboxDelta[]): Promise<void> {
  for (const d of deltas) {
    await sql`
      INSERT INTO graph_mailbox_stats (mailbox, day, requests, throttled, failed, last_throttled_at)
      VALUES (${d.mailbox}, current_date, ${d.requests}, ${d.throttled}, ${d.failed}, ${d.lastThrottledAt ?? null})
      ON CONFLICT (mailbox, day) DO UPDATE SET
        requests = graph_mailbox_stats.requests + EXCLUDED.requests,
        throttled = graph_mailbox_stats.throttled + EXCLUDED.throttled,
        failed = graph_mailbox_stats.failed + EXCLUDED.failed,
        last_throttled_at = greatest(graph_mailbox_stats.last_throttled_at, EXCLUDED.last_throttled_at)`.execute(db);
  }
}

export interface MailboxStats {
  mailbox: string;
  requests: number;
  throttled: number;
  failed: number;
  lastThrottledAt: Date | null;
}

/** Today's figures per mailbox (lower-case address). */
export async function selectMailboxStatsToday(db: Db): Promise<Map<string, MailboxStats>> {
  const r = await sql<{ mailbox: string; requests: number; throttled: number; failed: number; last_throttled_at: Date | null }>`
    SELECT mailbox, requests, throttled, failed, last_throttled_at FROM graph_mailbox_stats WHERE day = current_date`.execute(db);
  return new Map(r.rows.map((x) => [x.mailbox, { mailbox: x.mailbox, requests: x.requests, throttled: x.throttled, failed: x.failed, lastThrottledAt: x.last_throttled_at }]));
}

/** Per day for the last `days` days: tasks raised from email, booking changes synced (pushed or applied from Outlook). */
export async function selectDailyActivity(db: Db, days: number): Promise<{ day: string; tasks: number; bookings: number }[]> {
  const r = await sql<{ day: string; tasks: number; bookings: number }>`
    WITH d AS (SELECT generate_series(current_date - (${days - 1}::int), current_date, interval '1 day')::date AS day)
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
      (SELECT count(*)::int FROM tm_tasks t WHERE t.created_at >= d.day AND t.created_at < d.day + 1) AS tasks,
      (SELECT count(*)::int FROM calendar_outbox o WHERE o.status = 'done' AND o.done_at >= d.day AND o.done_at < d.day + 1)
      + (SELECT count(*)::int FROM calendar_sync_log l WHERE l.outcome IN ('moved', 'cancelled') AND l.at >= d.day AND l.at < d.day + 1) AS bookings
    FROM d ORDER BY d.day`.execute(db);
  return r.rows;
}

/** Today's per-inbox import counts and failed runs. */
export async function selectInboxToday(db: Db): Promise<Map<string, { imported: number; failedRuns: number }>> {
  const r = await sql<{ inbox: string; imported: number; failed: number }>`
    SELECT inbox, coalesce(sum(imported), 0)::int AS imported, count(*) FILTER (WHERE ok = false)::int AS failed
    FROM inbox_runs WHERE started_at >= current_date GROUP BY inbox`.execute(db);
  return new Map(r.rows.map((x) => [x.inbox, { imported: x.imported, failedRuns: x.failed }]));
}

/** Today's per-calendar applied changes and errors. */
export async function selectCalendarToday(db: Db): Promise<Map<string, { applied: number; errors: number }>> {
  const r = await sql<{ calendar: string; applied: number; errors: number }>`
    SELECT calendar, count(*) FILTER (WHERE outcome IN ('moved', 'cancelled', 'restored'))::int AS applied, count(*) FILTER (WHERE outcome = 'error')::int AS errors
    FROM calendar_sync_log WHERE at >= current_date GROUP BY calendar`.execute(db);
  return new Map(r.rows.map((x) => [x.calendar, { applied: x.applied, errors: x.errors }]));
}

export async function countDeadLetters(db: Db): Promise<{ emails: number; calendar: number; parked: number }> {
  const r = await sql<{ emails: number; calendar: number; parked: number }>`
    SELECT (SELECT count(*)::int FROM email_outbox WHERE status IN ('dead', 'failed')) AS emails,
           (SELECT count(*)::int FROM calendar_outbox WHERE status = 'dead') AS calendar,
           (SELECT count(*)::int FROM inbound_parked WHERE status = 'parked') AS parked`.execute(db);
  return r.rows[0];
}
