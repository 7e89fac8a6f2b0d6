import type { Selectable } from 'kysely';
import type { Db } from './database.ts';
import type { BookingHistoryRow, BookingRow } from './schema.ts';
import type { BookingStatus } from '../../domain/appointments/status.ts';

export interface OutlookSync {
  /** none (diary not mapped), pending, synced, failed (retrying), dead (given up), held (flow off). */
  state: 'none' | 'pending' | 'synced' | 'failed' | 'dead' | 'held';
  calendar: string | null;
  eventId: string | null;
  changeKey: string | null;
  /** The start and end we last wrote to the event (UTC): issue 7 compares what it reads with these. */
  start: Date | null;
  end: Date | null;
  transactionId: string | null;
  generation: number;
  syncedAt: Date | null;
  error: string | null;
}

export interface Booking {
  id: number;
  ref: number;
  diaryId: number;
  diaryCode: string;
  slotId: number;
  startsAt: Date;
  endsAt: Date;
  status: BookingStatus;
  reasonCode: string | null;
  who: string;
  location: string | null;
  notes: string | null;
  version: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  outlook: OutlookSync;
}

export interface BookingHistoryEntry {
  id: number;
  at: Date;
  actor: string;
  source: 'housing' | 'outlook' | 'system';
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  fromStart: Date | null;
  toStart: Date | null;
  reasonCode: string | null;
  note: string | null;
}

type JoinedRow = Selectable<BookingRow> & { diary_code: string; starts_at: Date; ends_at: Date };

export function toOutlookSync(r: Selectable<BookingRow>): OutlookSync {
  return {
    state: r.outlook_state,
    calendar: r.outlook_calendar,
    eventId: r.outlook_event_id,
    changeKey: r.outlook_change_key,
    start: r.outlook_start,
    end: r.outlook_end,
    transactionId: r.outlook_txn,
    generation: r.outlook_generation,
    syncedAt: r.outlook_synced_at,
    error: r.outlook_error,
  };
}

const toBooking = (r: JoinedRow): Booking => ({
  id: r.id,
  ref: r.ref,
  diaryId: r.diary_id,
  diaryCode: r.diary_code,
  slotId: r.slot_id,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  status: r.status,
  reasonCode: r.reason_code,
  who: r.who,
  location: r.location,
  notes: r.notes,
  version: r.version,
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  outlook: toOutlookSync(r),
});

function bookingQuery(db: Db) {
  return db
    .selectFrom('bookings as b')
    .innerJoin('appointment_diaries as d', 'd.id', 'b.diary_id')
    .innerJoin('appointment_slots as s', 's.id', 'b.slot_id')
    .selectAll('b')
    .select(['d.code as diary_code', 's.starts_at', 's.ends_at']);
}

export async function selectBooking(db: Db, by: { ref: number } | { id: number } | { eventId: string }, opts: { forUpdate?: boolean } = {}): Promise<Booking | undefined> {
  let q = bookingQuery(db);
  if ('ref' in by) q = q.where('b.ref', '=', by.ref);
  else if ('id' in by) q = q.where('b.id', '=', by.id);
  else q = q.where('b.outlook_event_id', '=', by.eventId);
  if (opts.forUpdate) q = q.forUpdate('b');
  const r = await q.executeTakeFirst();
  return r ? toBooking(r as JoinedRow) : undefined;
}

export interface BookingFilter {
  diaryId?: number;
  status?: BookingStatus;
  from?: Date;
  to?: Date;
  limit?: number;
}

export async function selectBookings(db: Db, f: BookingFilter = {}): Promise<Booking[]> {
  let q = bookingQuery(db).orderBy('s.starts_at').orderBy('b.ref');
  if (f.diaryId !== undefined) q = q.where('b.diary_id', '=', f.diaryId);
  if (f.status) q = q.where('b.status', '=', f.status);
  if (f.from) q = q.where('s.starts_at', '>=', f.from);
  if (f.to) q = q.where('s.starts_at', '<', f.to);
  q = q.limit(f.limit ?? 500);
  return (await q.execute()).map((r) => toBooking(r as JoinedRow));
}

