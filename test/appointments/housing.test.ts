import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createTestContext, type TestContext } from '../helpers/db.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { addProductArea } from '../../src/app/appointments/product-areas.ts';
import { addReason, updateReason, outlookReasonProblems } from '../../src/app/appointments/reasons.ts';
import { addPattern, closeDay, createDiary, generateDiarySlots, updateDiary } from '../../src/app/appointments/diaries.ts';
import { bookAppointment } from '../../src/app/appointments/book-appointment.ts';
import { moveBooking } from '../../src/app/appointments/move-booking.ts';
import { cancelBooking, completeBooking } from '../../src/app/appointments/cancel-booking.ts';
import { diaryWeek, freeSlots, getBookingDetail } from '../../src/app/appointments/bookings.ts';
import { BookingRuleError } from '../../src/app/appointments/rule-error.ts';
import { AppError } from '../../src/errors.ts';
import { searchAudit } from '../../src/app/audit.ts';
import { OPERATOR_VIEWER } from '../../src/domain/tasks/visibility.ts';

let t: TestContext;
const admin = { username: 'admin' };
const officer = { username: 'officer1' };

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

/** The local date n days from today in London, as YYYY-MM-DD. */
const day = (n: number) => DateTime.now().setZone('Europe/London').plus({ days: n }).toISODate()!;
const at = (d: string, hhmm: string) => DateTime.fromISO(`${d}T${hhmm}`, { zone: 'Europe/London' }).toJSDate();

beforeAll(async () => {
  t = await createTestContext();
  await addProductArea(t.ctx, admin, { code: 'RENTS', name: 'Rents' });
  await addProductArea(t.ctx, admin, { code: 'ESTATES', name: 'Estates' });
  await addReason(t.ctx, admin, { code: 'TENREQ', description: 'Tenant asked', kind: 'move', productAreas: ['RENTS', 'ESTATES'] });
  await addReason(t.ctx, admin, { code: 'RENTONLY', description: 'Rents only', kind: 'move', productAreas: ['RENTS'] });
  await addReason(t.ctx, admin, { code: 'NOSHOW', description: 'Tenant cancelled', kind: 'cancel', productAreas: ['RENTS', 'ESTATES'] });
  await createDiary(t.ctx, admin, { code: 'RENTS1', name: 'Rents Appointments', productAreaCode: 'RENTS', owner: 'officer1' });
  // Every day, 09:00–12:00, hour slots, one unit: small enough to fill in a test.
  await addPattern(t.ctx, admin, 'RENTS1', { weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '09:00', endTime: '12:00', slotMinutes: 60, units: 1, validFrom: day(-7) });
  await generateDiarySlots(t.ctx, admin, 'RENTS1', { from: day(-2), days: 14 });
});
afterAll(async () => t?.cleanup());

describe('appointment reasons and the Outlook reason parameters', () => {
  it('refuses APPT_OUTLOOK365_MOVE_RSN naming a reason not linked to all product areas, in the guide’s words', async () => {
    const err = await refusal(setParameter(t.ctx, admin, 'APPT_OUTLOOK365_MOVE_RSN', 'RENTONLY'));
    expect(err.message).toMatch(/associated with all product areas/);
    expect(err.message).toMatch(/ESTATES/);
    expect((await setParameter(t.ctx, admin, 'APPT_OUTLOOK365_MOVE_RSN', 'TENREQ')).value).toBe('TENREQ');
  });

  it('refuses a cancel parameter naming a move reason', async () => {
    const err = await refusal(setParameter(t.ctx, admin, 'APPT_OUTLOOK365_CANCEL_RSN', 'TENREQ'));
    expect(err.message).toMatch(/must name a cancel reason/);
  });

  it('links a new product area to the Outlook reasons, so the rule keeps holding', async () => {
    await addProductArea(t.ctx, admin, { code: 'REPAIRS', name: 'Repairs' });
    expect(await outlookReasonProblems(t.ctx)).toEqual([]);
  });

  it('refuses to unlink the Outlook move reason from a product area', async () => {
    const err = await refusal(updateReason(t.ctx, admin, 'TENREQ', { productAreas: ['RENTS'] }));
    expect(err.message).toMatch(/associated with all product areas/);
  });
});

