// Brings one booking's Outlook event in line with the booking. State-based rather than replaying
// operations one by one: whatever changes queued up (create, move, move, cancel …), the worker reads
// the booking as it is now and makes Outlook match it. That is what makes the ordering rules hold —
// changes to one booking apply in order because only the last state matters, and a cancel that
// overtakes an unfinished create leaves no event (the create's transactionId lets us find and delete
// an event whose create answer was lost). A create or PATCH whose outcome is unknown (no answer, 5xx)
// is remembered with the times it carried, so the calendar sync knows it as ours if Graph carries it
// out late, after a newer write (docs/inbound-calendar.md, "Our own late writes").
import type { CalendarEvent, CalendarEventInput, CalendarGateway } from '../ports/graph.ts';
import { GraphNotFound, isGraphFailure } from '../ports/graph-errors.ts';
import { recordUnconfirmedWrite } from '../../adapters/db/calendar-sync-bookings.ts';
import { UNCONFIRMED_WRITES } from '../../domain/calendar-sync/decide.ts';
import { insertHistory, selectBooking, updateOutlookSync, type Booking, type OutlookSyncPatch } from '../../adapters/db/bookings.ts';
import { selectDiary, type Diary } from '../../adapters/db/diaries.ts';
import { selectReason } from '../../adapters/db/reasons.ts';
import { bookingMarker, bookingTransactionId, renderEventText, toWallClock } from '../../domain/appointments/event.ts';
import type { AppContext } from '../context.ts';

export interface PushSettings {
  windowsZone: string;
  subjectTemplate: string;
  bodyTemplate: string;
}

export type PushOutcome = 'created' | 'updated' | 'deleted' | 'unchanged' | 'lost-claim';

/** What was done, and the booking's final Outlook columns, which the caller writes in the same
 *  transaction as it closes the outbox rows (one commit per booking instead of several). */
export interface PushResult {
  outcome: PushOutcome;
  patch: OutlookSyncPatch;
}

/** The calendar the booking's event should be in now, or null for "no event". */
export function desiredCalendar(booking: Pick<Booking, 'status'>, diary: Pick<Diary, 'externalCalendar' | 'calendarAddress'>): string | null {
  if (booking.status === 'CAN') return null;
  return diary.externalCalendar === 'OUTLOOK365' ? diary.calendarAddress : null;
}

async function eventInput(ctx: AppContext, booking: Booking, diary: Diary, s: PushSettings): Promise<CalendarEventInput> {
  const reason = booking.reasonCode ? ((await selectReason(ctx.db, booking.reasonCode))?.description ?? booking.reasonCode) : null;
  const fields = { ref: booking.ref, diary: { code: diary.code, name: diary.name }, reason, location: booking.location, status: booking.status };
  return {
    subject: renderEventText(s.subjectTemplate, fields),
    text: renderEventText(s.bodyTemplate, fields),
    start: toWallClock(booking.startsAt, s.windowsZone),
    end: toWallClock(booking.endsAt, s.windowsZone),
    // An appointment is one timed slot: this also puts back an event the owner made all-day (the
    // refusal's put-back is this same push).
    isAllDay: false,
    location: booking.location ?? undefined,
    showAs: 'busy',
    marker: bookingMarker(booking.ref),
  };
}

/** Deletes the booking's event in `calendar`: by id, or — when a create's answer was lost — by our marker. */
async function removeEvent(gateway: CalendarGateway, calendar: string, booking: Booking): Promise<void> {
  const ids = booking.outlook.eventId
    ? [booking.outlook.eventId]
    : (await gateway.findEventsByMarker(calendar, bookingMarker(booking.ref))).map((e) => e.id);
  for (const id of ids) {
    try {
      await gateway.deleteEvent(calendar, id);
    } catch (e) {
      if (!(e instanceof GraphNotFound)) throw e; // already gone: that is what we wanted
    }
  }
}

/**
 * Whether Graph may have carried out a write that failed: no answer at all (time-out, reset: status 0)
 * or any 5xx (a server error says nothing certain about what was done). A 4xx or a 429 is a definite
 * "not done"; so is a token failure (nothing was sent). Unknown errors count as unknown outcomes.
 */
export function outcomeUnknown(err: unknown): boolean {
  if (!isGraphFailure(err)) return true;
  return (err.kind === 'transient' || err.kind === 'throttled') && (err.status === 0 || err.status >= 500);
}

const written = (ev: CalendarEvent): OutlookSyncPatch => ({ eventId: ev.id, changeKey: ev.changeKey, start: ev.startsAt, end: ev.endsAt });

