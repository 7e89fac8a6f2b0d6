import { recordBookingChange } from './history.ts';
import { AppError } from '../../errors.ts';
import { selectBooking, updateBookingRow } from '../../adapters/db/bookings.ts';
import { selectDiary } from '../../adapters/db/diaries.ts';
import { selectReason } from '../../adapters/db/reasons.ts';
import { releaseUnit } from '../../adapters/db/slots.ts';
import { checkCancel, checkTransition } from '../../domain/appointments/rules.ts';
import { enqueueCalendarChange, wakeCalendarPush } from './calendar-outbox.ts';
import { bookingFacts, diaryFacts, reasonFacts, type ChangeSource } from './facts.ts';
import { getBooking, type BookingView } from './bookings.ts';
import type { ChangeOptions } from './move-booking.ts';
import { throwIfFailed } from './rule-error.ts';
import type { Actor, AppContext } from '../context.ts';

/**
 * "Cancel Appointment": status CAN with a cancel reason, the unit given back to the slot, and the
 * Outlook event's removal queued in the same transaction. Issue 7 calls this with source 'outlook'
 * and APPT_OUTLOOK365_CANCEL_RSN when an event is deleted in Outlook.
 */
export async function cancelBooking(
  ctx: AppContext,
  actor: Actor,
  ref: number,
  reasonCode: string | null | undefined,
  source: ChangeSource,
  opts: ChangeOptions = {},
): Promise<BookingView> {
  const code = reasonCode?.trim().toUpperCase() || null;
  const queued = await ctx.db.transaction().execute(async (trx) => {
    const booking = await selectBooking(trx, { ref }, { forUpdate: true });
    if (!booking) throw new AppError('not_found', `There is no appointment with reference ${ref}`, [{ field: 'ref', message: `no appointment ${ref}` }]);
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== booking.version) {
      throw new AppError('conflict', `Appointment ${ref} was changed by someone else since you opened it; look at it again and retry`, [
        { field: 'version', message: 'stale' },
      ]);
    }
    const diary = (await selectDiary(trx, { id: booking.diaryId }))!;
    const reason = code ? reasonFacts(await selectReason(trx, code)) : undefined;
    throwIfFailed(checkCancel({ booking: bookingFacts(booking), diary: diaryFacts(diary), reasonCode: code, reason }));
    await releaseUnit(trx, booking.slotId);
    await updateBookingRow(trx, booking.id, { status: 'CAN', reasonCode: code });
    await recordBookingChange(trx, booking.id, {
      actor: actor.username,
      source,
      action: 'CANCELLED',
      fromStatus: booking.status,
      toStatus: 'CAN',
      fromStart: booking.startsAt,
      toStart: null,
      reasonCode: code,
      note: opts.note ?? null,
    });
    return enqueueCalendarChange(trx, diary, booking, 'delete');
  });
  const cancelled = await getBooking(ctx, { ref });
  ctx.logger.info({ bookingRef: ref, source, by: actor.username }, 'appointment cancelled');
  if (queued) await wakeCalendarPush(ctx);
  return cancelled;
}

/** Marks a booking COMPLETED (it happened). Its Outlook event is left as it is. */
export async function completeBooking(ctx: AppContext, actor: Actor, ref: number): Promise<BookingView> {
  await ctx.db.transaction().execute(async (trx) => {
    const booking = await selectBooking(trx, { ref }, { forUpdate: true });
    if (!booking) throw new AppError('not_found', `There is no appointment with reference ${ref}`);
    throwIfFailed(checkTransition(bookingFacts(booking), 'complete'));
    await updateBookingRow(trx, booking.id, { status: 'COMPLETED' });
    await recordBookingChange(trx, booking.id, {
      actor: actor.username,
      source: 'housing',
      action: 'COMPLETED',
      fromStatus: booking.status,
      toStatus: 'COMPLETED',
      fromStart: booking.startsAt,
      toStart: booking.startsAt,
      reasonCode: null,
      note: null,
    });
  });
  return getBooking(ctx, { ref });
}
