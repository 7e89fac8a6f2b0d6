// SQL for the bookings as the inbound calendar sync sees them: the booking facts the decision needs,
// the last answered change per booking, our own writes, and pushed writes whose outcome is unknown.
import { sql } from 'kysely';
import type { Db } from './database.ts';

export interface SyncBooking {
  id: number;
  ref: number;
  diaryId: number;
  diaryCode: string;
  /** The diary's IANA zone, for times in history lines and emails. */
  diaryZone: string;
  status: 'BOOKED' | 'MOVED' | 'CAN' | 'COMPLETED';
  startsAt: Date;
  endsAt: Date;
  version: number;
  calendar: string | null;
  eventId: string;
  changeKey: string | null;
  writtenStart: Date | null;
  writtenEnd: Date | null;
  outlookState: string;
  handledChangeKey: string | null;
  /** Pushed writes whose outcome is unknown (recordUnconfirmedWrite), oldest first. */
  unconfirmed: UnconfirmedWrite[];
}

/** The times a create or PATCH of ours would have put on the event, had Graph carried it out; `at` = when sent. */
export interface UnconfirmedWrite {
  start: Date;
  end: Date;
  at: Date;
}

function syncBookingQuery(db: Db) {
  return db
    .selectFrom('bookings as b')
    .innerJoin('appointment_diaries as d', 'd.id', 'b.diary_id')
    .innerJoin('appointment_slots as s', 's.id', 'b.slot_id')
    .leftJoin('calendar_sync_handled as h', 'h.booking_id', 'b.id')
    .select([
      'b.id',
      'b.ref',
      'b.diary_id',
      'd.code as diary_code',
      'd.time_zone as diary_zone',
      'b.status',
      's.starts_at',
      's.ends_at',
      'b.version',
      'b.outlook_calendar',
      'b.outlook_event_id',
      'b.outlook_change_key',
      'b.outlook_start',
      'b.outlook_end',
      'b.outlook_state',
      'h.change_key as handled_change_key',
      sql<Array<{ start: string; end: string; at: string }> | null>`(
        select json_agg(json_build_object('start', u.starts_at, 'end', u.ends_at, 'at', u.at) order by u.id)
        from calendar_push_unconfirmed u where u.booking_id = b.id)`.as('unconfirmed'),
    ]);
}

type SyncRow = Awaited<ReturnType<ReturnType<typeof syncBookingQuery>['executeTakeFirstOrThrow']>>;

const toSyncBooking = (r: SyncRow): SyncBooking => ({
  id: r.id,
  ref: r.ref,
  diaryId: r.diary_id,
  diaryCode: r.diary_code,
  diaryZone: r.diary_zone,
  status: r.status,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  version: r.version,
  calendar: r.outlook_calendar,
  eventId: r.outlook_event_id!,
  changeKey: r.outlook_change_key,
  writtenStart: r.outlook_start,
  writtenEnd: r.outlook_end,
  outlookState: r.outlook_state,
  handledChangeKey: r.handled_change_key,
  unconfirmed: (r.unconfirmed ?? []).map((u) => ({ start: new Date(u.start), end: new Date(u.end), at: new Date(u.at) })),
});

/** The bookings whose stored Outlook event is one of `eventIds` in `calendar`. */
export async function selectBookingsByEventIds(db: Db, calendar: string, eventIds: string[]): Promise<SyncBooking[]> {
  if (eventIds.length === 0) return [];
  const rows = await syncBookingQuery(db)
    .where('b.outlook_event_id', 'in', eventIds)
    .where(sql<boolean>`lower(b.outlook_calendar) = ${calendar.toLowerCase()}`)
    .execute();
  return rows.map(toSyncBooking);
}

export async function selectSyncBooking(db: Db, bookingId: number): Promise<SyncBooking | undefined> {
  const r = await syncBookingQuery(db).where('b.id', '=', bookingId).where('b.outlook_event_id', 'is not', null).executeTakeFirst();
  return r ? toSyncBooking(r) : undefined;
}

/** Live bookings with an event in `calendar` starting inside the window (for reconciling after a full sync). */
export async function selectLiveEventIds(db: Db, calendar: string, window: { start: Date; end: Date }): Promise<string[]> {
  const rows = await db
    .selectFrom('bookings as b')
    .select('b.outlook_event_id')
    .where(sql<boolean>`lower(b.outlook_calendar) = ${calendar.toLowerCase()}`)
    .where('b.outlook_event_id', 'is not', null)
    .where('b.status', 'in', ['BOOKED', 'MOVED'])
    .where('b.outlook_start', '>=', window.start)
    .where('b.outlook_start', '<', window.end)
    .execute();
  return rows.map((r) => r.outlook_event_id!);
}

export async function markHandled(db: Db, bookingId: number, changeKey: string, at: Date): Promise<void> {
  await db
    .insertInto('calendar_sync_handled')
    .values({ booking_id: bookingId, change_key: changeKey, at })
    .onConflict((oc) => oc.column('booking_id').doUpdateSet({ change_key: changeKey, at }))
    .execute();
}

/**
 * Records a write we made to the event (a restore), so reading it back is an echo — only while the
 * booking is still at `version` (a newer housing change has queued its own push, which will record).
 */
export async function recordOwnWrite(db: Db, bookingId: number, version: number, w: { changeKey: string; start: Date; end: Date }): Promise<boolean> {
  const r = await db
    .updateTable('bookings')
    .set({ outlook_change_key: w.changeKey, outlook_start: w.start, outlook_end: w.end })
    .where('id', '=', bookingId)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ── pushed writes whose outcome is unknown (R4 under a slow Graph; docs/inbound-calendar.md) ──

/**
 * Records a create / PATCH of booking `bookingId`'s event that may or may not have been carried out,
 * and in the same statement drops the booking's entries older than `keepMs` and all but the newest
 * `max` - 1 others, so the list stays small whatever happens.
 */
export async function recordUnconfirmedWrite(db: Db, bookingId: number, w: { start: Date; end: Date }, now: Date, bound: { keepMs: number; max: number }): Promise<void> {
  await sql`
    with added as (
      insert into calendar_push_unconfirmed (booking_id, starts_at, ends_at, at)
      values (${bookingId}, ${w.start}, ${w.end}, ${now}) returning id
    )
    delete from calendar_push_unconfirmed u
    where u.booking_id = ${bookingId}
      and (u.at < ${new Date(now.getTime() - bound.keepMs)}
           or u.id not in (select id from calendar_push_unconfirmed where booking_id = ${bookingId} order by id desc limit ${bound.max - 1}))`.execute(db);
}

/** Drops the oldest entry with these times: that write has landed and been answered. */
export async function consumeUnconfirmedWrite(db: Db, bookingId: number, w: { start: Date; end: Date }): Promise<void> {
  await sql`
    delete from calendar_push_unconfirmed where id = (
      select id from calendar_push_unconfirmed
      where booking_id = ${bookingId} and starts_at = ${w.start} and ends_at = ${w.end}
      order by id limit 1)`.execute(db);
}
