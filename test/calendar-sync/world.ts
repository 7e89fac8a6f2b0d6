// The inbound calendar test world: the emulator with the demo tenant, housing365 with a licence and
// every parameter §2.4 needs, diaries mapped to Outlook calendars, and helpers to push, to act as the
// calendar owner through the emulator's admin API, and to poll.
import { DateTime } from 'luxon';
import { startPushWorld, demoMailboxes, type PushWorld } from '../appointments/emulator.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { addProductArea } from '../../src/app/appointments/product-areas.ts';
import { addReason } from '../../src/app/appointments/reasons.ts';
import { addPattern, createDiary, generateDiarySlots } from '../../src/app/appointments/diaries.ts';
import { drainCalendarOutbox } from '../../src/app/appointments/calendar-push.ts';
import { pollCalendars, type PollOptions } from '../../src/app/calendar-sync/poll-calendars.ts';
import { bookingMarker } from '../../src/domain/appointments/event.ts';

export { demoMailboxes };
export const ADMIN = { username: 'admin' };
export const VIOLATION_TEXT = 'Please review the following issue for the attempted move of the following appointment in your outlook calendar:';

export const london = (d: string, hhmm: string) => DateTime.fromISO(`${d}T${hhmm}`, { zone: 'Europe/London' }).toJSDate();
export const day = (n: number) => DateTime.now().setZone('Europe/London').plus({ days: n }).toISODate()!;

export interface InboundWorld extends PushWorld {
  /** Pushes every queued booking change to Outlook (the APPTOUT worker, run to idle). */
  push(): Promise<void>;
  poll(opts?: PollOptions): ReturnType<typeof pollCalendars>;
  /** The booking's event as the emulator stores it. */
  eventOf(mailbox: string, ref: number): { id: string; startMs: number; endMs: number; isAllDay?: boolean; changeKey: string } | undefined;
  /** Acts as the calendar owner (emulator admin API); throws unless 2xx. */
  owner(method: string, path: string, body?: unknown): Promise<any>;
}

export async function startInboundWorld(): Promise<InboundWorld> {
  const w = await startPushWorld();
  const ctx = w.t.ctx;
  ctx.graph = w.gateway;
  await addProductArea(ctx, ADMIN, { code: 'RENTS', name: 'Rents' });
  await addProductArea(ctx, ADMIN, { code: 'ESTATES', name: 'Estates' });
  await addReason(ctx, ADMIN, { code: 'OLMOVE', description: 'Moved in Outlook', kind: 'move', productAreas: ['RENTS', 'ESTATES'] });
  await addReason(ctx, ADMIN, { code: 'OLCAN', description: 'Cancelled in Outlook', kind: 'cancel', productAreas: ['RENTS', 'ESTATES'] });
  for (const [name, value] of [
    ['EMO_EMAILADDR', demoMailboxes.noreply],
    ['CALI_POLL', '1'],
    ['APPT_OUTLOOK365_CANCEL_RSN', 'OLCAN'],
    ['APPT_OUTLOOK365_MOVE_RSN', 'OLMOVE'],
    ['OUTLOOK365_MOVE_VIOL_EMAIL', VIOLATION_TEXT],
    ['APPTIN_OUTLOOK365', 'Y'],
    // The violation email goes out through the email outbox (guide §2.1 flow).
    ['EMAILOUT_OUTLOOK365', 'Y'],
  ] as const) {
    await setParameter(ctx, ADMIN, name, value);
  }
  const sam = demoMailboxes.officers[0];
  const alex = demoMailboxes.officers[1];
  await createDiary(ctx, ADMIN, { code: 'RENTS', name: 'Rents Appointments', productAreaCode: 'RENTS', externalCalendar: 'OUTLOOK365', calendarAddress: sam });
  await createDiary(ctx, ADMIN, { code: 'ESTATES', name: 'Estate Appointments', productAreaCode: 'ESTATES', externalCalendar: 'OUTLOOK365', calendarAddress: alex });
  for (const diary of ['RENTS', 'ESTATES']) {
    // Slots every hour 08:00–18:00 (2 units), from two days ago (past slots) for three weeks, and a week at +40 days.
    await addPattern(ctx, ADMIN, diary, { weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '08:00', endTime: '18:00', slotMinutes: 60, units: 2, validFrom: day(-3) });
    await generateDiarySlots(ctx, ADMIN, diary, { from: day(-2), days: 21 });
    await generateDiarySlots(ctx, ADMIN, diary, { from: day(40), days: 7 });
  }
  const world: InboundWorld = {
    ...w,
    async push() {
      for (let i = 0; i < 3; i++) await drainCalendarOutbox(ctx, { gateway: w.gateway.calendar });
    },
    poll: (opts = {}) => pollCalendars(ctx, { gateway: w.gateway.calendar, force: true, ...opts }),
    eventOf(mailbox, ref) {
      return w.events(mailbox).find((e) => e.singleValueExtendedProperties.some((p) => p.value === bookingMarker(ref))) as any;
    },
    async owner(method, path, body) {
      const res = await w.admin(method, path, body);
      if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
  };
  return world;
}
