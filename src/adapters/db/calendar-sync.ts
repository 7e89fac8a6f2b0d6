// SQL for the inbound calendar sync: per-calendar state (cursor + window, run lease, counters), the
// log of applied / refused changes, the mapped calendars, start / stop. The bookings as the sync sees
// them are in calendar-sync-bookings.ts. Calendars are keyed lower-case.
import { sql, type Selectable } from 'kysely';
import type { Db } from './database.ts';
import { signalSettingsChanged } from './settings-signal.ts';
import type { CalendarSyncLogRow, CalendarSyncStateRow } from './schema.ts';

export interface CalendarSyncState {
  calendar: string;
  cursor: string | null;
  window: { start: Date; end: Date } | null;
  fullSyncStartedAt: Date | null;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  lastFullSyncAt: Date | null;
  lastResult: string | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  runs: number;
  applied: number;
  refused: number;
  errors: number;
  running: boolean;
  /** Run-now asked for (CLI / page) and not yet done. */
  runRequestedAt: Date | null;
}

const toState = (r: Selectable<CalendarSyncStateRow>, now: Date): CalendarSyncState => ({
  calendar: r.calendar,
  cursor: r.cursor,
  window: r.window_start && r.window_end ? { start: r.window_start, end: r.window_end } : null,
  fullSyncStartedAt: r.full_sync_started_at,
  lastRunAt: r.last_run_at,
  lastSuccessAt: r.last_success_at,
  lastFullSyncAt: r.last_full_sync_at,
  lastResult: r.last_result,
  lastError: r.last_error,
  lastErrorAt: r.last_error_at,
  runs: r.runs,
  applied: r.applied,
  refused: r.refused,
  errors: r.errors,
  running: Boolean(r.run_token && r.run_until && r.run_until > now),
  runRequestedAt: r.run_requested_at,
});

export async function selectSyncStates(db: Db, now: Date): Promise<CalendarSyncState[]> {
  return (await db.selectFrom('calendar_sync_state').selectAll().orderBy('calendar').execute()).map((r) => toState(r, now));
}

export async function selectSyncState(db: Db, calendar: string, now: Date): Promise<CalendarSyncState | undefined> {
  const r = await db.selectFrom('calendar_sync_state').selectAll().where('calendar', '=', calendar.toLowerCase()).executeTakeFirst();
  return r ? toState(r, now) : undefined;
}

/**
 * Takes the calendar's run lease and returns the calendar's state, or undefined when another run
 * holds it. A crashed run's lease lapses after `leaseMs`, so a calendar is never stuck.
 */
export async function claimCalendarRun(db: Db, calendar: string, token: string, now: Date, leaseMs: number): Promise<CalendarSyncState | undefined> {
  const key = calendar.toLowerCase();
  const claim = () =>
    db
      .updateTable('calendar_sync_state')
      .set({ run_token: token, run_until: new Date(now.getTime() + leaseMs), last_run_at: now, run_requested_at: null, runs: sql`runs + 1`, updated_at: now })
      .where('calendar', '=', key)
      .where((eb) => eb.or([eb('run_token', 'is', null), eb('run_until', '<', now)]))
      .returningAll()
      .executeTakeFirst();
  let row = await claim();
  if (!row) {
    // First run of this calendar (no row yet), or held by another run.
    const made = await db.insertInto('calendar_sync_state').values({ calendar: key }).onConflict((oc) => oc.column('calendar').doNothing()).returning('calendar').executeTakeFirst();
    if (made) row = await claim();
  }
  return row ? toState(row, now) : undefined;
}

/** Gives the lease back (when the run ends without recording an outcome). */
export async function releaseCalendarRun(db: Db, calendar: string, token: string): Promise<void> {
  await db.updateTable('calendar_sync_state').set({ run_token: null, run_until: null }).where('calendar', '=', calendar.toLowerCase()).where('run_token', '=', token).execute();
}

/** Saves the delta position; call inside the transaction that applied what the page produced. */
export async function saveCursor(
  db: Db,
  calendar: string,
  p: { cursor: string | null; window?: { start: Date; end: Date } | null; fullSyncStartedAt?: Date | null; fullSyncDoneAt?: Date },
): Promise<void> {
  await db
    .updateTable('calendar_sync_state')
    .set({
      cursor: p.cursor,
      ...(p.window !== undefined ? { window_start: p.window?.start ?? null, window_end: p.window?.end ?? null } : {}),
      ...(p.fullSyncStartedAt !== undefined ? { full_sync_started_at: p.fullSyncStartedAt } : {}),
      ...(p.fullSyncDoneAt ? { last_full_sync_at: p.fullSyncDoneAt } : {}),
      updated_at: new Date(),
    })
    .where('calendar', '=', calendar.toLowerCase())
    .execute();
}

