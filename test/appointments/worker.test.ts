// The calendar push as it runs in `housing365 start`: pg-boss started on the test database, the job
// module registered, a booking made — the wake-up after commit gets it to Outlook without anyone
// calling the worker by hand.
import PgBoss from 'pg-boss';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPushWorld, demoMailboxes, type PushWorld } from './emulator.ts';
import { addProductArea } from '../../src/app/appointments/product-areas.ts';
import { addPattern, createDiary, generateDiarySlots } from '../../src/app/appointments/diaries.ts';
import { bookAppointment } from '../../src/app/appointments/book-appointment.ts';
import { getBooking } from '../../src/app/appointments/bookings.ts';
import { calendarPushJobs } from '../../src/transport/jobs/calendar-push.ts';

let w: PushWorld;
let boss: PgBoss;
const admin = { username: 'admin' };
const sam = demoMailboxes.officers[0];

beforeAll(async () => {
  w = await startPushWorld();
  boss = new PgBoss({ connectionString: w.t.databaseUrl, schema: 'pgboss', max: 3 });
  await boss.start();
  w.t.ctx.boss = boss;
  w.t.ctx.graph = w.gateway;
  await calendarPushJobs.register(boss, w.t.ctx);
  await addProductArea(w.t.ctx, admin, { code: 'RENTS', name: 'Rents' });
  await createDiary(w.t.ctx, admin, { code: 'RENTS', name: 'Rents Appointments', productAreaCode: 'RENTS', externalCalendar: 'OUTLOOK365', calendarAddress: sam });
  await addPattern(w.t.ctx, admin, 'RENTS', { weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '09:00', endTime: '10:00', slotMinutes: 60, units: 1, validFrom: DateTime.now().toISODate()! });
  await generateDiarySlots(w.t.ctx, admin, 'RENTS', { from: DateTime.now().setZone('Europe/London').plus({ days: 1 }).toISODate()!, days: 2 });
});
afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await w?.stop();
});

describe('calendar push worker under pg-boss', () => {
  it('pushes a new booking to Outlook on its own', async () => {
    const start = DateTime.now().setZone('Europe/London').plus({ days: 1 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 }).toJSDate();
    const b = await bookAppointment(w.t.ctx, { username: 'officer1' }, { diaryCode: 'RENTS', start, who: 'Tenant A' });
    let state = b.outlook.state;
    for (let i = 0; i < 150 && state !== 'synced'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      state = (await getBooking(w.t.ctx, { ref: b.ref })).outlook.state;
    }
    expect(state).toBe('synced');
    const events = w.events(sam).filter((e) => e.singleValueExtendedProperties.some((p) => p.value === `booking:${b.ref}`));
    expect(events).toHaveLength(1);
    expect(events[0].startMs).toBe(start.getTime());
  });
});