export async function insertBooking(
  db: Db,
  b: { diaryId: number; slotId: number; who: string; location: string | null; notes: string | null; reasonCode: string | null; createdBy: string; outlookState: OutlookSync['state'] },
): Promise<number> {
  const r = await db
    .insertInto('bookings')
    .values({
      diary_id: b.diaryId,
      slot_id: b.slotId,
      status: 'BOOKED',
      who: b.who,
      location: b.location,
      notes: b.notes,
      reason_code: b.reasonCode,
      created_by: b.createdBy,
      outlook_state: b.outlookState,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updateBookingRow(
  db: Db,
  id: number,
  patch: Partial<{ slotId: number; status: BookingStatus; reasonCode: string | null; who: string; location: string | null; notes: string | null; outlookState: OutlookSync['state'] }>,
): Promise<void> {
  await db
    .updateTable('bookings')
    .set((eb) => ({
      ...(patch.slotId !== undefined ? { slot_id: patch.slotId } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.reasonCode !== undefined ? { reason_code: patch.reasonCode } : {}),
      ...(patch.who !== undefined ? { who: patch.who } : {}),
      ...(patch.location !== undefined ? { location: patch.location } : {}),
      ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
      ...(patch.outlookState !== undefined ? { outlook_state: patch.outlookState } : {}),
      version: eb('version', '+', 1),
      updated_at: new Date(),
    }))
    .where('id', '=', id)
    .execute();
}

export async function insertHistory(
  db: Db,
  bookingId: number,
  e: Omit<BookingHistoryEntry, 'id' | 'at'> & { at?: Date },
): Promise<void> {
  await db
    .insertInto('booking_history')
    .values({
      booking_id: bookingId,
      at: e.at ?? new Date(),
      actor: e.actor,
      source: e.source,
      action: e.action,
      from_status: e.fromStatus,
      to_status: e.toStatus,
      from_start: e.fromStart,
      to_start: e.toStart,
      reason_code: e.reasonCode,
      note: e.note,
    })
    .execute();
}

const toHistory = (r: Selectable<BookingHistoryRow>): BookingHistoryEntry => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  source: r.source,
  action: r.action,
  fromStatus: r.from_status,
  toStatus: r.to_status,
  fromStart: r.from_start,
  toStart: r.to_start,
  reasonCode: r.reason_code,
  note: r.note,
});

export async function selectHistory(db: Db, bookingId: number): Promise<BookingHistoryEntry[]> {
  return (await db.selectFrom('booking_history').selectAll().where('booking_id', '=', bookingId).orderBy('id').execute()).map(toHistory);
}

export type OutlookSyncPatch = Partial<{
  calendar: string | null;
  eventId: string | null;
  changeKey: string | null;
  start: Date | null;
  end: Date | null;
  transactionId: string | null;
  generation: number;
  state: OutlookSync['state'];
  error: string | null;
  syncedAt: Date | null;
}>;

/**
 * Writes the booking's Outlook columns. With `claim`, only while this worker still holds the booking:
 * a worker whose lease was taken over must not overwrite what its successor wrote. Returns whether
 * the row was written.
 */
export async function updateOutlookSync(db: Db, bookingId: number, p: OutlookSyncPatch, claim?: string): Promise<boolean> {
  const set: Record<string, unknown> = {};
  const map: Record<keyof OutlookSyncPatch, string> = {
    calendar: 'outlook_calendar',
    eventId: 'outlook_event_id',
    changeKey: 'outlook_change_key',
    start: 'outlook_start',
    end: 'outlook_end',
    transactionId: 'outlook_txn',
    generation: 'outlook_generation',
    state: 'outlook_state',
    error: 'outlook_error',
    syncedAt: 'outlook_synced_at',
  };
  for (const [k, v] of Object.entries(p)) if (v !== undefined) set[map[k as keyof OutlookSyncPatch]] = v;
  if (Object.keys(set).length === 0) return true;
  let q = db.updateTable('bookings').set(set).where('id', '=', bookingId);
  if (claim) q = q.where('outlook_claim', '=', claim);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function selectBookingRef(db: Db, bookingId: number): Promise<number | undefined> {
  return (await db.selectFrom('bookings').select('ref').where('id', '=', bookingId).executeTakeFirst())?.ref;
}
