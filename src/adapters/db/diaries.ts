import { sql, type Selectable } from 'kysely';
import type { Db } from './database.ts';
import type { AppointmentDiaryRow } from './schema.ts';
import type { ExternalCalendar } from '../../domain/appointments/diary.ts';
import type { SlotPattern } from '../../domain/appointments/slots.ts';

export interface Diary {
  id: number;
  code: string;
  name: string;
  productAreaCode: string;
  owner: string | null;
  timeZone: string;
  externalCalendar: ExternalCalendar;
  calendarAddress: string | null;
  /** When turned off or re-addressed: remove the events already pushed, or leave them in Outlook. */
  outlookOldEvents: 'remove' | 'leave';
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface StoredSlotPattern extends SlotPattern {
  id: number;
  diaryId: number;
}

export interface SlotException {
  diaryId: number;
  day: string;
  reason: string;
}

const toDiary = (r: Selectable<AppointmentDiaryRow>): Diary => ({
  id: r.id,
  code: r.code,
  name: r.name,
  productAreaCode: r.product_area_code,
  owner: r.owner,
  timeZone: r.time_zone,
  externalCalendar: r.external_calendar,
  calendarAddress: r.calendar_address,
  outlookOldEvents: r.outlook_old_events,
  active: r.active,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function selectDiaries(db: Db): Promise<Diary[]> {
  return (await db.selectFrom('appointment_diaries').selectAll().orderBy('code').execute()).map(toDiary);
}

export async function selectDiary(db: Db, by: { id: number } | { code: string }, opts: { forUpdate?: boolean } = {}): Promise<Diary | undefined> {
  let q = db.selectFrom('appointment_diaries').selectAll();
  q = 'id' in by ? q.where('id', '=', by.id) : q.where('code', '=', by.code);
  if (opts.forUpdate) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? toDiary(r) : undefined;
}

export interface DiaryValues {
  code: string;
  name: string;
  productAreaCode: string;
  owner: string | null;
  timeZone: string;
  externalCalendar: ExternalCalendar;
  calendarAddress: string | null;
  outlookOldEvents: 'remove' | 'leave';
  active: boolean;
}

const toRow = (d: Omit<DiaryValues, 'code'>) => ({
  name: d.name,
  product_area_code: d.productAreaCode,
  owner: d.owner,
  time_zone: d.timeZone,
  external_calendar: d.externalCalendar,
  calendar_address: d.calendarAddress,
  outlook_old_events: d.outlookOldEvents,
  active: d.active,
});

export async function insertDiary(db: Db, d: DiaryValues): Promise<Diary> {
  return toDiary(await db.insertInto('appointment_diaries').values({ code: d.code, ...toRow(d) }).returningAll().executeTakeFirstOrThrow());
}

export async function updateDiaryRow(db: Db, id: number, d: Omit<DiaryValues, 'code'>): Promise<Diary> {
  return toDiary(
    await db
      .updateTable('appointment_diaries')
      .set({ ...toRow(d), updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

/** Diaries mapped to Outlook, with the calendar they push to (several may share one). */
export async function selectOutlookDiaries(db: Db): Promise<Diary[]> {
  return (await db.selectFrom('appointment_diaries').selectAll().where('external_calendar', '=', 'OUTLOOK365').orderBy('code').execute()).map(toDiary);
}

// ── patterns and exceptions ──

export async function selectPatterns(db: Db, diaryId: number): Promise<StoredSlotPattern[]> {
  const rows = await db
    .selectFrom('appointment_slot_patterns')
    .select([
      'id',
      'diary_id',
      'weekdays',
      'slot_minutes',
      'units',
      sql<string>`to_char(start_time, 'HH24:MI')`.as('start_time'),
      sql<string>`to_char(end_time, 'HH24:MI')`.as('end_time'),
      sql<string>`valid_from::text`.as('valid_from'),
      sql<string | null>`valid_to::text`.as('valid_to'),
    ])
    .where('diary_id', '=', diaryId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    diaryId: r.diary_id,
    weekdays: r.weekdays,
    startTime: r.start_time,
    endTime: r.end_time,
    slotMinutes: r.slot_minutes,
    units: r.units,
    validFrom: r.valid_from,
    validTo: r.valid_to,
  }));
}

export async function insertPattern(db: Db, diaryId: number, p: SlotPattern): Promise<number> {
  const r = await db
    .insertInto('appointment_slot_patterns')
    .values({
      diary_id: diaryId,
      weekdays: p.weekdays,
      start_time: p.startTime,
      end_time: p.endTime,
      slot_minutes: p.slotMinutes,
      units: p.units,
      valid_from: p.validFrom,
      valid_to: p.validTo,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function deletePattern(db: Db, diaryId: number, id: number): Promise<boolean> {
  const r = await db.deleteFrom('appointment_slot_patterns').where('diary_id', '=', diaryId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function selectExceptions(db: Db, diaryId: number): Promise<SlotException[]> {
  const rows = await db
    .selectFrom('appointment_slot_exceptions')
    .select(['diary_id', 'reason', sql<string>`day::text`.as('day')])
    .where('diary_id', '=', diaryId)
    .orderBy('day')
    .execute();
  return rows.map((r) => ({ diaryId: r.diary_id, day: r.day, reason: r.reason }));
}

export async function insertException(db: Db, e: SlotException): Promise<void> {
  await db
    .insertInto('appointment_slot_exceptions')
    .values({ diary_id: e.diaryId, day: e.day, reason: e.reason })
    .onConflict((oc) => oc.columns(['diary_id', 'day']).doUpdateSet({ reason: e.reason }))
    .execute();
}

export async function deleteException(db: Db, diaryId: number, day: string): Promise<void> {
  await db.deleteFrom('appointment_slot_exceptions').where('diary_id', '=', diaryId).where('day', '=', day).execute();
}

/** Every Outlook calendar an active diary is linked to (lower-cased, once each). */
export async function selectLinkedCalendarAddresses(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('appointment_diaries')
    .select(sql<string>`lower(calendar_address)`.as('calendar'))
    .distinct()
    .where('external_calendar', '=', 'OUTLOOK365')
    .where('calendar_address', 'is not', null)
    .where('active', '=', true)
    .execute();
  return rows.map((r) => r.calendar);
}
