// SQL for `housing365 resync`: forget a calendar's delta cursor (the next run is a full sync of the
// window, reconciled by event id), and progress counters read while a resync runs.
import { sql } from 'kysely';
import type { Db } from './database.ts';

export async function forgetCalendarCursor(db: Db, calendar: string): Promise<boolean> {
  const r = await sql`UPDATE calendar_sync_state SET cursor = NULL, window_start = NULL, window_end = NULL, updated_at = now() WHERE calendar = ${calendar}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function maxInboundEmailId(db: Db): Promise<number> {
  return Number((await sql<{ m: string | null }>`SELECT max(id)::text AS m FROM inbound_emails`.execute(db)).rows[0].m ?? 0);
}

export async function countInboundSince(db: Db, inbox: string, afterId: number): Promise<number> {
  return (await sql<{ n: number }>`SELECT count(*)::int AS n FROM inbound_emails WHERE inbox = ${inbox} AND id > ${afterId}`.execute(db)).rows[0].n;
}

export async function maxCalendarLogId(db: Db): Promise<number> {
  return Number((await sql<{ m: string | null }>`SELECT max(id)::text AS m FROM calendar_sync_log`.execute(db)).rows[0].m ?? 0);
}

export async function countCalendarLogSince(db: Db, calendar: string, afterId: number): Promise<number> {
  return (await sql<{ n: number }>`SELECT count(*)::int AS n FROM calendar_sync_log WHERE calendar = ${calendar} AND id > ${afterId}`.execute(db)).rows[0].n;
}
