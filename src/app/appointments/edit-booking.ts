import { recordBookingChange } from './history.ts';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { selectBooking, updateBookingRow } from '../../adapters/db/bookings.ts';
import { selectDiary } from '../../adapters/db/diaries.ts';
import { checkTransition } from '../../domain/appointments/rules.ts';
import { parseOrThrow } from '../validation.ts';
import { enqueueCalendarChange, wakeCalendarPush } from './calendar-outbox.ts';
import { bookingFacts } from './facts.ts';
import { getBooking, type BookingView } from './bookings.ts';
import { throwIfFailed } from './rule-error.ts';
import type { Actor, AppContext } from '../context.ts';

export const BookingDetailsPatch = z.object({
  who: z.string().trim().min(1, 'enter who the appointment is with').max(200).optional(),
  location: z.string().trim().max(300).nullish(),
  notes: z.string().trim().max(2000).nullish(),
});
export type BookingDetailsPatch = z.input<typeof BookingDetailsPatch>;

/** Changes who / where / notes of a live booking; the Outlook event is updated (its location may change). */
export async function editBooking(ctx: AppContext, actor: Actor, ref: number, patch: BookingDetailsPatch): Promise<BookingView> {
  const data = parseOrThrow(BookingDetailsPatch, patch);
  const queued = await ctx.db.transaction().execute(async (trx) => {
    const booking = await selectBooking(trx, { ref }, { forUpdate: true });
    if (!booking) throw new AppError('not_found', `There is no appointment with reference ${ref}`);
    throwIfFailed(checkTransition(bookingFacts(booking), 'edit'));
    const empty = (v: string | null | undefined) => (v === undefined ? undefined : v || null);
    await updateBookingRow(trx, booking.id, { who: data.who, location: empty(data.location), notes: empty(data.notes) });
    const changed = Object.keys(data).filter((k) => (data as Record<string, unknown>)[k] !== undefined);
    await recordBookingChange(trx, booking.id, {
      actor: actor.username,
      source: 'housing',
      action: 'EDITED',
      fromStatus: booking.status,
      toStatus: booking.status,
      fromStart: null,
      toStart: null,
      reasonCode: null,
      note: `changed ${changed.join(', ') || 'nothing'}`,
    });
    const diary = (await selectDiary(trx, { id: booking.diaryId }))!;
    return enqueueCalendarChange(trx, diary, booking, 'update');
  });
  if (queued) await wakeCalendarPush(ctx);
  return getBooking(ctx, { ref });
}
