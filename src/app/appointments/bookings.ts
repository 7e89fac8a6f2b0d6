// Reading bookings: one booking with its history and Outlook sync state, lists, and a diary's week.
import { DateTime } from 'luxon';
import { AppError } from '../../errors.ts';
import { selectBooking, selectBookings, selectHistory, type Booking, type BookingFilter, type BookingHistoryEntry } from '../../adapters/db/bookings.ts';
import { selectOutbox, type OutboxEntry } from '../../adapters/db/bookings-outbox.ts';
import { selectSlot, selectSlots, type Slot } from '../../adapters/db/slots.ts';
import { getDiary, type Diary } from './diaries.ts';
import type { AppContext } from '../context.ts';

export type BookingView = Booking;
export type { BookingHistoryEntry, OutboxEntry, Slot };

export async function getBooking(ctx: AppContext, by: { ref: number } | { id: number }): Promise<BookingView> {
  const b = await selectBooking(ctx.db, by);
  if (!b) throw new AppError('not_found', 'ref' in by ? `There is no appointment with reference ${by.ref}` : `There is no booking ${by.id}`);
  return b;
}

export async function getBookingDetail(ctx: AppContext, ref: number): Promise<{ booking: BookingView; history: BookingHistoryEntry[]; outbox: OutboxEntry[] }> {
  const booking = await getBooking(ctx, { ref });
  const [history, outbox] = await Promise.all([selectHistory(ctx.db, booking.id), selectOutbox(ctx.db, booking.id)]);
  return { booking, history, outbox };
}

export async function listBookings(ctx: AppContext, f: Omit<BookingFilter, 'diaryId'> & { diaryCode?: string } = {}): Promise<BookingView[]> {
  const diaryId = f.diaryCode ? (await getDiary(ctx, f.diaryCode)).id : undefined;
  return selectBookings(ctx.db, { ...f, diaryId });
}

export interface DiaryWeek {
  diary: Diary;
  /** Monday, 'YYYY-MM-DD', in the diary's zone. */
  weekStart: string;
  days: Array<{ date: string; label: string; slots: Array<Slot & { free: number; past: boolean; bookings: BookingView[] }> }>;
}

/** The diary's week (Monday to Sunday in its own zone): every slot with its free units and bookings. */
export async function diaryWeek(ctx: AppContext, diaryCode: string, anyDayOfWeek?: string): Promise<DiaryWeek> {
  const diary = await getDiary(ctx, diaryCode);
  const base = anyDayOfWeek ? DateTime.fromISO(anyDayOfWeek, { zone: diary.timeZone }) : DateTime.fromJSDate(ctx.now(), { zone: diary.timeZone });
  if (!base.isValid) throw AppError.validation('week', `'${anyDayOfWeek}' is not a date; use YYYY-MM-DD`);
  const monday = base.startOf('week');
  const end = monday.plus({ weeks: 1 });
  const [slots, bookings] = await Promise.all([
    selectSlots(ctx.db, diary.id, monday.toJSDate(), end.toJSDate()),
    selectBookings(ctx.db, { diaryId: diary.id, from: monday.toJSDate(), to: end.toJSDate(), limit: 5000 }),
  ]);
  const now = ctx.now().getTime();
  const days: DiaryWeek['days'] = [];
  for (let d = monday; d < end; d = d.plus({ days: 1 })) {
    const next = d.plus({ days: 1 });
    days.push({
      date: d.toISODate()!,
      label: d.toFormat('cccc d LLLL'),
      slots: slots
        .filter((s) => s.startsAt >= d.toJSDate() && s.startsAt < next.toJSDate())
        .map((s) => ({
          ...s,
          free: s.units - s.booked,
          past: s.startsAt.getTime() <= now,
          bookings: bookings.filter((b) => b.slotId === s.id && b.status !== 'CAN'),
        })),
    });
  }
  return { diary, weekStart: monday.toISODate()!, days };
}

/** Free slots of a diary from now on (for the slot picker), at most `limit`. */
export async function freeSlots(ctx: AppContext, diaryCode: string, opts: { from?: Date; days?: number; limit?: number } = {}): Promise<Slot[]> {
  const diary = await getDiary(ctx, diaryCode);
  const from = opts.from && opts.from > ctx.now() ? opts.from : ctx.now();
  const to = new Date(from.getTime() + (opts.days ?? 28) * 86_400_000);
  const slots = await selectSlots(ctx.db, diary.id, from, to);
  return slots.filter((s) => s.booked < s.units && s.startsAt > ctx.now()).slice(0, opts.limit ?? 200);
}

/** A slot of this diary, or not_found. */
export async function getDiarySlot(ctx: AppContext, diary: Pick<Diary, 'id' | 'code'>, slotId: number): Promise<Slot> {
  const slot = Number.isSafeInteger(slotId) ? await selectSlot(ctx.db, slotId) : undefined;
  if (!slot || slot.diaryId !== diary.id) throw new AppError('not_found', `Diary ${diary.code} has no slot ${slotId}`);
  return slot;
}
