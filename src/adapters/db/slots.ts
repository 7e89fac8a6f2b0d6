import type { Selectable } from 'kysely';
import type { Db } from './database.ts';
import type { AppointmentSlotRow } from './schema.ts';
import type { GeneratedSlot } from '../../domain/appointments/slots.ts';
import type { SlotFacts } from '../../domain/appointments/rules.ts';

export type Slot = SlotFacts;

const toSlot = (r: Selectable<AppointmentSlotRow>): Slot => ({
  id: r.id,
  diaryId: r.diary_id,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  units: r.units,
  booked: r.booked,
});

/** Adds the slots that do not exist yet (same diary and start = same slot); returns how many were new. */
export async function insertSlots(db: Db, diaryId: number, slots: readonly GeneratedSlot[]): Promise<number> {
  let added = 0;
  for (let i = 0; i < slots.length; i += 500) {
    const chunk = slots.slice(i, i + 500);
    const r = await db
      .insertInto('appointment_slots')
      .values(chunk.map((s) => ({ diary_id: diaryId, starts_at: s.startsAt, ends_at: s.endsAt, units: s.units })))
      .onConflict((oc) => oc.columns(['diary_id', 'starts_at']).doNothing())
      .returning('id')
      .execute();
    added += r.length;
  }
  return added;
}

export async function selectSlots(db: Db, diaryId: number, from: Date, to: Date): Promise<Slot[]> {
  const rows = await db
    .selectFrom('appointment_slots')
    .selectAll()
    .where('diary_id', '=', diaryId)
    .where('starts_at', '>=', from)
    .where('starts_at', '<', to)
    .orderBy('starts_at')
    .execute();
  return rows.map(toSlot);
}

export async function selectSlot(db: Db, id: number): Promise<Slot | undefined> {
  const r = await db.selectFrom('appointment_slots').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toSlot(r) : undefined;
}

export async function selectSlotAt(db: Db, diaryId: number, startsAt: Date): Promise<Slot | undefined> {
  const r = await db.selectFrom('appointment_slots').selectAll().where('diary_id', '=', diaryId).where('starts_at', '=', startsAt).executeTakeFirst();
  return r ? toSlot(r) : undefined;
}

/** The slot of the diary whose time contains `at` (start ≤ at < end), for times that are not a slot start. */
export async function selectSlotContaining(db: Db, diaryId: number, at: Date): Promise<Slot | undefined> {
  const r = await db
    .selectFrom('appointment_slots')
    .selectAll()
    .where('diary_id', '=', diaryId)
    .where('starts_at', '<=', at)
    .where('ends_at', '>', at)
    .orderBy('starts_at', 'desc')
    .executeTakeFirst();
  return r ? toSlot(r) : undefined;
}

/**
 * Takes one unit of the slot if one is free, atomically: a conditional UPDATE, so two requests for the
 * last unit cannot both succeed (the second finds booked = units and updates nothing). The CHECK
 * (booked <= units) on the table is the backstop.
 */
export async function takeUnit(db: Db, slotId: number): Promise<boolean> {
  const r = await db
    .updateTable('appointment_slots')
    .set((eb) => ({ booked: eb('booked', '+', 1) }))
    .where('id', '=', slotId)
    .whereRef('booked', '<', 'units')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function releaseUnit(db: Db, slotId: number): Promise<void> {
  await db
    .updateTable('appointment_slots')
    .set((eb) => ({ booked: eb('booked', '-', 1) }))
    .where('id', '=', slotId)
    .where('booked', '>', 0)
    .execute();
}

/** Removes the diary's unbooked slots on a local day (a closed day); booked ones stay and are returned. */
export async function deleteFreeSlotsBetween(db: Db, diaryId: number, from: Date, to: Date): Promise<{ removed: number; kept: Slot[] }> {
  const r = await db
    .deleteFrom('appointment_slots')
    .where('diary_id', '=', diaryId)
    .where('starts_at', '>=', from)
    .where('starts_at', '<', to)
    .where('booked', '=', 0)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('bookings').select('bookings.id').whereRef('bookings.slot_id', '=', 'appointment_slots.id'))))
    .executeTakeFirst();
  const kept = await selectSlots(db, diaryId, from, to);
  return { removed: Number(r.numDeletedRows), kept };
}
