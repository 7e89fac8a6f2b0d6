// The write side of the calendar outbox: booking use cases call these INSIDE their transaction, so a
// booking change and the calendar change it implies commit together or not at all.
import { insertOutbox, insertOutboxForDiary, type CalendarChange } from '../../adapters/db/bookings-outbox.ts';
import type { Db } from '../../adapters/db/database.ts';
import type { Diary } from '../../adapters/db/diaries.ts';
import type { AppContext } from '../context.ts';

export const CALENDAR_PUSH_QUEUE = 'calendar-push';

/**
 * Queues the calendar change for a booking when it has anything to do with Outlook: its diary is
 * mapped to an Outlook calendar, or an event was (or may have been) made for it before.
 * Returns whether a change was queued.
 */
export async function enqueueCalendarChange(
  db: Db,
  diary: Pick<Diary, 'externalCalendar'>,
  booking: { id: number; outlook?: { eventId: string | null; transactionId: string | null } },
  change: CalendarChange,
): Promise<boolean> {
  const touched = Boolean(booking.outlook?.eventId || booking.outlook?.transactionId);
  if (diary.externalCalendar !== 'OUTLOOK365' && !touched) return false;
  await insertOutbox(db, booking.id, change);
  return true;
}

export const enqueueDiaryResync = (db: Db, diaryId: number, now: Date) => insertOutboxForDiary(db, diaryId, now);

/**
 * After commit: wake the push worker now rather than at its next poll. Best effort — the outbox row
 * is the truth and the worker's schedule picks it up anyway.
 */
export async function wakeCalendarPush(ctx: AppContext): Promise<void> {
  if (!ctx.boss) return;
  try {
    await ctx.boss.send(CALENDAR_PUSH_QUEUE, {}, { singletonKey: 'drain', singletonSeconds: 1 });
  } catch (err) {
    ctx.logger.warn({ err: (err as Error).message }, 'could not wake the calendar push worker');
  }
}
