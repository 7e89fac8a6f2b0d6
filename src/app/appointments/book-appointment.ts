import { recordBookingChange } from './history.ts';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { insertBooking } from '../../adapters/db/bookings.ts';
import { selectDiary } from '../../adapters/db/diaries.ts';
import { selectReason } from '../../adapters/db/reasons.ts';
import { selectSlot, selectSlotAt, takeUnit } from '../../adapters/db/slots.ts';
import { checkBook } from '../../domain/appointments/rules.ts';
import { parseOrThrow } from '../validation.ts';
import { enqueueCalendarChange, wakeCalendarPush } from './calendar-outbox.ts';
import { diaryFacts, reasonFacts } from './facts.ts';
import { getBooking, type BookingView } from './bookings.ts';
import { throwIfFailed } from './rule-error.ts';
import type { Actor, AppContext } from '../context.ts';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));

export const BookingInput = z
  .object({
    diaryCode: z.string().trim().toUpperCase().min(1, 'choose a diary'),
    slotId: z.coerce.number().int().positive().optional(),
    start: z.coerce.date().optional(),
    who: z.string().trim().min(1, 'enter who the appointment is with').max(200),
    location: optionalText(300),
    notes: optionalText(2000),
    reasonCode: optionalText(20).transform((v) => v?.toUpperCase() ?? null),
  })
  .refine((b) => b.slotId !== undefined || b.start !== undefined, { message: 'choose a slot', path: ['slotId'] });
export type BookingInput = z.input<typeof BookingInput>;

/**
 * Books one unit of a slot. The unit is taken with a conditional UPDATE, so when two people take the
 * last unit at once exactly one succeeds; the other gets the "no units available" message.
 */
export async function bookAppointment(ctx: AppContext, actor: Actor, input: BookingInput): Promise<BookingView> {
  const data = parseOrThrow(BookingInput, input);
  const now = ctx.now();
  const bookingId = await ctx.db.transaction().execute(async (trx) => {
    const diary = await selectDiary(trx, { code: data.diaryCode });
    if (!diary) throw new AppError('not_found', `There is no appointment diary ${data.diaryCode}`, [{ field: 'diaryCode', message: `no diary ${data.diaryCode}` }]);
    const slot = data.slotId !== undefined ? await selectSlot(trx, data.slotId) : await selectSlotAt(trx, diary.id, data.start!);
    const reason = data.reasonCode ? reasonFacts(await selectReason(trx, data.reasonCode)) : undefined;
    const at = slot?.startsAt ?? data.start ?? now;
    throwIfFailed(checkBook({ diary: diaryFacts(diary), slot, at, now, reason, reasonCode: data.reasonCode }));
    if (!(await takeUnit(trx, slot!.id))) {
      // Someone took the last unit between our read and our update: report it with fresh numbers.
      throwIfFailed(checkBook({ diary: diaryFacts(diary), slot: await selectSlot(trx, slot!.id), at, now }));
      throw new AppError('conflict', 'The appointment slot changed while booking; try again');
    }
    const id = await insertBooking(trx, {
      diaryId: diary.id,
      slotId: slot!.id,
      who: data.who,
      location: data.location,
      notes: data.notes,
      reasonCode: data.reasonCode,
      createdBy: actor.username,
      outlookState: 'none',
    });
    await recordBookingChange(trx, id, {
      actor: actor.username,
      source: 'housing',
      action: 'BOOKED',
      fromStatus: null,
      toStatus: 'BOOKED',
      fromStart: null,
      toStart: slot!.startsAt,
      reasonCode: data.reasonCode,
      note: null,
    });
    await enqueueCalendarChange(trx, diary, { id }, 'create');
    return id;
  });
  const booking = await getBooking(ctx, { id: bookingId });
  ctx.logger.info({ bookingRef: booking.ref, diary: booking.diaryCode, by: actor.username }, 'appointment booked');
  if (booking.outlook.state === 'pending') await wakeCalendarPush(ctx);
  return booking;
}
