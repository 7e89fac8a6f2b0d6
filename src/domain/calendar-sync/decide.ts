// What did the calendar owner do to a booking's event? One pure function decides, from the booking as
// housing holds it (with what we last wrote to Outlook) and what Outlook now says. The calendar sync
// (src/app/calendar-sync) only fetches the facts and carries out the decision, so every rule below is
// unit-tested on its own and documented in docs/inbound-calendar.md.
//
// The rules, in order:
//  1. An event that carries another booking's marker is not ours to act on (the extended property is
//     the cross-check on the stored event id).
//  2. A cancelled or completed booking is final: nothing read from Outlook changes it.
//  3. Gone (delta said @removed and a GET answered 404), or cancelled by its organiser → cancel.
//     (@removed alone is never enough: calendarView delta also reports events that merely left the
//     window as removed — https://learn.microsoft.com/graph/api/event-delta.)
//  4. Changes the owner has already had an answer for (same changeKey) → nothing, so a resync or a
//     replayed delta page never sends the same email twice.
//  5. Made into a recurring series (or an occurrence of one) → refused: one booking is one visit.
//  6. Made all-day → refused: an all-day event names no slot.
//  7. Starts when the booking starts → nothing (our own echo, or an edit of subject, body, location,
//     attendees, show-as or the end time, which never change a booking). When its times are those of
//     a push whose outcome we never learnt, it is that write landing: recorded as ours ('own-late-write').
//  8. Starts when we last wrote it to start → nothing: our own write, read back before or while the
//     booking's newer state is pushed.
//  9. Starts and ends exactly where a push of ours whose outcome we never learnt (time-out, reset, 5xx)
//     would have put it → our own stale write, carried out by Graph after a newer one overtook it:
//     'late-echo' — the booking stays, Outlook is put back to it by a push, no email.
// 10. Starts somewhere else, but housing moved the booking since we last wrote the event →
//     conflict: housing wins and Outlook is put back (both written in the booking's history).
// 11. Starts inside the booking's own slot (10:00 → 10:15 in a 10–11 slot) → 'restore': not a move;
//     the event is put back to the slot's times (a push), no email.
// 12. Otherwise the owner moved it → move the booking to the slot that contains the new start, under
//     the diary's rules (the app layer refuses, puts the event back and emails when the rules say no).
//
// Every put-back ('restore', a refusal, 'conflict', 'late-echo') is a push through the calendar
// outbox, queued in the transaction that records the answer — never a direct write from the sync.

export interface BookingState {
  ref: number;
  status: 'BOOKED' | 'MOVED' | 'CAN' | 'COMPLETED';
  startsAt: Date;
  endsAt: Date;
  /** The changeKey and times of our last write to the event (null before the first push). */
  writtenChangeKey: string | null;
  writtenStart: Date | null;
  /** The changeKey of the last Outlook change the sync already answered (refused / reported). */
  handledChangeKey: string | null;
  /**
   * The times of our creates / PATCHes whose outcome is unknown (sent, no answer), still within
   * UNCONFIRMED_WRITES.keepMs: Graph may carry one out late, after a newer write of ours.
   */
  unconfirmed?: ReadonlyArray<{ start: Date; end: Date }>;
}

/**
 * How long, and how many per booking, the push remembers its writes with an unknown outcome. A day
 * covers a late write read back by a sync that was stopped or failing for hours; the price is that
 * an owner who drags the event, within that day, to exactly a time such a write carried is put back
 * to housing's time (history and sync log say so) rather than followed.
 */
export const UNCONFIRMED_WRITES = { keepMs: 24 * 60 * 60_000, max: 8 } as const;

export interface EventState {
  id: string;
  changeKey: string;
  startsAt: Date;
  endsAt: Date;
  isAllDay: boolean;
  isCancelled: boolean;
  type?: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  /** Our extended property's value when Graph returned it (GETs expand it; delta cannot). */
  marker?: string;
}

/** What Outlook says about the event now. */
export type Observation =
  | { kind: 'present'; event: EventState }
  /** @removed in delta and GET answered 404. */
  | { kind: 'gone' };

export type Decision =
  | { action: 'none'; why: 'not-ours' | 'booking-final' | 'already-handled' | 'in-step' | 'other-edit' | 'own-write' | 'own-late-write' }
  /** Our own write whose answer was lost, carried out after a newer one: put Outlook back, keep the booking. */
  | { action: 'late-echo'; at: Date }
  | { action: 'cancel'; why: 'deleted' | 'cancelled-by-organiser' }
  | { action: 'move'; to: Date }
  | { action: 'refuse'; rule: 'recurring' | 'all_day' }
  | { action: 'conflict'; outlookStart: Date }
  /** Moved within its own slot: put the event back to the slot's times, keep the booking, no email. */
  | { action: 'restore'; why: 'within-own-slot'; at: Date };

const same = (a: Date | null, b: Date | null) => a !== null && b !== null && a.getTime() === b.getTime();

export function decideOutlookChange(booking: BookingState, seen: Observation, expectedMarker: string): Decision {
  if (seen.kind === 'present' && seen.event.marker !== undefined && seen.event.marker !== expectedMarker) return { action: 'none', why: 'not-ours' };
  if (booking.status === 'CAN' || booking.status === 'COMPLETED') return { action: 'none', why: 'booking-final' };
  if (seen.kind === 'gone') return { action: 'cancel', why: 'deleted' };
  const ev = seen.event;
  if (ev.isCancelled) return { action: 'cancel', why: 'cancelled-by-organiser' };
  if (booking.handledChangeKey !== null && ev.changeKey === booking.handledChangeKey) return { action: 'none', why: 'already-handled' };
  if (ev.type === 'seriesMaster' || ev.type === 'occurrence' || ev.type === 'exception') return { action: 'refuse', rule: 'recurring' };
  if (ev.isAllDay) return { action: 'refuse', rule: 'all_day' };
  const ours = booking.writtenChangeKey !== null && ev.changeKey === booking.writtenChangeKey;
  // Times an unanswered write of ours would have left (start and end: a push always writes both).
  const unconfirmed = !ours && (booking.unconfirmed ?? []).some((u) => same(u.start, ev.startsAt) && same(u.end, ev.endsAt));
  if (same(ev.startsAt, booking.startsAt)) {
    // A late write that agrees with the booking does no harm: in step, its changeKey recorded as ours.
    if (unconfirmed && same(ev.endsAt, booking.endsAt)) return { action: 'none', why: 'own-late-write' };
    return { action: 'none', why: ours ? 'in-step' : 'other-edit' };
  }
  if (ours) return { action: 'none', why: 'own-write' };
  if (same(ev.startsAt, booking.writtenStart)) return { action: 'none', why: 'own-write' };
  // Checked before the conflict and move rules: a stale write of ours is neither.
  if (unconfirmed) return { action: 'late-echo', at: ev.startsAt };
  // Housing moved the booking since our last write to the event (its push not done yet). A pending
  // push that does not change the time (notes, location) is no conflict: the owner's move applies.
  const housingMoved = booking.writtenStart !== null && !same(booking.writtenStart, booking.startsAt);
  if (housingMoved) return { action: 'conflict', outlookStart: ev.startsAt };
  // The booking's times are its slot's: a start inside them names the slot it already has.
  if (ev.startsAt.getTime() > booking.startsAt.getTime() && ev.startsAt.getTime() < booking.endsAt.getTime()) return { action: 'restore', why: 'within-own-slot', at: ev.startsAt };
  return { action: 'move', to: ev.startsAt };
}
