import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { SqlSandbox } from './sql-sandbox.ts';

// Event queries (admin SQL, guide §2.2.4) and the events they raise.

export interface EventQuery {
  id: number;
  name: string;
  sqlText: string;
  fetCode: string;
  enabled: boolean;
  everyMinutes: number;
  lastRunAt: Date | null;
  lastOk: boolean | null;
  lastError: string | null;
  lastRows: number | null;
  lastEvents: number | null;
  lastMs: number | null;
  updatedAt: Date;
  updatedBy: string;
}

export async function selectEventQueries(db: Db): Promise<EventQuery[]> {
  const rows = await db.selectFrom('tm_event_queries').selectAll().orderBy('name').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    sqlText: r.sql_text,
    fetCode: r.fet_code,
    enabled: r.enabled,
    everyMinutes: r.every_minutes,
    lastRunAt: r.last_run_at,
    lastOk: r.last_ok,
    lastError: r.last_error,
    lastRows: r.last_rows,
    lastEvents: r.last_events,
    lastMs: r.last_ms,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  }));
}

export async function selectDueEventQueryIds(db: Db, now: Date): Promise<number[]> {
  const rows = await db
    .selectFrom('tm_event_queries')
    .select('id')
    .where('enabled', '=', true)
    .where((eb) => eb.or([eb('last_run_at', 'is', null), eb(sql`last_run_at + make_interval(mins => every_minutes) - interval '5 seconds'`, '<=', now)]))
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

export interface EventQueryValues {
  name: string;
  sqlText: string;
  fetCode: string;
  enabled: boolean;
  everyMinutes: number;
  by: string;
}

export async function insertEventQuery(db: Db, v: EventQueryValues): Promise<number | undefined> {
  const r = await db
    .insertInto('tm_event_queries')
    .values({ name: v.name, sql_text: v.sqlText, fet_code: v.fetCode, enabled: v.enabled, every_minutes: v.everyMinutes, updated_by: v.by })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('id')
    .executeTakeFirst();
  return r?.id;
}

export async function updateEventQueryRow(db: Db, id: number, v: EventQueryValues): Promise<boolean> {
  const r = await db
    .updateTable('tm_event_queries')
    .set({ name: v.name, sql_text: v.sqlText, fet_code: v.fetCode, enabled: v.enabled, every_minutes: v.everyMinutes, updated_by: v.by, updated_at: new Date() })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function recordEventQueryRun(db: Db, id: number, r: { at: Date; ok: boolean; error: string | null; rows: number | null; events: number | null; ms: number }): Promise<void> {
  await db
    .updateTable('tm_event_queries')
    .set({ last_run_at: r.at, last_ok: r.ok, last_error: r.error, last_rows: r.rows, last_events: r.events, last_ms: r.ms })
    .where('id', '=', id)
    .execute();
}

const COLUMN_ALIASES = Array.from({ length: 9 }, (_, i) => `c${i + 1}`);

/**
 * Runs an admin's SELECT in the SQL sandbox (sql-sandbox.ts: its own login, read-only, time-out, row
 * cap) and returns its rows by position. The text is wrapped as a subquery with a column alias list:
 * that forces a single query (no "; DELETE …" after it — and the bound LIMIT makes pg use the extended
 * protocol, which refuses several statements), makes PostgreSQL itself reject fewer than nine columns,
 * and names the columns so the guide's unnamed expressions ('EML', NULL, NULL …) cannot collide.
 */
export async function selectEventRows(sandbox: SqlSandbox, text: string, opts: { timeoutMs: number; maxRows: number }): Promise<{ rows: unknown[][]; extraColumns: string[] }> {
  const r = await sandbox.run(text, COLUMN_ALIASES, opts);
  const extra = new Set<string>();
  const rows = r.rows.map((row) => {
    for (const k of Object.keys(row)) if (!COLUMN_ALIASES.includes(k)) extra.add(k);
    return COLUMN_ALIASES.map((c) => row[c]);
  });
  return { rows, extraColumns: [...extra] };
}

export async function insertEvent(
  db: Db,
  e: { fetCode: string; indexCode: string | null; indexValue: string; eventDate: Date; action: string; queryId: number | null; queryFetCode: string | null },
): Promise<number> {
  const r = await db
    .insertInto('tm_events')
    .values({ fet_code: e.fetCode, index_code: e.indexCode, index_value: e.indexValue, event_date: e.eventDate, action: e.action, query_id: e.queryId, query_fet_code: e.queryFetCode })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function setEventTask(db: Db, eventId: number, taskId: number): Promise<void> {
  await db.updateTable('tm_events').set({ task_id: taskId }).where('id', '=', eventId).execute();
}

export async function countEvents(db: Db, where: { fetCode?: string; indexCode?: string } = {}): Promise<number> {
  let q = db.selectFrom('tm_events').select(sql<number>`count(*)::int`.as('n'));
  if (where.fetCode) q = q.where('fet_code', '=', where.fetCode);
  if (where.indexCode) q = q.where('index_code', '=', where.indexCode);
  return (await q.executeTakeFirstOrThrow()).n;
}

// ── Set-based writes for a whole event-query run (one statement per kind, not per row) ──
// Ids come back in input order: the rows are inserted ORDER BY their ordinal, so the sequence hands
// out ascending ids in that order; sorting the returned ids restores it.

export async function insertEventsBulk(
  db: Db,
  rows: Array<{ fetCode: string; indexCode: string | null; indexValue: string; eventDate: Date; action: string }>,
  query: { id: number; fetCode: string },
): Promise<number[]> {
  if (!rows.length) return [];
  const r = await sql<{ id: number }>`
    INSERT INTO tm_events (fet_code, index_code, index_value, event_date, action, query_id, query_fet_code)
    SELECT u.fet, u.icode, u.ival, u.edate, u.act, ${query.id}, ${query.fetCode}
      FROM unnest(${rows.map((x) => x.fetCode)}::text[], ${rows.map((x) => x.indexCode)}::text[], ${rows.map((x) => x.indexValue)}::text[],
                  ${rows.map((x) => x.eventDate.toISOString())}::timestamptz[], ${rows.map((x) => x.action)}::text[]) WITH ORDINALITY AS u(fet, icode, ival, edate, act, ord)
     ORDER BY u.ord
    RETURNING id`.execute(db);
  return r.rows.map((x) => Number(x.id)).sort((a, b) => a - b);
}

export async function linkEventsToTasks(db: Db, pairs: Array<{ eventId: number; taskId: number }>): Promise<void> {
  if (!pairs.length) return;
  await sql`UPDATE tm_events e SET task_id = v.t FROM unnest(${pairs.map((p) => p.eventId)}::bigint[], ${pairs.map((p) => p.taskId)}::bigint[]) AS v(e, t) WHERE e.id = v.e`.execute(db);
}
