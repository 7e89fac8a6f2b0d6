import { describe, expect, it } from 'vitest';
import { decideOutlookChange, type BookingState, type EventState } from './decide.ts';
import { idealWindow, windowRollReason } from './window.ts';

const at = (hhmm: string, day = '2026-12-01') => new Date(`${day}T${hhmm}:00Z`);
const MARK = 'booking:4376';

const booking = (p: Partial<BookingState> = {}): BookingState => ({
  ref: 4376,
  status: 'BOOKED',
  startsAt: at('10:00'),
  endsAt: at('11:00'),
  writtenChangeKey: 'ck-ours',
  writtenStart: at('10:00'),
  handledChangeKey: null,
  ...p,
});

const event = (p: Partial<EventState> = {}): EventState => ({
  id: 'AAMk-1',
  changeKey: 'ck-ours',
  startsAt: at('10:00'),
  endsAt: at('11:00'),
  isAllDay: false,
  isCancelled: false,
  type: 'singleInstance',
  ...p,
});

const present = (p: Partial<EventState> = {}) => ({ kind: 'present' as const, event: event(p) });

describe('deciding what the calendar owner did', () => {
  it('treats our own write read back as nothing', () => {
    expect(decideOutlookChange(booking(), present(), MARK)).toEqual({ action: 'none', why: 'in-step' });
  });

  it('treats a subject, location or show-as edit as nothing for the booking', () => {
    expect(decideOutlookChange(booking(), present({ changeKey: 'ck-user' }), MARK)).toEqual({ action: 'none', why: 'other-edit' });
    expect(decideOutlookChange(booking(), present({ changeKey: 'ck-user', endsAt: at('12:00') }), MARK)).toEqual({ action: 'none', why: 'other-edit' });
  });

  it('cancels when the event is gone (GET 404)', () => {
    expect(decideOutlookChange(booking(), { kind: 'gone' }, MARK)).toEqual({ action: 'cancel', why: 'deleted' });
  });

  it('cancels when the organiser cancelled the event', () => {
    expect(decideOutlookChange(booking(), present({ changeKey: 'x', isCancelled: true }), MARK)).toEqual({ action: 'cancel', why: 'cancelled-by-organiser' });
  });

  it('moves when the owner moved the event and housing did not change the booking', () => {
    expect(decideOutlookChange(booking(), present({ changeKey: 'ck-user', startsAt: at('14:00'), endsAt: at('15:00') }), MARK)).toEqual({ action: 'move', to: at('14:00') });
  });

  it('restores an event moved within its own slot: not a move, no refusal', () => {
    // 10:00 → 10:15 in the 10:00–11:00 slot, and → 10:59: the slot the booking already has.
    expect(decideOutlookChange(booking(), present({ changeKey: 'ck-user', startsAt: at('10:15'), endsAt: at('11:15') }), MARK)).toEqual({ action: 'restore', why: 'within-own-slot', at: at('10:15') });
    expect(decideOutlookChange(booking(), present({ changeKey: 'ck-user', startsAt: at('10:59'), endsAt: at('11:59') }), MARK)).toMatchObject({ action: 'restore' });
    // The slot's end is the next slot's start: a move.
    expect(decideOutlookChange(booking(), present({ changeKey: 'ck-user', startsAt: at('11:00'), endsAt: at('12:00') }), MARK)).toEqual({ action: 'move', to: at('11:00') });
    // Earlier than the slot: a move (the diary rules decide whether it is allowed).
    expect(decideOutlookChange(booking(), present({ changeKey: 'ck-user', startsAt: at('09:45') }), MARK)).toEqual({ action: 'move', to: at('09:45') });
  });

  it('moves an event moved out of the window (found by GET after @removed)', () => {
    const later = at('10:00', '2027-09-01');
    expect(decideOutlookChange(booking(), present({ changeKey: 'ck-user', startsAt: later }), MARK)).toEqual({ action: 'move', to: later });
  });

  it('does nothing for the old time we wrote while housing’s newer move waits to be pushed', () => {
    const b = booking({ startsAt: at('15:00'), endsAt: at('16:00') });
    expect(decideOutlookChange(b, present({ changeKey: 'ck-other-edit' }), MARK)).toEqual({ action: 'none', why: 'own-write' });
  });

  it('reports a conflict when both sides moved: housing wins', () => {
    const b = booking({ startsAt: at('15:00'), endsAt: at('16:00') });
    expect(decideOutlookChange(b, present({ changeKey: 'ck-user', startsAt: at('12:00') }), MARK)).toEqual({ action: 'conflict', outlookStart: at('12:00') });
    // A housing change that did not move the booking is no conflict: the owner's move applies.
    expect(decideOutlookChange(booking(), present({ changeKey: 'ck-user', startsAt: at('12:00') }), MARK)).toEqual({ action: 'move', to: at('12:00') });
  });

  it('refuses a recurring series or an occurrence made from our event', () => {
    expect(decideOutlookChange(booking(), present({ changeKey: 'ck-user', type: 'seriesMaster' }), MARK)).toEqual({ action: 'refuse', rule: 'recurring' });
    expect(decideOutlookChange(booking(), present({ changeKey: 'ck-user', type: 'occurrence' }), MARK)).toEqual({ action: 'refuse', rule: 'recurring' });
  });

  it('refuses an all-day event', () => {
    const d = decideOutlookChange(booking(), present({ changeKey: 'ck-user', isAllDay: true, startsAt: at('00:00'), endsAt: at('00:00', '2026-12-02') }), MARK);
    expect(d).toEqual({ action: 'refuse', rule: 'all_day' });
  });

  it('answers a change only once', () => {
    const b = booking({ handledChangeKey: 'ck-user' });
    expect(decideOutlookChange(b, present({ changeKey: 'ck-user', type: 'seriesMaster' }), MARK)).toEqual({ action: 'none', why: 'already-handled' });
  });

  it('ignores an event whose marker names another booking', () => {
    expect(decideOutlookChange(booking(), present({ changeKey: 'x', startsAt: at('14:00'), marker: 'booking:1' }), MARK)).toEqual({ action: 'none', why: 'not-ours' });
  });

  it('knows a late write of ours (sent, no answer, carried out after a newer one) and keeps the booking', () => {
    // Housing moved 10:00 → 11:00 (that PATCH timed out), then → 14:00 (pushed, recorded); Graph then
    // carried out the 11:00 PATCH: 11:00 under a changeKey we never saw.
    const b = booking({ startsAt: at('14:00'), endsAt: at('15:00'), writtenChangeKey: 'ck-14', writtenStart: at('14:00'), unconfirmed: [{ start: at('11:00'), end: at('12:00') }] });
    expect(decideOutlookChange(b, present({ changeKey: 'ck-late', startsAt: at('11:00'), endsAt: at('12:00') }), MARK)).toEqual({ action: 'late-echo', at: at('11:00') });
    // Not a conflict either while housing's newer move still waits to be pushed.
    const pending = { ...b, writtenChangeKey: 'ck-10', writtenStart: at('10:00') };
    expect(decideOutlookChange(pending, present({ changeKey: 'ck-late', startsAt: at('11:00'), endsAt: at('12:00') }), MARK)).toEqual({ action: 'late-echo', at: at('11:00') });
    // Answered once: the same changeKey read again is nothing.
    expect(decideOutlookChange({ ...b, handledChangeKey: 'ck-late' }, present({ changeKey: 'ck-late', startsAt: at('11:00'), endsAt: at('12:00') }), MARK)).toEqual({ action: 'none', why: 'already-handled' });
    // Other times (or another end) are the owner's: moved as before.
    expect(decideOutlookChange(b, present({ changeKey: 'ck-user', startsAt: at('16:00'), endsAt: at('17:00') }), MARK)).toEqual({ action: 'move', to: at('16:00') });
    expect(decideOutlookChange(b, present({ changeKey: 'ck-user', startsAt: at('11:00'), endsAt: at('11:30') }), MARK)).toEqual({ action: 'move', to: at('11:00') });
    // Without the record of the unanswered write it reads as the owner's move (the bug R4 found).
    expect(decideOutlookChange({ ...b, unconfirmed: [] }, present({ changeKey: 'ck-late', startsAt: at('11:00'), endsAt: at('12:00') }), MARK)).toEqual({ action: 'move', to: at('11:00') });
  });

  it('takes a late write of ours that agrees with the booking as in step', () => {
    const b = booking({ startsAt: at('11:00'), endsAt: at('12:00'), writtenChangeKey: 'ck-11', writtenStart: at('11:00'), unconfirmed: [{ start: at('11:00'), end: at('12:00') }] });
    expect(decideOutlookChange(b, present({ changeKey: 'ck-late', startsAt: at('11:00'), endsAt: at('12:00') }), MARK)).toEqual({ action: 'none', why: 'own-late-write' });
    expect(decideOutlookChange(b, present({ changeKey: 'ck-11', startsAt: at('11:00'), endsAt: at('12:00') }), MARK)).toEqual({ action: 'none', why: 'in-step' });
  });

  it('never changes a cancelled or completed booking', () => {
    expect(decideOutlookChange(booking({ status: 'CAN' }), { kind: 'gone' }, MARK)).toEqual({ action: 'none', why: 'booking-final' });
    expect(decideOutlookChange(booking({ status: 'COMPLETED' }), present({ changeKey: 'x', startsAt: at('14:00') }), MARK)).toEqual({ action: 'none', why: 'booking-final' });
  });
});

describe('the calendarView window', () => {
  const now = new Date('2026-11-25T11:30:00Z');
  it('starts the day before and reaches past the last slot', () => {
    const w = idealWindow(now, new Date('2027-06-01T17:00:00Z'));
    expect(w.start.toISOString()).toBe('2026-11-24T00:00:00.000Z');
    expect(w.end.toISOString()).toBe('2027-06-16T00:00:00.000Z');
    expect(idealWindow(now, null).end.toISOString()).toBe('2027-02-08T00:00:00.000Z');
  });

  it('rolls over when the start is a week old or slots go beyond the end', () => {
    const w = idealWindow(now, null);
    expect(windowRollReason(w, now, null)).toBeUndefined();
    expect(windowRollReason(w, new Date('2026-12-03T00:00:00Z'), null)).toMatch(/week old/);
    expect(windowRollReason(w, now, new Date('2027-03-01T00:00:00Z'))).toMatch(/beyond the window/);
  });
});