/**
 * Makes Outlook match booking `bookingId`, as the holder of claim `claim`, and returns the final
 * columns to write (see PushResult). Every step is safe to repeat: a crash anywhere leaves the outbox rows pending and the next attempt converges without
 * a duplicate (the transactionId is saved before the create is sent).
 */
export async function pushBookingToOutlook(ctx: AppContext, gateway: CalendarGateway, bookingId: number, claim: string, s: PushSettings): Promise<PushResult> {
  let booking = (await selectBooking(ctx.db, { id: bookingId }))!;
  const diary = (await selectDiary(ctx.db, { id: booking.diaryId }))!;
  const want = desiredCalendar(booking, diary);
  const o = booking.outlook;
  const save = async (p: OutlookSyncPatch) => {
    if (!(await updateOutlookSync(ctx.db, bookingId, p, claim))) throw new LostClaim();
  };
  let outcome: PushOutcome = 'unchanged';
  /** Sends a write of the booking's times; when its outcome is unknown, records those times before failing. */
  const send = async (write: () => Promise<CalendarEvent>): Promise<CalendarEvent> => {
    try {
      return await write();
    } catch (e) {
      if (outcomeUnknown(e)) await recordUnconfirmedWrite(ctx.db, bookingId, { start: booking.startsAt, end: booking.endsAt }, ctx.now(), UNCONFIRMED_WRITES);
      throw e;
    }
  };

  // 1. An event (or a create that may have reached Graph) in a calendar where it should no longer be.
  const hasEvent = Boolean(o.calendar && (o.eventId || o.transactionId));
  if (hasEvent && o.calendar!.toLowerCase() !== want?.toLowerCase()) {
    const remove = booking.status === 'CAN' || diary.outlookOldEvents === 'remove';
    if (remove) {
      await removeEvent(gateway, o.calendar!, booking);
      outcome = 'deleted';
    }
    await save({ calendar: null, eventId: null, changeKey: null, start: null, end: null, transactionId: null, generation: o.generation + 1 });
    if (booking.status !== 'CAN') {
      await insertHistory(ctx.db, bookingId, {
        actor: 'system',
        source: 'system',
        action: remove ? 'OUTLOOK_EVENT_REMOVED' : 'OUTLOOK_EVENT_LEFT',
        fromStatus: booking.status,
        toStatus: booking.status,
        fromStart: null,
        toStart: null,
        reasonCode: null,
        note: remove ? `event removed from ${o.calendar} (diary ${diary.code} re-pointed or turned off)` : `event left in ${o.calendar}; no longer kept in step`,
      });
    }
    booking = (await selectBooking(ctx.db, { id: bookingId }))!;
  }

  // 2. The event where it should be, as the booking is now.
  if (want) {
    const input = await eventInput(ctx, booking, diary, s);
    const cur = booking.outlook;
    if (cur.eventId) {
      try {
        const ev = await send(() => gateway.updateEvent(want, cur.eventId!, input));
        return { outcome: 'updated', patch: { ...written(ev), state: 'synced', error: null, syncedAt: ctx.now() } };
      } catch (e) {
        if (!(e instanceof GraphNotFound)) throw e;
        // Deleted in Outlook while housing still wants it (housing changed it since): housing wins,
        // the event is made afresh under a new generation.
        await save({ eventId: null, changeKey: null, transactionId: null, generation: cur.generation + 1 });
        cur.generation += 1;
        cur.transactionId = null;
      }
    }
    const txn = cur.transactionId ?? bookingTransactionId(bookingId, want, cur.generation);
    // An earlier attempt sent this create and never heard back: Graph may hold the event already.
    const sentBefore = Boolean(cur.transactionId) && cur.calendar === want;
    // Saved before sending: if the answer is lost, the retry sends the same transactionId.
    if (!cur.transactionId || cur.calendar !== want) await save({ calendar: want, transactionId: txn });
    let ev = await send(() => gateway.createEvent(want, { ...input, transactionId: txn }));
    // Graph answers a repeated transactionId with the event the first create made, as the booking was
    // then; it may have moved or changed since (R2 in test/faults): write the booking as it is now.
    if (sentBefore) {
      const id = ev.id;
      ev = await send(() => gateway.updateEvent(want, id, input));
    }
    return { outcome: 'created', patch: { ...written(ev), state: 'synced', error: null, syncedAt: ctx.now() } };
  }
  return { outcome, patch: { state: hasEvent ? 'synced' : 'none', error: null, syncedAt: ctx.now() } };
}

export class LostClaim extends Error {
  constructor() {
    super('another worker took this booking over');
  }
}
