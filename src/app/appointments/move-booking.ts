import { recordBookingChange } from './history.ts';
import { AppError } from '../../errors.ts';
import { selectBooking, updateBookingRow } from '../../adapters/db/bookings.ts';
import { selectDiary } from '../../adapters/db/diaries.ts';
import { selectReason } from '../../adapters/db/reasons.ts';
import { releaseUnit, selectSlot, selectSlotAt, selectSlotContaining, takeUnit } from '../../adapters/db/slots.ts';
import { checkMove } from '../../domain/appointments/rules.ts';
import { enqueueCalendarChange, wakeCalendarPush } from './calendar-outbox.ts';
import { bookingFacts, diaryFacts, reasonFacts, type ChangeSource } from './facts.ts';
import { getBooking, type BookingView } from './bookings.ts';
import { throwIfFailed } from './rule-error.ts';
import type { Actor, AppContext } from '../context.ts';

/**
 * Where to move to: a slot by id, or a time. With a time, `match: 'exact'` (the default) needs a slot
 * that starts exactly then; `match: 'containing'` takes the slot whose time contains it (the rule an
 * Outlook move to an odd time can use).
 */
export type MoveTarget = { slotId: number } | { start: Date; match?: 'exact' | 'containing' };

export interface ChangeOptions {
  /** Optimistic concurrency: refuse when the booking's version is no longer this one. */
  expectedVersion?: number;
  /** Extra words for the history line, e.g. "moved in Outlook by rents@…". */
  note?: string;
}

/**
 * "Move Appointment": the same rules whoever asks — a person in housing, the API, the CLI, or a
 * move read back from Outlook (`source: 'outlook'`, issue 7). On success the booking is MOVED with
 * the reason, its history records who and from where, and the calendar update is queued in the same
 * transaction. A refusal throws BookingRuleError whose message says what to do.
 */
export async function moveBooking(
  ctx: AppContext,
  actor: Actor,
  ref: number,
  target: MoveTarget,
  reasonCode: string | null | undefined,
  source: ChangeSource,
  opts: ChangeOptions = {},
): Promise<BookingView> {
  const now = ctx.now();
  const code = reasonCode?.trim().toUpperCase() || null;
  const queued = await ctx.db.transaction().execute(async (trx) => {
    // The booking row lock serialises every change to one booking (two moves, a move and a cancel).
    const booking = await selectBooking(trx, { ref }, { forUpdate: true });
    if (!booking) throw new AppError('not_found', `There is no appointment with reference ${ref}`, [{ field: 'ref', message: `no appointment ${ref}` }]);
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== booking.version) {
      throw new AppError('conflict', `Appointment ${ref} was changed by someone else since you opened it; look at it again and retry`, [
        { field: 'version', message: 'stale' },
      ]);
    }
    const diary = (await selectDiary(trx, { id: booking.diaryId }))!;
    const slot =
      'slotId' in target
        ? await selectSlot(trx, target.slotId)
        : target.match === 'containing'
          ? await selectSlotContaining(trx, diary.id, target.start)
          : await selectSlotAt(trx, diary.id, target.start);
    const at = 'slotId' in target ? (slot?.startsAt ?? now) : target.start;
    const reason = code ? reasonFacts(await selectReason(trx, code)) : undefined;
    const facts = { booking: bookingFacts(booking), diary: diaryFacts(diary), slot, at, now, reasonCode: code, reason };
    throwIfFailed(checkMove(facts));
    if (!(await takeUnit(trx, slot!.id))) {
      throwIfFailed(checkMove({ ...facts, slot: await selectSlot(trx, slot!.id) }));
      throw new AppError('conflict', 'The appointment slot changed while moving; try again');
    }
    await releaseUnit(trx, booking.slotId);
    await updateBookingRow(trx, booking.id, { slotId: slot!.id, status: 'MOVED', reasonCode: code });
    await recordBookingChange(trx, booking.id, {
      actor: actor.username,
      source,
      action: 'MOVED',
      fromStatus: booking.status,
      toStatus: 'MOVED',
      fromStart: booking.startsAt,
      toStart: slot!.startsAt,
      reasonCode: code,
      note: opts.note ?? null,
    });
    return enqueueCalendarChange(trx, diary, booking, 'update');
  });
  const moved = await getBooking(ctx, { ref });
  ctx.logger.info({ bookingRef: ref, source, by: actor.username }, 'appointment moved');
  if (queued) await wakeCalendarPush(ctx);
  return moved;
}