/** Records how the run went and, with `releaseToken`, gives the lease back in the same statement. */
export async function recordRunOutcome(
  db: Db,
  calendar: string,
  o: { at: Date; result: string; error?: string; applied?: number; refused?: number; errors?: number; releaseToken?: string },
): Promise<void> {
  await db
    .updateTable('calendar_sync_state')
    .set({
      ...(o.releaseToken ? { run_token: sql`case when run_token = ${o.releaseToken} then null else run_token end`, run_until: sql`case when run_token = ${o.releaseToken} then null else run_until end` } : {}),
      last_result: o.result,
      ...(o.error ? { last_error: o.error, last_error_at: o.at } : { last_success_at: o.at }),
      applied: sql`applied + ${o.applied ?? 0}`,
      refused: sql`refused + ${o.refused ?? 0}`,
      errors: sql`errors + ${o.errors ?? (o.error ? 1 : 0)}`,
      updated_at: o.at,
    })
    .where('calendar', '=', calendar.toLowerCase())
    .execute();
}

/** Records why calendars were not polled (flow off, stopped) without taking their lease: one statement. */
export async function recordNotRun(db: Db, calendars: string[], result: string, at: Date): Promise<void> {
  if (calendars.length === 0) return;
  await db
    .insertInto('calendar_sync_state')
    .values(calendars.map((c) => ({ calendar: c.toLowerCase(), last_result: result, updated_at: at })))
    // Ticks come every few seconds: write only a result that changed.
    .onConflict((oc) => oc.column('calendar').doUpdateSet({ last_result: result, updated_at: at }).where(sql<boolean>`calendar_sync_state.last_result IS DISTINCT FROM ${result}`))
    .execute();
}

// ── log ──

export type SyncLogEntry = Omit<Selectable<CalendarSyncLogRow>, 'booking_id' | 'event_id'> & { bookingId: number | null; eventId: string | null };

export async function insertSyncLog(db: Db, e: { calendar: string; bookingId: number | null; ref: number | null; eventId: string | null; outcome: CalendarSyncLogRow['outcome']; detail: string; at: Date }): Promise<void> {
  await db
    .insertInto('calendar_sync_log')
    .values({ calendar: e.calendar.toLowerCase(), booking_id: e.bookingId, ref: e.ref, event_id: e.eventId, outcome: e.outcome, detail: e.detail, at: e.at })
    .execute();
}

export async function selectSyncLog(db: Db, f: { calendar?: string; limit?: number } = {}): Promise<SyncLogEntry[]> {
  let q = db.selectFrom('calendar_sync_log').selectAll().orderBy('id', 'desc').limit(f.limit ?? 50);
  if (f.calendar) q = q.where('calendar', '=', f.calendar.toLowerCase());
  const rows = await q.execute();
  return rows.map(({ booking_id, event_id, ...r }) => ({ ...r, bookingId: booking_id, eventId: event_id }));
}

/** Distinct calendar addresses of Outlook-mapped diaries, lower-cased, with the end of their last slot. */
export async function selectMappedCalendars(db: Db, only?: string): Promise<Array<{ calendar: string; diaryCodes: string[]; lastSlotEnd: Date | null }>> {
  // The last slot per diary through the (diary_id, starts_at) index, not a scan of every slot.
  const { rows } = await sql<{ calendar: string; diary_codes: string[]; last_slot_end: Date | null }>`
    select lower(d.calendar_address) as calendar,
           array_agg(distinct d.code order by d.code) as diary_codes,
           max(last.ends_at) as last_slot_end
    from appointment_diaries d
    left join lateral (select s.ends_at from appointment_slots s where s.diary_id = d.id order by s.starts_at desc limit 1) last on true
    where d.external_calendar = 'OUTLOOK365' and d.calendar_address is not null
      and (${only ?? null}::text is null or lower(d.calendar_address) = ${only?.toLowerCase() ?? null})
    group by lower(d.calendar_address)
    order by 1`.execute(db);
  return rows.map((r) => ({ calendar: r.calendar, diaryCodes: r.diary_codes, lastSlotEnd: r.last_slot_end }));
}

// ── start / stop (guide §2.4.3 "Start Inbound Poll") ──

const STOPPED_KEY = 'calendar_poll_stopped';

export async function readPollStopped(db: Db): Promise<{ stopped: boolean; since: Date | null }> {
  const r = await db.selectFrom('app_settings').select(['value', 'updated_at']).where('key', '=', STOPPED_KEY).executeTakeFirst();
  return { stopped: r?.value === 'Y', since: r?.updated_at ?? null };
}

export async function writePollStopped(db: Db, stopped: boolean, at: Date): Promise<void> {
  const value = stopped ? 'Y' : 'N';
  await db.insertInto('app_settings').values({ key: STOPPED_KEY, value, updated_at: at }).onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at })).execute();
  await signalSettingsChanged(db);
}

/** Run-now: the calendars (all mapped ones when none given) are due at the next tick. */
export async function requestRun(db: Db, calendars: string[], at: Date): Promise<void> {
  for (const c of calendars) {
    await db.insertInto('calendar_sync_state').values({ calendar: c.toLowerCase(), run_requested_at: at }).onConflict((oc) => oc.column('calendar').doUpdateSet({ run_requested_at: at })).execute();
  }
  await signalSettingsChanged(db); // run-now: the scheduler ticks at once
}
