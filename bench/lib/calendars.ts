/**
 * The calendar benches' shared set-up (bench/calendar-poll.ts, bench/p4-workers.ts): both calendar
 * flows switched on, the Outlook move/cancel reasons, and N diaries mapped to N officers' calendars
 * with one booking each at 09:00 the day after tomorrow, pushed to Outlook (so each calendar holds one
 * event of ours). The world must have been opened with `calendarOwners(n)` as its extra users.
 */
import { DateTime } from 'luxon';
import type { BenchWorld } from './world.ts';
import { demoDomain, demoMailboxes } from '../../src/adapters/graph/demo-tenant.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { addProductArea } from '../../src/app/appointments/product-areas.ts';
import { addReason } from '../../src/app/appointments/reasons.ts';
import { addPattern, createDiary, generateDiarySlots } from '../../src/app/appointments/diaries.ts';
import { bookAppointment } from '../../src/app/appointments/book-appointment.ts';
import { drainCalendarOutbox } from '../../src/app/appointments/calendar-push.ts';

/** The calendar owners' addresses: officer0001@ … */
export const calendarOwners = (n: number): string[] => Array.from({ length: n }, (_, i) => `officer${String(i + 1).padStart(4, '0')}@${demoDomain}`);

export interface CalendarSetup {
  owners: string[];
  /** Booking references, one per owner, in the same order. */
  refs: number[];
  /** A time (HH:mm, Europe/London) on the bookings' day. */
  at(hhmm: string): Date;
}

export async function setUpCalendars(w: BenchWorld, n: number): Promise<CalendarSetup> {
  const { ctx, actor } = w;
  await addProductArea(ctx, actor, { code: 'HOUSING', name: 'Housing' });
  await addReason(ctx, actor, { code: 'OLMOVE', description: 'Moved in Outlook', kind: 'move', productAreas: ['HOUSING'] });
  await addReason(ctx, actor, { code: 'OLCAN', description: 'Cancelled in Outlook', kind: 'cancel', productAreas: ['HOUSING'] });
  for (const [k, v] of [
    ['INBOX_SERVER', demoDomain],
    ['OUTLOOK365', 'Y'],
    ['APPTOUT_OUTLOOK365', 'Y'],
    ['OUTLOOK365_TIMEZONE', 'GMT Standard Time'],
    ['EMO_EMAILADDR', demoMailboxes.noreply],
    ['CALI_POLL', '1'],
    ['APPT_OUTLOOK365_CANCEL_RSN', 'OLCAN'],
    ['APPT_OUTLOOK365_MOVE_RSN', 'OLMOVE'],
    ['OUTLOOK365_MOVE_VIOL_EMAIL', 'Please review the following issue for the attempted move of the following appointment in your outlook calendar:'],
    ['APPTIN_OUTLOOK365', 'Y'],
  ]) {
    await setParameter(ctx, actor, k, v);
  }
  const day = DateTime.now().setZone('Europe/London').plus({ days: 2 }).toISODate()!;
  const at = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: 'Europe/London' }).toJSDate();
  const owners = calendarOwners(n);
  process.stderr.write(`setting up ${n} diaries and bookings …\n`);
  const refs: number[] = [];
  for (const [i, cal] of owners.entries()) {
    const code = `D${i + 1}`;
    await createDiary(ctx, actor, { code, name: `Diary ${i + 1}`, productAreaCode: 'HOUSING', externalCalendar: 'OUTLOOK365', calendarAddress: cal });
    await addPattern(ctx, actor, code, { weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '09:00', endTime: '13:00', slotMinutes: 60, units: 1, validFrom: day });
    await generateDiarySlots(ctx, actor, code, { from: day, days: 1 });
    refs.push((await bookAppointment(ctx, actor, { diaryCode: code, start: at('09:00'), who: `Tenant ${i}` })).ref);
  }
  process.stderr.write('pushing …\n');
  for (let r = 0; r < 3; r++) await drainCalendarOutbox(ctx, { gateway: w.gateway.calendar, concurrency: 32, batch: 200 });
  return { owners, refs, at };
}