describe('appointment diaries', () => {
  it('requires a Calendar Address when External Calendar is Outlook 365', async () => {
    const err = await refusal(createDiary(t.ctx, admin, { code: 'EST1', name: 'Estate Appointments', productAreaCode: 'ESTATES', externalCalendar: 'OUTLOOK365' }));
    expect(err.fields[0].field).toBe('calendarAddress');
    expect(err.message).toMatch(/Enter the Calendar Address/);
  });

  it('validates the Calendar Address against INBOX_SERVER', async () => {
    const unset = await refusal(createDiary(t.ctx, admin, { code: 'EST1', name: 'Estates', productAreaCode: 'ESTATES', externalCalendar: 'OUTLOOK365', calendarAddress: 'pat@housingorganisation.co.uk' }));
    expect(unset.message).toMatch(/INBOX_SERVER/);
    await setParameter(t.ctx, admin, 'INBOX_SERVER', '@housingorganisation.co.uk');
    const wrong = await refusal(createDiary(t.ctx, admin, { code: 'EST1', name: 'Estates', productAreaCode: 'ESTATES', externalCalendar: 'OUTLOOK365', calendarAddress: 'pat@gmail.com' }));
    expect(wrong.message).toMatch(/domain for your organisation's Outlook 365 account in the system parameter INBOX_SERVER \(@housingorganisation\.co\.uk\)/);
  });

  it('lets two diaries share one calendar address', async () => {
    const a = await createDiary(t.ctx, admin, { code: 'EST1', name: 'Estate Appointments', productAreaCode: 'ESTATES', externalCalendar: 'OUTLOOK365', calendarAddress: 'Pat@HousingOrganisation.co.uk' });
    const b = await createDiary(t.ctx, admin, { code: 'RENTS2', name: 'Rents Appointments 2', productAreaCode: 'RENTS', externalCalendar: 'OUTLOOK365', calendarAddress: 'pat@housingorganisation.co.uk' });
    expect(a.calendarAddress).toBe('pat@housingorganisation.co.uk');
    expect(b.calendarAddress).toBe(a.calendarAddress);
    const off = await updateDiary(t.ctx, admin, 'RENTS2', { externalCalendar: 'NONE' });
    expect(off.diary.calendarAddress).toBeNull();
  });
});

describe('booking, moving and cancelling under the diary rules', () => {
  it('books a free slot and records the history', async () => {
    const b = await bookAppointment(t.ctx, officer, { diaryCode: 'RENTS1', start: at(day(2), '09:00'), who: 'Tenant A', location: '1 High St' });
    expect(b.status).toBe('BOOKED');
    expect(b.ref).toBeGreaterThan(1000);
    const { history } = await getBookingDetail(t.ctx, b.ref);
    expect(history.map((h) => [h.action, h.actor, h.source])).toEqual([['BOOKED', 'officer1', 'housing']]);
  });

  it('says no appointment slots exist for the diary at a time with no slot', async () => {
    const err = await refusal(bookAppointment(t.ctx, officer, { diaryCode: 'RENTS1', start: at(day(2), '13:00'), who: 'Tenant B' }));
    expect(err).toBeInstanceOf(BookingRuleError);
    expect((err as BookingRuleError).rule).toBe('no_slot');
    expect(err.message).toMatch(/^No appointment slots exist for diary RENTS1 at /);
  });

  it('says the appointment slot is in the past', async () => {
    const err = await refusal(bookAppointment(t.ctx, officer, { diaryCode: 'RENTS1', start: at(day(-1), '10:00'), who: 'Tenant B' }));
    expect((err as BookingRuleError).rule).toBe('slot_in_past');
    expect(err.message).toMatch(/^The appointment slot .* in diary RENTS1 is in the past/);
  });

  it('says no units are available in a full slot', async () => {
    const err = await refusal(bookAppointment(t.ctx, officer, { diaryCode: 'RENTS1', start: at(day(2), '09:00'), who: 'Tenant B' }));
    expect((err as BookingRuleError).rule).toBe('no_units');
    expect(err.message).toMatch(/^No units available in the appointment slot/);
  });

  it('gives the last unit to exactly one of two concurrent requests', async () => {
    const results = await Promise.allSettled(
      ['Tenant C', 'Tenant D'].map((who) => bookAppointment(t.ctx, officer, { diaryCode: 'RENTS1', start: at(day(3), '10:00'), who })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as BookingRuleError).rule).toBe('no_units');
    const week = await diaryWeek(t.ctx, 'RENTS1', day(3));
    const slot = week.days.flatMap((d) => d.slots).find((s) => s.startsAt.getTime() === at(day(3), '10:00').getTime())!;
    expect(slot.booked).toBe(1);
    expect(slot.bookings).toHaveLength(1);
  });

  it('moves a booking with a move reason, giving the old unit back', async () => {
    const b = await bookAppointment(t.ctx, officer, { diaryCode: 'RENTS1', start: at(day(4), '09:00'), who: 'Tenant E' });
    const moved = await moveBooking(t.ctx, officer, b.ref, { start: at(day(4), '11:00') }, 'TENREQ', 'housing');
    expect(moved.status).toBe('MOVED');
    expect(moved.startsAt.getTime()).toBe(at(day(4), '11:00').getTime());
    expect((await freeSlots(t.ctx, 'RENTS1')).some((s) => s.startsAt.getTime() === at(day(4), '09:00').getTime())).toBe(true);
    const { history } = await getBookingDetail(t.ctx, b.ref);
    expect(history.at(-1)).toMatchObject({ action: 'MOVED', reasonCode: 'TENREQ', fromStatus: 'BOOKED', toStatus: 'MOVED' });
    // The same change in the audit trail, with who made it and before → after.
    const [audit] = await searchAudit(t.ctx, OPERATOR_VIEWER, { entityType: 'booking', entityId: String(b.ref) });
    expect(audit).toMatchObject({ actor: officer.username, action: 'booking.moved', before: { status: 'BOOKED' }, after: { status: 'MOVED', reason: 'TENREQ' } });
  });

  it('moves to the slot containing an odd time when asked to', async () => {
    const b = await bookAppointment(t.ctx, officer, { diaryCode: 'RENTS1', start: at(day(5), '09:00'), who: 'Tenant F' });
    const moved = await moveBooking(t.ctx, officer, b.ref, { start: at(day(5), '10:20'), match: 'containing' }, 'TENREQ', 'outlook', { note: 'moved in Outlook' });
    expect(moved.startsAt.getTime()).toBe(at(day(5), '10:00').getTime());
    const exact = await refusal(moveBooking(t.ctx, officer, b.ref, { start: at(day(5), '11:20') }, 'TENREQ', 'housing'));
    expect((exact as BookingRuleError).rule).toBe('no_slot');
  });

  it('refuses a move reason that is not linked to the diary’s product area, or of the wrong kind', async () => {
    const b = await bookAppointment(t.ctx, officer, { diaryCode: 'RENTS1', start: at(day(6), '09:00'), who: 'Tenant G' });
    const kind = await refusal(moveBooking(t.ctx, officer, b.ref, { start: at(day(6), '10:00') }, 'NOSHOW', 'housing'));
    expect(kind.message).toMatch(/NOSHOW is a cancel reason/);
    const none = await refusal(moveBooking(t.ctx, officer, b.ref, { start: at(day(6), '10:00') }, null, 'housing'));
    expect(none.message).toMatch(/Choose a reason/);
  });

  it('cancels with a reason, frees the unit, and refuses to move a cancelled or completed booking', async () => {
    const b = await bookAppointment(t.ctx, officer, { diaryCode: 'RENTS1', start: at(day(7), '09:00'), who: 'Tenant H' });
    const cancelled = await cancelBooking(t.ctx, officer, b.ref, 'NOSHOW', 'housing');
    expect(cancelled.status).toBe('CAN');
    expect(cancelled.reasonCode).toBe('NOSHOW');
    const err = await refusal(moveBooking(t.ctx, officer, b.ref, { start: at(day(7), '10:00') }, 'TENREQ', 'housing'));
    expect((err as BookingRuleError).rule).toBe('booking_final');
    expect(err.message).toBe(`Appointment ${b.ref} is cancelled and cannot be moved; book a new appointment instead`);
    // The freed unit can be booked again.
    await bookAppointment(t.ctx, officer, { diaryCode: 'RENTS1', start: at(day(7), '09:00'), who: 'Tenant I' });
    const c = await bookAppointment(t.ctx, officer, { diaryCode: 'RENTS1', start: at(day(8), '09:00'), who: 'Tenant J' });
    await completeBooking(t.ctx, officer, c.ref);
    const done = await refusal(moveBooking(t.ctx, officer, c.ref, { start: at(day(8), '10:00') }, 'TENREQ', 'housing'));
    expect(done.message).toMatch(/is completed and cannot be moved/);
  });

  it('refuses a stale change when the caller says which version it saw', async () => {
    const b = await bookAppointment(t.ctx, officer, { diaryCode: 'RENTS1', start: at(day(9), '09:00'), who: 'Tenant K' });
    await moveBooking(t.ctx, officer, b.ref, { start: at(day(9), '10:00') }, 'TENREQ', 'housing');
    const err = await refusal(cancelBooking(t.ctx, officer, b.ref, 'NOSHOW', 'housing', { expectedVersion: b.version }));
    expect(err.code).toBe('conflict');
  });

  it('closes a day: free slots go, booked ones stay', async () => {
    const r = await closeDay(t.ctx, admin, 'RENTS1', { day: day(2), reason: 'Bank holiday' });
    expect(r).toEqual({ removed: 2, keptWithBookings: 1 });
    const again = await generateDiarySlots(t.ctx, admin, 'RENTS1', { from: day(2), days: 1 });
    expect(again.added).toBe(0);
  });
});
